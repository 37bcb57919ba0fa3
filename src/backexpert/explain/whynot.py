"""Why not: why an exercise (or a movement pattern) is not in a client's program, and what would
put it there, searched in the rule IR and verified by re-assessing.

1. The client is assessed. The answer's *blockers* come from the prescription itself: the rules
   whose `exclude` selects the exercise (from the trace, with the facts they matched), the
   limits on loaded work, a referral, missing equipment, a `before` requirement, or any other
   reason the composer recorded for leaving it out (read generically from `excluded`). For a
   prescribed exercise, the rules that changed its dose (`adjustments`).
2. For each blocking rule: the conditions of its clauses the client meets, and its *lifts*: the
   smallest fact changes after which no clause holds (one condition of each holding clause made
   false; a condition on a derived fact is made false by lifting every rule that derives it).
3. The *ways*: change sets under which the exercise would be prescribed. Each is a product of
   (a) getting it added: nothing when a rule adds it already, else, for each rule with an `add`
   of it (or of an exercise that resolves to it through regressions and substitutes, with the
   exercises on the way made unusable), for each clause, the conditions the current facts do not
   meet (a condition on a derived fact expands into the clauses of the rules deriving that
   value, recursively), and (b) the lifts of its blockers. Candidates are ranked by size.
4. Each candidate is mapped to intake edits (`fact_edits.edits_for`), applied, validated and
   re-assessed. It becomes a way when the exercise then appears; it is `stopped` when a
   referral, a limit on loaded work or a safety invariant stops it instead (never a way round
   them: shown so the clinician knows); when something else still keeps it out, the blockers of
   that new state are lifted once more. Supersets of a working way are not proposed.

Every change carries its nature: a choice (equipment, goals, sessions), the client's
circumstances (experience, occupation), or a finding of the client (findings, conditions, pain,
red flags, questionnaires, age), which is never a way round a rule, only a fact that would have
to be different.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..assessment.actions import Add, Exclude
from ..assessment.pipeline import RuleBase
from ..assessment.prescription import Prescription
from ..clinical.catalogue import Exercise, Selector
from ..clinical.intake import Intake
from ..clinical.words import Pattern
from ..errors import InputError, Problem
from ..knowledge.conditions import did_you_mean
from .fact_search import MAX_VERIFY
from .models import Blocker, Placement, Proposal, WhyNotAnswer, WhyNotStatus
from .ways import MAX_LIFTS, Ways


class WhyNot(Ways):
    """Answers why-not questions for one client under one rule base."""

    def targets(self, target: str) -> tuple[str, list[Exercise]]:
        if target in self.cat:
            return "exercise", [self.cat[target]]
        patterns = {p.value for p in Pattern}
        if target in patterns:
            return "pattern", [e for e in self.cat if e.pattern.value == target]
        known = [e.id for e in self.cat] + sorted(patterns)
        raise InputError(
            "why-not",
            [
                Problem(
                    "why-not",
                    f"{target!r} is neither a catalogue exercise nor a movement pattern"
                    + did_you_mean(target, known),
                )
            ],
        )

    def answer(self, target: str, search: bool = True) -> WhyNotAnswer:
        self.budget = MAX_VERIFY
        self.unsettable = {}
        kind, exercises = self.targets(target)
        p = self.prescription
        ids = {e.id for e in exercises}
        present = [
            Placement(
                exercise=ex,
                where=[w for w, i in p.items() if i.exercise == ex],
                adjustments=list(
                    dict.fromkeys(
                        f"{a.field} {a.before} → {a.after} ({a.rule})"
                        for w, i in p.items()
                        if i.exercise == ex
                        for a in i.adjustments
                    )
                ),
                substitutes_for=next(
                    (
                        i.substitutes_for.exercise
                        for _, i in p.items()
                        if i.exercise == ex and i.substitutes_for
                    ),
                    None,
                ),
            )
            for ex in [e.id for e in exercises]
            if ex in self.base.present()
        ]
        adds = [(t.rule, c) for t in p.trace for c in t.conclusions if isinstance(c, Add)]
        added_by = [rule for rule, c in adds if c.exercise in ids]
        stands_in_for = sorted(
            {
                c.exercise
                for _, c in adds
                if c.exercise not in ids and ids & set(self._paths(c.exercise))
            }
        )
        shown = [e for e in exercises if kind == "exercise" or e.id in self._considered(p)]
        unique: dict[tuple[str, str], Blocker] = {}
        for e in shown:
            for b in self.blockers(e, self.base):
                unique.setdefault((b.kind, b.rule or b.reason), b)
        blockers = list(unique.values())
        if present:
            blockers = [b for b in blockers if b.kind == "capped"]
        status = self._status(p, present, exercises, blockers)
        if search:
            for i, b in enumerate(blockers):
                self.budget = MAX_LIFTS + 1
                blockers[i] = b.model_copy(update={"lifts": self._lifts(b, exercises)})
        ways: list[Proposal] = []
        stopped: list[Proposal] = []
        self.budget = MAX_VERIFY
        if search and not present:
            ways, stopped = self._ways(exercises)
        answer = WhyNotAnswer(
            target=target,
            kind=kind,
            exercises=[e.id for e in exercises],
            status=status,
            summary=self._summary(target, kind, status, present, exercises, blockers),
            rulebook=self.rb.version,
            present=present,
            added_by=list(dict.fromkeys(added_by)),
            stands_in_for=stands_in_for,
            blockers=blockers,
            ways=ways,
            stopped=stopped,
            unsettable=list(self.unsettable.values())[:8],
            searched=len(self._states) - 1,
        )
        return self._nothing_found(answer) if search else answer

    def _considered(self, p: Prescription) -> set[str]:
        """The exercises the rules added or excluded for this client (for pattern answers)."""
        out = {x.exercise for x in p.excluded}
        for t in p.trace:
            for c in t.conclusions:
                if isinstance(c, Add):
                    out.add(c.exercise)
                elif isinstance(c, Exclude | Selector):
                    out |= self.cat.selected_ids(c)
        return out

    def _status(
        self,
        p: Prescription,
        present: list[Placement],
        exercises: list[Exercise],
        blockers: list[Blocker],
    ) -> WhyNotStatus:
        if p.status == "referral":
            return "stopped"
        if present:
            return "capped" if any(b.kind == "capped" for b in blockers) else "prescribed"
        out = {x.exercise: x for x in p.excluded}
        ids = [e.id for e in exercises]
        if any(out[i].replaced_by for i in ids if i in out):
            return "replaced"
        if any(i in out for i in ids) or blockers:
            return "excluded" if any(i in out for i in ids) else "not_added"
        return "not_added"

    def _summary(
        self,
        target: str,
        kind: str,
        status: WhyNotStatus,
        present: list[Placement],
        exercises: list[Exercise],
        blockers: list[Blocker],
    ) -> str:
        p = self.prescription
        name = self.cat[target].name if kind == "exercise" else f"{target.replace('_', ' ')} work"
        if status == "stopped" and p.referral is not None:
            rules = sorted({r for x in p.referral.reasons for r in x.because})
            return f"No program at all: {p.referral.urgency.value} referral ({', '.join(rules)})."
        if present:
            where = "; ".join(f"{x.exercise} on {', '.join(x.where)}" for x in present)
            caps = sorted({f"{b.rule}: {b.reason}" for b in blockers if b.kind == "capped"})
            return f"{name} is prescribed ({where})" + (
                f"; dose changed by {'; '.join(caps)}." if caps else "."
            )
        out = {x.exercise: x for x in p.excluded}
        reasons = [out[e.id].reason for e in exercises if e.id in out]
        if reasons:
            return f"{name} is not prescribed: {'; '.join(dict.fromkeys(reasons))}."
        why = "; ".join(dict.fromkeys(b.reason for b in blockers))
        addable = any(
            isinstance(c, Add) and {e.id for e in exercises} & set(self._paths(c.exercise))
            for r in self.rb
            for c in r.conclusions
        )
        if not addable:
            text = f"No rule of the rule base adds {name}, nor an exercise it can stand in for"
        else:
            text = f"No rule adds {name} for this client"
        return text + (f", and it would be kept out: {why}." if why else ".")

    def _nothing_found(self, answer: WhyNotAnswer) -> WhyNotAnswer:
        if answer.present or answer.ways or answer.stopped:
            return answer
        text = " No change of the client's facts was found that would put it in the program"
        text += f" (verified {answer.searched} change sets)." if answer.searched else "."
        return answer.model_copy(update={"summary": answer.summary + text})


def why_not(intake: Intake, target: str, rules: RuleBase, search: bool = True) -> WhyNotAnswer:
    """Why the target (an exercise id or a movement pattern) is or is not prescribed."""
    return WhyNot(intake, rules).answer(target, search)


def why_not_many(
    intake: Intake, targets: Iterable[str], rules: RuleBase, search: bool = False
) -> Iterator[WhyNotAnswer]:
    """Answers for several targets of one client, sharing one assessment."""
    engine = WhyNot(intake, rules)
    for target in targets:
        yield engine.answer(target, search)
