"""The exercise catalogue: every exercise the rules may prescribe, as data (`rules/exercises.yaml`).

An exercise has a movement pattern, a default dose (sets × reps, tempo, effort cap as RPE, rest),
coaching cues, the equipment it needs, tags that say what it loads (contraindications are stated
in those tags), and links: its *regression* (the easier or safer step, used when it is excluded),
its *progression* (the harder step), and *substitutes* (the same movement with other equipment).
An exercise dosed in kilograms may name *relatives* (`load_from`): exercises of the same pattern
whose known load gives its starting load, by a ratio of their one-rep maxima.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, StrictBool, StrictInt, field_validator, model_validator

from .. import documents
from ..errors import InputError, RuleSetError
from ..model import Model, Sparse
from .words import DayType, Equipment, Pattern, Tag

# Past this many selector objects the catalogue's memo of them starts again (it only saves time).
_SELECTORS_MAX = 10_000

_REPS = re.compile(r"^(\d+)(?:-(\d+))?$")
_ID = r"^[a-z][a-z0-9_]*$"


def rep_bounds(reps: str) -> tuple[int, int]:
    """The low and high ends of a rep prescription such as '4-6' or '10'."""
    m = _REPS.match(reps)
    if m is None:
        raise ValueError(f"reps must look like '8' or '4-6', got {reps!r}")
    low, high = int(m[1]), int(m[2] or m[1])
    return low, high


class Dose(Model):
    """Sets × reps, with tempo (eccentric-pause-concentric-pause, s), RPE cap and rest."""

    sets: StrictInt = Field(ge=1, le=10)
    reps: str
    hold_s: StrictInt | None = Field(default=None, ge=1, le=120)
    per_side: StrictBool = False
    tempo: str | None = Field(default=None, pattern=r"^\d-\d-\d-\d$")
    effort: StrictInt = Field(ge=1, le=10, description="RPE cap")
    rest_s: StrictInt = Field(ge=0, le=600)
    duration_min: StrictInt | None = Field(
        default=None, ge=1, le=120, description="minutes of a timed activity (a walk), one a set"
    )

    @model_validator(mode="after")
    def _timed_is_one_rep(self) -> Dose:
        if self.duration_min is not None and (self.reps != "1" or self.hold_s is not None):
            raise ValueError("a timed activity (duration_min) is one rep a set, without a hold")
        return self

    @field_validator("reps")
    @classmethod
    def _reps_shape(cls, v: str) -> str:
        low, high = rep_bounds(v)
        if not 1 <= low <= high <= 50:
            raise ValueError(f"reps {v!r} must be a range 1..50 with low <= high")
        return v


class Relative(Model):
    """A close relative whose estimated 1RM, times `ratio`, estimates this exercise's 1RM."""

    exercise: str = Field(pattern=_ID)
    ratio: float = Field(gt=0, le=1.2)


class Exercise(Model):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    pattern: Pattern
    loaded: StrictBool
    purpose: str = Field(min_length=1)
    equipment: list[Equipment] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    dose: Dose
    cues: list[str] = Field(min_length=1)
    regression: str | None = None
    progression: str | None = None
    substitutes: list[str] = Field(default_factory=list)
    day_variants: dict[DayType, str] = Field(
        default_factory=dict,
        description="the variation done instead on a moderate or light day (undulating load)",
    )

    def variants(self) -> frozenset[str]:
        """Exercises that are this one in another form: the same movement with other equipment
        (its substitutes) and its variations for lighter days. A regression or progression is
        a different step, not a variant: a hinge drill may well come before a deadlift."""
        return frozenset([*self.substitutes, *self.day_variants.values()])

    load_from: list[Relative] = Field(
        default_factory=list, description="relatives (same pattern) whose known load sets this one"
    )


class CatalogueFile(Model):
    exercises: list[Exercise] = Field(min_length=1)


class Selector(Sparse):
    """Which exercises a conclusion speaks of: all the given fields must match.

    `not_tag` leaves out exercises that carry a tag (e.g. loaded pulls that are not one-armed).
    """

    exercise: str | None = None
    pattern: Pattern | None = None
    tag: Tag | None = None
    not_tag: Tag | None = None
    loaded: StrictBool | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Selector:
        if (
            self.exercise is None
            and self.pattern is None
            and self.tag is None
            and not (self.loaded is not None)
        ):
            raise ValueError("a selector needs exercise, pattern, tag or loaded")
        return self

    def matches(self, ex: Exercise) -> bool:
        return (
            (self.exercise is None or ex.id == self.exercise)
            and (self.pattern is None or ex.pattern is self.pattern)
            and (self.tag is None or self.tag in ex.tags)
            and (self.not_tag is None or self.not_tag not in ex.tags)
            and (self.loaded is None or ex.loaded is self.loaded)
        )

    def describe(self) -> str:
        parts = []
        if self.loaded is not None:
            parts.append("loaded" if self.loaded else "unloaded")
        if self.pattern is not None:
            parts.append(self.pattern.value.replace("_", " "))
        if self.tag is not None:
            parts.append(f"[{self.tag.value}]")
        if self.not_tag is not None:
            parts.append(f"[not {self.not_tag.value}]")
        if self.exercise is not None:
            parts.append(self.exercise)
        return " ".join(parts) + ("" if self.exercise else " exercises")


_Match = tuple[tuple[Exercise, ...], frozenset[str]]
_NO_TWINS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue, in file order (the order is the stable tie-break for sorting)."""

    exercises: tuple[Exercise, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.exercises})
        object.__setattr__(self, "_rank", {e.id: i for i, e in enumerate(self.exercises)})
        object.__setattr__(self, "_selected", {})
        object.__setattr__(self, "_by_object", {})
        object.__setattr__(self, "_loaded", tuple(e for e in self.exercises if e.loaded))
        twins = {(e.id, v) for e in self.exercises for v in e.variants() if v in self}
        object.__setattr__(self, "_twins", frozenset(twins | {(b, a) for a, b in twins}))
        twins_of: dict[str, set[str]] = {}
        for a, b in self._twins:  # type: ignore[attr-defined]
            twins_of.setdefault(a, set()).add(b)
        object.__setattr__(self, "_twins_of", {a: frozenset(bs) for a, bs in twins_of.items()})

    def __getitem__(self, exercise_id: str) -> Exercise:
        return self._by_id[exercise_id]  # type: ignore[attr-defined,no-any-return]

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id  # type: ignore[attr-defined]

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises)

    def fingerprint(self) -> str:
        """A short hash of every exercise as validated: rule checks depend on all of it."""
        blob = json.dumps([e.model_dump(mode="json") for e in self.exercises], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def twins(self, a: str, b: str) -> bool:
        """Whether two exercises are one in another form (either is a variant of the other)."""
        return (a, b) in self._twins  # type: ignore[attr-defined]

    def twins_of(self, exercise_id: str) -> frozenset[str]:
        """The exercises that are this one in another form (`twins` of it), none if unknown."""
        return self._twins_of.get(exercise_id, _NO_TWINS)  # type: ignore[attr-defined,no-any-return]

    def rank(self, exercise_id: str) -> int:
        return self._rank[exercise_id]  # type: ignore[attr-defined,no-any-return]

    def select(self, selector: Selector) -> list[Exercise]:
        """The exercises a selector matches, in catalogue order."""
        return list(self.selected(selector))

    def selected(self, selector: Selector) -> tuple[Exercise, ...]:
        """The exercises a selector matches, in catalogue order."""
        return self._match(selector)[0]

    def selected_ids(self, selector: Selector) -> frozenset[str]:
        """The ids a selector matches."""
        return self._match(selector)[1]

    def _match(self, selector: Selector) -> tuple[tuple[Exercise, ...], frozenset[str]]:
        # Selectors are compiled rule conclusions, asked about many times a composition: the
        # answer is kept by the selector object (kept alive here, so its identity is never
        # reused), and computed once per distinct set of fields (they are few).
        by_object: dict[int, tuple[Selector, _Match]] = self._by_object  # type: ignore[attr-defined]
        hit = by_object.get(id(selector))
        if hit is not None and hit[0] is selector:
            return hit[1]
        key = (selector.exercise, selector.pattern, selector.tag, selector.not_tag, selector.loaded)
        by_fields: dict[object, _Match] = self._selected  # type: ignore[attr-defined]
        found = by_fields.get(key)
        if found is None:
            chosen = tuple(e for e in self.exercises if selector.matches(e))
            found = by_fields[key] = (chosen, frozenset(e.id for e in chosen))
        if len(by_object) >= _SELECTORS_MAX:
            by_object.clear()
        by_object[id(selector)] = (selector, found)
        return found

    def loaded(self) -> tuple[Exercise, ...]:
        """The loaded exercises, in catalogue order."""
        return self._loaded  # type: ignore[attr-defined,no-any-return]


def load(path: Path) -> Catalogue:
    """Load and check the catalogue: unique ids, existing links, no regression cycles."""
    doc = documents.read(path)
    try:
        parsed = documents.validate(CatalogueFile, doc)
    except InputError as exc:
        raise RuleSetError([f"{path}: {p}" for p in exc.problems]) from None
    problems: list[str] = []
    seen: set[str] = set()
    ids = {e.id for e in parsed.exercises}
    every = {e.id: e for e in parsed.exercises}
    for i, ex in enumerate(parsed.exercises):
        where = f"{path}:{doc.line_of(['exercises', i])}: exercise {ex.id}"
        if ex.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(ex.id)
        for link in [ex.regression, ex.progression, *ex.substitutes, *ex.day_variants.values()]:
            if link is not None and link not in ids:
                problems.append(f"{where}: links to unknown exercise {link!r}")
            if link == ex.id:
                problems.append(f"{where}: links to itself")
        for rel in ex.load_from:
            other = every.get(rel.exercise)
            if other is None or other.id == ex.id:
                problems.append(f"{where}: load_from names {rel.exercise!r}, not another exercise")
            elif other.pattern is not ex.pattern:
                # A load is never carried across movement patterns.
                problems.append(f"{where}: load_from {rel.exercise!r} is not a {ex.pattern.value}")
    if not problems:
        by_id = {e.id: e for e in parsed.exercises}
        for ex in parsed.exercises:
            chain, cur = [ex.id], by_id[ex.id].regression
            while cur is not None:
                if cur in chain:
                    problems.append(f"{path}: exercise {ex.id}: regression cycle {[*chain, cur]}")
                    break
                chain.append(cur)
                cur = by_id[cur].regression
    if problems:
        raise RuleSetError(problems)
    return Catalogue(tuple(parsed.exercises))


def unknown_exercise(exercise_id: str, catalogue: Catalogue) -> str | None:
    """Why an id names no exercise of the catalogue, with a did-you-mean; None for a known one."""
    # The one check of an exercise a user names: a session log, an intake's current loads (also
    # as a what-if changes them), a clinician's swap.
    if exercise_id in catalogue:
        return None
    close = difflib.get_close_matches(exercise_id, [e.id for e in catalogue], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else " (see `backexpert exercises`)"
    return f"unknown exercise {exercise_id!r}{hint}"
