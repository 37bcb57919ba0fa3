"""The training week: which days carry intense back sessions and which carry light work.

An *intense* back session loads the back (hinge, pulls); the back needs 48-72 h between two of
them (seed; ACSM 2011). Sessions are assumed at the same time of day, so the gap between two
sessions is 24 h per day between them, counted across the week's wrap-around (Friday to the
next Tuesday is 96 h). *Light* sessions carry activation and mobility work on the other days.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from ..clinical.words import WEEK, Day

# Preferred layouts, best first; the seed's example is Tuesday and Thursday.
_INTENSE_PREFERENCE: dict[int, tuple[tuple[Day, ...], ...]] = {
    1: ((Day.wed,), (Day.tue,)),
    2: ((Day.tue, Day.thu), (Day.tue, Day.fri), (Day.mon, Day.thu)),
    3: ((Day.mon, Day.wed, Day.fri), (Day.tue, Day.thu, Day.sat)),
}
# Light days fill the rest, spread between the intense days first.
_LIGHT_PREFERENCE: tuple[Day, ...] = (
    Day.mon,
    Day.wed,
    Day.fri,
    Day.sat,
    Day.sun,
    Day.tue,
    Day.thu,
)


@dataclass(frozen=True)
class Week:
    intense: tuple[Day, ...]
    light: tuple[Day, ...]


def gaps_hours(days: Sequence[Day]) -> list[int]:
    """Hours from each intense day to the next, including the wrap into next week."""
    idx = sorted(WEEK.index(d) for d in days)
    if len(idx) < 2:
        return [168] if idx else []
    return [((idx[(i + 1) % len(idx)] - idx[i]) % 7 or 7) * 24 for i in range(len(idx))]


def max_intense(recovery_hours: int) -> int:
    """How many intense sessions a 7-day week holds with this recovery between them."""
    days = -(-recovery_hours // 24)
    return 7 // days


def plan(intense: int, light: int, recovery_hours: int) -> Week:
    """Lay out a week: `intense` sessions at least `recovery_hours` apart, then light days."""
    intense = min(intense, max_intense(recovery_hours))
    chosen: tuple[Day, ...] = ()
    if intense:
        candidates = [
            *_INTENSE_PREFERENCE.get(intense, ()),
            *itertools.combinations(WEEK, intense),
        ]
        chosen = next(c for c in candidates if min(gaps_hours(c)) >= recovery_hours)
    free = [d for d in _LIGHT_PREFERENCE if d not in chosen]
    return Week(_in_week_order(chosen), _in_week_order(free[: max(0, min(light, len(free)))]))


def _in_week_order(days: Sequence[Day]) -> tuple[Day, ...]:
    return tuple(sorted(days, key=WEEK.index))
