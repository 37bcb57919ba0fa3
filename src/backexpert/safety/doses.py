"""The monitor's judgement of each item's dose: the forbids and caps the intake gives its
exercise, the clearance's effort, a timed effort's reps and the protected arm.

Most items are cleared by a quick screen (`_watched`, `_lowest`): within the lowest effort and
sets any cap allows, of an exercise nothing but its dose concerns, an item breaks nothing here.
The rest are judged per exercise, as the monitor classifies it, once however often prescribed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..assessment.prescription import Item
from ..clinical.words import Pattern, Side, Tag
from .classification import EXERCISES, OF_PATTERN, WITH_LOAD, Profile, with_any
from .limits import CLEARANCE_MAX_EFFORT, Cap, Expectations, Forbid
from .starting_loads import heaviest_percent_1rm

OTHER_ARM = {Side.left: Side.right, Side.right: Side.left}
# Done once a set for a time (a carry for 30 s, a walk for 20 minutes), never for reps.
TIMED = frozenset({Pattern.carry, Pattern.gait})
# The same, and the carries and one-armed exercises, as the monitor's own classification says.
TIMED_EXERCISES = with_any(OF_PATTERN, TIMED)
CARRIES = OF_PATTERN[Pattern.carry]
ONE_ARMED = WITH_LOAD[Tag.one_arm]
Bad = Callable[[str, str], None]
# Every item with where it is, in the order of `Prescription.items()`, grouped so that a
# session's day word is read once (an enum's value costs more than most checks of an item).
Places = list[tuple[str, list[Item]]]
_NO_CAP = 1_000_000  # above any effort or sets: nothing to refuse


def doses(places: Places, distinct: list[Item], want: Expectations, bad: Bad) -> None:
    """Each item against the forbids and caps, its timing, the clearance and the protected arm."""
    forbids = [(f, f.ruled_out()) for f in want.forbids]
    # An item within the lowest bounds, of an exercise nothing but its dose concerns, breaks
    # nothing checked here: most items stop at these comparisons, unjudged. Sessions of a kind
    # share their item objects (immutable): each object is screened once.
    watched = _watched(want, forbids)
    effort, sets = _lowest(want)
    unscreened = {
        id(i) for i in distinct if i.effort > effort or i.sets > sets or i.exercise in watched
    }
    if not unscreened:
        return
    level_reason = f"spinal load level {want.level.value}"
    # Each exercise is judged against the forbids and caps once, however often it is prescribed.
    judged: dict[str, _Judged] = {}
    for where, items in places:
        if unscreened.isdisjoint(map(id, items)):
            continue  # the screen cleared every item here
        for i in items:
            if id(i) in unscreened:
                j = judged.get(i.exercise)
                if j is None:
                    profile = EXERCISES.get(i.exercise)
                    if profile is None:
                        continue
                    j = judged[i.exercise] = _judge(i.exercise, profile, forbids, want)
                _dose(where, i, j, level_reason, want, bad)


def _watched(want: Expectations, forbids: list[tuple[Forbid, frozenset[str]]]) -> frozenset[str]:
    """Exercises their dose alone does not clear: ruled out, %1RM-capped, timed or one-armed."""
    # One-armed matters only while an arm is protected; a carry is never judged by its %1RM.
    out = TIMED_EXERCISES.union(
        *(reach for _, reach in forbids),
        *(c.bounds() - CARRIES for c in want.caps if c.percent_1rm is not None),
    )
    return out | ONE_ARMED if want.protected_arm in OTHER_ARM else out


def _lowest(want: Expectations) -> tuple[int, int]:
    """The effort and sets no cap (nor a pending clearance) refuses, whatever the exercise."""
    efforts = [c.effort for c in want.caps if c.effort is not None]
    if want.clearance:
        efforts.append(CLEARANCE_MAX_EFFORT)
    sets = [c.sets for c in want.caps if c.sets is not None]
    return min(efforts, default=_NO_CAP), min(sets, default=_NO_CAP)


def _dose(where: str, i: Item, j: _Judged, level_reason: str, want: Expectations, bad: Bad) -> None:
    """One item against its exercise's judgement, the clearance's effort and the protected arm."""
    for f in j.forbids:
        bad("contraindication", f"{where}: {i.exercise} is ruled out by {f.reason}")
        if f.reason == level_reason and want.serious_flags:
            bad("red_flag.level", f"{where}: {i.exercise} is ruled out by {f.reason}")
    if i.effort > j.effort or i.sets > j.sets or j.intensity:
        _caps(where, i, j.profile, j.caps, level_reason, want, bad)
    if j.timed and i.reps.strip() != "1":
        # A carry or a walk is dosed by its time: a rep range would repeat every walk.
        bad("dose.timed", f"{where}: {i.exercise} done {i.reps} times a set, each one timed")
    if want.clearance and i.effort > CLEARANCE_MAX_EFFORT:
        bad(
            "clearance.effort",
            f"{where}: {i.exercise} at RPE {i.effort} while clearance is pending",
        )
    if j.one_arm:
        _side(where, i, j.profile, want, bad)


class _Judged(NamedTuple):
    """What the expectations say of one exercise, whatever its dose."""

    profile: Profile
    forbids: list[Forbid]  # those that rule it out
    caps: list[Cap]  # those that bound it
    effort: int  # the most effort and sets no cap refuses
    sets: int
    intensity: bool  # a %1RM cap bounds it: its rep range is judged
    timed: bool
    one_arm: bool  # a one-armed exercise while one arm is protected


def _judge(
    exercise: str,
    profile: Profile,
    forbids: list[tuple[Forbid, frozenset[str]]],
    want: Expectations,
) -> _Judged:
    # Few exercises get here: each cap is asked of this one, not indexed for every exercise.
    bounding = [c for c in want.caps if c.applies(profile)]
    effort = sets = _NO_CAP
    intensity = False
    for c in bounding:
        if c.effort is not None and c.effort < effort:
            effort = c.effort
        if c.sets is not None and c.sets < sets:
            sets = c.sets
        intensity = intensity or c.percent_1rm is not None
    return _Judged(
        profile=profile,
        forbids=[f for f, reaches in forbids if exercise in reaches],
        caps=bounding,
        effort=effort,
        sets=sets,
        intensity=intensity and profile.pattern is not Pattern.carry,
        timed=profile.pattern in TIMED,
        one_arm=want.protected_arm in OTHER_ARM and Tag.one_arm in profile.loads,
    )


def _caps(
    where: str,
    i: Item,
    profile: Profile,
    caps: list[Cap],
    level_reason: str,
    want: Expectations,
    bad: Bad,
) -> None:
    for c in caps:
        if c.effort is not None and i.effort > c.effort:
            bad(
                "dose.effort",
                f"{where}: {i.exercise} at RPE {i.effort} > {c.effort} ({c.reason})",
            )
            if c.reason == level_reason and want.serious_flags:
                bad(
                    "red_flag.level",
                    f"{where}: {i.exercise} at RPE {i.effort} > {c.effort} ({c.reason})",
                )
        if c.sets is not None and i.sets > c.sets:
            bad("dose.sets", f"{where}: {i.exercise} has {i.sets} sets > {c.sets} ({c.reason})")
        if c.percent_1rm is not None and profile.pattern is not Pattern.carry:
            heaviest = heaviest_percent_1rm(i.reps, i.effort)
            if heaviest > c.percent_1rm + 0.05:
                bad(
                    "dose.intensity",
                    f"{where}: {i.exercise} {i.reps} at RPE {i.effort} reaches about "
                    f"{heaviest:.0f}% 1RM > {c.percent_1rm}% ({c.reason})",
                )


def _side(where: str, i: Item, profile: Profile, want: Expectations, bad: Bad) -> None:
    arm = want.protected_arm
    if arm in OTHER_ARM and Tag.one_arm in profile.loads and i.side is not OTHER_ARM[arm]:
        shown = i.side.value if i.side else "either arm"
        bad(
            "side.protected_arm",
            f"{where}: {i.exercise} is for {shown}, but the {arm.value} arm is protected",
        )
