"""The monitor's judgement of each item's kilograms: only for a full program, only from the
client's own loads (`starting_loads.one_rep_maxes`), never above the effort, and warm-up sets
lighter than the working sets.
"""

from __future__ import annotations

from itertools import chain
from operator import attrgetter

from ..assessment.prescription import Item, Prescription
from .classification import EXERCISES
from .doses import Bad, Places
from .limits import Expectations
from .starting_loads import LOAD_ROUNDING_KG, epley_percent

# Read of every item and warm-up set at once, for the common case of no kilograms anywhere.
_LOAD_KG = attrgetter("load_kg")
_WARMUP = attrgetter("warmup")


def reps_top(reps: str) -> int | None:
    """The top of a rep range ("8-10" gives 10), None when it is not a number."""
    try:
        return int(reps.replace("–", "-").split("-")[-1])
    except ValueError:
        return None


def kilograms(
    p: Prescription, places: Places, distinct: list[Item], want: Expectations, bad: Bad
) -> None:
    """Kilograms only for a full program, only from the client's own loads, never above the cap.

    The load of a set of the item's top reps must leave at least 10 - cap reps in reserve, by
    Epley on the 1RM the intake's current loads imply (starting_loads.one_rep_maxes).
    """
    if _no_kilograms(distinct):
        return  # the common case: no kilograms anywhere
    withheld = [*want.unloaded_only, *want.clearance]
    for where, items in places:
        for i in items:
            kg = i.load_kg
            if kg is None:
                # Most items carry no kilograms at all: no list built for them.
                if _warmup_kg(i):
                    bad("load.warmup", f"{where}: {i.exercise} has warm-up kg but no working load")
                continue
            warm = [w.load_kg for w in i.warmup if w.load_kg is not None]
            if withheld or p.status != "program":
                why = "; ".join(withheld) or f"status {p.status}"
                bad("load.limited_kg", f"{where}: {i.exercise} at {kg:g} kg while {why}")
            profile = EXERCISES.get(i.exercise)
            if kg <= 0 or profile is None or not profile.loaded:
                bad("load.unloaded_kg", f"{where}: {i.exercise} has a load of {kg:g} kg")
                continue
            one_rm, top = want.one_rm.get(i.exercise), reps_top(i.reps)
            if one_rm is None or top is None:
                bad(
                    "load.unknown_source",
                    f"{where}: {i.exercise} at {kg:g} kg, but the client gave no load for it or a "
                    "relative the monitor knows",
                )
                continue
            limit = one_rm * epley_percent(top + 10 - i.effort) / 100
            if kg > limit + LOAD_ROUNDING_KG:
                bad(
                    "load.effort",
                    f"{where}: {i.exercise} at {kg:g} kg × {top} is above RPE {i.effort} "
                    f"(at most {limit:.1f} kg from an estimated 1RM of {one_rm:.1f} kg)",
                )
            if any(w >= kg for w in warm):
                bad("load.warmup", f"{where}: {i.exercise} has a warm-up set as heavy as {kg:g} kg")


def _no_kilograms(distinct: list[Item]) -> bool:
    """Whether no item, nor any of its warm-up sets, has kilograms (each field read once)."""
    warmups = chain.from_iterable(map(_WARMUP, distinct))
    return {*map(_LOAD_KG, distinct), *map(_LOAD_KG, warmups)} <= {None}


def _warmup_kg(i: Item) -> bool:
    """Whether any warm-up set of the item has kilograms."""
    return bool(i.warmup) and any(w.load_kg is not None for w in i.warmup)
