"""The vocabulary: every word a rule file may use, registered in code.

Rules are data; the words they are made of are code. A rule may only name a fact, an operator,
an exercise, a tag, a flag or an action registered here (exercises come from the catalogue);
the rulebook compiler rejects anything else with the file, the rule id and the line.

A *fact* is one named attribute of the client with one value (`client.age = 45`,
`finding.rounded_shoulders = true`). Intake facts are closed-world: every one is asserted with an
explicit value, so rules never need negation. *Derived* facts are concluded by rules (finding →
derived risk → decision) and are only ever tested positively.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

FactValue = bool | int | str


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"


class Occupation(StrEnum):
    desk = "desk"
    manual = "manual"
    athlete = "athlete"
    other = "other"


class Experience(StrEnum):
    novice = "novice"
    intermediate = "intermediate"
    advanced = "advanced"


class Goal(StrEnum):
    posture = "posture"
    pain_management = "pain_management"
    strength = "strength"
    hypertrophy = "hypertrophy"
    endurance = "endurance"
    general_fitness = "general_fitness"


class Equipment(StrEnum):
    barbell = "barbell"
    trap_bar = "trap_bar"
    dumbbells = "dumbbells"
    kettlebell = "kettlebell"
    pull_up_bar = "pull_up_bar"
    cable_station = "cable_station"
    resistance_band = "resistance_band"
    medicine_ball = "medicine_ball"
    hyperextension_bench = "hyperextension_bench"
    bench = "bench"
    foam_roller = "foam_roller"


class Finding(StrEnum):
    """Physical-examination findings."""

    rounded_shoulders = "rounded_shoulders"
    forward_head_posture = "forward_head_posture"
    scapular_dyskinesis = "scapular_dyskinesis"
    thoracic_stiffness = "thoracic_stiffness"
    poor_extensor_endurance = "poor_extensor_endurance"
    aberrant_movement = "aberrant_movement"
    positive_prone_instability_test = "positive_prone_instability_test"
    straight_leg_raise_over_91 = "straight_leg_raise_over_91"
    poor_hip_hinge_pattern = "poor_hip_hinge_pattern"
    trunk_rotation_asymmetry = "trunk_rotation_asymmetry"
    limited_shoulder_flexion = "limited_shoulder_flexion"


class ConditionCode(StrEnum):
    """Injuries and conditions a client may bring."""

    lumbar_instability = "lumbar_instability"
    chronic_low_back_pain = "chronic_low_back_pain"
    lumbar_disc_herniation = "lumbar_disc_herniation"
    spondylolisthesis = "spondylolisthesis"
    osteoporosis = "osteoporosis"
    rotator_cuff_repair = "rotator_cuff_repair"
    rotator_cuff_tendinopathy = "rotator_cuff_tendinopathy"
    shoulder_impingement = "shoulder_impingement"
    hypertension = "hypertension"


class Severity(StrEnum):
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class ConditionSeverity(StrEnum):
    """A condition's severity as a closed-world fact."""

    absent = "absent"
    unspecified = "unspecified"
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class Side(StrEnum):
    left = "left"
    right = "right"
    both = "both"


class PainRegion(StrEnum):
    none = "none"
    low_back = "low_back"
    low_back_and_leg = "low_back_and_leg"
    thoracic = "thoracic"
    neck = "neck"
    shoulder = "shoulder"
    multiple = "multiple"


class RedFlagQuestion(StrEnum):
    """The red-flag screen: each question is answered yes or no, or was not asked.

    The first ten are the core spinal screen: a screen is complete when all ten are answered.
    The others refine it (cauda equina, metastasis, fracture, inflammatory and shoulder flags)
    and are asked when the presentation calls for them; a yes to any of them acts at once.
    """

    saddle_anaesthesia = "saddle_anaesthesia"
    bladder_or_bowel_dysfunction = "bladder_or_bowel_dysfunction"
    bilateral_or_progressive_neurological_deficit = "bilateral_or_progressive_neurological_deficit"
    history_of_cancer = "history_of_cancer"
    unexplained_weight_loss = "unexplained_weight_loss"
    constant_night_pain = "constant_night_pain"
    fever_or_recent_infection = "fever_or_recent_infection"
    iv_drug_use_or_immunosuppression = "iv_drug_use_or_immunosuppression"
    significant_trauma_or_osteoporotic_fracture_risk = (
        "significant_trauma_or_osteoporotic_fracture_risk"
    )
    long_term_steroid_use = "long_term_steroid_use"
    # refinements, asked when relevant
    bilateral_leg_pain = "bilateral_leg_pain"
    new_sexual_dysfunction = "new_sexual_dysfunction"
    new_neurological_deficit = "new_neurological_deficit"
    pain_worse_on_straining = "pain_worse_on_straining"
    no_improvement_after_one_month = "no_improvement_after_one_month"
    recent_minor_trauma = "recent_minor_trauma"
    inflammatory_back_pain_pattern = "inflammatory_back_pain_pattern"
    shoulder_unreduced_dislocation = "shoulder_unreduced_dislocation"
    hot_swollen_joint = "hot_swollen_joint"
    sudden_arm_weakness_or_numbness = "sudden_arm_weakness_or_numbness"
    acute_traumatic_cuff_tear_signs = "acute_traumatic_cuff_tear_signs"


CORE_RED_FLAG_SCREEN: tuple[RedFlagQuestion, ...] = tuple(RedFlagQuestion)[:10]


class Answer(StrEnum):
    """A red-flag answer as a closed-world fact."""

    yes = "yes"
    no = "no"
    not_asked = "not_asked"


class Pattern(StrEnum):
    """Movement patterns of the catalogue."""

    scapular_activation = "scapular_activation"
    vertical_pull = "vertical_pull"
    horizontal_pull = "horizontal_pull"
    hinge = "hinge"
    back_extension = "back_extension"
    rotation = "rotation"
    anti_rotation = "anti_rotation"
    anti_extension = "anti_extension"
    lateral_stability = "lateral_stability"
    mobility = "mobility"


class Tag(StrEnum):
    """What an exercise loads or demands; contraindications are stated in these words."""

    spinal_compression = "spinal_compression"
    spinal_extension_load = "spinal_extension_load"
    spinal_rotation_load = "spinal_rotation_load"
    loaded_pull = "loaded_pull"
    overhead = "overhead"
    overhead_reach = "overhead_reach"
    resisted_shoulder = "resisted_shoulder"
    shoulder_weight_bearing = "shoulder_weight_bearing"
    active_shoulder = "active_shoulder"
    technical_lift = "technical_lift"


class Phase(StrEnum):
    """Where an item sits in a session: priming always comes before loading."""

    priming = "priming"
    main = "main"
    accessory = "accessory"


PHASE_ORDER: dict[Phase, int] = {Phase.priming: 0, Phase.main: 1, Phase.accessory: 2}


class SessionKind(StrEnum):
    intense = "intense"
    light = "light"
    daily = "daily"


class Urgency(StrEnum):
    emergency = "emergency"
    urgent = "urgent"
    before_exercise = "before_exercise"


class Indicator(StrEnum):
    """How loudly a flag speaks (CDS Hooks card indicators)."""

    info = "info"
    warning = "warning"
    critical = "critical"


class Day(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


WEEK: tuple[Day, ...] = tuple(Day)


class FlagCode(StrEnum):
    """Flags a rule may raise for the clinician; the message comes from the rule."""

    technique_focus = "technique_focus"
    recheck_extensor_endurance = "recheck_extensor_endurance"
    lumbar_load_monitor = "lumbar_load_monitor"
    cuff_repair_protected = "cuff_repair_protected"
    cuff_repair_milestones = "cuff_repair_milestones"
    pain_free_range = "pain_free_range"
    progress_deadlift_variations = "progress_deadlift_variations"
    older_adult_dosing = "older_adult_dosing"
    pain_monitoring = "pain_monitoring"
    blood_pressure = "blood_pressure"
    bone_health = "bone_health"
    progression_principle = "progression_principle"
    # screening
    red_flag_screen_incomplete = "red_flag_screen_incomplete"
    psychologically_informed_care = "psychologically_informed_care"
    stratified_care = "stratified_care"
    parq_clearance = "parq_clearance"
    vigorous_effort_over_45 = "vigorous_effort_over_45"
    disability_severe = "disability_severe"
    shoulder_disability = "shoulder_disability"

    # --- progress (issue 5): flags the progression rules raise from the session logs ---
    recovery_window = "recovery_window"
    plateau = "plateau"
    overreaching = "overreaching"
    pain_increase = "pain_increase"
    poor_form = "poor_form"


# --- progress (issue 5): words of the progression rulebook (rules/progression/*.yaml) ---------


class Trend(StrEnum):
    """Which way a measure moved over the last sessions of one exercise."""

    rising = "rising"
    flat = "flat"
    falling = "falling"


class ProgressAction(StrEnum):
    """What the next session does with one exercise, most conservative first."""

    regress = "regress"
    deload = "deload"
    review = "review"
    hold = "hold"
    progress_exercise = "progress_exercise"
    increase_load = "increase_load"
    increase_reps = "increase_reps"


Kind = Literal["bool", "int", "enum"]


@dataclass(frozen=True)
class FactSpec:
    """A registered fact: its name, type and domain, and whether it is intake or derived."""

    name: str
    kind: Kind
    description: str
    values: tuple[str, ...] = ()
    low: int = 0
    high: int = 0
    derived: bool = False
    always_known: bool = True

    def admits(self, value: FactValue) -> bool:
        """Whether a value lies in this fact's domain."""
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, str) and value in self.values

    def domain_text(self) -> str:
        if self.kind == "bool":
            return "true | false"
        if self.kind == "int":
            return f"whole number {self.low}..{self.high}"
        return " | ".join(self.values)


def _enum(name: str, values: type[StrEnum], description: str, **kw: bool) -> FactSpec:
    return FactSpec(name, "enum", description, values=tuple(v.value for v in values), **kw)


def _flags(prefix: str, values: type[StrEnum], description: str) -> list[FactSpec]:
    return [FactSpec(f"{prefix}.{v.value}", "bool", description.format(v.value)) for v in values]


def _intake_facts() -> list[FactSpec]:
    specs = [
        FactSpec("client.age", "int", "age in years", low=10, high=110),
        _enum("client.sex", Sex, "sex"),
        _enum("client.occupation", Occupation, "occupation"),
        _enum("training.experience", Experience, "training experience"),
        FactSpec("training.sessions_per_week", "int", "sessions the client can do", low=1, high=7),
        *_flags("equipment", Equipment, "{} is available"),
        *_flags("goal", Goal, "the client's goals include {}"),
        *_flags("finding", Finding, "examination found {}"),
    ]
    for code in ConditionCode:
        specs.append(FactSpec(f"condition.{code.value}", "bool", f"client has {code.value}"))
        specs.append(
            _enum(f"condition.{code.value}.severity", ConditionSeverity, f"{code.value} severity")
        )
        specs.append(
            FactSpec(
                f"condition.{code.value}.weeks_since",
                "int",
                f"weeks since {code.value} began or was operated (known only when given)",
                low=0,
                high=1040,
                always_known=False,
            )
        )
    specs += [
        _enum("pain.region", PainRegion, "where the pain is"),
        FactSpec("pain.nprs_now", "int", "pain now, 0-10 numeric rating scale", low=0, high=10),
        FactSpec(
            "pain.nprs_worst_24h", "int", "worst pain in the last 24 h (0-10)", low=0, high=10
        ),
    ]
    specs += [
        _enum(f"red_flag.{q.value}", Answer, f"red-flag screen: {q.value}") for q in RedFlagQuestion
    ]
    specs += [
        FactSpec(
            "screening.red_flags_complete",
            "bool",
            "all ten core red-flag questions were answered",
        ),
        FactSpec(
            "training.accustomed_to_vigorous_effort",
            "enum",
            "used to vigorous or maximal effort",
            values=("yes", "no", "not_asked"),
        ),
        FactSpec(
            "pain.band",
            "enum",
            "NPRS band of pain now",
            values=("none", "mild", "moderate", "severe"),
        ),
        FactSpec(
            "start_back.category",
            "enum",
            "STarT Back risk group",
            values=("low", "medium", "high", "not_given"),
        ),
        FactSpec("start_back.total", "int", "STarT Back total (0-9)", high=9, always_known=False),
        FactSpec(
            "start_back.distress", "int", "STarT Back distress subscale", high=5, always_known=False
        ),
        FactSpec(
            "odi.band",
            "enum",
            "Oswestry disability band",
            values=("minimal", "moderate", "severe", "crippled", "bed_bound", "not_given"),
        ),
        FactSpec("odi.percent", "int", "Oswestry %, rounded", high=100, always_known=False),
        FactSpec("quickdash.score", "int", "QuickDASH, rounded", high=100, always_known=False),
        FactSpec(
            "roland_morris.score", "int", "RMDQ statements ticked", high=24, always_known=False
        ),
        FactSpec(
            "parq.outcome",
            "enum",
            "PAR-Q+ outcome",
            values=(
                "not_given",
                "cleared",
                "cleared_low_to_moderate",
                "follow_up_needed",
                "clearance_required",
                "medically_cleared",
            ),
        ),
    ]
    return specs


def _derived(name: str, description: str, values: tuple[str, ...] = ()) -> FactSpec:
    kind: Kind = "enum" if values else "bool"
    return FactSpec(name, kind, description, values=values, derived=True, always_known=False)


def _derived_facts() -> list[FactSpec]:
    return [
        _derived("lifestyle.desk_bound", "spends most of the day seated at a desk"),
        _derived(
            "posture.upper_crossed",
            "rounded shoulders, forward head or scapular dyskinesis: upper-back control deficit",
        ),
        _derived(
            "risk.lumbar_load",
            "how much spinal loading the lumbar spine tolerates now",
            ("elevated", "high"),
        ),
        _derived(
            "lumbar.motor_control_deficit",
            "signs of poor lumbar motor control (aberrant movement, positive prone instability)",
        ),
        _derived(
            "shoulder.cuff_repair_phase",
            "rehabilitation phase after rotator-cuff repair (ASSET)",
            ("passive", "active", "strengthening"),
        ),
        _derived("client.older_adult", "65 or older (NSCA older adults)"),
        _derived("pain.severe", "pain 7 or more now or in the last 24 h"),
    ]


FACTS: dict[str, FactSpec] = {s.name: s for s in (*_intake_facts(), *_derived_facts())}


# --- progress (issue 5): facts derived from the session logs --------------------------------
# The progression rulebook is evaluated once per exercise (the `progress.*` exercise facts) and
# once per pair of consecutive intense sessions (`progress.intense_gap_hours`). A fact exists only
# where the logs measure it (no previous session, no effort recorded): all are always_known=False,
# so rules test them positively only, and progress.py checks each scope supplies its own facts.


def _progress(
    name: str,
    kind: Kind,
    description: str,
    values: tuple[str, ...] = (),
    low: int = 0,
    high: int = 0,
) -> FactSpec:
    return FactSpec(f"progress.{name}", kind, description, values, low, high, always_known=False)


def _progress_facts() -> list[FactSpec]:
    trend = tuple(t.value for t in Trend)
    return [
        _progress(
            "pattern",
            "enum",
            "movement pattern of the exercise",
            values=tuple(p.value for p in Pattern),
        ),
        _progress("load_tracked", "bool", "the latest session logged an external load (kg)"),
        _progress("has_progression", "bool", "the catalogue links a harder exercise"),
        _progress("sessions", "int", "sessions logged with this exercise", low=1, high=10000),
        _progress(
            "last.reps_over",
            "int",
            "latest session: last-set reps minus the top of the target range",
            low=-100,
            high=100,
        ),
        _progress(
            "previous.reps_over",
            "int",
            "session before: last-set reps minus the top of the target range",
            low=-100,
            high=100,
        ),
        _progress("last.missed_reps", "bool", "latest session: a set below the target range"),
        _progress("previous.missed_reps", "bool", "session before: a set below the target range"),
        _progress("last.effort", "int", "latest session: hardest set, RPE", low=1, high=10),
        _progress("previous.effort", "int", "session before: hardest set, RPE", low=1, high=10),
        _progress("last.form", "int", "latest session: form quality 1-5", low=1, high=5),
        _progress(
            "last.pain_rise",
            "int",
            "latest session: pain after minus pain before (or the previous session's after)",
            low=-10,
            high=10,
        ),
        _progress(
            "flat_sessions",
            "int",
            "latest run of sessions with no progress in load or reps, counting its first",
            low=1,
            high=10000,
        ),
        _progress("effort_trend", "enum", "effort over the last three sessions", values=trend),
        _progress(
            "performance_trend",
            "enum",
            "estimated strength (load, reps and reps in reserve) over the last three sessions",
            values=trend,
        ),
        _progress(
            "intense_gap_hours",
            "int",
            "hours between two consecutive intense back sessions in the log",
            low=0,
            high=100000,
        ),
    ]


FACTS.update({s.name: s for s in _progress_facts()})

Operator = Literal["is", "is_not", "in", "not_in", "gt", "gte", "lt", "lte"]
OPERATORS: tuple[Operator, ...] = ("is", "is_not", "in", "not_in", "gt", "gte", "lt", "lte")
NUMERIC_OPERATORS: frozenset[str] = frozenset({"gt", "gte", "lt", "lte"})
NEGATIVE_OPERATORS: frozenset[str] = frozenset({"is_not", "not_in"})

ActionName = Literal[
    "add",
    "dose",
    "cap",
    "exclude",
    "before",
    "derive",
    "flag",
    "refer",
    "limit",
    "schedule",
    "recommend",  # progress (issue 5): the progression rulebook's conclusion
]
ACTIONS: tuple[ActionName, ...] = (
    "add",
    "dose",
    "cap",
    "exclude",
    "before",
    "derive",
    "flag",
    "refer",
    "limit",
    "schedule",
    "recommend",
)
