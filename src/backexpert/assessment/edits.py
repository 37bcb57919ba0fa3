"""The clinician's adjustments: a typed document of edits applied on top of a generated program.

A generated prescription is a proposal; the physiotherapist who signs it may remove an item,
swap it for another catalogue exercise, change its dose or move a session to another day. Each
edit carries the clinician's reason. An edit that breaks a safety invariant is refused unless it
carries an `override` (a clinical reason and the clinician's name); some answers no override can
change (`safety.overrides.BINDING`). The document is read like an intake: strict, closed, every
problem named by its field path (`edits[2].dose.sets`). docs/adjustments.md documents it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt, field_validator, model_validator

from ..clinical.catalogue import rep_bounds
from ..clinical.words import Day
from ..model import Identifier, Kilograms, Model, Name, ShortText, visible

# Where an item is: a day of the week, or the daily drills.
Place = Day | Literal["daily"]
MAX_EDITS = 100  # a program has at most a few dozen items; more edits is not a clinician's work


def _reason(text: str) -> str:
    text = " ".join(text.split())
    if not visible(text):  # blank, or only zero-width characters
        raise ValueError("a reason is required: say why, in a few words")
    return text


Reason = Annotated[ShortText, Field(min_length=1)]


class Override(Model):
    """Accept an edit the safety monitor refuses: why, clinically, and who decided."""

    reason: Reason = Field(description="the clinical reason the edit is right for this client")
    clinician: Name = Field(description="the clinician who takes responsibility")

    _reason_given = field_validator("reason")(_reason)


class _Edit(Model):
    reason: Reason = Field(description="why the clinician makes this edit")
    override: Override | None = Field(
        default=None,
        description="accept the edit even if the safety monitor refuses it (not every "
        "invariant can be overridden)",
    )

    _reason_given = field_validator("reason")(_reason)


class Remove(_Edit):
    """Take an exercise out of the program (every session holding it, or one day's)."""

    kind: Literal["remove"]
    exercise: Identifier
    day: Place | None = Field(default=None, description="only this day's item (default: all)")


class Swap(_Edit):
    """Put another catalogue exercise in an item's place.

    The new exercise takes its catalogue dose, with sets and effort no higher than the item it
    replaces (a [choice]: the rules had capped those for this client and this day); change
    them with a `dose` edit.
    """

    kind: Literal["swap"]
    exercise: Identifier
    to: Identifier = Field(description="the catalogue exercise put in its place")
    day: Place | None = Field(default=None, description="only this day's item (default: all)")


class DoseChange(Model):
    """The dose fields to change; those not given stay as they are."""

    sets: StrictInt | None = Field(default=None, ge=1, le=10)
    reps: str | None = Field(default=None, max_length=7)
    effort: StrictInt | None = Field(default=None, ge=1, le=10, description="RPE cap")
    rest_s: StrictInt | None = Field(default=None, ge=0, le=600)
    tempo: str | None = Field(default=None, pattern=r"^\d-\d-\d-\d$")
    load_kg: Kilograms | None = Field(default=None, ge=0, le=1000)

    @field_validator("reps")
    @classmethod
    def _reps_shape(cls, v: str | None) -> str | None:
        if v is None:
            return v
        low, high = rep_bounds(v)
        if not 1 <= low <= high <= 50:
            raise ValueError(f"reps {v!r} must be a range 1..50 with low <= high")
        return v

    @model_validator(mode="after")
    def _something(self) -> DoseChange:
        if not self.model_dump(exclude_none=True):
            raise ValueError(
                "give at least one of sets, reps, effort, rest_s, tempo, load_kg to change"
            )
        return self


class ChangeDose(_Edit):
    """Change an item's dose: any of sets, reps, effort, rest, tempo and load."""

    kind: Literal["dose"]
    exercise: Identifier
    day: Place | None = Field(default=None, description="only this day's item (default: all)")
    dose: DoseChange


class Move(_Edit):
    """Move a session from one day to another free day."""

    kind: Literal["move"]
    day: Day = Field(description="the day the session is on")
    to: Day = Field(description="the day it moves to (no session may be there)")

    @model_validator(mode="after")
    def _moves(self) -> Move:
        if self.day == self.to:
            raise ValueError(f"a move needs two different days (got {self.day.value} twice)")
        return self


Edit = Annotated[Remove | Swap | ChangeDose | Move, Field(discriminator="kind")]


class Adjustments(Model):
    """The clinician's edits to one generated program, applied in order."""

    clinician: Name = Field(description="the clinician who makes the edits")
    edits: list[Edit] = Field(min_length=1, max_length=MAX_EDITS)


def describe(edit: Remove | Swap | ChangeDose | Move) -> str:
    """An edit in a few plain words: `swap deadlift for trap_bar_deadlift (tue)`."""
    where = f" ({edit.day})" if getattr(edit, "day", None) is not None else ""
    if isinstance(edit, Remove):
        return f"remove {edit.exercise}{where}"
    if isinstance(edit, Swap):
        return f"swap {edit.exercise} for {edit.to}{where}"
    if isinstance(edit, ChangeDose):
        change = ", ".join(f"{k} {v}" for k, v in edit.dose.model_dump(exclude_none=True).items())
        return f"dose of {edit.exercise}{where}: {change}"
    return f"move the {edit.day.value} session to {edit.to.value}"
