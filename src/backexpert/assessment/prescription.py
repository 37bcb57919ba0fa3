"""The prescription document: the result of one assessment, and the public contract of its JSON.

It holds the program (a week of sessions, daily drills), what was left out and why, the flags,
limitations and referral, the scores, and the explanation: the fact base, each rule firing with
its rationale, source, matched facts and typed conclusions, and each derived fact with the facts
it came from. A stored prescription explains itself: no rulebook is needed to read or render it.
Field names and meanings are documented in docs/output.md; fields may be added, never renamed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidatorFunctionWrapHandler, WrapValidator

from ..clinical.instruments import Scores
from ..clinical.words import (
    AdviceTopic,
    Day,
    DayType,
    FlagCode,
    Indicator,
    LoadLevel,
    Pattern,
    Phase,
    Side,
    Urgency,
)
from ..knowledge.explanation import Derivation, RuleInfo
from ..knowledge.vocabulary import FactValue
from ..model import Model
from .actions import Conclusion
from .edits import Edit

# The "rule" a clinician's edit cites: an item's `because` or an adjustment's `rule` names it
# when the clinician, not a rule, put the item there or changed its dose.
CLINICIAN = "clinician"

# program: the full program. limited: unloaded work only until a medical review or a complete
# red-flag screen. clearance_required: PAR-Q+ says medical clearance first (unloaded, RPE <= 5).
# referral: emergency or urgent referral, no sessions at all.
Status = Literal["program", "limited", "clearance_required", "referral"]


class Adjustment(Model):
    """A dose field changed from the catalogue default, and the rule that changed it."""

    field: str
    before: int | float | str | None
    after: int | float | str | None
    rule: str
    reason: str | None = Field(
        default=None, description="the clinician's reason, when the rule is `clinician`"
    )


class Substitution(Model):
    """The exercise an item stands in for, and why that one is not prescribed."""

    exercise: str
    name: str
    reason: str
    because: list[str]


class WarmupSet(Model):
    """A warm-up set before heavy working sets."""

    reps: int
    load_kg: float | None
    percent_1rm: int | None


class Item(Model):
    """One exercise in a session, with its dose and the rules that put it there."""

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
    purpose: str = Field(default="", description="what the exercise does, from the catalogue")
    side: Side | None = Field(
        default=None, description="the arm that does a one-armed exercise, when only one may"
    )
    minutes: float | None = Field(
        default=None,
        description="estimated minutes: warm-up and working sets × (reps × tempo or hold), "
        "rests, both sides, and the change to the next exercise",
    )
    load_kg: float | None = Field(
        default=None, description="first-week working load, from the client's current loads"
    )
    load_note: str | None = Field(
        default=None, description="how the load was set, or how to find it when none is known"
    )
    warmup: list[WarmupSet] = Field(
        default_factory=list, description="warm-up sets before the working sets"
    )
    chosen_by: Literal["clinician"] | None = Field(
        default=None, description="`clinician` when a clinician's edit put this exercise here"
    )
    clinician_reason: str | None = Field(
        default=None, description="why the clinician chose it (with `chosen_by`)"
    )
    duration_min: int | None = Field(
        default=None, description="minutes of a timed activity (a walk) a set, from the catalogue"
    )


class LeftOut(Model):
    """An item this session does not hold although the rules wanted it, and why (time, a twin);
    `because` names the rule that set the limit (the warm-up time), if one did."""

    exercise: str
    name: str
    reason: str
    because: list[str]


class Session(Model):
    day: Day
    intensity: Literal["intense", "light"]
    items: list[Item]
    minutes: int | None = Field(default=None, description="estimated minutes of the session")
    day_type: DayType | None = Field(
        default=None,
        description="daily undulating load: heavy, moderate or light (intermediate and "
        "advanced clients); every intense session counts for the recovery rule",
    )
    left_out: list[LeftOut] = Field(
        default_factory=list,
        description="items the rules wanted in this session and why they are not in it: "
        "left out for the client's time, or a variant of an item already in it",
    )


class Excluded(Model):
    exercise: str
    name: str
    reason: str
    because: list[str]
    replaced_by: str | None


class FlagOut(Model):
    code: FlagCode
    indicator: Indicator
    message: str
    because: list[str]


class Precaution(Model):
    """Advice for the client in plain words, from the client's own conditions and findings."""

    topic: AdviceTopic
    do: str | None
    dont: str | None
    urgent: bool
    because: list[str]


class ReferralReason(Model):
    reason: str
    action: str
    because: list[str]


class Referral(Model):
    urgency: Urgency
    reasons: list[ReferralReason]


class WeekOut(Model):
    intense_sessions: int
    light_sessions: int
    recovery_hours: int
    gaps_hours: list[int]
    because: list[str]
    minutes_per_session: int | None = Field(
        default=None, description="the client's time for one session; no session is longer"
    )
    available_days: list[Day] | None = Field(
        default=None, description="the days the client can train, when they said"
    )
    notes: list[str] = Field(
        default_factory=list, description="what the days or the time given made impossible"
    )


class PlanPhase(Model):
    """One phase of the plan over weeks: its weeks, focus, dose and what allows the next."""

    name: str
    first_week: int = Field(description="the phase's first week, week 1 being this week")
    weeks: int
    focus: str
    dose: str = Field(description="reps and effort in words; never more than the caps allow")
    milestones: list[str] = Field(description="what allows the next phase")
    deload_weeks: list[int] = Field(
        default_factory=list, description="lighter weeks inside the phase (plan week numbers)"
    )
    because: list[str] = Field(
        default_factory=list,
        description="the plan entries (`plan.*`, explained in the plan's `entries`) and the "
        "rules (in `rules`) that chose this phase and capped its dose",
    )
    stage: str = Field(default="", description="the dose template (a `plan.*` stage id)")
    reps: str | None = Field(default=None, description="reps per set, when the phase is loaded")
    effort: int | None = Field(default=None, description="the highest RPE the phase allows")
    loaded: bool = Field(default=True, description="whether the phase may add load in the hands")
    plain: str = Field(default="", description="the phase in plain words, for the client")


class PlanReturn(Model):
    """An activity that returns at a week of the plan (e.g. overhead pulling after a repair)."""

    activity: str
    week: int = Field(description="the plan week it returns (1 = already back)")
    because: list[str] = Field(default_factory=list)


class PlanEntry(Model):
    """A plan template entry the plan cites, with its rationale and source."""

    id: str
    rationale: str
    source: str


class ProgramPlan(Model):
    """The program over weeks: phases in order (reference part 2 §13), deloads, the horizon."""

    weeks: int
    phases: list[PlanPhase]
    because: list[str] = Field(default_factory=list)
    returns: list[PlanReturn] = Field(
        default_factory=list, description="activities a condition's timeline brings back, by week"
    )
    basis: dict[str, FactValue] = Field(
        default_factory=dict, description="the facts that chose the template"
    )
    entries: list[PlanEntry] = Field(
        default_factory=list, description="every `plan.*` id cited, with rationale and source"
    )


class Coverage(Model):
    plane: str
    covered: bool
    by: list[str]
    note: str | None


class TraceEntry(Model):
    """One rule firing: the rule, the facts it matched, what it concluded, and why."""

    rule: str
    matched: dict[str, FactValue]
    conclusions: list[Conclusion]
    rationale: str = ""
    source: str = ""


class LoadLevelOut(Model):
    """How much the spine may be loaded, and the rules (and so the facts) that set it."""

    level: LoadLevel
    because: list[str]
    meaning: str = Field(default="", description="what the level allows, in plain words")


class Limitation(Model):
    """Why the program is limited, and to what."""

    reason: str
    limited_to: str
    because: list[str]


class OverrideOut(Model):
    """A safety invariant an edit broke, accepted on the clinician's override."""

    edit: int = Field(description="the edit's index in `adjustments.edits`")
    summary: str = Field(description="the edit in a few words")
    invariant: str = Field(description="the broken invariant's id (docs/adjustments.md)")
    violation: str = Field(description="what the safety monitor said")
    reason: str = Field(description="the override's clinical reason")
    clinician: str = Field(description="who overrode it")


class AppliedEdit(Model):
    """One edit as applied, in a few words."""

    edit: Edit
    summary: str


class AppliedAdjustments(Model):
    """The clinician's edits applied to the generated program, and every override."""

    clinician: str
    edits: list[AppliedEdit]
    overrides: list[OverrideOut] = Field(default_factory=list)


class ClientOut(Model):
    name: str
    age: int


# A fact base (~200 answers, numbers, words) that is a plain dict of exactly those types is
# taken as validation gives it, a copy, without judging each value against the union; anything
# else is validated as before. Same result, errors and JSON schema (tests pin all three).
_FACT_TYPES = frozenset({bool, int, str})


def _facts(value: object, validate: ValidatorFunctionWrapHandler) -> object:
    if type(value) is dict and _FACT_TYPES.issuperset(map(type, value.values())):
        return dict(value) if set(map(type, value)) == {str} else validate(value)
    return validate(value)


Facts = Annotated[dict[str, FactValue], WrapValidator(_facts)]


class Prescription(Model):
    """The result of one assessment: the program, what was left out and why, and the trace."""

    backexpert: str
    rulebook: str
    rulebook_shipped: bool = Field(
        default=True,
        description="false when the rule base is not the one shipped with this version "
        "(--rules or BACKEXPERT_RULES): its results are not the released clinical rules",
    )
    client: ClientOut
    status: Status
    referral: Referral | None
    limitations: list[Limitation]
    load_level: LoadLevelOut = Field(
        default_factory=lambda: LoadLevelOut(level=LoadLevel.full, because=[]),
        description="the spinal load level (none, low, moderate, full) and the rules that set it",
    )
    scores: Scores
    schedule: WeekOut | None
    plan: ProgramPlan | None = Field(
        default=None, description="the program over weeks: phases, milestones, deloads"
    )
    sessions: list[Session]
    daily: list[Item]
    excluded: list[Excluded]
    flags: list[FlagOut]
    precautions: list[Precaution] = Field(
        default_factory=list, description="advice for the client: do and don't, safety-net first"
    )
    coverage: list[Coverage]
    notes: list[str] = Field(
        default_factory=list,
        description="free text from the intake (client notes, conditions recorded as other): "
        "shown to the clinician, never interpreted; and each current load the program does not "
        "use (`Current load not used: ...`)",
    )
    facts: Facts
    trace: list[TraceEntry]
    rules: list[RuleInfo]
    derivations: list[Derivation] = Field(
        default_factory=list, description="each derived fact, the rule and the facts it came from"
    )
    adjustments: AppliedAdjustments | None = Field(
        default=None,
        description="the clinician's edits to the generated program, with every override; "
        "null for a program as the rules made it",
    )

    def rule(self, rule_id: str) -> RuleInfo:
        """A cited rule as this document records it (a rule it does not record: its id alone)."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        return RuleInfo(id=rule_id, area="", file="", rationale=rule_id, source="-")

    def items(self) -> list[tuple[str, Item]]:
        """Every item with where it is: a day (`tue`) or `daily`."""
        out = [(s.day.value, i) for s in self.sessions for i in s.items]
        return out + [("daily", i) for i in self.daily]
