"""Loads and reps: the next session's target, rounded to what the client can actually load.

Load steps are rounded to the available increments (`load_increment_kg` of the latest log
entry, else the client's, else by equipment: barbell, trap bar, cable 2.5 kg; dumbbells 1 kg;
kettlebells 4 kg): the mildest change inside the rule's range. If the grid has no load inside
it, an increase takes one increment when that is at most +10% (ACSM 2009: 2-10%) and otherwise
becomes one more rep; a decrease takes the next increment below.
"""

from __future__ import annotations

import math

from ..clinical.catalogue import Exercise, rep_bounds
from ..clinical.words import Equipment
from .actions import Recommend
from .logbook import ExerciseLog
from .measures import EPS

MAX_STEP_PCT = 10.0  # ACSM 2009: add 2-10% load
DEFAULT_INCREMENT_KG = 2.5
INCREMENT_BY_EQUIPMENT: dict[Equipment, float] = {
    Equipment.barbell: 2.5,
    Equipment.trap_bar: 2.5,
    Equipment.cable_station: 2.5,
    Equipment.dumbbells: 1.0,
    Equipment.kettlebell: 4.0,
}


def increment_for(ex: Exercise, entry: ExerciseLog | None, client: float | None) -> float:
    """The smallest load step available: the log entry's, the client's, else by equipment."""
    if entry is not None and entry.load_increment_kg is not None:
        return entry.load_increment_kg
    if client is not None:
        return client
    for q in ex.equipment:
        if q in INCREMENT_BY_EQUIPMENT:
            return INCREMENT_BY_EQUIPMENT[q]
    return DEFAULT_INCREMENT_KG


def _grid(x: float, inc: float) -> float:
    return round(round(x / inc) * inc, 2)


def step_up(base: float, rec: Recommend, inc: float) -> tuple[float | None, str | None]:
    """The mildest load increase the rule allows on the grid; None: no step within +10%."""
    if rec.load_step_pct_min is not None and rec.load_step_pct_max is not None:
        lo = base * (1 + rec.load_step_pct_min / 100)
        hi = base * (1 + rec.load_step_pct_max / 100)
        cand = _grid(math.ceil(lo / inc - EPS) * inc, inc)
        if cand <= hi + EPS:
            return cand, None
        steps = 1
        note = f"no {inc:g} kg step lands in +{rec.load_step_pct_min:g}-{rec.load_step_pct_max:g}%"
    else:
        steps = rec.load_steps or 1
        note = None
    cand = _grid((math.floor(base / inc + EPS) + steps) * inc, inc)
    if cand > base * (1 + MAX_STEP_PCT / 100) + EPS:
        return None, (
            f"the next available load, {cand:g} kg, is more than {MAX_STEP_PCT:g}% heavier"
        )
    if note is not None:
        note += f": the nearest step up is {cand:g} kg (+{(cand / base - 1) * 100:.1f}%)"
    return cand, note


def step_down(base: float, rec: Recommend, inc: float) -> tuple[float | None, str | None]:
    """The mildest load decrease the rule asks for, on the grid (None: no load left)."""
    if rec.load_step_pct_min is not None and rec.load_step_pct_max is not None:
        lo = base * (1 + rec.load_step_pct_min / 100)
        hi = base * (1 + rec.load_step_pct_max / 100)
        cand = _grid(math.floor(hi / inc + EPS) * inc, inc)
        note = None
        if cand < lo - EPS:
            note = (
                f"no {inc:g} kg step lands in {rec.load_step_pct_min:g} to "
                f"{rec.load_step_pct_max:g}%: {cand:g} kg is the nearest below"
            )
    else:
        cand = _grid((math.ceil(base / inc - EPS) + (rec.load_steps or -1)) * inc, inc)
        note = None
    if cand <= 0:
        return None, "no lighter load is available: unloaded"
    return cand, note


def shift_reps(reps: str, step: int) -> str:
    low, high = rep_bounds(reps)
    low, high = max(1, low + step), max(1, high + step)
    return str(low) if low == high else f"{low}-{high}"
