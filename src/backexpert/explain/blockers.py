"""Blockers: what keeps an exercise out of a client's program, or caps it, and how to lift each.

A *blocker* is one reason: a rule that excludes the exercise, a limit on loaded work, a referral,
missing equipment, a `before` requirement, a week without the sessions it is added for, a rule
that changed its dose (`capped`), or any other reason the composer recorded for leaving it out.
"""

from __future__ import annotations

from ..assessment.actions import Add, Before, Exclude
from ..assessment.prescription import Prescription
from ..clinical.catalogue import Exercise
from ..knowledge.vocabulary import FactValue
from .changesets import Alternative
from .fact_search import FactSearch, State
from .models import Blocker, BlockerKind


class Blockers(FactSearch):
    """What keeps an exercise out of a state's program, and the lifts of each blocker."""

    def blockers(self, e: Exercise, state: State) -> list[Blocker]:
        """What keeps an exercise out of this state's program, or caps it."""
        p = state.p
        if p is None:
            return []
        out: dict[tuple[str, str], Blocker] = {}

        def put(kind: BlockerKind, reason: str, rule: str | None = None) -> None:
            key = (kind, rule or reason)
            if key not in out:
                out[key] = self._blocker(kind, e, reason, rule, state)

        if p.status == "referral" and p.referral is not None:
            for reason in p.referral.reasons:
                for r in reason.because:
                    put("referral", f"{p.referral.urgency.value} referral: {reason.reason}", r)
        for entry in p.trace:
            for c in entry.conclusions:
                if isinstance(c, Exclude) and c.matches(e):
                    put("excluded", f"excluded by {entry.rule}", entry.rule)
        if e.loaded:
            for lim in p.limitations:
                for r in lim.because:
                    put("limited", f"loaded work withheld: {lim.reason}", r)
        missing = [
            q.value for q in e.equipment if state.values.get(f"equipment.{q.value}") != {True}
        ]
        if missing:
            put("equipment", f"needs {', '.join(missing)}, not available")
        entry_out = next((x for x in p.excluded if x.exercise == e.id), None)
        if entry_out is not None:
            covered = {b.rule for b in out.values() if b.rule}
            for r in entry_out.because:
                if r not in covered:
                    kind: BlockerKind = "requirement" if self._orders(r, e, p) else "other"
                    put(kind, entry_out.reason, r)
            if not entry_out.because and not missing:
                put("other", entry_out.reason)
        for _, item in p.items():
            if item.exercise == e.id:
                for a in item.adjustments:
                    put("capped", f"{a.field} {a.before} → {a.after}", a.rule)
        unplaced = self._unplaced(e, state)
        if unplaced:
            put("schedule", unplaced)
        return list(out.values())

    def _unplaced(self, e: Exercise, state: State) -> str:
        """Why an exercise the rules put in (or that stands in) is in no session of the week."""
        p = state.p
        if p is None or e.id in state.present():
            return ""
        stand_for = {x.exercise for x in p.excluded if x.replaced_by == e.id}
        if any(x.exercise == e.id for x in p.excluded):
            return ""
        kinds = {
            s.value
            for t in p.trace
            for c in t.conclusions
            if isinstance(c, Add) and (c.exercise == e.id or c.exercise in stand_for)
            for s in c.sessions
        }
        week = {s.intensity for s in p.sessions} | ({"daily"} if p.daily else set())
        if kinds and not kinds & week:
            have = ", ".join(sorted(week)) or "no sessions"
            return f"added for {', '.join(sorted(kinds))} sessions only, and this week has {have}"
        return ""

    def _orders(self, rule: str, e: Exercise, p: Prescription) -> bool:
        for t in p.trace:
            if t.rule == rule:
                for c in t.conclusions:
                    if isinstance(c, Before) and c.then.matches(e):
                        return True
        return False

    def _blocker(
        self, kind: BlockerKind, e: Exercise, reason: str, rule: str | None, state: State
    ) -> Blocker:
        p = state.p
        assert p is not None
        matched: list[dict[str, FactValue]] = []
        met: list[list[str]] = []
        summary = ""
        if rule is not None:
            matched = [dict(t.matched) for t in p.trace if t.rule == rule]
            summary = p.rule(rule).summary
            if rule in self.rb:
                met = [
                    [c.text() for c in cl] or ["always"]
                    for cl in self.rb[rule].clauses
                    if self._clause_holds(cl, state)
                ]
        return Blocker(
            kind=kind,
            exercise=e.id,
            reason=reason,
            rule=rule,
            summary=summary,
            matched=matched,
            conditions_met=met,
        )

    def _lift_alternatives(self, b: Blocker, state: State) -> list[Alternative]:
        if b.kind == "equipment":
            e = self.cat[b.exercise]
            return [
                (
                    {
                        f"equipment.{q.value}": True
                        for q in e.equipment
                        if state.values.get(f"equipment.{q.value}") != {True}
                    },
                    (),
                )
            ]
        if b.kind == "schedule" and "training.sessions_per_week" in self.specs:
            spec = self.specs["training.sessions_per_week"]
            now = self._current(spec.name)
            more = [v for v in spec.possible() if isinstance(now, int) and int(v) > now]
            return [({spec.name: v}, ()) for v in self._ranked_values(spec, more)]
        if b.rule is not None and b.rule in self.rb and b.kind != "other":
            return self.lift(self.rb[b.rule])
        return []
