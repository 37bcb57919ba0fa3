"""The client fact base as the physiotherapist records it: the intake assessment.

The field names and codes here are the public contract (JSON Schema: `backexpert schema intake`).
Validation is strict: unknown fields and unknown codes are refused, numbers must be whole numbers
in range, and every answer of the red-flag screen is yes or no (a missing question = not asked).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from .. import documents
from ..errors import IntakeError
from ..model import Model
from .words import (
    ConditionCode,
    Equipment,
    Experience,
    Finding,
    Goal,
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
    name: str = Field(min_length=1, max_length=200)
    age: StrictInt = Field(ge=10, le=110)
    sex: Sex
    occupation: Occupation


class Training(Model):
    experience: Experience
    sessions_per_week: StrictInt = Field(ge=1, le=7, description="sessions the client can do")
    equipment: list[Equipment] = Field(default_factory=list)
    accustomed_to_vigorous_effort: YesNo | None = Field(
        default=None, description="used to vigorous or maximal effort (PAR-Q+ advice over 45)"
    )


class Condition(Model):
    code: ConditionCode
    severity: Severity | None = None
    side: Side | None = None
    weeks_since: StrictInt | None = Field(
        default=None, ge=0, le=1040, description="weeks since onset or surgery"
    )

    @model_validator(mode="after")
    def _surgery_needs_its_date(self) -> Condition:
        if self.code is ConditionCode.rotator_cuff_repair and self.weeks_since is None:
            raise ValueError(
                "weeks_since is required for rotator_cuff_repair: loading depends on it"
            )
        return self


class Pain(Model):
    region: PainRegion = PainRegion.none
    nprs_now: StrictInt = Field(ge=0, le=10)
    nprs_worst_24h: StrictInt | None = Field(default=None, ge=0, le=10)

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
    date: dt.date
    by: str | None = None


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


class Questionnaires(Model):
    parq_plus: ParqPlus | None = None
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
    date: dt.date | None = None
    clinician: str | None = Field(default=None, max_length=200)


class Intake(Model):
    """A client's intake assessment."""

    client: Client
    training: Training
    goals: list[Goal] = Field(min_length=1)
    findings: list[Finding] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    pain: Pain
    red_flag_screen: dict[RedFlagQuestion, YesNo] = Field(default_factory=dict)
    questionnaires: Questionnaires = Field(default_factory=Questionnaires)
    assessment: Assessment = Field(default_factory=Assessment)

    @field_validator("conditions")
    @classmethod
    def _each_condition_once(cls, conditions: list[Condition]) -> list[Condition]:
        codes = [c.code for c in conditions]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            raise ValueError(f"condition {code.value} is listed more than once")
        return conditions


def load(path: str) -> Intake:
    """Read and validate an intake file (YAML or JSON; '-' is standard input)."""
    return documents.validate(Intake, documents.read(path), IntakeError)


def parse(text: str, source: str = "<intake>") -> Intake:
    """Validate intake text (YAML or JSON)."""
    return documents.validate(Intake, documents.parse(text, source), IntakeError)
