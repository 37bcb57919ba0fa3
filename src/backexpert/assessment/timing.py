"""Time: how long an item and a session take, so a session fits the client's minutes.

A rep takes its tempo's seconds (about 4 s without one), a hold its seconds; the top of a rep
range counts. Rest follows every set but the last; one-sided work counts twice. [choice] Moving
to the next exercise (setting up, changing weights) takes 30 s per item, and a warm-up set takes
its reps at the working tempo plus 60 s. The estimate is a planning figure for a session to fit
the client's time, not a stopwatch.
"""

from __future__ import annotations

from .prescription import Item

CHANGEOVER_S = 30
WARMUP_REST_S = 60
SECONDS_PER_REP = 4


def reps_high(reps: str) -> int:
    """The top of a rep range: `8-12` → 12, `5` → 5."""
    return int(reps.replace("–", "-").split("-")[-1])


def rep_seconds(i: Item) -> int:
    """Seconds one rep takes: the hold, else the tempo, else about 4 s."""
    if i.hold_s:
        return i.hold_s
    return sum(int(x) for x in i.tempo.split("-")) if i.tempo else SECONDS_PER_REP


def item_seconds(i: Item) -> int:
    """Seconds an item takes, warm-up sets, rests, sides and the change to the next included."""
    per_rep = rep_seconds(i)
    work = i.sets * reps_high(i.reps) * per_rep + i.rest_s * max(i.sets - 1, 0)
    warm = sum(w.reps * per_rep + WARMUP_REST_S for w in i.warmup)
    return (work + warm) * (2 if i.per_side else 1) + CHANGEOVER_S


def minutes(seconds: int) -> float:
    """Minutes to one decimal: the unit of the document."""
    return round(seconds / 60, 1)


def session_minutes(items: list[Item]) -> int:
    """A session's whole minutes, rounded up: a session never runs over the time it shows."""
    return -(-sum(item_seconds(i) for i in items) // 60)
