"""The client fact base as the physiotherapist records it: the intake assessment.

The field names and codes here are the public contract (JSON Schema: `backexpert schema intake`).
Validation is strict: unknown fields and unknown codes are refused, numbers must be whole numbers
in range, and every answer of the red-flag screen is yes or no (a missing question = not asked).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from .. import documents
from ..errors import IntakeError, Problem
from ..model import CalendarDate, Identifier, LongText, Model, Name, ShortText
from .catalogue import Catalogue, unknown_exercise
from .words import (
    DATED_CONDITIONS,
    ConditionCode,
    Day,
    Equipment,
    Experience,
    Finding,
    Goal,
    Irritability,
    Occupation,
    PainRegion,
    RedFlagQuestion,
    Severity,
    Sex,
    Side,
)


def _yes_no(value: Any) -> Any:
    """Accept YAML booleans and the words yes/no; anything else fails as not a boolean."""
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower() == "yes"
    return value


YesNo = Annotated[bool, BeforeValidator(_yes_no), Field(strict=True)]


class Client(Model):
    name: Name
    age: StrictInt = Field(ge=10, le=110)
    sex: Sex
    occupation: Occupation
    notes: LongText | None = Field(
        default=None,
        description="free text from the clinician: kept and shown, never interpreted",
    )


class CurrentLoad(Model):
    """A load the client lifts today: the exercise, the load, the reps done, and how hard."""

    exercise: Identifier = Field(description="catalogue id")
    load_kg: float = Field(gt=0, le=500)
    reps: StrictInt = Field(ge=1, le=30)
    rpe: StrictInt | None = Field(default=None, ge=1, le=10)


class Training(Model):
    experience: Experience
    sessions_per_week: StrictInt = Field(ge=1, le=7, description="sessions the client can do")
    equipment: list[Equipment] = Field(default_factory=list, max_length=len(Equipment))
    accustomed_to_vigorous_effort: YesNo | None = Field(
        default=None, description="used to vigorous or maximal effort (PAR-Q+ advice over 45)"
    )
    minutes_per_session: StrictInt = Field(
        default=45, ge=15, le=120, description="how long one session may take"
    )
    available_days: list[Day] | None = Field(
        default=None,
        min_length=1,
        max_length=7,
        description="the days the client can train (default: any day)",
    )
    current_loads: list[CurrentLoad] = Field(default_factory=list, max_length=40)

    @field_validator("available_days")
    @classmethod
    def _each_day_once(cls, days: list[Day] | None) -> list[Day] | None:
        if days is not None and len(set(days)) != len(days):
            raise ValueError("a day is listed more than once")
        return days


class Vitals(Model):
    """Resting blood pressure, mmHg (domain reference 2, section 9)."""

    resting_systolic: StrictInt | None = Field(default=None, ge=60, le=300)
    resting_diastolic: StrictInt | None = Field(default=None, ge=30, le=200)

    @model_validator(mode="after")
    def _pressure_is_plausible(self) -> Vitals:
        s, d = self.resting_systolic, self.resting_diastolic
        if s is not None and d is not None and d >= s:
            raise ValueError(f"resting_diastolic ({d}) must be below resting_systolic ({s})")
        return self


class Condition(Model):
    """A diagnosis, an operation or a state the program must respect."""

    code: ConditionCode
    severity: Severity | None = None
    side: Side | None = Field(
        default=None,
        description="the side affected; for a cuff repair or radiculopathy a missing side means "
        "both",
    )
    weeks_since: StrictInt | None = Field(
        default=None,
        ge=0,
        le=1040,
        description="weeks since onset or surgery; weeks of gestation for pregnancy; weeks "
        "since delivery for postpartum",
    )
    grade: StrictInt | None = Field(
        default=None, ge=1, le=5, description="Meyerding grade of a spondylolisthesis"
    )
    cleared: YesNo | None = Field(
        default=None, description="the surgeon or physician has cleared loading"
    )
    note: ShortText | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _fields_fit_the_code(self) -> Condition:
        if self.code in DATED_CONDITIONS and self.weeks_since is None:
            raise ValueError(
                f"weeks_since is required for {self.code.value}: loading depends on it"
            )
        if self.grade is not None and self.code is not ConditionCode.spondylolisthesis:
            raise ValueError("grade (Meyerding) is only for spondylolisthesis")
        if self.code is ConditionCode.other and self.note is None:
            raise ValueError("note is required for other: say what the condition is")
        return self

    @property
    def sides(self) -> Side:
        """The side affected: a missing side means both."""
        return self.side or Side.both


class Pain(Model):
    region: PainRegion = PainRegion.none
    nprs_now: StrictInt = Field(ge=0, le=10)
    nprs_worst_24h: StrictInt | None = Field(default=None, ge=0, le=10)
    duration_weeks: StrictInt | None = Field(
        default=None, ge=0, le=1040, description="how long the symptoms have lasted"
    )
    irritability: Irritability | None = Field(
        default=None,
        description="high: light activity provokes pain lasting over 2 h or to the next day, or "
        "night pain that wakes; moderate: settles in 1-2 h; low: settles within minutes",
    )

    @model_validator(mode="after")
    def _worst_is_not_below_now(self) -> Pain:
        if self.nprs_worst_24h is not None and self.nprs_worst_24h < self.nprs_now:
            raise ValueError(
                f"nprs_worst_24h ({self.nprs_worst_24h}) is below nprs_now ({self.nprs_now})"
            )
        return self

    @property
    def worst(self) -> int:
        return self.nprs_now if self.nprs_worst_24h is None else self.nprs_worst_24h


class MedicalClearance(Model):
    date: CalendarDate
    by: Name | None = None


class ParqFollowUp(Model):
    """PAR-Q+ pages 2-3: the follow-up sections answered, each a list of yes/no in order."""

    musculoskeletal: list[YesNo] | None = Field(
        default=None,
        min_length=3,
        max_length=3,
        description="1a-1c: arthritis, osteoporosis or back problems",
    )
    cancer: list[YesNo] | None = Field(default=None, min_length=2, max_length=2)
    cardiovascular: list[YesNo] | None = Field(default=None, min_length=4, max_length=4)
    hypertension: list[YesNo] | None = Field(default=None, min_length=2, max_length=2)
    metabolic: list[YesNo] | None = Field(default=None, min_length=5, max_length=5)
    mental_health: list[YesNo] | None = Field(default=None, min_length=2, max_length=2)
    respiratory: list[YesNo] | None = Field(default=None, min_length=4, max_length=4)
    spinal_cord_injury: list[YesNo] | None = Field(default=None, min_length=3, max_length=3)
    stroke: list[YesNo] | None = Field(default=None, min_length=3, max_length=3)
    other: list[YesNo] | None = Field(default=None, min_length=5, max_length=5)

    def answered(self) -> dict[str, list[bool]]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class ParqPlus(Model):
    general: list[YesNo] = Field(min_length=7, max_length=7)
    follow_up: ParqFollowUp | None = None
    medical_clearance: MedicalClearance | None = None


StartBackAnswer = Literal["agree", "disagree"]
Bothersomeness = Literal["not_at_all", "slightly", "moderately", "very_much", "extremely"]


class StartBack(Model):
    items: list[StartBackAnswer] = Field(min_length=8, max_length=8)
    bothersomeness: Bothersomeness


OdiSection = Annotated[int, Field(strict=True, ge=0, le=5)]
QuickDashItem = Annotated[int, Field(strict=True, ge=1, le=5)]
RmdqStatement = Annotated[int, Field(strict=True, ge=1, le=24)]


PREGNANCY_ABSOLUTE = (
    "ruptured membranes",
    "premature labour",
    "unexplained persistent vaginal bleeding",
    "placenta praevia after 28 weeks",
    "pre-eclampsia",
    "incompetent cervix",
    "intrauterine growth restriction",
    "high-order multiple pregnancy (triplets or more)",
    "uncontrolled type 1 diabetes",
    "uncontrolled hypertension",
    "uncontrolled thyroid disease",
    "other serious cardiovascular, respiratory or systemic disorder",
)
PREGNANCY_RELATIVE = (
    "recurrent pregnancy loss",
    "gestational hypertension",
    "a history of spontaneous preterm birth",
    "mild or moderate cardiovascular or respiratory disease",
    "symptomatic anaemia",
    "malnutrition",
    "eating disorder",
    "twin pregnancy after 28 weeks",
)


class PregnancyScreen(Model):
    """Contraindications to exercise in pregnancy (Mottola 2018, Table 2), yes or no in order."""

    absolute: list[YesNo] = Field(
        min_length=len(PREGNANCY_ABSOLUTE),
        max_length=len(PREGNANCY_ABSOLUTE),
        description="; ".join(PREGNANCY_ABSOLUTE),
    )
    relative: list[YesNo] = Field(
        min_length=len(PREGNANCY_RELATIVE),
        max_length=len(PREGNANCY_RELATIVE),
        description="; ".join(PREGNANCY_RELATIVE),
    )


class Questionnaires(Model):
    parq_plus: ParqPlus | None = None
    pregnancy: PregnancyScreen | None = None
    start_back: StartBack | None = None
    odi: list[OdiSection | None] | None = Field(default=None, min_length=10, max_length=10)
    quickdash: list[QuickDashItem | None] | None = Field(default=None, min_length=11, max_length=11)
    roland_morris: list[RmdqStatement] | None = Field(default=None, max_length=24)

    @model_validator(mode="after")
    def _scorable(self) -> Questionnaires:
        ticks = self.roland_morris or []
        if len(set(ticks)) != len(ticks):
            raise ValueError("roland_morris lists a statement twice")
        if self.odi is not None and self.odi.count(None) > 2:
            raise ValueError(
                f"odi has {self.odi.count(None)} skipped sections; at most 2 can be scored"
            )
        return self


class Assessment(Model):
    date: CalendarDate | None = None
    clinician: Name | None = None


class Intake(Model):
    """A client's intake assessment."""

    client: Client
    training: Training
    goals: list[Goal] = Field(min_length=1, max_length=len(Goal))
    findings: list[Finding] = Field(default_factory=list, max_length=len(Finding))
    conditions: list[Condition] = Field(default_factory=list, max_length=30)
    pain: Pain
    vitals: Vitals = Field(default_factory=Vitals)
    red_flag_screen: dict[RedFlagQuestion, YesNo] = Field(default_factory=dict)
    questionnaires: Questionnaires = Field(default_factory=Questionnaires)
    assessment: Assessment = Field(default_factory=Assessment)

    @field_validator("conditions")
    @classmethod
    def _each_condition_once(cls, conditions: list[Condition]) -> list[Condition]:
        codes = [c.code for c in conditions if c.code is not ConditionCode.other]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            raise ValueError(f"condition {code.value} is listed more than once")
        return conditions

    @model_validator(mode="after")
    def _pregnancy_and_its_screen(self) -> Intake:
        pregnant = any(c.code is ConditionCode.pregnancy for c in self.conditions)
        if self.questionnaires.pregnancy is not None and not pregnant:
            raise ValueError("questionnaires.pregnancy is given but no pregnancy condition is")
        return self

    def condition(self, code: ConditionCode) -> Condition | None:
        """The condition with this code, when recorded (`other` may be recorded more than once)."""
        return next((c for c in self.conditions if c.code is code), None)


def catalogue_problems(
    intake: Intake, catalogue: Catalogue, doc: documents.Document | None = None
) -> list[Problem]:
    """Each current load's exercise the catalogue lacks, with a did-you-mean (else: unused)."""
    problems = []
    for i, c in enumerate(intake.training.current_loads):
        unknown = unknown_exercise(c.exercise, catalogue)
        if unknown is not None:
            path: list[str | int] = ["training", "current_loads", i, "exercise"]
            line = doc.line_of(path) if doc is not None else None
            problems.append(Problem(documents.format_path(path), unknown, line))
    return problems


def load(path: str) -> Intake:
    """Read and validate an intake file (YAML or JSON; '-' is standard input)."""
    return documents.validate(Intake, documents.read(path), IntakeError)


def parse(text: str, source: str = "<intake>") -> Intake:
    """Validate intake text (YAML or JSON)."""
    return documents.validate(Intake, documents.parse(text, source), IntakeError)
