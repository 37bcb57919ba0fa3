"""Time: how long an item and a session take, so a session fits the client's minutes.

A rep takes its tempo's seconds (about 4 s without one), a hold its seconds, a timed activity (a
walk) its minutes; the top of a rep range counts. Rest follows every set but the last; one-sided
work counts twice. [choice] Moving to the next exercise (setting up, changing weights) takes 30 s
per item, and a warm-up set takes its reps at the working tempo plus 60 s. The estimate is a
planning figure for a session to fit the client's time, not a stopwatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .prescription import Item, WarmupSet

CHANGEOVER_S = 30
WARMUP_REST_S = 60
SECONDS_PER_REP = 4


def reps_high(reps: str) -> int:
    """The top of a rep range: `8-12` → 12, `5` → 5."""
    return int(reps.replace("–", "-").split("-")[-1])


def rep_seconds(i: Item) -> int:
    """Seconds one rep takes: a timed activity's minutes, the hold, else the tempo, else 4 s."""
    return _rep_seconds(i.hold_s, i.tempo, i.duration_min)


def once_for_time(reps: str, hold_s: int | None, duration_min: int | None) -> bool:
    """Whether a dose is one timed effort a set (a carry for 30 s, a walk for 20 minutes)."""
    return duration_min is not None or (bool(hold_s) and reps_high(reps) == 1)


def item_seconds(
    i: Item, sets: int | None = None, warmup: Sequence[WarmupSet] | None = None
) -> int:
    """Seconds an item takes, warm-up sets, rests, sides and the change to the next included
    (with `sets` working sets or `warmup` sets instead of its own, when given)."""
    warmup = i.warmup if warmup is None else warmup
    return dose_seconds(
        i.sets if sets is None else sets,
        i.reps,
        i.hold_s,
        i.tempo,
        i.rest_s,
        i.per_side,
        tuple([w.reps for w in warmup]) if warmup else (),
        i.duration_min,
    )


# The composer times the same few doses over and over while it fits a week: remember them.
@lru_cache(maxsize=4096)
def _rep_seconds(hold_s: int | None, tempo: str | None, duration_min: int | None = None) -> int:
    if duration_min:
        return duration_min * 60
    if hold_s:
        return hold_s
    return sum(int(x) for x in tempo.split("-")) if tempo else SECONDS_PER_REP


@lru_cache(maxsize=4096)
def dose_seconds(
    sets: int,
    reps: str,
    hold_s: int | None,
    tempo: str | None,
    rest_s: int,
    per_side: bool,
    warmup: tuple[int, ...] = (),
    duration_min: int | None = None,
) -> int:
    """Seconds a dose takes (see `item_seconds`), from its fields."""
    per_rep = _rep_seconds(hold_s, tempo, duration_min)
    work = sets * reps_high(reps) * per_rep + rest_s * max(sets - 1, 0)
    warm = sum(r * per_rep + WARMUP_REST_S for r in warmup)
    return (work + warm) * (2 if per_side else 1) + CHANGEOVER_S


def minutes(seconds: int) -> float:
    """Minutes to one decimal: the unit of the document."""
    return round(seconds / 60, 1)


def session_minutes(items: list[Item]) -> int:
    """A session's whole minutes, rounded up: a session never runs over the time it shows."""
    return whole_minutes(sum([item_seconds(i) for i in items]))


def whole_minutes(seconds: int) -> int:
    """Seconds as whole minutes, rounded up (a session's minutes, `session_minutes`)."""
    return -(-seconds // 60)
