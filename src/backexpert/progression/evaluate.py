"""Progress: session logs turned into facts, the progression rulebook run over them, explained.

For each exercise logged in the last `ACTIVE_DAYS` days (counted back from the latest session),
its history becomes a fact base and the progression rulebook (`rules/progression/*.yaml`) runs
over it with the same engine as the assessment; consecutive intense back sessions are checked
the same way, one evaluation per pair. The conclusions are composed in plain Python, never from
firing order (see `recommendation`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .. import shipped
from ..clinical import catalogue as catalogue_mod
from ..clinical.catalogue import Catalogue
from ..clinical.words import Indicator
from ..knowledge import cache, compiler
from ..knowledge.engine import DurableEngine, Evaluator
from ..knowledge.explanation import Inference, RuleInfo
from ..knowledge.rules import Rulebook
from ..knowledge.vocabulary import FactValue
from .actions import Flag
from .facts import check_facts, exercise_facts, gap_hours, is_intense
from .loading import increment_for
from .logbook import SessionLog, check_exercises
from .measures import Measured
from .plan import Plan
from .recommendation import Targets, never_more_sets, recommend
from .report import (
    AssessmentRef,
    ClientRef,
    ExerciseProgress,
    Gap,
    ProgressFlag,
    ProgressReport,
    Recommendation,
    SessionSummary,
    TraceEntry,
)
from .vocabulary import ProgressFlagCode, Trend, vocabulary

ACTIVE_DAYS = 28


@dataclass(frozen=True)
class RuleBase:
    """The progression's knowledge: its rulebook, the catalogue and the evaluator."""

    rulebook: Rulebook
    catalogue: Catalogue
    evaluator: Evaluator

    def with_rulebook(self, rulebook: Rulebook) -> RuleBase:
        return replace(self, rulebook=rulebook, evaluator=DurableEngine(rulebook))


_lock = threading.Lock()


def _compile(root: Path) -> tuple[Rulebook, Catalogue]:
    cat = catalogue_mod.load(shipped.catalogue_file(root))
    return compiler.load_directory(root / shipped.PROGRESSION_DIR, vocabulary(cat)), cat


@lru_cache(maxsize=4)
def _rule_base(directory: str | None) -> RuleBase:
    root = Path(directory) if directory is not None else shipped.rules_directory()
    shipped.catalogue_file(root)  # a directory that is no rule base is refused before the cache
    rulebook, cat = cache.load_or_build("progression", root, lambda: _compile(root))
    return RuleBase(rulebook, cat, DurableEngine(rulebook))


def rule_base(directory: str | Path | None = None) -> RuleBase:
    """The progression rule base of a rule directory, compiled once per process."""
    with _lock:
        return _rule_base(None if directory is None else str(directory))


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
    plan: Plan | None = None,
    client_increment_kg: float | None = None,
    rules: RuleBase | None = None,
) -> Progress:
    """Run the progression rulebook over a client's sessions (in training order)."""
    base = rules if rules is not None else rule_base()
    ev = base.evaluator
    ctx = Targets(base.catalogue, base.rulebook, plan or Plan(), client_increment_kg)
    ordered = sorted(sessions, key=lambda s: (s.date, s.time or dt.time.min))
    # Logged against an older catalogue, or imported from elsewhere: refuse, naming each.
    check_exercises(ordered, ctx.cat, "session logs")
    as_of = ordered[-1].date if ordered else None
    since = as_of - dt.timedelta(days=ACTIVE_DAYS) if as_of else None
    flags: list[ProgressFlag] = []
    recs: list[Recommendation] = []
    exercises: list[ExerciseProgress] = []
    trace: list[TraceEntry] = []
    fired: set[str] = set()

    by_exercise: dict[str, list[Measured]] = {}
    for s in ordered:
        for e in s.exercises:
            ex = ctx.cat[e.exercise]
            by_exercise.setdefault(e.exercise, []).append(Measured(s, e, ctx.goal(ex, e)))
    active = [x for x, h in by_exercise.items() if since is None or h[-1].session.date >= since]
    for ex_id in sorted(active, key=ctx.cat.rank):
        history = by_exercise[ex_id]
        ex = ctx.cat[ex_id]
        facts = exercise_facts(history, ex)
        inference = ev.evaluate(facts)
        trace += _trace(ex_id, inference)
        fired |= {f.rule for f in inference.firings}
        flags += _flags(inference, ex_id, None)
        rec = recommend(ctx, ex, history, inference)
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
        check_facts(facts, ("progress.intense_gap_hours",), "recovery")
        inference = ev.evaluate(facts)
        scope = f"recovery {before.when()} -> {after.when()}"
        trace += _trace(scope, inference)
        fired |= {f.rule for f in inference.firings}
        detail = f"{_day(before)} -> {_day(after)}: {hours} h"
        flags += _flags(inference, None, detail)

    never_more_sets(recs, exercises)
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
            conclusions=list(f.conclusions),
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
    merged: dict[tuple[ProgressFlagCode, str, str], ProgressFlag] = {}
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
    return RuleInfo.of(rb[rule_id])


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
