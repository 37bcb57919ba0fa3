"""The prescription: inference conclusions composed into a weekly back-training program.

Composition is plain Python after inference, so no result depends on firing order:
a referral (emergency or urgent) replaces the program; exclusions beat additions; an excluded
exercise or one whose equipment is missing is replaced by its substitute or regression, and the
reason is kept; the most conservative dose and the most restrictive cap win; an exercise that
must follow another is dropped when that other is absent; items are ordered by phase (priming →
main → accessory) and explicit before/after constraints, ties broken by catalogue order.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from . import schedule as week_plan
from .catalogue import Catalogue, Exercise, Selector, rep_bounds
from .engine import Inference
from .facts import FactBase
from .instruments import Scores
from .rulebook import (
    Add,
    Before,
    Cap,
    Dose,
    Exclude,
    Flag,
    Limit,
    Refer,
    Rulebook,
    Schedule,
    dump_conclusion,
)
from .vocabulary import (
    PHASE_ORDER,
    Day,
    FactValue,
    FlagCode,
    Indicator,
    Pattern,
    Phase,
    SessionKind,
    Urgency,
)

_S = TypeVar("_S", Dose, Cap)
DEFAULT_RECOVERY_HOURS = 48
DEFAULT_INTENSE_SESSIONS = 2
COVERED_PLANES: dict[str, frozenset[Pattern]] = {
    "vertical_pull": frozenset({Pattern.vertical_pull}),
    "horizontal_pull": frozenset({Pattern.horizontal_pull}),
    "hinge": frozenset({Pattern.hinge}),
    "rotation": frozenset({Pattern.rotation, Pattern.anti_rotation}),
}
# program: the full program. limited: unloaded work only until a medical review or a complete
# red-flag screen. clearance_required: PAR-Q+ says medical clearance first (unloaded, RPE <= 5).
# referral: emergency or urgent referral, no sessions at all.
Status = Literal["program", "limited", "clearance_required", "referral"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Adjustment(Out):
    """A dose field changed from the catalogue default, and the rule that changed it."""

    field: str
    before: int | str | None
    after: int | str | None
    rule: str


class Substitution(Out):
    """The exercise an item stands in for, and why that one is not prescribed."""

    exercise: str
    name: str
    reason: str
    because: list[str]


class Item(Out):
    exercise: str
    name: str
    pattern: Pattern
    loaded: bool
    phase: Phase
    sets: int
    reps: str
    hold_s: int | None
    per_side: bool
    tempo: str | None
    effort: int
    rest_s: int
    cues: list[str]
    because: list[str]
    adjustments: list[Adjustment]
    substitutes_for: Substitution | None


class Session(Out):
    day: Day
    intensity: Literal["intense", "light"]
    items: list[Item]


class Excluded(Out):
    exercise: str
    name: str
    reason: str
    because: list[str]
    replaced_by: str | None


class FlagOut(Out):
    code: FlagCode
    indicator: Indicator
    message: str
    because: list[str]


class ReferralReason(Out):
    reason: str
    action: str
    because: list[str]


class Referral(Out):
    urgency: Urgency
    reasons: list[ReferralReason]


class WeekOut(Out):
    intense_sessions: int
    light_sessions: int
    recovery_hours: int
    gaps_hours: list[int]
    because: list[str]


class Coverage(Out):
    plane: str
    covered: bool
    by: list[str]
    note: str | None


class TraceEntry(Out):
    rule: str
    matched: dict[str, FactValue]
    conclusions: list[dict[str, Any]]


class RuleInfo(Out):
    id: str
    area: str
    file: str
    rationale: str
    source: str


class Limitation(Out):
    """Why the program is limited, and to what."""

    reason: str
    limited_to: str
    because: list[str]


class ClientOut(Out):
    name: str
    age: int


class Prescription(Out):
    """The result of one assessment: the program, what was left out and why, and the trace."""

    backexpert: str
    rulebook: str
    client: ClientOut
    status: Status
    referral: Referral | None
    limitations: list[Limitation]
    scores: Scores
    schedule: WeekOut | None
    sessions: list[Session]
    daily: list[Item]
    excluded: list[Excluded]
    flags: list[FlagOut]
    coverage: list[Coverage]
    facts: dict[str, FactValue]
    trace: list[TraceEntry]
    rules: list[RuleInfo]


# --- composition --------------------------------------------------------------------------


@dataclass
class _Planned:
    """An exercise on its way into the program."""

    exercise: Exercise
    phase: Phase
    sessions: set[SessionKind]
    because: list[str]
    substitutes_for: Substitution | None = None


@dataclass
class _Conclusions:
    adds: list[tuple[str, Add]] = field(default_factory=list)
    excludes: list[tuple[str, Exclude]] = field(default_factory=list)
    doses: list[tuple[str, Dose]] = field(default_factory=list)
    caps: list[tuple[str, Cap]] = field(default_factory=list)
    befores: list[tuple[str, Before]] = field(default_factory=list)
    flags: list[tuple[str, Flag]] = field(default_factory=list)
    refers: list[tuple[str, Refer]] = field(default_factory=list)
    limits: list[tuple[str, Limit]] = field(default_factory=list)
    schedules: list[tuple[str, Schedule]] = field(default_factory=list)

    @classmethod
    def of(cls, inference: Inference) -> _Conclusions:
        out = cls()
        buckets: dict[type, list[Any]] = {
            Add: out.adds,
            Exclude: out.excludes,
            Dose: out.doses,
            Cap: out.caps,
            Before: out.befores,
            Flag: out.flags,
            Refer: out.refers,
            Limit: out.limits,
            Schedule: out.schedules,
        }
        for rule_id, c in inference.conclusions():
            bucket = buckets.get(type(c))
            if bucket is not None:
                bucket.append((rule_id, c))
        return out


class Composer:
    """Composes one client's program from a rulebook's conclusions."""

    def __init__(self, rulebook: Rulebook, facts: FactBase, inference: Inference) -> None:
        self.rulebook = rulebook
        self.cat: Catalogue = rulebook.catalogue
        self.facts = facts
        self.inference = inference
        self.c = _Conclusions.of(inference)
        self.excluded: dict[str, Excluded] = {}
        self.limitations: list[Limitation] = []
        self._order = {r.id: i for i, r in enumerate(rulebook)}
        self._doses_for = self._by_exercise(self.c.doses)
        self._caps_for = self._by_exercise(self.c.caps)

    def _by_exercise(self, found: list[tuple[str, _S]]) -> dict[str, list[tuple[str, _S]]]:
        """Conclusions indexed by the exercises their selectors pick."""
        out: dict[str, list[tuple[str, _S]]] = {}
        for rule_id, x in found:
            for ex_id in self.cat.selected_ids(x):
                out.setdefault(ex_id, []).append((rule_id, x))
        return out

    def _sorted_rules(self, ids: Iterable[str]) -> list[str]:
        return sorted(set(ids), key=self._order.__getitem__)

    # -- exclusion and substitution --

    def _exclusions(self) -> dict[str, list[str]]:
        """Exercise id → the rules that exclude it (a limitation excludes all loaded work)."""
        out: dict[str, list[str]] = {}
        for rule_id, ex in self.c.excludes:
            for e in self.cat.select(ex):
                out.setdefault(e.id, []).append(rule_id)
        for lim in self.limitations:
            for e in self.cat:
                if e.loaded:
                    out.setdefault(e.id, []).extend(lim.because)
        return {k: self._sorted_rules(v) for k, v in out.items()}

    def _limitations(self, referral: Referral | None) -> list[Limitation]:
        """Program-wide limits: from `limit` rules, and implied by a before-exercise referral."""
        grouped: dict[tuple[str, str], list[str]] = {}
        for rule_id, lim in self.c.limits:
            key = (" ".join(lim.reason.split()), " ".join(lim.limited_to.split()))
            grouped.setdefault(key, []).append(rule_id)
        out = [
            Limitation(reason=reason, limited_to=to, because=self._sorted_rules(rules))
            for (reason, to), rules in grouped.items()
        ]
        if referral is not None and referral.urgency is Urgency.before_exercise:
            out.append(
                Limitation(
                    reason="medical review before exercise: "
                    + "; ".join(r.reason for r in referral.reasons),
                    limited_to="unloaded priming, mobility and motor-control work until the "
                    "review clears loading",
                    because=self._sorted_rules(b for r in referral.reasons for b in r.because),
                )
            )
        return sorted(out, key=lambda x: self._order[x.because[0]])

    def _available(self, e: Exercise) -> bool:
        return all(self.facts.get(f"equipment.{q.value}") is True for q in e.equipment)

    def _why_not(self, e: Exercise, excl: dict[str, list[str]]) -> tuple[str, list[str]] | None:
        if e.id in excl:
            names = ", ".join(excl[e.id])
            limited = e.loaded and any(
                set(lim.because) & set(excl[e.id]) for lim in self.limitations
            )
            if limited:
                return f"loaded work withheld ({names})", excl[e.id]
            return f"excluded by {names}", excl[e.id]
        if not self._available(e):
            missing = [
                q.value for q in e.equipment if self.facts.get(f"equipment.{q.value}") is not True
            ]
            return f"needs {', '.join(missing)}, not available", []
        return None

    def _resolve(self, e: Exercise, excl: dict[str, list[str]]) -> Exercise | None:
        """The first usable exercise reachable by substitutes and regressions, breadth first."""
        queue, seen = [e], {e.id}
        while queue:
            cur = queue.pop(0)
            why = self._why_not(cur, excl)
            if why is None:
                return cur
            # An excluded exercise steps down to its regression first; one lacking equipment
            # tries the same movement with other equipment first. Either way both are tried,
            # and every candidate is itself checked against the exclusions.
            down = [cur.regression] if cur.regression is not None else []
            nexts = [*down, *cur.substitutes] if cur.id in excl else [*cur.substitutes, *down]
            for n in nexts:
                if n not in seen:
                    seen.add(n)
                    queue.append(self.cat[n])
        return None

    def _plan(self) -> dict[str, _Planned]:
        """Resolve every added exercise; loaded stand-ins only fill a gap in their movement.

        Exercises prescribed as themselves go in first. A loaded substitute then joins only when
        no loaded exercise of its pattern already covers its sessions: otherwise an exclusion
        could turn one merged stand-in into two items and give a worse client more load.
        """
        excl = self._exclusions()
        by_exercise: dict[str, list[tuple[str, Add]]] = {}
        for rule_id, add in self.c.adds:
            by_exercise.setdefault(add.exercise, []).append((rule_id, add))
        resolved: list[tuple[Exercise, Exercise | None, list[tuple[str, Add]]]] = [
            (self.cat[ex_id], self._resolve(self.cat[ex_id], excl), adds)
            for ex_id, adds in sorted(by_exercise.items(), key=lambda kv: self.cat.rank(kv[0]))
        ]
        planned: dict[str, _Planned] = {}
        for original, final, adds in sorted(resolved, key=lambda t: t[1] is not t[0]):
            because = self._sorted_rules(r for r, _ in adds)
            phase = min((a.phase for _, a in adds), key=PHASE_ORDER.__getitem__)
            sessions = {s for _, a in adds for s in a.sessions}
            sub: Substitution | None = None
            if final is not original:
                why = self._why_not(original, excl)
                assert why is not None
                reason, rules = why
                covering = None if final is None else self._covering(planned, final, sessions)
                if final is None or covering is not None:
                    gone = (
                        "no safe alternative is available"
                        if covering is None
                        else (f"its movement is already covered by {covering.exercise.name}")
                    )
                    self.excluded[original.id] = Excluded(
                        exercise=original.id,
                        name=original.name,
                        reason=f"{reason}; {gone}" if final is not None else reason,
                        because=rules,
                        replaced_by=None,
                    )
                    continue
                self.excluded[original.id] = Excluded(
                    exercise=original.id,
                    name=original.name,
                    reason=f"{reason}; replaced by {final.name}",
                    because=rules,
                    replaced_by=final.id,
                )
                sub = Substitution(
                    exercise=original.id, name=original.name, reason=reason, because=rules
                )
            if final.id in planned:
                p = planned[final.id]
                p.phase = min(p.phase, phase, key=PHASE_ORDER.__getitem__)
                p.sessions |= sessions
                p.because = self._sorted_rules([*p.because, *because])
                p.substitutes_for = p.substitutes_for or sub
            else:
                planned[final.id] = _Planned(final, phase, sessions, because, sub)
        return planned

    @staticmethod
    def _covering(
        planned: dict[str, _Planned], stand_in: Exercise, sessions: set[SessionKind]
    ) -> _Planned | None:
        """A planned loaded exercise of the stand-in's pattern that covers its sessions."""
        if not stand_in.loaded or stand_in.id in planned:
            return None
        for p in planned.values():
            same = p.exercise.loaded and p.exercise.pattern is stand_in.pattern
            if same and sessions <= p.sessions:
                return p
        return None

    # -- requirements --

    def _stands_for(self, p: _Planned, sel: Selector) -> bool:
        """Whether a planned item is, or stands in for, an exercise the selector picks."""
        ids = self.cat.selected_ids(sel)
        sub = p.substitutes_for
        return p.exercise.id in ids or (sub is not None and sub.exercise in ids)

    def _drop_unmet_requirements(self, planned: dict[str, _Planned]) -> None:
        """`then` items need a `first` item in the program; drop them until that holds."""
        changed = True
        while changed:
            changed = False
            for rule_id, b in self.c.befores:
                firsts = [p for p in planned.values() if self._stands_for(p, b.first)]
                if firsts:
                    continue
                for ex_id in [k for k in planned if k in self.cat.selected_ids(b.then)]:
                    p = planned.pop(ex_id)
                    self.excluded[ex_id] = Excluded(
                        exercise=ex_id,
                        name=p.exercise.name,
                        reason=f"requires {b.first.describe()} first, and none is prescribed",
                        because=[rule_id],
                        replaced_by=None,
                    )
                    changed = True

    # -- dose --

    def _dose(self, p: _Planned, session: SessionKind) -> Item:
        e = p.exercise
        d = e.dose
        values: dict[str, Any] = {
            "sets": d.sets,
            "reps": d.reps,
            "tempo": d.tempo,
            "effort": d.effort,
        }
        adjustments: list[Adjustment] = []

        def change(name: str, value: Any, rule: str) -> None:
            if value != values[name]:
                adjustments.append(
                    Adjustment(field=name, before=values[name], after=value, rule=rule)
                )
                values[name] = value

        # Dose settings: the most conservative of all that apply replaces the default.
        doses = self._doses_for.get(e.id, [])
        for name, conservative in _CONSERVATIVE.items():
            options = [(r, getattr(x, name)) for r, x in doses if getattr(x, name) is not None]
            if not options:
                continue
            rule, value = min(options, key=lambda t: (conservative(t[1]), self._order[t[0]]))
            # A rep range is a load prescription (8-12 RM): never heavier than the default.
            if name != "reps" or conservative(value) < conservative(values["reps"]):
                change(name, value, rule)
        # Caps: the most restrictive wins.
        caps = [
            (r, x)
            for r, x in self._caps_for.get(e.id, [])
            if x.sessions is None or session in x.sessions
        ]
        for name in ("sets", "effort"):
            limits = [(getattr(x, name), self._order[r], r) for r, x in caps if getattr(x, name)]
            if limits:
                limit, _, rule = min(limits)
                if values[name] > limit:
                    change(name, limit, rule)
        for rule_id, lim in self.c.limits:
            if lim.effort is not None and values["effort"] > lim.effort:
                change("effort", lim.effort, rule_id)
        return Item(
            exercise=e.id,
            name=e.name,
            pattern=e.pattern,
            loaded=e.loaded,
            phase=p.phase,
            sets=values["sets"],
            reps=values["reps"],
            hold_s=d.hold_s,
            per_side=d.per_side,
            tempo=values["tempo"],
            effort=values["effort"],
            rest_s=d.rest_s,
            cues=list(e.cues),
            because=p.because,
            adjustments=adjustments,
            substitutes_for=p.substitutes_for,
        )

    # -- order --

    def _ordered(self, planned: list[_Planned]) -> list[_Planned]:
        """Topological order: phase first, then before/after constraints, then catalogue order."""
        ids = {p.exercise.id: p for p in planned}
        edges: dict[str, set[str]] = {i: set() for i in ids}
        for _, b in self.c.befores:
            firsts = [i for i, p in ids.items() if self._stands_for(p, b.first)]
            thens = [i for i in ids if i in self.cat.selected_ids(b.then)]
            for f in firsts:
                for t in thens:
                    if f != t and PHASE_ORDER[ids[f].phase] >= PHASE_ORDER[ids[t].phase]:
                        edges[f].add(t)
        for a in ids.values():
            for b2 in ids.values():
                if PHASE_ORDER[a.phase] < PHASE_ORDER[b2.phase]:
                    edges[a.exercise.id].add(b2.exercise.id)
        indegree = dict.fromkeys(ids, 0)
        for ts in edges.values():
            for t in ts:
                indegree[t] += 1

        def key(i: str) -> tuple[int, int, str]:
            return PHASE_ORDER[ids[i].phase], self.cat.rank(i), i

        heap = [key(i) for i, n in indegree.items() if n == 0]
        heapq.heapify(heap)
        out: list[_Planned] = []
        while heap:
            *_, i = heapq.heappop(heap)
            out.append(ids[i])
            for t in sorted(edges[i]):
                indegree[t] -= 1
                if indegree[t] == 0:
                    heapq.heappush(heap, key(t))
        if len(out) != len(ids):
            # Before-constraints in a cycle within one phase: fall back to phase, then catalogue.
            return sorted(planned, key=lambda p: key(p.exercise.id))
        return out

    # -- the week --

    def _week(self, loaded_work: bool) -> tuple[week_plan.Week, WeekOut]:
        recovery = [(x.recovery_hours, r) for r, x in self.c.schedules if x.recovery_hours]
        intense = [
            (x.intense_sessions, r) for r, x in self.c.schedules if x.intense_sessions is not None
        ]
        hours = max([h for h, _ in recovery], default=DEFAULT_RECOVERY_HOURS)
        n_intense = min([n for n, _ in intense], default=DEFAULT_INTENSE_SESSIONS)
        per_week = int(self.facts["training.sessions_per_week"])
        n_intense = min(n_intense, per_week, week_plan.max_intense(hours)) if loaded_work else 0
        week = week_plan.plan(n_intense, per_week - n_intense, hours)
        because = self._sorted_rules(r for _, r in [*recovery, *intense])
        return week, WeekOut(
            intense_sessions=len(week.intense),
            light_sessions=len(week.light),
            recovery_hours=hours,
            gaps_hours=week_plan.gaps_hours(week.intense),
            because=because,
        )

    def _sessions(self, planned: dict[str, _Planned], week: week_plan.Week) -> list[Session]:
        sessions: list[Session] = []
        unloaded_program = not week.intense
        for kind, days in ((SessionKind.intense, week.intense), (SessionKind.light, week.light)):
            # With no intense day (loading withheld), the light days carry all the unloaded work.
            wanted = {kind, SessionKind.intense} if unloaded_program else {kind}
            members = [p for p in planned.values() if p.sessions & wanted]
            items = self._primed([self._dose(p, kind) for p in self._ordered(members)])
            for day in days:
                sessions.append(Session(day=day, intensity=kind.value, items=items))
        return sorted(sessions, key=lambda s: list(Day).index(s.day))

    def _primed(self, items: list[Item]) -> list[Item]:
        """Loaded work only after priming: a session with no priming item keeps no loaded item."""
        if any(i.phase is Phase.priming for i in items):
            return items
        for i in items:
            if i.loaded:
                self.excluded.setdefault(
                    i.exercise,
                    Excluded(
                        exercise=i.exercise,
                        name=i.name,
                        reason="no priming drill is available to come before it",
                        because=[],
                        replaced_by=None,
                    ),
                )
        return [i for i in items if not i.loaded]

    def _coverage(self, sessions: list[Session]) -> list[Coverage]:
        out = []
        intense_items = [i for s in sessions if s.intensity == "intense" for i in s.items]
        for plane, patterns in COVERED_PLANES.items():
            by = sorted({i.exercise for i in intense_items if i.pattern in patterns})
            note = None
            if not by:
                gone = [
                    x for x in self.excluded.values() if self.cat[x.exercise].pattern in patterns
                ]
                note = "; ".join(f"{x.name}: {x.reason}" for x in gone) or (
                    "no intense session this week" if not intense_items else "no rule added one"
                )
            out.append(Coverage(plane=plane, covered=bool(by), by=by, note=note))
        return out

    def _flags(self) -> list[FlagOut]:
        merged: dict[tuple[FlagCode, str], list[str]] = {}
        first: dict[tuple[FlagCode, str], Flag] = {}
        for rule_id, f in self.c.flags:
            k = (f.code, f.message)
            merged.setdefault(k, []).append(rule_id)
            first.setdefault(k, f)
        out = [
            FlagOut(
                code=f.code,
                indicator=f.indicator,
                message=" ".join(f.message.split()),
                because=self._sorted_rules(merged[k]),
            )
            for k, f in first.items()
        ]
        rank = {Indicator.critical: 0, Indicator.warning: 1, Indicator.info: 2}
        return sorted(out, key=lambda f: (rank[f.indicator], self._order[f.because[0]], f.message))

    def _referral(self) -> Referral | None:
        if not self.c.refers:
            return None
        rank = {Urgency.emergency: 0, Urgency.urgent: 1, Urgency.before_exercise: 2}
        urgency = min((r.urgency for _, r in self.c.refers), key=rank.__getitem__)
        grouped: dict[tuple[str, str], list[str]] = {}
        for rule_id, r in self.c.refers:
            grouped.setdefault((" ".join(r.reason.split()), " ".join(r.action.split())), []).append(
                rule_id
            )
        reasons = [
            ReferralReason(reason=reason, action=action, because=self._sorted_rules(rules))
            for (reason, action), rules in grouped.items()
        ]
        reasons.sort(key=lambda x: self._order[x.because[0]])
        return Referral(urgency=urgency, reasons=reasons)

    def _status(self, referral: Referral | None) -> Status:
        if referral is not None and referral.urgency in (Urgency.emergency, Urgency.urgent):
            return "referral"
        if any(lim.status == "clearance_required" for _, lim in self.c.limits):
            return "clearance_required"
        return "limited" if self.limitations else "program"

    def compose(self, client: ClientOut, version: str, scores: Scores) -> Prescription:
        referral = self._referral()
        self.limitations = self._limitations(referral)
        status = self._status(referral)
        stops = status == "referral"
        sessions: list[Session] = []
        daily: list[Item] = []
        week_out: WeekOut | None = None
        if not stops:
            planned = self._plan()
            self._drop_unmet_requirements(planned)
            loaded = any(
                p.exercise.loaded and SessionKind.intense in p.sessions for p in planned.values()
            )
            week, week_out = self._week(loaded)
            sessions = self._sessions(planned, week)
            drills = [p for p in planned.values() if SessionKind.daily in p.sessions]
            daily = [self._dose(p, SessionKind.daily) for p in self._ordered(drills)]
        fired = self._sorted_rules(f.rule for f in self.inference.firings)
        return Prescription(
            backexpert=version,
            rulebook=self.rulebook.version,
            client=client,
            status=status,
            referral=referral,
            limitations=[] if stops else self.limitations,
            scores=scores,
            schedule=week_out,
            sessions=sessions,
            daily=daily,
            excluded=sorted(self.excluded.values(), key=lambda x: self.cat.rank(x.exercise)),
            flags=[f for f in self._flags() if not stops or f.indicator is not Indicator.info],
            coverage=[] if stops else self._coverage(sessions),
            facts=dict(sorted({**self.facts, **dict(self.inference.derived)}.items())),
            trace=[
                TraceEntry(
                    rule=f.rule,
                    matched=dict(f.matched),
                    conclusions=[dump_conclusion(c) for c in f.conclusions],
                )
                for f in self.inference.firings
            ],
            rules=[
                RuleInfo(id=r.id, area=r.area, file=r.file, rationale=r.rationale, source=r.source)
                for r in (self.rulebook[i] for i in fired)
            ],
        )


def _lighter_first(reps: str) -> tuple[int, int]:
    """Sorts rep ranges lightest load first: a higher low end means a lighter load."""
    low, high = rep_bounds(reps)
    return -low, high


def _slower_first(tempo: str) -> int:
    return -sum(int(x) for x in tempo.split("-"))


def _same(value: int) -> int:
    return value


# For each dose field, a key that sorts the most conservative setting first.
_CONSERVATIVE: dict[str, Callable[[Any], Any]] = {
    "sets": _same,
    "effort": _same,
    "reps": _lighter_first,
    "tempo": _slower_first,
}
