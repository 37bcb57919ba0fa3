"""Progress: session logs turned into facts, the progression rulebook, and the next session.

For each exercise logged in the last `ACTIVE_DAYS` days (counted back from the latest session),
its history becomes a fact base (`progress.*`, see vocabulary.py) and the progression rulebook
(`rules/progression/*.yaml`) runs over it with the same engine as the prescription. Consecutive
intense back sessions are checked the same way, one evaluation per pair. The conclusions are then
composed in plain Python, never from firing order:

- the most conservative action wins (regress > deload > review > hold > progress_exercise >
  increase_load > increase_reps); `fallback` recommendations stand only alone; `because` keeps
  every rule that recommended anything, the winners first, and `overruled` says which lost;
- when several rules agree on the action, the lightest resulting target wins;
- load steps are rounded to the available increments (`load_increment_kg` of the latest log entry,
  else the client's, else by equipment: barbell, trap bar, cable 2.5 kg; dumbbells 1 kg;
  kettlebells 4 kg): the mildest change inside the rule's range; if the grid has no load inside
  it, an increase takes one increment when that is at most +10% (ACSM 2009: 2-10%) and otherwise
  becomes one more rep; a decrease takes the next increment below;
- progression is by load, reps or complexity, never by adding sets: a recommendation with more
  sets than the current target is a bug, and `SafetyError` withholds the report.

Measures (design choices, documented in docs/progress.md): working sets are the sets at the
session's top load (lighter warm-ups are ignored); the target is the latest log entry's
`target_reps`, else the latest assessment's prescription, else the catalogue dose; effort is the
hardest working set (RIR as RPE = 10 - RIR); performance is what was lifted, an estimated 1RM
from load and reps (Epley), or reps without load; a trend compares the first and last of the
last three sessions (effort: 1 RPE point; performance: 2.5%).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field

from . import rulebook as rulebook_mod
from .catalogue import Catalogue, Exercise, rep_bounds
from .engine import DurableEngine, Evaluator, Inference
from .errors import EngineError, InputError, Problem, SafetyError
from .logbook import ExerciseLog, SessionLog, SetLog
from .prescription import Out, RuleInfo
from .rulebook import Flag, Recommend, Rulebook, dump_conclusion
from .store import Store
from .vocabulary import (
    FACTS,
    Equipment,
    FactValue,
    FlagCode,
    Indicator,
    Pattern,
    ProgressAction,
    Trend,
)

ACTIVE_DAYS = 28
TREND_WINDOW = 3
EFFORT_TREND_RPE = 1
PERFORMANCE_TREND_PCT = 2.5
MAX_STEP_PCT = 10.0  # ACSM 2009: add 2-10% load
# A loaded hinge or pull harder than the light-day cap (RPE 6, rules/schedule.yaml) is intense
# work; a set with no effort recorded counts as intense (the safe reading).
INTENSE_PATTERNS = frozenset({Pattern.hinge, Pattern.vertical_pull, Pattern.horizontal_pull})
INTENSE_MIN_RPE = 7
DEFAULT_INCREMENT_KG = 2.5
INCREMENT_BY_EQUIPMENT: dict[Equipment, float] = {
    Equipment.barbell: 2.5,
    Equipment.trap_bar: 2.5,
    Equipment.cable_station: 2.5,
    Equipment.dumbbells: 1.0,
    Equipment.kettlebell: 4.0,
}
CONSERVATIVE_FIRST: tuple[ProgressAction, ...] = tuple(ProgressAction)
EXERCISE_FACTS = (
    "progress.pattern",
    "progress.load_tracked",
    "progress.has_progression",
    "progress.sessions",
    "progress.last.reps_over",
    "progress.last.missed_reps",
    "progress.flat_sessions",
)
_EPS = 1e-9

# --- the report -----------------------------------------------------------------------------


class Target(Out):
    """The next session's dose for one exercise (possibly another exercise)."""

    exercise: str
    name: str
    load_kg: float | None
    reps: str
    sets: int


class Overruled(Out):
    action: ProgressAction
    because: list[str]


class Recommendation(Out):
    exercise: str
    name: str
    action: ProgressAction
    target: Target
    because: list[str]
    overruled: list[Overruled]
    reason: str
    notes: list[str]


class ProgressFlag(Out):
    code: FlagCode
    indicator: Indicator
    message: str
    exercise: str | None
    detail: str | None
    because: list[str]


class Point(Out):
    """One exercise in one session, as measured."""

    date: dt.date
    time: dt.time | None
    top_load_kg: float | None
    last_set_reps: int
    best_reps: int
    sets: int
    effort: int | None
    form: int | None
    pain_before: int | None
    pain_after: int | None
    performance: float


TargetSource = Literal["log", "assessment", "catalogue"]


class ExerciseProgress(Out):
    exercise: str
    name: str
    pattern: Pattern
    target_reps: str
    target_sets: int
    target_from: TargetSource
    load_increment_kg: float
    effort_trend: Trend | None
    performance_trend: Trend | None
    flat_sessions: int
    history: list[Point]
    facts: dict[str, FactValue]


class SessionSummary(Out):
    date: dt.date
    time: dt.time | None
    intense: bool
    effort: float | None = Field(description="mean RPE of the sets that recorded one")
    pain: int | None = Field(description="highest pain after any exercise")
    exercises: list[str]


class Gap(Out):
    """Two consecutive intense sessions and the hours between them."""

    first: str
    second: str
    hours: int


class TraceEntry(Out):
    scope: str
    rule: str
    matched: dict[str, FactValue]
    conclusions: list[dict[str, Any]]


class ClientRef(Out):
    id: int | None
    name: str
    born: dt.date | None


class AssessmentRef(Out):
    created_at: dt.datetime
    rulebook: str


class ProgressReport(Out):
    """Trends, flags and the next session, explained."""

    backexpert: str
    rulebook: str
    client: ClientRef
    as_of: dt.date | None
    assessment: AssessmentRef | None
    flags: list[ProgressFlag]
    recommendations: list[Recommendation]
    exercises: list[ExerciseProgress]
    sessions: list[SessionSummary]
    recovery: list[Gap]
    trace: list[TraceEntry]
    rules: list[RuleInfo]


# --- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Goal:
    reps: str
    sets: int
    source: TargetSource

    @property
    def low(self) -> int:
        return rep_bounds(self.reps)[0]

    @property
    def high(self) -> int:
        return rep_bounds(self.reps)[1]


@dataclass(frozen=True)
class _Measured:
    """One exercise in one session."""

    session: SessionLog
    entry: ExerciseLog
    goal: _Goal

    @property
    def top_load(self) -> float:
        return max(s.external_load for s in self.entry.sets)

    @property
    def working(self) -> list[SetLog]:
        top = self.top_load
        return [s for s in self.entry.sets if abs(s.external_load - top) < _EPS]

    @property
    def last_reps(self) -> int:
        return self.working[-1].reps

    @property
    def best_reps(self) -> int:
        return max(s.reps for s in self.working)

    @property
    def missed(self) -> bool:
        return any(s.reps < self.goal.low for s in self.working)

    @property
    def effort(self) -> int | None:
        efforts = [s.effort for s in self.working if s.effort is not None]
        return max(efforts) if efforts else None

    @property
    def performance(self) -> float:
        """What was lifted: estimated 1RM from load and reps (Epley), or reps without load.

        Effort is left out on purpose: the same load and reps at a higher RPE is a plateau
        (flat performance, rising effort), not falling performance.
        """

        def lifted(s: SetLog) -> float:
            return s.external_load * (1 + s.reps / 30) if s.external_load > 0 else float(s.reps)

        return round(max(lifted(s) for s in self.working), 2)

    def progressed_over(self, before: _Measured) -> bool:
        """More load, or the same load for more reps."""
        if self.top_load > before.top_load + _EPS:
            return True
        return abs(self.top_load - before.top_load) < _EPS and self.best_reps > before.best_reps

    def point(self) -> Point:
        e = self.entry
        return Point(
            date=self.session.date,
            time=self.session.time,
            top_load_kg=self.top_load or None,
            last_set_reps=self.last_reps,
            best_reps=self.best_reps,
            sets=len(self.working),
            effort=self.effort,
            form=e.form,
            pain_before=e.pain_before,
            pain_after=e.pain_after,
            performance=self.performance,
        )


def _trend(first: float | None, last: float | None, step: float, relative: bool) -> Trend | None:
    if first is None or last is None:
        return None
    change = (last - first) / first * 100 if relative and first > 0 else last - first
    if change >= step - _EPS:
        return Trend.rising
    if change <= -step + _EPS:
        return Trend.falling
    return Trend.flat


def _pain_rise(last: _Measured, previous: _Measured | None) -> int | None:
    after, before = last.entry.pain_after, last.entry.pain_before
    if after is not None and before is not None:
        return after - before
    if after is not None and previous is not None and previous.entry.pain_after is not None:
        return after - previous.entry.pain_after
    return None


def exercise_facts(history: Sequence[_Measured], exercise: Exercise) -> dict[str, FactValue]:
    """The progression fact base of one exercise from its history (oldest first)."""
    last = history[-1]
    previous = history[-2] if len(history) > 1 else None
    flat = 1
    for i in range(len(history) - 1, 0, -1):
        if history[i].progressed_over(history[i - 1]):
            break
        flat += 1
    window = history[-TREND_WINDOW:]
    facts: dict[str, FactValue] = {
        "progress.pattern": exercise.pattern.value,
        "progress.load_tracked": last.top_load > 0,
        "progress.has_progression": exercise.progression is not None,
        "progress.sessions": len(history),
        "progress.last.reps_over": _clamp(last.last_reps - last.goal.high, 100),
        "progress.last.missed_reps": last.missed,
        "progress.flat_sessions": flat,
    }
    if last.effort is not None:
        facts["progress.last.effort"] = last.effort
    if last.entry.form is not None:
        facts["progress.last.form"] = last.entry.form
    rise = _pain_rise(last, previous)
    if rise is not None:
        facts["progress.last.pain_rise"] = rise
    if previous is not None:
        facts["progress.previous.reps_over"] = _clamp(previous.last_reps - previous.goal.high, 100)
        facts["progress.previous.missed_reps"] = previous.missed
        if previous.effort is not None:
            facts["progress.previous.effort"] = previous.effort
    if len(window) > 1:
        effort = _trend(window[0].effort, window[-1].effort, EFFORT_TREND_RPE, relative=False)
        if effort is not None:
            facts["progress.effort_trend"] = effort.value
        perf = _trend(
            window[0].performance, window[-1].performance, PERFORMANCE_TREND_PCT, relative=True
        )
        if perf is not None:
            facts["progress.performance_trend"] = perf.value
    _check_facts(facts, EXERCISE_FACTS, exercise.id)
    return dict(sorted(facts.items()))


def _clamp(v: int, bound: int) -> int:
    return max(-bound, min(bound, v))


def _check_facts(facts: Mapping[str, FactValue], required: Iterable[str], scope: str) -> None:
    """Each scope supplies its own facts, inside their domains (a programming error otherwise)."""
    missing = [n for n in required if n not in facts]
    if missing:
        raise EngineError(f"{scope}: progression facts missing: {', '.join(missing)}")
    for name, value in facts.items():
        spec = FACTS[name]
        out_of_range = spec.kind == "int" and not spec.low <= int(value) <= spec.high
        if not spec.admits(value) or out_of_range:
            raise EngineError(f"{scope}: fact {name}={value!r} is outside its domain")


# --- intense sessions and recovery ---------------------------------------------------------


def is_intense(session: SessionLog, cat: Catalogue) -> bool:
    """Loaded hinge or pull work above the light-day effort (or with no effort recorded)."""
    for e in session.exercises:
        ex = cat[e.exercise]
        if not (ex.loaded and ex.pattern in INTENSE_PATTERNS):
            continue
        efforts = [s.effort for s in e.sets]
        if any(x is None or x >= INTENSE_MIN_RPE for x in efforts):
            return True
    return False


def gap_hours(before: SessionLog, after: SessionLog) -> int:
    """Whole hours between two sessions; without both times, 24 h per calendar day."""
    if before.time is not None and after.time is not None:
        a = dt.datetime.combine(before.date, before.time)
        b = dt.datetime.combine(after.date, after.time)
        return math.floor((b - a).total_seconds() / 3600)
    return (after.date - before.date).days * 24


# --- load and reps arithmetic --------------------------------------------------------------


def increment_for(ex: Exercise, entry: ExerciseLog | None, client: float | None) -> float:
    """The smallest load step available: the log entry's, the client's, else by equipment."""
    if entry is not None and entry.load_increment_kg is not None:
        return entry.load_increment_kg
    if client is not None:
        return client
    for q in ex.equipment:
        if q in INCREMENT_BY_EQUIPMENT:
            return INCREMENT_BY_EQUIPMENT[q]
    return DEFAULT_INCREMENT_KG


def _grid(x: float, inc: float) -> float:
    return round(round(x / inc) * inc, 2)


def step_up(base: float, rec: Recommend, inc: float) -> tuple[float | None, str | None]:
    """The mildest load increase the rule allows on the grid; None: no step within +10%."""
    if rec.load_step_pct_min is not None and rec.load_step_pct_max is not None:
        lo = base * (1 + rec.load_step_pct_min / 100)
        hi = base * (1 + rec.load_step_pct_max / 100)
        cand = _grid(math.ceil(lo / inc - _EPS) * inc, inc)
        if cand <= hi + _EPS:
            return cand, None
        steps = 1
        note = f"no {inc:g} kg step lands in +{rec.load_step_pct_min:g}-{rec.load_step_pct_max:g}%"
    else:
        steps = rec.load_steps or 1
        note = None
    cand = _grid((math.floor(base / inc + _EPS) + steps) * inc, inc)
    if cand > base * (1 + MAX_STEP_PCT / 100) + _EPS:
        return None, (
            f"the next available load, {cand:g} kg, is more than {MAX_STEP_PCT:g}% heavier"
        )
    if note is not None:
        note += f": the nearest step up is {cand:g} kg (+{(cand / base - 1) * 100:.1f}%)"
    return cand, note


def step_down(base: float, rec: Recommend, inc: float) -> tuple[float | None, str | None]:
    """The mildest load decrease the rule asks for, on the grid (None: no load left)."""
    if rec.load_step_pct_min is not None and rec.load_step_pct_max is not None:
        lo = base * (1 + rec.load_step_pct_min / 100)
        hi = base * (1 + rec.load_step_pct_max / 100)
        cand = _grid(math.floor(hi / inc + _EPS) * inc, inc)
        note = None
        if cand < lo - _EPS:
            note = (
                f"no {inc:g} kg step lands in {rec.load_step_pct_min:g} to "
                f"{rec.load_step_pct_max:g}%: {cand:g} kg is the nearest below"
            )
    else:
        cand = _grid((math.ceil(base / inc - _EPS) + (rec.load_steps or -1)) * inc, inc)
        note = None
    if cand <= 0:
        return None, "no lighter load is available: unloaded"
    return cand, note


def shift_reps(reps: str, step: int) -> str:
    low, high = rep_bounds(reps)
    low, high = max(1, low + step), max(1, high + step)
    return str(low) if low == high else f"{low}-{high}"


# --- evaluation -----------------------------------------------------------------------------

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _engine_for(directory: str | None) -> DurableEngine:
    return DurableEngine(rulebook_mod.load_progression(directory))


def default_engine(rules_dir: str | None = None) -> DurableEngine:
    """The progression engine for a rule directory, compiled once per process."""
    with _lock:
        return _engine_for(rules_dir)


def prescribed_targets(prescription: Mapping[str, Any] | None) -> dict[str, tuple[str, int]]:
    """Exercise id -> (reps, sets) from a stored prescription: intense sessions first."""
    out: dict[str, tuple[str, int]] = {}
    if not prescription:
        return out
    sessions = sorted(
        prescription.get("sessions") or [], key=lambda s: s.get("intensity") != "intense"
    )
    items = [i for s in sessions for i in s.get("items") or []]
    for item in [*items, *(prescription.get("daily") or [])]:
        out.setdefault(str(item["exercise"]), (str(item["reps"]), int(item["sets"])))
    return out


@dataclass
class _Context:
    cat: Catalogue
    rulebook: Rulebook
    prescribed: dict[str, tuple[str, int]]
    client_increment: float | None

    def goal(self, ex: Exercise, entry: ExerciseLog | None) -> _Goal:
        reps, sets = self.prescribed.get(ex.id, (ex.dose.reps, ex.dose.sets))
        source: TargetSource = "assessment" if ex.id in self.prescribed else "catalogue"
        if entry is not None and entry.target_reps is not None:
            return _Goal(entry.target_reps, sets, "log")
        return _Goal(reps, sets, source)


@dataclass(frozen=True)
class Progress:
    """What the progression rules concluded for one client's history."""

    flags: list[ProgressFlag]
    recommendations: list[Recommendation]
    exercises: list[ExerciseProgress]
    sessions: list[SessionSummary]
    recovery: list[Gap]
    trace: list[TraceEntry]
    rules: list[RuleInfo]
    as_of: dt.date | None


def evaluate(
    sessions: Sequence[SessionLog],
    *,
    prescription: Mapping[str, Any] | None = None,
    client_increment_kg: float | None = None,
    evaluator: Evaluator | None = None,
) -> Progress:
    """Run the progression rulebook over a client's sessions (in training order)."""
    ev = evaluator if evaluator is not None else default_engine()
    ctx = _Context(
        ev.rulebook.catalogue, ev.rulebook, prescribed_targets(prescription), client_increment_kg
    )
    ordered = sorted(sessions, key=lambda s: (s.date, s.time or dt.time.min))
    unknown = sorted({e.exercise for s in ordered for e in s.exercises} - {e.id for e in ctx.cat})
    if unknown:  # logged against an older catalogue, or imported from elsewhere
        raise InputError(
            "session logs",
            [Problem(x, "not in the exercise catalogue: progress cannot use it") for x in unknown],
        )
    as_of = ordered[-1].date if ordered else None
    since = as_of - dt.timedelta(days=ACTIVE_DAYS) if as_of else None
    flags: list[ProgressFlag] = []
    recs: list[Recommendation] = []
    exercises: list[ExerciseProgress] = []
    trace: list[TraceEntry] = []
    fired: set[str] = set()

    by_exercise: dict[str, list[_Measured]] = {}
    for s in ordered:
        for e in s.exercises:
            ex = ctx.cat[e.exercise]
            by_exercise.setdefault(e.exercise, []).append(_Measured(s, e, ctx.goal(ex, e)))
    active = [x for x, h in by_exercise.items() if since is None or h[-1].session.date >= since]
    for ex_id in sorted(active, key=ctx.cat.rank):
        history = by_exercise[ex_id]
        ex = ctx.cat[ex_id]
        facts = exercise_facts(history, ex)
        inference = ev.evaluate(facts)
        trace += _trace(ex_id, inference)
        fired |= {f.rule for f in inference.firings}
        flags += _flags(inference, ex_id, None)
        rec = _recommend(ctx, ex, history, inference)
        if rec is not None:
            recs.append(rec)
        last = history[-1]
        exercises.append(
            ExerciseProgress(
                exercise=ex_id,
                name=ex.name,
                pattern=ex.pattern,
                target_reps=last.goal.reps,
                target_sets=last.goal.sets,
                target_from=last.goal.source,
                load_increment_kg=increment_for(ex, last.entry, ctx.client_increment),
                effort_trend=_opt_trend(facts.get("progress.effort_trend")),
                performance_trend=_opt_trend(facts.get("progress.performance_trend")),
                flat_sessions=int(facts["progress.flat_sessions"]),
                history=[m.point() for m in history],
                facts=facts,
            )
        )

    occasions = _occasions(ordered)
    intense = [s for s in occasions if is_intense(s, ctx.cat)]
    gaps: list[Gap] = []
    for before, after in itertools.pairwise(intense):
        if since is not None and after.date < since:
            continue
        hours = gap_hours(before, after)
        gaps.append(Gap(first=before.when(), second=after.when(), hours=hours))
        facts = {"progress.intense_gap_hours": min(hours, 100000)}
        _check_facts(facts, ("progress.intense_gap_hours",), "recovery")
        inference = ev.evaluate(facts)
        scope = f"recovery {before.when()} -> {after.when()}"
        trace += _trace(scope, inference)
        fired |= {f.rule for f in inference.firings}
        detail = f"{_day(before)} -> {_day(after)}: {hours} h"
        flags += _flags(inference, None, detail)

    _never_more_sets(recs, exercises)
    order = {r.id: i for i, r in enumerate(ctx.rulebook)}
    return Progress(
        flags=_sorted_flags(flags, order),
        recommendations=recs,
        exercises=exercises,
        sessions=[_summary(s, ctx.cat) for s in occasions],
        recovery=gaps,
        trace=trace,
        rules=[_rule_info(ctx.rulebook, r) for r in sorted(fired, key=order.__getitem__)],
        as_of=as_of,
    )


def _occasions(ordered: Sequence[SessionLog]) -> list[SessionLog]:
    """Logs of one training occasion merged: the same date and time, or a date without a time.

    The CLI logs one exercise per call, so one session may arrive as several logs; the recovery
    check and the session summaries count occasions, not logs.
    """
    out: list[SessionLog] = []
    for s in ordered:
        prev = out[-1] if out else None
        same = prev is not None and prev.date == s.date
        if (
            same
            and prev is not None
            and (prev.time is None or s.time is None or prev.time == s.time)
        ):
            merged = [*prev.exercises, *s.exercises]
            out[-1] = SessionLog.model_construct(
                date=s.date, time=prev.time or s.time, notes=prev.notes, exercises=merged
            )
        else:
            out.append(s)
    return out


def _opt_trend(v: FactValue | None) -> Trend | None:
    return None if v is None else Trend(str(v))


def _day(s: SessionLog) -> str:
    return f"{s.when()} ({s.date:%a})"


def _trace(scope: str, inference: Inference) -> list[TraceEntry]:
    return [
        TraceEntry(
            scope=scope,
            rule=f.rule,
            matched=dict(f.matched),
            conclusions=[dump_conclusion(c) for c in f.conclusions],
        )
        for f in inference.firings
    ]


def _flags(inference: Inference, exercise: str | None, detail: str | None) -> list[ProgressFlag]:
    return [
        ProgressFlag(
            code=c.code,
            indicator=c.indicator,
            message=" ".join(c.message.split()),
            exercise=exercise,
            detail=detail,
            because=[rule],
        )
        for rule, c in inference.conclusions()
        if isinstance(c, Flag)
    ]


def _sorted_flags(flags: list[ProgressFlag], order: Mapping[str, int]) -> list[ProgressFlag]:
    """One flag per code, exercise and detail (a rule firing on several clauses flags once)."""
    merged: dict[tuple[FlagCode, str, str], ProgressFlag] = {}
    for f in flags:
        key = (f.code, f.exercise or "", f.detail or "")
        seen = merged.get(key)
        because = [*(seen.because if seen else []), *f.because]
        merged[key] = f.model_copy(update={"because": sorted(set(because), key=order.__getitem__)})
    rank = {Indicator.critical: 0, Indicator.warning: 1, Indicator.info: 2}
    return sorted(
        merged.values(),
        key=lambda f: (rank[f.indicator], order[f.because[0]], f.exercise or "", f.detail or ""),
    )


def _rule_info(rb: Rulebook, rule_id: str) -> RuleInfo:
    r = rb[rule_id]
    return RuleInfo(id=r.id, area=r.area, file=r.file, rationale=r.rationale, source=r.source)


def _recommend(
    ctx: _Context, ex: Exercise, history: Sequence[_Measured], inference: Inference
) -> Recommendation | None:
    recs = [(rule, c) for rule, c in inference.conclusions() if isinstance(c, Recommend)]
    if not recs:
        return None
    standing = [(r, c) for r, c in recs if not c.fallback] or recs
    by_action: dict[ProgressAction, list[tuple[str, Recommend]]] = {}
    for r, c in standing:
        by_action.setdefault(c.action, []).append((r, c))
    actions = sorted(by_action, key=CONSERVATIVE_FIRST.index)
    chosen = actions[0]
    last = history[-1]
    options = [(_target(ctx, ex, last, c), r) for r, c in by_action[chosen]]
    (target, action, notes), rule = min(
        options, key=lambda o: (o[0][0].load_kg or 0.0, rep_bounds(o[0][0].reps), o[1])
    )
    overruled = [
        Overruled(action=a, because=sorted({r for r, _ in by_action[a]})) for a in actions[1:]
    ]
    winners = sorted({r for r, _ in by_action[chosen]})
    because = [*winners, *(r for o in overruled for r in o.because if r not in winners)]
    return Recommendation(
        exercise=ex.id,
        name=ex.name,
        action=action,
        target=target,
        because=list(dict.fromkeys(because)),
        overruled=overruled,
        reason=ctx.rulebook[rule].summary(),
        notes=notes,
    )


def _target(
    ctx: _Context, ex: Exercise, last: _Measured, rec: Recommend
) -> tuple[Target, ProgressAction, list[str]]:
    """The new dose the recommendation asks for, rounded to what the client can load."""
    goal = last.goal
    base = last.top_load or None
    inc = increment_for(ex, last.entry, ctx.client_increment)
    load, reps, sets, target_ex = base, goal.reps, goal.sets, ex
    action = rec.action
    notes: list[str] = []

    def to(other_id: str) -> None:
        nonlocal target_ex, reps, sets, load
        target_ex = ctx.cat[other_id]
        g = ctx.goal(target_ex, None)
        reps, sets, load = g.reps, min(goal.sets, g.sets), None
        notes.append(f"start {target_ex.name} light and find the load at RPE 7 or less")

    if action is ProgressAction.increase_load and base is not None:
        load, note = step_up(base, rec, inc)
        if load is None:
            action, load, reps = ProgressAction.increase_reps, base, shift_reps(goal.reps, 1)
        notes += [note] if note else []
    elif action is ProgressAction.increase_reps:
        reps = shift_reps(goal.reps, rec.reps_step or 1)
    elif action is ProgressAction.progress_exercise:
        if ex.progression is not None:
            to(ex.progression)
        else:
            action, reps = ProgressAction.increase_reps, shift_reps(goal.reps, 1)
            notes.append("no harder exercise in the catalogue: one more rep instead")
    elif action is ProgressAction.regress and ex.regression is not None:
        to(ex.regression)
    elif action in (ProgressAction.regress, ProgressAction.deload, ProgressAction.review):
        if action is ProgressAction.regress:
            notes.append("no easier exercise in the catalogue: lighter load instead")
        if base is not None and (rec.load_step_pct_min is not None or rec.load_steps):
            load, note = step_down(base, rec, inc)
            notes += [note] if note else []
        sets = max(1, goal.sets + (rec.sets_step or 0))
    target = Target(exercise=target_ex.id, name=target_ex.name, load_kg=load, reps=reps, sets=sets)
    return target, action, notes


def _never_more_sets(recs: Sequence[Recommendation], exercises: Sequence[ExerciseProgress]) -> None:
    """Progression is by load, reps or complexity, never by adding sets (seed)."""
    current = {e.exercise: e.target_sets for e in exercises}
    broken = [
        f"{r.exercise}: {r.action.value} asks for {r.target.sets} sets, "
        f"more than the current {current[r.exercise]}"
        for r in recs
        if r.target.sets > current[r.exercise]
    ]
    if broken:
        raise SafetyError(broken)


def _summary(s: SessionLog, cat: Catalogue) -> SessionSummary:
    efforts = [x.effort for e in s.exercises for x in e.sets if x.effort is not None]
    pains = [e.pain_after for e in s.exercises if e.pain_after is not None]
    return SessionSummary(
        date=s.date,
        time=s.time,
        intense=is_intense(s, cat),
        effort=round(sum(efforts) / len(efforts), 2) if efforts else None,
        pain=max(pains) if pains else None,
        exercises=[e.exercise for e in s.exercises],
    )


def report(
    progress: Progress,
    client: ClientRef,
    assessment: AssessmentRef | None,
    rulebook: Rulebook,
    version: str,
) -> ProgressReport:
    """The progress report document (JSON: `backexpert progress ID --format json`)."""
    return ProgressReport(
        backexpert=version,
        rulebook=rulebook.version,
        client=client,
        as_of=progress.as_of,
        assessment=assessment,
        flags=progress.flags,
        recommendations=progress.recommendations,
        exercises=progress.exercises,
        sessions=progress.sessions,
        recovery=progress.recovery,
        trace=progress.trace,
        rules=progress.rules,
    )


def for_client(store: Store, client_id: int, evaluator: Evaluator | None = None) -> ProgressReport:
    """Evaluate a stored client's logs against their latest assessment's targets."""
    from .assessment import VERSION

    ev = evaluator if evaluator is not None else default_engine()
    client = store.client(client_id)
    latest = store.latest_assessment(client_id)
    result = evaluate(
        store.sessions(client_id),
        prescription=latest.prescription if latest else None,
        client_increment_kg=client.load_increment_kg,
        evaluator=ev,
    )
    return report(
        result,
        ClientRef(id=client.id, name=client.name, born=client.born),
        AssessmentRef(created_at=latest.created_at, rulebook=latest.rulebook) if latest else None,
        ev.rulebook,
        VERSION,
    )
