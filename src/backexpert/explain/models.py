"""What the explanations answer, as JSON-serialisable documents (the web app shows them as is).

- `IntakeEdit`: one change to an intake, in the `--what-if` syntax (`pain.nprs_now=7`,
  `+findings.rounded_shoulders`, `-conditions.lumbar_instability`).
- `FactChange`: one fact of the client's fact base before and after, and whether changing it
  is a choice (equipment, goals, sessions) or a finding of the client.
- `PrescriptionDiff`: two prescriptions compared, each difference with the rules responsible.
- `WhyNotAnswer`, `WhatIfAnswer`, `ImpactReport`: the three questions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue

from ..knowledge.vocabulary import FactValue
from ..model import Model

# choice: the clinician or client may choose it (equipment, goals, sessions a week).
# history: the client's circumstances, which change with time (experience, occupation).
# finding: a finding of the client, not a choice (findings, conditions, pain, red flags,
# questionnaires, age): never a way round a rule, only a fact that would have to be different.
Nature = Literal["choice", "history", "finding"]
NATURE_NOTE: dict[str, str] = {
    "choice": "a choice: the clinician or client may change it",
    "history": "the client's circumstances: they change with time, not by choice",
    "finding": "a finding of the client, not a choice",
}

EditOp = Literal["set", "remove", "add"]


class IntakeEdit(Model):
    """One change to an intake: set a field, remove an entry or a field, add a list entry.

    `path` is a field path (`pain.nprs_now`, `conditions.lumbar_instability.severity`); for
    `add` it names the list and `value` is the new entry. `change` is the same edit in the
    `--what-if` syntax, ready to type or to send back.
    """

    op: EditOp
    path: str
    value: JsonValue = None
    change: str
    note: str = Field(default="", description="why it was made, when it follows from another")


class FactChange(Model):
    """A fact whose value differs: before and after (None: not known), and what kind of fact."""

    fact: str
    before: FactValue | None
    after: FactValue | None
    nature: Nature
    note: str


class Unsettable(Model):
    """A fact change no intake edit can make, and why (derived facts, facts of unknown kind)."""

    fact: str
    value: FactValue | None
    reason: str


# --- comparing two prescriptions ------------------------------------------------------------

# Most important first: a diff lists its differences in this order (`differences.KIND_ORDER`).
DifferenceKind = Literal[
    "withheld",
    "status",
    "referral",
    "load_level",
    "exercise_added",
    "exercise_removed",
    "dose",
    "day",
    "order",
    "phase",
    "substitution",
    "schedule",
    "limitation",
    "flag",
    "precaution",
    "excluded",
    "coverage",
    "score",
    "item_explanation",
    "rule_fired",
    "rule_unfired",
    "rule_matched",
    "rule_text",
    "fact",
    "other",
]


class Difference(Model):
    """One difference between two prescriptions, with the rules responsible."""

    kind: DifferenceKind
    subject: str = Field(description="the exercise, rule, fact or section it is about")
    text: str = Field(description="the difference in words")
    before: JsonValue = None
    after: JsonValue = None
    where: list[str] = Field(default_factory=list, description="days (mon..sun) or daily")
    because: list[str] = Field(default_factory=list, description="the rules responsible")
    edits: list[str] = Field(
        default_factory=list,
        description="the clinician's edits responsible, when a clinician's edit (not a rule) "
        "made the difference: `edits[0] (Ana Costa): swap deadlift for trap_bar_deadlift: "
        "grip`; `earlier edits[0] ...` for the edits of the first document",
    )


class Side(Model):
    """One prescription in a comparison, in brief."""

    status: str = Field(description="program, limited, clearance_required, referral or withheld")
    rulebook: str
    referral: str | None = None
    load_level: JsonValue = None
    exercises: list[str] = Field(default_factory=list)
    withheld: list[str] = Field(
        default_factory=list, description="the safety invariants that withheld it"
    )


class PrescriptionDiff(Model):
    """Two prescriptions compared: what differs and which rules made the difference."""

    before: Side
    after: Side
    differences: list[Difference]
    rules_fired: list[str] = Field(default_factory=list, description="fired only after")
    rules_unfired: list[str] = Field(default_factory=list, description="fired only before")

    @property
    def empty(self) -> bool:
        return not self.differences


# --- what if --------------------------------------------------------------------------------


class WhatIfAnswer(Model):
    """An intake re-assessed with some changes: the facts that moved and the difference."""

    changes: list[IntakeEdit]
    facts: list[FactChange]
    diff: PrescriptionDiff


class WhatIfOption(Model):
    """A toggle a page can offer: the change it makes, and whether the intake has it now."""

    group: Literal["finding", "condition", "goal", "equipment", "pain"]
    value: str
    active: bool
    change: str = Field(description="the what-if change that toggles it")
    needs: list[str] = Field(
        default_factory=list, description="fields the change needs (e.g. weeks_since)"
    )


# --- why not --------------------------------------------------------------------------------

WhyNotStatus = Literal["prescribed", "capped", "replaced", "excluded", "not_added", "stopped"]
BlockerKind = Literal[
    "excluded", "capped", "limited", "referral", "equipment", "requirement", "schedule", "other"
]


class Proposal(Model):
    """A set of intake changes, verified by re-assessing the changed intake.

    `outcome` is `appears` (the exercise is then prescribed; for a lift: the rule no longer
    fires) or `stopped` (a referral, a program limit or a safety invariant would then stop it:
    never a way round, shown so the clinician knows). `rules` are the rules it would fire (an
    `add`) or lift.
    """

    changes: list[FactChange]
    edits: list[IntakeEdit]
    rules: list[str]
    outcome: Literal["appears", "stopped"]
    stopped_by: list[str] = Field(default_factory=list)
    findings: bool = Field(description="changes a finding of the client, not a choice")
    note: str = ""


class Blocker(Model):
    """What keeps an exercise out, caps it or stands in for it, and what would lift it."""

    kind: BlockerKind
    exercise: str
    reason: str
    rule: str | None = None
    summary: str = ""
    matched: list[dict[str, FactValue]] = Field(
        default_factory=list, description="the facts each firing of the rule matched"
    )
    conditions_met: list[list[str]] = Field(
        default_factory=list, description="each clause of the rule the client meets"
    )
    lifts: list[Proposal] = Field(
        default_factory=list, description="smallest changes after which it no longer applies"
    )


class Placement(Model):
    """Where a prescribed exercise is, and the dose changes rules made to it."""

    exercise: str
    where: list[str]
    adjustments: list[str]
    substitutes_for: str | None = None


class WhyNotAnswer(Model):
    """Why an exercise (or any exercise of a movement pattern) is or is not prescribed."""

    target: str
    kind: Literal["exercise", "pattern"]
    exercises: list[str] = Field(description="the catalogue exercises the target covers")
    status: WhyNotStatus
    summary: str
    rulebook: str
    present: list[Placement] = Field(default_factory=list)
    added_by: list[str] = Field(default_factory=list, description="rules that added it")
    stands_in_for: list[str] = Field(
        default_factory=list, description="added exercises it could stand in for"
    )
    blockers: list[Blocker] = Field(default_factory=list)
    ways: list[Proposal] = Field(
        default_factory=list, description="smallest verified changes that make it appear"
    )
    stopped: list[Proposal] = Field(
        default_factory=list,
        description="changes that would add it, but a referral, limit or safety invariant stops",
    )
    unsettable: list[Unsettable] = Field(
        default_factory=list, description="changes the search found that no intake edit makes"
    )
    searched: int = Field(default=0, description="change sets verified by re-assessing")


# --- impact of a rule change ----------------------------------------------------------------


class RulebookRef(Model):
    version: str
    directory: str
    rules: int
    note: str | None = Field(
        default=None, description="how it was compiled, when not from its directory alone"
    )


class ClientChange(Model):
    client_id: int
    name: str
    before: Side
    after: Side
    differences: list[Difference]
    rules_fired: list[str] = Field(default_factory=list)
    rules_unfired: list[str] = Field(default_factory=list)


class ClientFailure(Model):
    client_id: int
    name: str
    error: str


class ImpactSummary(Model):
    clients: int
    changed: int
    unchanged: int
    failed: int
    status_changes: dict[str, int] = Field(
        default_factory=dict, description="'program -> referral': clients"
    )
    referrals_appear: list[int] = Field(default_factory=list, description="client ids")
    referrals_vanish: list[int] = Field(default_factory=list, description="client ids")
    withheld: list[int] = Field(
        default_factory=list, description="clients whose program a safety invariant withholds"
    )
    exercises_gained: dict[str, int] = Field(default_factory=dict)
    exercises_lost: dict[str, int] = Field(default_factory=dict)
    load_level_changes: int = 0
    dose_changes: int = 0
    explanation_only: int = Field(
        default=0, description="clients whose program is the same but whose explanation is not"
    )


class ImpactReport(Model):
    """Every stored client re-assessed under two rulebooks: who changes, and how."""

    before: RulebookRef
    after: RulebookRef
    changed: list[ClientChange]
    unchanged: int
    failed: list[ClientFailure] = Field(default_factory=list)
    summary: ImpactSummary
