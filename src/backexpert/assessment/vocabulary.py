"""The assessment's facts: every fact an assessment rule may test, and how the intake gives it.

Intake facts are closed-world: each is asserted with an explicit value (`finding.x = false`,
`red_flag.y = not_asked`), so rules never need negation. Optional facts (a score that was not
given, the weeks since a condition began) exist only when known and are tested positively.
Derived facts are concluded by the rules themselves (finding → derived risk → decision).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..clinical.instruments import Scores
from ..clinical.intake import Condition, Intake
from ..clinical.words import (
    CORE_RED_FLAG_SCREEN,
    Answer,
    ConditionCode,
    ConditionSeverity,
    Equipment,
    Experience,
    Finding,
    Goal,
    Irritability,
    LoadLevel,
    Occupation,
    PainRegion,
    RedFlagQuestion,
    Sex,
    Side,
)
from ..knowledge.vocabulary import FactSpec, FactValue, derived_fact, enum_fact


@dataclass(frozen=True)
class Subject:
    """What the assessment's facts are read from: the validated intake and its scores."""

    intake: Intake
    scores: Scores

    def __post_init__(self) -> None:
        # Each condition fact reads its own code: index them once (the first of a code counts).
        by_code: dict[ConditionCode, Condition] = {}
        for c in self.intake.conditions:
            by_code.setdefault(c.code, c)
        object.__setattr__(self, "_conditions", by_code)

    def condition(self, code: ConditionCode) -> Condition | None:
        return self._conditions.get(code)  # type: ignore[attr-defined,no-any-return]


Read = Callable[[Subject], FactValue | None]


def _flags(
    prefix: str, values: Any, description: str, read: Callable[[Subject, Any], bool]
) -> list[FactSpec]:
    return [
        FactSpec(
            f"{prefix}.{v.value}",
            "bool",
            description.format(v.value.replace("_", " ")),
            extract=_reader(read, v),
        )
        for v in values
    ]


def _reader(read: Callable[[Subject, Any], bool], value: Any) -> Read:
    """A fact's extractor for one member of a family (`finding.x` for each finding x)."""
    return lambda s: read(s, value)


def _of(read: Callable[[Subject, ConditionCode], FactValue | None], code: ConditionCode) -> Read:
    """A condition fact's extractor for one condition code."""
    return lambda s: read(s, code)


def _severity(s: Subject, code: ConditionCode) -> str:
    cond = s.condition(code)
    if cond is None:
        return ConditionSeverity.absent.value
    if cond.severity is None:
        return ConditionSeverity.unspecified.value
    return cond.severity.value


def _weeks(s: Subject, code: ConditionCode) -> int | None:
    cond = s.condition(code)
    return None if cond is None else cond.weeks_since


def _side(s: Subject, code: ConditionCode) -> str:
    cond = s.condition(code)
    if cond is None:
        return "absent"
    return (cond.side or Side.both).value


def _cleared(s: Subject, code: ConditionCode) -> str:
    cond = s.condition(code)
    if cond is None:
        return "absent"
    return "not_recorded" if cond.cleared is None else ("yes" if cond.cleared else "no")


def _course(s: Subject) -> str:
    """acute under 6 weeks, subacute 6-12, persistent over 12; unknown when not recorded.

    Without a pain duration, a radiculopathy's weeks since onset date the symptoms [choice].
    """
    weeks = s.intake.pain.duration_weeks
    if weeks is None:
        weeks = _weeks(s, ConditionCode.radiculopathy)
    if weeks is None:
        return "unknown"
    return "acute" if weeks < 6 else "subacute" if weeks <= 12 else "persistent"


def _bp_band(s: Subject) -> str:
    """Resting blood pressure by the higher of its two bands (domain reference 2, section 9)."""
    v = s.intake.vitals
    if v.resting_systolic is None and v.resting_diastolic is None:
        return "not_recorded"
    sys_, dia = v.resting_systolic or 0, v.resting_diastolic or 0
    if sys_ >= 180 or dia >= 110:
        return "very_high"
    if sys_ >= 160 or dia >= 100:
        return "high"
    return "below_160_100"


def _parq_q1(s: Subject) -> str:
    form = s.intake.questionnaires.parq_plus
    if form is None:
        return "not_given"
    return "yes" if form.general[0] else "no"


def _parq_q3(s: Subject) -> str:
    form = s.intake.questionnaires.parq_plus
    if form is None:
        return "not_given"
    return "yes" if form.general[2] else "no"


def _parq_hypertension(s: Subject) -> str:
    form = s.intake.questionnaires.parq_plus
    answers = form.follow_up.hypertension if form and form.follow_up else None
    if answers is None:
        return "not_answered"
    return "any_yes" if any(answers) else "all_no"


def _pregnancy_screen(s: Subject) -> str:
    screen = s.intake.questionnaires.pregnancy
    if screen is None:
        return "not_given"
    if any(screen.absolute):
        return "absolute"
    return "relative" if any(screen.relative) else "clear"


def _condition_facts() -> list[FactSpec]:
    out: list[FactSpec] = []
    for code in ConditionCode:
        name = code.value
        out += [
            FactSpec(
                f"condition.{name}.side",
                "enum",
                f"the side of {name.replace('_', ' ')} (a missing side means both)",
                values=("absent", *(v.value for v in Side)),
                extract=_of(_side, code),
            ),
            FactSpec(
                f"condition.{name}",
                "bool",
                f"client has {name.replace('_', ' ')}",
                extract=_of(lambda s, c: s.condition(c) is not None, code),
            ),
            enum_fact(
                f"condition.{name}.severity",
                ConditionSeverity,
                f"{name.replace('_', ' ')} severity",
                extract=_of(_severity, code),
            ),
            FactSpec(
                f"condition.{name}.cleared",
                "enum",
                f"the surgeon or physician has cleared loading after {name.replace('_', ' ')}",
                values=("absent", "yes", "no", "not_recorded"),
                extract=_of(_cleared, code),
            ),
            FactSpec(
                f"condition.{name}.dated",
                "bool",
                f"when {name.replace('_', ' ')} began (or was operated) is recorded",
                extract=_of(lambda s, c: _weeks(s, c) is not None, code),
            ),
            FactSpec(
                f"condition.{name}.weeks_since",
                "int",
                f"weeks since {name.replace('_', ' ')} began or was operated",
                low=0,
                high=1040,
                always_known=False,
                extract=_of(_weeks, code),
            ),
        ]
    return out


def _answer(s: Subject, q: RedFlagQuestion) -> str:
    answer = s.intake.red_flag_screen.get(q)
    return (Answer.not_asked if answer is None else Answer.yes if answer else Answer.no).value


def _slip_grade(s: Subject) -> str:
    """Meyerding I-II low, III-V high; the recorded grade wins over the severity word."""
    cond = s.condition(ConditionCode.spondylolisthesis)
    if cond is None:
        return "absent"
    if cond.grade is not None:
        return "high" if cond.grade >= 3 else "low"
    if cond.severity is None:
        return "not_recorded"
    return "high" if cond.severity.value == "severe" else "low"


def _question(q: RedFlagQuestion) -> Read:
    return lambda s: _answer(s, q)


def _vigorous(s: Subject) -> str:
    v = s.intake.training.accustomed_to_vigorous_effort
    return "not_asked" if v is None else ("yes" if v else "no")


def _intake_facts() -> list[FactSpec]:
    return [
        FactSpec(
            "client.age",
            "int",
            "age in years",
            low=10,
            high=110,
            extract=lambda s: s.intake.client.age,
        ),
        enum_fact("client.sex", Sex, "sex", extract=lambda s: s.intake.client.sex.value),
        enum_fact(
            "client.occupation",
            Occupation,
            "occupation",
            extract=lambda s: s.intake.client.occupation.value,
        ),
        enum_fact(
            "training.experience",
            Experience,
            "training experience",
            extract=lambda s: s.intake.training.experience.value,
        ),
        FactSpec(
            "training.sessions_per_week",
            "int",
            "sessions the client can do",
            low=1,
            high=7,
            extract=lambda s: s.intake.training.sessions_per_week,
        ),
        *_flags(
            "equipment", Equipment, "{} is available", lambda s, e: e in s.intake.training.equipment
        ),
        *_flags("goal", Goal, "the client's goals include {}", lambda s, g: g in s.intake.goals),
        *_flags("finding", Finding, "examination found {}", lambda s, f: f in s.intake.findings),
        *_condition_facts(),
        enum_fact(
            "pain.region",
            PainRegion,
            "where the pain is",
            extract=lambda s: s.intake.pain.region.value,
        ),
        FactSpec(
            "pain.nprs_now",
            "int",
            "pain now, 0-10 numeric rating scale",
            low=0,
            high=10,
            extract=lambda s: s.intake.pain.nprs_now,
        ),
        FactSpec(
            "pain.nprs_worst_24h",
            "int",
            "worst pain in the last 24 h (0-10)",
            low=0,
            high=10,
            extract=lambda s: s.intake.pain.worst,
        ),
        FactSpec(
            "pain.duration_weeks",
            "int",
            "how long the symptoms have lasted, in weeks (known only when recorded)",
            low=0,
            high=1040,
            always_known=False,
            extract=lambda s: s.intake.pain.duration_weeks,
        ),
        FactSpec(
            "pain.course",
            "enum",
            "symptom duration: acute under 6 weeks, subacute 6-12, persistent over 12",
            values=("acute", "subacute", "persistent", "unknown"),
            extract=_course,
        ),
        FactSpec(
            "pain.irritability",
            "enum",
            "how easily the pain is provoked and how long it takes to settle",
            values=(*(i.value for i in Irritability), "unknown"),
            extract=lambda s: (
                s.intake.pain.irritability.value if s.intake.pain.irritability else "unknown"
            ),
        ),
        FactSpec(
            "vitals.blood_pressure",
            "enum",
            "resting blood pressure band (mmHg)",
            values=("not_recorded", "below_160_100", "high", "very_high"),
            extract=_bp_band,
        ),
        FactSpec(
            "spondylolisthesis.grade",
            "enum",
            "Meyerding grade band: low (I-II) or high (III-V, or recorded as severe)",
            values=("absent", "not_recorded", "low", "high"),
            extract=_slip_grade,
        ),
        FactSpec(
            "parq.heart_or_blood_pressure",
            "enum",
            "PAR-Q+ question 1: a heart condition or high blood pressure",
            values=("yes", "no", "not_given"),
            extract=_parq_q1,
        ),
        FactSpec(
            "parq.dizziness_or_fainting",
            "enum",
            "PAR-Q+ question 3: lost balance from dizziness or lost consciousness in the past year",
            values=("yes", "no", "not_given"),
            extract=_parq_q3,
        ),
        FactSpec(
            "parq.hypertension_follow_up",
            "enum",
            "PAR-Q+ follow-up on high blood pressure (pages 2-3)",
            values=("not_answered", "all_no", "any_yes"),
            extract=_parq_hypertension,
        ),
        FactSpec(
            "pregnancy.screen",
            "enum",
            "pregnancy contraindication screen: absolute, relative, clear or not given",
            values=("not_given", "clear", "relative", "absolute"),
            extract=_pregnancy_screen,
        ),
        *[
            enum_fact(
                f"red_flag.{q.value}",
                Answer,
                f"red-flag screen: {q.value}",
                extract=_question(q),
            )
            for q in RedFlagQuestion
        ],
        FactSpec(
            "screening.red_flags_complete",
            "bool",
            "all ten core red-flag questions were answered",
            extract=lambda s: all(q in s.intake.red_flag_screen for q in CORE_RED_FLAG_SCREEN),
        ),
        FactSpec(
            "training.accustomed_to_vigorous_effort",
            "enum",
            "used to vigorous or maximal effort",
            values=("yes", "no", "not_asked"),
            extract=_vigorous,
        ),
    ]


def _score_facts() -> list[FactSpec]:
    def sb(s: Subject) -> Any:
        return s.scores.start_back

    def qd(s: Subject) -> int | None:
        q = s.scores.quickdash
        return None if q is None or q.score is None else round(q.score)

    return [
        FactSpec(
            "pain.band",
            "enum",
            "NPRS band of pain now",
            values=("none", "mild", "moderate", "severe"),
            extract=lambda s: s.scores.pain.band if s.scores.pain else None,
        ),
        FactSpec(
            "start_back.category",
            "enum",
            "STarT Back risk group",
            values=("low", "medium", "high", "not_given"),
            extract=lambda s: sb(s).category if sb(s) else "not_given",
        ),
        FactSpec(
            "start_back.total",
            "int",
            "STarT Back total (0-9)",
            high=9,
            always_known=False,
            extract=lambda s: sb(s).total if sb(s) else None,
        ),
        FactSpec(
            "start_back.distress",
            "int",
            "STarT Back distress subscale",
            high=5,
            always_known=False,
            extract=lambda s: sb(s).distress if sb(s) else None,
        ),
        FactSpec(
            "odi.band",
            "enum",
            "Oswestry disability band",
            values=("minimal", "moderate", "severe", "crippled", "bed_bound", "not_given"),
            extract=lambda s: s.scores.odi.band if s.scores.odi else "not_given",
        ),
        FactSpec(
            "odi.percent",
            "int",
            "Oswestry %, rounded",
            high=100,
            always_known=False,
            extract=lambda s: round(s.scores.odi.percent) if s.scores.odi else None,
        ),
        FactSpec(
            "quickdash.score", "int", "QuickDASH, rounded", high=100, always_known=False, extract=qd
        ),
        FactSpec(
            "roland_morris.score",
            "int",
            "RMDQ statements ticked",
            high=24,
            always_known=False,
            extract=lambda s: s.scores.roland_morris.score if s.scores.roland_morris else None,
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
            extract=lambda s: s.scores.parq_plus.outcome if s.scores.parq_plus else "not_given",
        ),
    ]


def _derived_facts() -> list[FactSpec]:
    return [
        derived_fact("lifestyle.desk_bound", "spends most of the day seated at a desk"),
        derived_fact(
            "posture.upper_crossed",
            "rounded shoulders, forward head or scapular dyskinesis: upper-back control deficit",
        ),
        derived_fact(
            "risk.lumbar_load",
            "how much spinal loading the lumbar spine tolerates now",
            ("elevated", "high"),
        ),
        derived_fact(
            "lumbar.motor_control_deficit",
            "signs of poor lumbar motor control (aberrant movement, positive prone instability)",
        ),
        derived_fact(
            "shoulder.cuff_repair_phase",
            "rehabilitation phase after rotator-cuff repair (ASSET)",
            ("passive", "active", "strengthening", "return", "late"),
        ),
        derived_fact(
            "arm.protected",
            "the arm that must not bear weight, grip or pull yet (after a cuff repair)",
            ("left", "right", "both"),
        ),
        derived_fact(
            "load.level",
            "how much the spine may be loaded now (the most restrictive level derived wins)",
            tuple(level.value for level in LoadLevel),
        ),
        derived_fact("radicular.signs", "leg pain of nerve-root origin is suspected or known"),
        derived_fact("radicular.early", "radicular pain in its first 12 weeks (or of unknown age)"),
        derived_fact("pars.suspected", "a possible pars stress injury: assess before extension"),
        derived_fact("bone.fragile", "osteoporosis, a known fracture or long-term steroids"),
        derived_fact(
            "balance.falls_risk", "a fall in the past year, a balance impairment or frailty"
        ),
        derived_fact("client.youth", "under 18: supervised, technique before load"),
        derived_fact("client.older_adult", "65 or older (NSCA older adults)"),
        derived_fact("pain.severe", "pain 7 or more now or in the last 24 h"),
    ]


FACTS: tuple[FactSpec, ...] = (*_intake_facts(), *_score_facts(), *_derived_facts())
