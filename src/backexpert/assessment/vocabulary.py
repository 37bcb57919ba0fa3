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

    def condition(self, code: ConditionCode) -> Condition | None:
        return next((c for c in self.intake.conditions if c.code is code), None)


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
            ("passive", "active", "strengthening"),
        ),
        derived_fact("client.older_adult", "65 or older (NSCA older adults)"),
        derived_fact("pain.severe", "pain 7 or more now or in the last 24 h"),
    ]


FACTS: tuple[FactSpec, ...] = (*_intake_facts(), *_score_facts(), *_derived_facts())
