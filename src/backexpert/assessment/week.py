"""The training week: which days carry intense back sessions and which carry light work.

An *intense* back session loads the back (hinge, pulls); the back needs 48-72 h between two of
them (seed; ACSM 2011). Sessions are assumed at the same time of day, so the gap between two
sessions is 24 h per day between them, counted across the week's wrap-around (Friday to the
next Tuesday is 96 h). *Light* sessions carry activation and mobility work on the other days.
When the client names the days they can train, only those days are used; the recovery
between intense days is a minimum (longer gaps are fine), and when the days given cannot hold
the intense sessions with that recovery, fewer intense sessions are planned and the week says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

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
    notes: tuple[str, ...] = ()


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


def _intense_days(n: int, days: Sequence[Day], recovery_hours: int) -> tuple[Day, ...] | None:
    """The best `n` days for intense sessions among `days`, or None when none are far enough
    apart: the preferred layouts first, then the most evenly spread, then week order."""
    if n == 0:
        return ()
    usable = set(days)

    def far_enough(c: tuple[Day, ...]) -> bool:
        return set(c) <= usable and min(gaps_hours(c)) >= recovery_hours

    # The preferred layouts first: the other combinations only when none of them is possible.
    preferred = next((c for c in _INTENSE_PREFERENCE.get(n, ()) if far_enough(c)), None)
    if preferred is not None:
        return preferred
    ok = [c for c in itertools.combinations(days, n) if far_enough(c)]
    return max(ok, key=lambda c: min(gaps_hours(c)), default=None)


def plan(
    intense: int,
    light: int,
    recovery_hours: int,
    available: Sequence[Day] | None = None,
) -> Week:
    """Lay out a week: `intense` sessions at least `recovery_hours` apart, then light days,
    on the available days only (every day when none are given)."""
    return _laid_out(intense, light, recovery_hours, tuple(available) if available else WEEK)


# Clients share a few shapes of week: each is laid out once (a Week is immutable, so shared).
@lru_cache(maxsize=1024)
def _laid_out(intense: int, light: int, recovery_hours: int, days: tuple[Day, ...]) -> Week:
    notes: list[str] = []
    wanted = intense + light
    if wanted > len(days):
        notes.append(
            f"{wanted} sessions a week were asked for but only {len(days)} "
            f"day{'s' if len(days) != 1 else ''} given ({_names(days)}): {len(days)} planned."
        )
    total = min(wanted, len(days))
    asked = min(intense, total)
    n = min(asked, max_intense(recovery_hours))
    chosen = _intense_days(n, days, recovery_hours)
    while chosen is None:
        n -= 1
        chosen = _intense_days(n, days, recovery_hours)
    if n < asked:
        notes.append(
            f"The days given ({_names(days)}) cannot hold {asked} intense back sessions "
            f"{recovery_hours} h apart: {n} intense session{'s' if n != 1 else ''} a week, "
            "the other days light."
        )
    free = [d for d in _LIGHT_PREFERENCE if d in days and d not in chosen]
    return Week(
        _in_week_order(chosen),
        _in_week_order(free[: max(0, min(total - n, len(free)))]),
        tuple(notes),
    )


def _names(days: Sequence[Day]) -> str:
    return ", ".join(d.value for d in _in_week_order(days))


def _in_week_order(days: Sequence[Day]) -> tuple[Day, ...]:
    return tuple(sorted(days, key=WEEK.index))
