"""The limits a safe program must respect, and the dose every program is held to.

A `Forbid` is a set of loads (or exercises) a client state rules out; a `Cap` is an upper bound
on effort or sets; `Expectations` gathers them with the urgency, the clearances and the spinal
load level, as the rest of `safety` decides them from the intake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..clinical.intake import Condition, Intake
from ..clinical.words import (
    LOAD_LEVELS,
    ConditionCode,
    Experience,
    LoadLevel,
    Pattern,
    Side,
    Tag,
    Urgency,
)
from .classification import CLASSIFIED, LOADED, OF_PATTERN, WITH_LOAD, Profile, with_any

URGENCY_ORDER = (Urgency.emergency, Urgency.urgent, Urgency.before_exercise)
# The intake's conditions by code: the rules of each part look up a dozen of them.
Conditions = Mapping[ConditionCode, Condition]
MAX_SETS = 4  # seed: deadlift 3-4 sets is the most any exercise gets
MAX_EFFORT = 8  # RPE 8 (2 reps in reserve): no prescription goes nearer failure
NOVICE_MAX_SETS = 3  # ACSM 2009 novice: 1-3 sets
NOVICE_MAX_EFFORT = 7
LIGHT_DAY_MAX_EFFORT = 6
CLEARANCE_MAX_EFFORT = 5


@dataclass(frozen=True)
class Forbid:
    """Loads (or exercises) a client state rules out, and why."""

    loads: frozenset[Tag]
    reason: str
    exercises: frozenset[str] = frozenset()
    unless: frozenset[Tag] = frozenset()  # exercises with any of these loads stay allowed
    patterns: frozenset[Pattern] = frozenset()  # loaded exercises of these movement patterns

    def rules_out(self, exercise: str, p: Profile) -> bool:
        """Whether this forbids the exercise, as the monitor classifies it."""
        if exercise in self.exercises:
            return True
        if self.patterns and p.loaded and p.pattern in self.patterns:
            return True
        return bool(self.loads & p.loads) and not (self.unless & p.loads)

    def ruled_out(self) -> frozenset[str]:
        """Every exercise of the classification this forbids (those `rules_out` is true of)."""
        # Most forbids name loads only: the other parts are looked up only when given.
        out = with_any(WITH_LOAD, self.loads)
        if self.unless:
            out -= with_any(WITH_LOAD, self.unless)
        if self.patterns:
            out |= LOADED & with_any(OF_PATTERN, self.patterns)
        if self.exercises:
            out |= self.exercises & CLASSIFIED
        return out


@dataclass(frozen=True)
class Cap:
    """An upper bound on effort or sets for exercises with some loads (all when empty)."""

    reason: str
    effort: int | None = None
    sets: int | None = None
    loads: frozenset[Tag] = frozenset()
    loaded_only: bool = False
    patterns: frozenset[Pattern] = frozenset()

    percent_1rm: int | None = None  # the heaviest set a rep range allows, by the effort

    def applies(self, p: Profile) -> bool:
        """Whether this cap bounds the exercise, as the monitor classifies it."""
        if self.loaded_only and not p.loaded:
            return False
        if self.patterns and p.pattern not in self.patterns:
            return False
        return not self.loads or bool(self.loads & p.loads)

    def bounds(self) -> frozenset[str]:
        """Every exercise of the classification this cap bounds (those it `applies` to)."""
        out = LOADED if self.loaded_only else CLASSIFIED
        if self.patterns:
            out &= with_any(OF_PATTERN, self.patterns)
        if self.loads:
            out &= with_any(WITH_LOAD, self.loads)
        return out


@dataclass
class Expectations:
    """What a safe program for this client must respect."""

    urgency: Urgency | None = None
    referral_reasons: list[str] = field(default_factory=list)
    unloaded_only: list[str] = field(default_factory=list)
    clearance: list[str] = field(default_factory=list)
    level: LoadLevel = LoadLevel.full
    level_reasons: list[str] = field(default_factory=list)
    forbids: list[Forbid] = field(default_factory=list)
    caps: list[Cap] = field(default_factory=list)
    recovery_hours: int = 48
    protected_arm: Side | None = None
    one_rm: dict[str, float] = field(default_factory=dict)
    serious_flags: list[str] = field(default_factory=list)  # serious red flags awaiting review

    @property
    def stops_program(self) -> bool:
        return self.urgency in (Urgency.emergency, Urgency.urgent)

    def refer(self, urgency: Urgency, reason: str) -> None:
        if self.urgency is None or URGENCY_ORDER.index(urgency) < URGENCY_ORDER.index(self.urgency):
            self.urgency = urgency
        self.referral_reasons.append(reason)

    def at_most(self, level: LoadLevel, reason: str) -> None:
        if LOAD_LEVELS.index(level) < LOAD_LEVELS.index(self.level):
            self.level = level
            self.level_reasons = [reason]
        elif level is self.level and level is not LoadLevel.full:
            self.level_reasons.append(reason)

    def forbid(self, reason: str, *loads: Tag, exercises: tuple[str, ...] = ()) -> None:
        self.forbids.append(Forbid(frozenset(loads), reason, frozenset(exercises)))

    def effort_cap(self, loaded: bool) -> int:
        """The effort (RPE) every loaded (or unloaded) exercise is held to today: the caps that
        bound all of them, and the clearance cap while a clearance is pending."""
        caps = [
            c.effort
            for c in self.caps
            if c.effort is not None
            and not c.loads
            and not c.patterns
            and (loaded or not c.loaded_only)
        ]
        if self.clearance:
            caps.append(CLEARANCE_MAX_EFFORT)
        return min(caps, default=MAX_EFFORT)


def conditions(i: Intake) -> Conditions:
    """Each recorded condition by its code, the first of a code as `Intake.condition` gives it."""
    out: dict[ConditionCode, Condition] = {}
    for c in i.conditions:
        out.setdefault(c.code, c)
    return out


# The same for every intake they apply to (caps are immutable): made once.
NOVICE_CAPS = (
    Cap("novice", sets=NOVICE_MAX_SETS),
    Cap("novice", effort=NOVICE_MAX_EFFORT, loaded_only=True),
)
EVERY_PROGRAM = Cap("every program", sets=MAX_SETS, effort=MAX_EFFORT)


def dose(i: Intake, out: Expectations) -> None:
    """Recovery and volume by experience and age (seed; ACSM 2009 and 2011)."""
    novice = i.training.experience is Experience.novice
    if novice or i.client.age >= 65:
        out.recovery_hours = 72
    if novice:
        out.caps += NOVICE_CAPS
    out.caps.append(EVERY_PROGRAM)
