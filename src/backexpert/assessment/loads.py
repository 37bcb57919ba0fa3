"""First-week loads: a starting weight in kilograms for each loaded item, from current loads.

Reps done plus reps in reserve (RIR = 10 - RPE) make the repetition maximum (RM) of a set, and
Epley's formula gives its share of the one-rep maximum: %1RM = 100 / (1 + RM/30), 100 at 1 RM
(domain reference 2, section 12). A client's current load (`training.current_loads`) thus
estimates a 1RM, and the same table turns it back into a load for an item's reps and effort.

[choice]s (docs/rules.md, "Starting loads"):
- A current load without an RPE counts as a true RM (RIR 0): the lightest estimate it allows.
- Several current loads of one exercise: the lowest estimate. The exercise's own load wins over
  a relative's (`load_from` in the catalogue, same pattern, its ratio); among relatives, the
  lowest estimate.
- Week 1 is at RPE 7 at most (section 13: RPE 6-7), or the item's cap when lower; the item's
  effort stays the rules' value, only the load is lighter. The load is set for the top of the
  rep range, so every rep count in the range stays at or under that effort.
- Loads are rounded down to the equipment's increments (`INCREMENT_KG`); dumbbell and kettlebell
  loads are one implement's weight. A bar lift below the empty bar gets no kilograms.
- Heavy items (top of the range 6 reps or fewer) get warm-up sets `WARMUP_RAMP` of the working
  load, never below the empty bar; without a known load, the same sets as %1RM without kg.
- Only rep sets in kilogram equipment get a load (no holds, carries, bands or body weight).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..clinical.catalogue import Catalogue, Exercise, rep_bounds
from ..clinical.intake import CurrentLoad
from ..clinical.words import Equipment
from ..knowledge.explanation import remember
from . import timing
from .prescription import Item, WarmupSet

# [choice] The smallest step of each kind of equipment, in kg (one dumbbell, one kettlebell).
INCREMENT_KG: dict[Equipment, float] = {
    Equipment.barbell: 2.5,
    Equipment.trap_bar: 2.5,
    Equipment.dumbbells: 2.0,
    Equipment.kettlebell: 4.0,
    Equipment.cable_station: 2.5,
}
EMPTY_BAR_KG: dict[Equipment, float] = {Equipment.barbell: 20.0, Equipment.trap_bar: 20.0}
RIR_WITHOUT_RPE = 0  # [choice] no RPE given: a true RM, the lightest estimate
WEEK1_MAX_RPE = 7  # [choice] section 13: week 1 at RPE 6-7
HEAVY_MAX_REPS = 6  # [choice] 1-6 RM work is heavy (ACSM 2009): warm-up sets first
WARMUP_RAMP: tuple[tuple[float, int], ...] = ((0.4, 5), (0.6, 3), (0.8, 2))  # [choice]
TEST_REPS, TEST_RPE = 10, 7  # [choice] a 10-rep set at RPE 7 finds a heavy item's load
NEAR_KG = 1e-6
FIND_WEIGHT = "To find your starting weight"  # the plain-words part of a note (the handout's)


def percent_1rm(rm: int) -> float:
    """Epley: the share of the 1RM, in %, that can be lifted `rm` times (100 at 1 RM)."""
    return 100.0 if rm <= 1 else 100.0 / (1 + rm / 30)


def percent_at(reps: int, rpe: int) -> float:
    """The reps × RIR table: %1RM of a set of `reps` at `rpe` (RIR = 10 - RPE)."""
    return percent_1rm(reps + 10 - rpe)


def one_rep_max(c: CurrentLoad) -> float:
    """The 1RM a current load implies (Epley on reps + RIR)."""
    rir = RIR_WITHOUT_RPE if c.rpe is None else 10 - c.rpe
    return c.load_kg * 100 / percent_1rm(c.reps + rir)


@dataclass(frozen=True)
class Estimate:
    """An exercise's estimated 1RM and where it came from."""

    one_rm: float
    source: CurrentLoad
    ratio: float | None = None  # None: the exercise's own load; else from a relative

    def describe(self, cat: Catalogue) -> str:
        c = self.source
        done = f"{c.load_kg:g} kg × {c.reps}" + (
            f" at RPE {c.rpe}" if c.rpe is not None else f" (no RPE given: counted as a {c.reps}RM)"
        )
        if self.ratio is None:
            return f"From {done}: estimated 1RM {self.one_rm:.0f} kg."
        own = self.one_rm / self.ratio
        return (
            f"From the {cat[c.exercise].name.lower()}, {done} (estimated 1RM {own:.0f} kg), "
            f"× {self.ratio:g} for this lift: estimated 1RM {self.one_rm:.0f} kg."
        )


def estimates(current: Sequence[CurrentLoad], cat: Catalogue) -> dict[str, Estimate]:
    """Each catalogue exercise's estimated 1RM: its own lowest, else its relatives' lowest."""
    own: dict[str, Estimate] = {}
    for c in current:
        if c.exercise not in cat:
            continue
        e = Estimate(one_rep_max(c), c)
        if c.exercise not in own or e.one_rm < own[c.exercise].one_rm:
            own[c.exercise] = e
    if not own:
        return {}  # no current load: nothing to estimate from (most clients)
    out = dict(own)
    for ex in cat:
        if ex.id in own:
            continue
        found = [
            Estimate(own[r.exercise].one_rm * r.ratio, own[r.exercise].source, r.ratio)
            for r in ex.load_from
            if r.exercise in own
        ]
        if found:
            out[ex.id] = min(found, key=lambda e: e.one_rm)
    return out


def equipment_of(ex: Exercise) -> Equipment | None:
    """The kilogram equipment an exercise is loaded with (None: not dosed in kg)."""
    return next((q for q in ex.equipment if q in INCREMENT_KG), None)


def kg_equipment(item: Item, cat: Catalogue) -> Equipment | None:
    """The item's kilogram equipment when it is dosed in kg: loaded rep sets (not holds,
    carries, bands or body weight); None otherwise."""
    if not item.loaded or item.hold_s is not None or item.exercise not in cat:
        return None
    return equipment_of(cat[item.exercise])


def week1_rpe(item: Item) -> int:
    return min(item.effort, WEEK1_MAX_RPE)


def round_down(kg: float, step: float) -> float:
    return round(math.floor(kg / step + NEAR_KG) * step, 2)


def apply(items: Sequence[Item], current: Sequence[CurrentLoad], cat: Catalogue) -> list[Item]:
    """The items with first-week loads, load notes and warm-up sets (the composer's last step)."""
    return apply_known(items, estimates(current, cat), cat)


def apply_known(items: Sequence[Item], known: dict[str, Estimate], cat: Catalogue) -> list[Item]:
    """`apply` with the estimates already made (once per assessment, not once per day)."""
    out = []
    for i in items:
        eq = kg_equipment(i, cat)
        out.append(i if eq is None else _loaded(i, eq, known, cat))
    return out


def _loaded(item: Item, eq: Equipment, known: dict[str, Estimate], cat: Catalogue) -> Item:
    est = known.get(item.exercise)
    if est is None:
        note, warmups, mins = _unknown(item, eq)
        return item.model_copy(update={"load_note": note, "warmup": list(warmups), "minutes": mins})
    step, bar = INCREMENT_KG[eq], EMPTY_BAR_KG.get(eq, 0.0)
    top = rep_bounds(item.reps)[1]
    rpe = week1_rpe(item)
    pct = percent_at(top, rpe)
    label = f"{top} reps at RPE {rpe} ≈ {pct:.0f}% 1RM"
    update: dict[str, object] = {}
    kg = round_down(est.one_rm * pct / 100, step)
    if kg < max(step, bar):
        update["load_note"] = (
            f"{est.describe(cat)} Week 1: {label}, {est.one_rm * pct / 100:.1f} kg: lighter "
            f"than the {'empty bar' if bar else 'lightest weight'} ({max(step, bar):g} kg). "
            + how_to_find(item, rpe, top)
        )
        ramp = warmup(item, pct, None, None, step, bar)
    else:
        each = " (each dumbbell)" if eq is Equipment.dumbbells else ""
        update["load_kg"] = kg
        update["load_note"] = (
            f"{est.describe(cat)} Week 1: {label}: {kg:g} kg{each} "
            f"(rounded down to {step:g} kg steps)."
        )
        ramp = warmup(item, pct, kg, est.one_rm, step, bar)
    update["warmup"] = ramp
    # Timed with its warm-up sets in the same copy: warm-ups take time.
    update["minutes"] = timing.minutes(timing.item_seconds(item, warmup=ramp))
    return item.model_copy(update=update)


# Most clients give no current load for an item: its week-1 note, its warm-up in %1RM and its
# minutes then depend on the dose alone, which many clients share, so each is worked out once.
# Keyed by every field they read; the warm-up sets are frozen, and each item gets its own list.
_UNKNOWN: dict[tuple[object, ...], tuple[str, tuple[WarmupSet, ...], float]] = {}
UNKNOWN_MAX = 4096


def _unknown(i: Item, eq: Equipment) -> tuple[str, tuple[WarmupSet, ...], float]:
    """The load note, warm-up sets and minutes of an item no current load estimates."""
    key = (eq, i.reps, i.effort, i.sets, i.hold_s, i.tempo, i.rest_s, i.per_side, i.duration_min)
    found = _UNKNOWN.get(key)
    if found is None:
        top, rpe = rep_bounds(i.reps)[1], week1_rpe(i)
        ramp = warmup(
            i, percent_at(top, rpe), None, None, INCREMENT_KG[eq], EMPTY_BAR_KG.get(eq, 0)
        )
        mins = timing.minutes(timing.item_seconds(i, warmup=ramp))
        found = (how_to_find(i, rpe, top), tuple(ramp), mins)
        remember(_UNKNOWN, key, found, UNKNOWN_MAX)
    return found


def how_to_find(item: Item, rpe: int, top: int) -> str:
    """How the client finds the starting weight in the first session, in plain words."""
    spare = 10 - rpe
    if top >= 8:
        return (
            f"{FIND_WEIGHT}, add weight a little at a time until {top} reps "
            f"feel like effort {rpe} out of 10, with about {spare} more left in you."
        )
    more = 5 * math.floor((percent_at(top, rpe) / percent_at(TEST_REPS, TEST_RPE) - 1) * 20)
    then = (
        f"Then add about {more}% for sets of {item.reps.replace('-', '–')}."
        if more > 0
        else f"Use that weight for sets of {item.reps.replace('-', '–')}."
    )
    return (
        f"{FIND_WEIGHT}, add weight a little at a time until {TEST_REPS} reps "
        f"feel like effort {TEST_RPE} out of 10, with about {10 - TEST_RPE} more left in you. "
        + then
    )


def warmup(
    item: Item, pct: float, kg: float | None, one_rm: float | None, step: float, bar: float
) -> list[WarmupSet]:
    """Warm-up sets before heavy work: the ramp of the working load, never below the bar."""
    if rep_bounds(item.reps)[1] > HEAVY_MAX_REPS:
        return []
    if kg is None or one_rm is None:
        return [WarmupSet(reps=r, load_kg=None, percent_1rm=round(f * pct)) for f, r in WARMUP_RAMP]
    out: list[WarmupSet] = []
    for f, r in WARMUP_RAMP:
        w = max(round_down(f * kg, step), bar, step)
        if w >= kg or (out and out[-1].load_kg is not None and w <= out[-1].load_kg):
            continue
        out.append(WarmupSet(reps=r, load_kg=w, percent_1rm=round(100 * w / one_rm)))
    return out
