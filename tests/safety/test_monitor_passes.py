"""The monitor's all-items-at-once screens equal their per-item forms, and its priming check
(which stops at an intense session's priming) equals the check of every item, on the cases'
programs with their items' fields changed."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from backexpert import assessment
from backexpert.assessment.prescription import CLINICIAN, Adjustment, Item, Prescription, WarmupSet
from backexpert.clinical.words import Phase
from backexpert.safety import doses, kilograms, monitor
from backexpert.safety.classification import EXERCISES, LOADED
from backexpert.safety.expectations import expectations
from backexpert.safety.limits import LIGHT_DAY_MAX_EFFORT, Expectations
from casebook import load

CASES = sorted(Path(__file__).parents[1].joinpath("cases").glob("*.yaml"))
CHANGES: list[dict[str, object]] = [
    {"exercise": "not_classified"},
    {"exercise": "deadlift", "loaded": False},
    {"loaded": True},
    {"because": []},
    {"because": ["no.such_rule"]},
    {"because": [CLINICIAN]},
    {"adjustments": [Adjustment(field="sets", before=2, after=3, rule="no.such_rule")]},
    {"load_kg": 20.0},
    {"load_kg": 0.0},
    {"warmup": [WarmupSet(reps=5, load_kg=None, percent_1rm=None)]},
    {"warmup": [WarmupSet(reps=5, load_kg=10.0, percent_1rm=None)]},
    {"phase": Phase.priming},
    {"phase": Phase.main},
    {"effort": 9},
]


def _changed(p: Prescription, rng: random.Random) -> Prescription:
    """The program with a few items (some shared between sessions) changed."""
    sessions = [s.model_copy(update={"items": list(s.items)}) for s in p.sessions]
    lists = [s.items for s in sessions] + [daily := list(p.daily)]
    for _ in range(rng.randint(0, 3)):
        items = rng.choice(lists)
        if items:
            k = rng.randrange(len(items))
            items[k] = items[k].model_copy(update=rng.choice(CHANGES))
    return p.model_copy(update={"sessions": sessions, "daily": daily})


def _plain_sessions(p: Prescription) -> list[tuple[str, str]]:
    """Each item's priming and light-day effort judged, as in `monitor._sessions`."""
    out = []
    for s in p.sessions:
        primed = False
        for i in s.items:
            primed = primed or i.phase is Phase.priming
            if i.exercise in LOADED and not primed:
                out.append(("priming.first", i.exercise))
            if i.exercise in LOADED and s.intensity == "light" and i.effort > LIGHT_DAY_MAX_EFFORT:
                out.append(("light_day.effort", i.exercise))
    return out


def _plain_doses(places: doses.Places, want: Expectations) -> list[tuple[str, str]]:
    """Each place's item screened, and judged when the screen does not clear it."""
    out: list[tuple[str, str]] = []
    forbids = [(f, f.ruled_out()) for f in want.forbids]
    watched = doses._watched(want, forbids)
    effort, sets = doses._lowest(want)
    level_reason = f"spinal load level {want.level.value}"
    for where, items in places:
        for i in items:
            profile = EXERCISES.get(i.exercise)
            if profile and (i.effort > effort or i.sets > sets or i.exercise in watched):
                j = doses._judge(i.exercise, profile, forbids, want)
                doses._dose(where, i, j, level_reason, want, lambda a, b: out.append((a, b)))
    return out


def _found(check: Callable[[doses.Bad], None]) -> list[tuple[str, str]]:
    """What a check reports, in order."""
    out: list[tuple[str, str]] = []
    check(lambda invariant, message: out.append((invariant, message)))
    return out


def _known(i: Item) -> bool:
    profile = EXERCISES.get(i.exercise)
    return profile is not None and profile.loaded == i.loaded


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_screens_equal_their_per_item_forms(path: Path) -> None:
    intake = load(path).intake
    try:
        base = assessment.assess(intake)
    except Exception:
        return  # withheld: no program to change
    rng = random.Random(path.stem)
    want = expectations(intake)
    for _ in range(20):
        p = _changed(base, rng)
        places = monitor._places(p)
        distinct = list({id(i): i for _, items in places for i in items}.values())
        cited = {r.id for r in p.rules} | {CLINICIAN}
        assert monitor._all_known(distinct) == all(map(_known, distinct))
        assert monitor._all_explained(distinct, cited) == all(
            monitor._well_explained(i, cited) for i in distinct
        )
        assert kilograms._no_kilograms(distinct) == all(
            i.load_kg is None and not kilograms._warmup_kg(i) for i in distinct
        )
        found = [v for v, _ in _found(partial(monitor._sessions, p, want))]
        assert [v for v in found if v != "recovery.hours"] == [v for v, _ in _plain_sessions(p)]
        # The doses screened once per item object: judged as when every place is screened.
        screened = _found(partial(doses.doses, places, distinct, want))
        assert screened == _plain_doses(places, want)
