"""The progress report document: trends, flags and the next session for one client, explained.

The JSON of `backexpert progress ID --format json`; like the prescription, it carries the rules
it cites (rationale and source) so it explains itself without the rulebook.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ..clinical.words import Indicator, Pattern
from ..knowledge.explanation import RuleInfo
from ..knowledge.vocabulary import FactValue
from ..model import Model
from .actions import Flag, Recommend
from .vocabulary import ProgressAction, ProgressFlagCode, Trend


class Target(Model):
    """The next session's dose for one exercise (possibly another exercise)."""

    exercise: str
    name: str
    load_kg: float | None
    reps: str
    sets: int
    effort: int | None = Field(
        default=None, description="the effort (RPE) the current plan allows, when it caps it"
    )


class Overruled(Model):
    action: ProgressAction
    because: list[str]


class Recommendation(Model):
    exercise: str
    name: str
    action: ProgressAction
    target: Target
    because: list[str]
    overruled: list[Overruled]
    reason: str
    notes: list[str]


class ProgressFlag(Model):
    code: ProgressFlagCode
    indicator: Indicator
    message: str
    exercise: str | None
    detail: str | None
    because: list[str]


class Point(Model):
    """One exercise in one session, as measured."""

    date: dt.date
    time: dt.time | None
    top_load_kg: float | None
    last_set_reps: int
    best_reps: int
    sets: int
    effort: int | None
    form: int | None
    pain_before: int | None
    pain_after: int | None
    performance: float


TargetSource = Literal["log", "assessment", "catalogue"]


class ExerciseProgress(Model):
    exercise: str
    name: str
    pattern: Pattern
    target_reps: str
    target_sets: int
    target_from: TargetSource
    load_increment_kg: float
    effort_trend: Trend | None
    performance_trend: Trend | None
    flat_sessions: int
    history: list[Point]
    facts: dict[str, FactValue]


class SessionSummary(Model):
    date: dt.date
    time: dt.time | None
    intense: bool
    effort: float | None = Field(description="mean RPE of the sets that recorded one")
    pain: int | None = Field(description="highest pain after any exercise")
    exercises: list[str]


class Gap(Model):
    """Two consecutive intense sessions and the hours between them."""

    first: str
    second: str
    hours: int


class TraceEntry(Model):
    """One progression rule firing, in the scope it was evaluated in (an exercise, a gap)."""

    scope: str
    rule: str
    matched: dict[str, FactValue]
    conclusions: list[Recommend | Flag]


class ClientRef(Model):
    id: int | None
    name: str
    born: dt.date | None


class AssessmentRef(Model):
    created_at: dt.datetime
    rulebook: str


class ProgressReport(Model):
    """Trends, flags and the next session, explained."""

    backexpert: str
    rulebook: str
    client: ClientRef
    as_of: dt.date | None
    assessment: AssessmentRef | None
    flags: list[ProgressFlag]
    recommendations: list[Recommendation]
    exercises: list[ExerciseProgress]
    sessions: list[SessionSummary]
    recovery: list[Gap]
    trace: list[TraceEntry]
    rules: list[RuleInfo]
