"""The assessment's actions: the kinds of conclusion an assessment rule may draw.

`add` puts an exercise in a phase of some kinds of session; `dose` and `cap` change doses (the
most conservative setting and the most restrictive cap win); `exclude` keeps exercises out;
`before` orders them; `flag`, `refer` and `limit` speak to the clinician and limit the program;
`schedule` shapes the week. Exercises are named by id or selected by pattern, tag or loading,
and the compiler checks every one against the catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, model_validator

from ..clinical.catalogue import Catalogue, Selector, rep_bounds
from ..clinical.words import (
    AdviceTopic,
    DayType,
    FlagCode,
    Indicator,
    Phase,
    SessionKind,
    Urgency,
)
from ..knowledge.conditions import did_you_mean
from ..knowledge.rules import Derive
from ..knowledge.vocabulary import ConclusionProblem, Vocabulary
from ..model import Prose, Sparse
from .vocabulary import FACTS


class Action(Sparse):
    """A conclusion as a document shows it: fields left unset are not written."""


class Add(Action):
    """Put an exercise in a phase of the given kinds of session."""

    kind: Literal["add"] = "add"
    exercise: str
    phase: Phase
    sessions: tuple[SessionKind, ...] = Field(default=(SessionKind.intense,), min_length=1)


class Dose(Action, Selector):
    """Set dose fields for the selected exercises (the most conservative setting wins)."""

    kind: Literal["dose"] = "dose"
    sets: StrictInt | None = Field(default=None, ge=1, le=10)
    reps: str | None = None
    tempo: str | None = Field(default=None, pattern=r"^\d-\d-\d-\d$")
    effort: StrictInt | None = Field(default=None, ge=1, le=10)
    day_types: tuple[DayType, ...] | None = Field(
        default=None, min_length=1, description="only on these days of undulating load"
    )


class Cap(Action, Selector):
    """Limit sets and effort (RPE) of the selected exercises; the most restrictive cap wins."""

    kind: Literal["cap"] = "cap"
    sets: StrictInt | None = Field(default=None, ge=1, le=10)
    effort: StrictInt | None = Field(default=None, ge=1, le=10)
    sessions: tuple[SessionKind, ...] | None = None


class Exclude(Action, Selector):
    """Keep the selected exercises out; their regressions may stand in."""

    kind: Literal["exclude"] = "exclude"


class Before(Action):
    """Order `first` before `then`; `then` is dropped when nothing of `first` is prescribed."""

    kind: Literal["before"] = "before"
    first: Selector
    then: Selector


class Flag(Action):
    """Raise a flag for the clinician."""

    kind: Literal["flag"] = "flag"
    code: FlagCode
    indicator: Indicator = Indicator.info
    message: Prose


class Refer(Action):
    """Refer the client on, with the urgency and what to do."""

    kind: Literal["refer"] = "refer"
    urgency: Urgency
    reason: Prose
    action: Prose


class Advise(Action):
    """Give the client a precaution in plain words: something to do and/or something to avoid.

    `urgent` marks safety-net advice (when to seek care at once), shown first and boxed.
    """

    kind: Literal["advise"] = "advise"
    topic: AdviceTopic
    do: Prose | None = None
    dont: Prose | None = None
    urgent: StrictBool = False

    @model_validator(mode="after")
    def _says_something(self) -> Advise:
        if self.do is None and self.dont is None:
            raise ValueError("advise needs do, dont or both")
        return self


class Limit(Action):
    """Limit the whole program: unloaded work only, optionally an effort cap."""

    kind: Literal["limit"] = "limit"
    status: Literal["limited", "clearance_required"] = "limited"
    effort: StrictInt | None = Field(default=None, ge=1, le=10)
    reason: Prose
    limited_to: Prose


class Schedule(Action):
    """Weekly structure: intense back sessions allowed and hours between them."""

    kind: Literal["schedule"] = "schedule"
    intense_sessions: StrictInt | None = Field(default=None, ge=0, le=3)
    recovery_hours: StrictInt | None = Field(default=None, ge=48, le=96)
    undulate: StrictBool | None = Field(
        default=None, description="intense days alternate heavy, light and moderate loads"
    )
    warm_up_minutes: StrictInt | None = Field(
        default=None, ge=3, le=20, description="the most time priming may take before loading"
    )
    home_drills: StrictInt | None = Field(
        default=None, ge=1, le=6, description="the most daily drills besides the walk"
    )


ACTIONS: dict[str, type[BaseModel]] = {
    "add": Add,
    "dose": Dose,
    "cap": Cap,
    "exclude": Exclude,
    "before": Before,
    "flag": Flag,
    "refer": Refer,
    "limit": Limit,
    "advise": Advise,
    "schedule": Schedule,
}

# The typed conclusion of an assessment rule, as the trace of a prescription document keeps it.
Conclusion = Annotated[
    Add | Dose | Cap | Exclude | Before | Flag | Refer | Limit | Schedule | Advise | Derive,
    Field(discriminator="kind"),
]


def _unknown(ex: str, cat: Catalogue) -> str:
    return f"unknown exercise {ex!r}" + did_you_mean(ex, [e.id for e in cat])


def _check(cat: Catalogue, c: BaseModel) -> list[ConclusionProblem]:
    problems: list[ConclusionProblem] = []
    selectors: list[tuple[list[str | int], Selector]] = []
    if isinstance(c, Add) and c.exercise not in cat:
        problems.append((["exercise"], _unknown(c.exercise, cat)))
    elif isinstance(c, Dose | Cap | Exclude):
        selectors.append(([], c))
    elif isinstance(c, Before):
        selectors += [(["first"], c.first), (["then"], c.then)]
    if isinstance(c, Dose) and c.reps is not None:
        try:
            rep_bounds(c.reps)
        except ValueError as exc:
            problems.append((["reps"], str(exc)))
    if (
        isinstance(c, Dose | Cap)
        and c.sets is None
        and c.effort is None
        and not (isinstance(c, Dose) and (c.reps or c.tempo))
    ):
        problems.append(([], "names no dose field to set"))
    for path, sel in selectors:
        if sel.exercise is not None and sel.exercise not in cat:
            problems.append(([*path, "exercise"], _unknown(sel.exercise, cat)))
        elif not cat.select(sel):
            problems.append((path, f"selects no exercise of the catalogue ({sel.describe()})"))
    return problems


def _check_rule(cat: Catalogue, conclusions: Sequence[BaseModel]) -> list[str]:
    added = {c.exercise for c in conclusions if isinstance(c, Add)}
    out = []
    for c in conclusions:
        if isinstance(c, Exclude):
            both = sorted(added & {e.id for e in cat.select(c)})
            if both:
                out.append(f"both adds and excludes {', '.join(both)}")
    return out


def vocabulary(cat: Catalogue) -> Vocabulary:
    """The assessment's words, with exercise names checked against this catalogue."""
    return Vocabulary(
        "assessment",
        FACTS,
        ACTIONS,
        check=lambda c: _check(cat, c),
        fingerprint=cat.fingerprint(),
        check_rule=lambda cs: _check_rule(cat, cs),
    )
