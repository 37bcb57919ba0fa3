"""First-week loads: 1RM estimates, relatives, rounding, warm-up sets and the notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from backexpert import assessment, shipped
from backexpert.assessment import loads
from backexpert.assessment.dose import timed
from backexpert.assessment.pipeline import to_json
from backexpert.assessment.prescription import Item, Prescription
from backexpert.clinical import catalogue as catalogue_mod
from backexpert.clinical.intake import CurrentLoad
from backexpert.clinical.words import Equipment
from backexpert.errors import RuleSetError
from factories import make_intake, shipped_catalogue

CAT = shipped_catalogue()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "strength-athlete.yaml"


def _load(exercise: str, kg: float, reps: int, rpe: int | None = None) -> CurrentLoad:
    return CurrentLoad(exercise=exercise, load_kg=kg, reps=reps, rpe=rpe)


def _items(p: Prescription, exercise: str) -> list[Item]:
    return [i for _, i in p.items() if i.exercise == exercise]


def test_epley_on_reps_plus_reps_in_reserve() -> None:
    assert loads.one_rep_max(_load("deadlift", 100, 5, 8)) == pytest.approx(100 * (1 + 7 / 30))
    assert loads.one_rep_max(_load("deadlift", 100, 1, 10)) == 100
    # No RPE: a true RM, the lightest estimate the set allows.
    assert loads.one_rep_max(_load("deadlift", 100, 5)) == pytest.approx(100 * (1 + 5 / 30))
    assert loads.one_rep_max(_load("deadlift", 100, 5)) < loads.one_rep_max(
        _load("deadlift", 100, 5, 8)
    )


def test_the_lowest_own_estimate_wins_and_beats_any_relative() -> None:
    got = loads.estimates(
        [
            _load("deadlift", 140, 5, 8),
            _load("deadlift", 120, 5, 8),
            _load("trap_bar_deadlift", 200, 5, 8),
        ],
        CAT,
    )
    assert got["deadlift"].one_rm == pytest.approx(120 * (1 + 7 / 30))
    assert got["deadlift"].ratio is None
    assert got["trap_bar_deadlift"].ratio is None
    # The paused deadlift comes from the deadlift (its only relative), at 0.85.
    assert got["paused_deadlift"].one_rm == pytest.approx(0.85 * got["deadlift"].one_rm)


def test_relatives_give_the_lowest_estimate_and_never_cross_patterns() -> None:
    got = loads.estimates(
        [_load("barbell_row", 100, 8, 8), _load("one_arm_dumbbell_row", 30, 10, 7)], CAT
    )
    own_db = got["one_arm_dumbbell_row"].one_rm
    bar = got["barbell_row"].one_rm
    assert got["chest_supported_row"].one_rm == pytest.approx(min(0.85 * own_db, 0.35 * bar))
    assert "deadlift" not in got and "lat_pulldown" not in got
    for ex in CAT:
        for r in ex.load_from:
            assert CAT[r.exercise].pattern is ex.pattern, (ex.id, r.exercise)


def test_unknown_exercises_in_current_loads_are_ignored() -> None:
    assert loads.estimates([_load("bench_press", 80, 5, 8)], CAT) == {}


@pytest.mark.parametrize(
    ("kg", "step", "expected"),
    [(94.87, 2.5, 92.5), (92.5, 2.5, 92.5), (19.1, 2.0, 18.0), (24.56, 4.0, 24.0), (1.9, 2, 0)],
)
def test_loads_round_down_to_the_increment(kg: float, step: float, expected: float) -> None:
    assert loads.round_down(kg, step) == expected


def test_increments_by_equipment() -> None:
    assert loads.INCREMENT_KG[Equipment.barbell] == 2.5
    assert loads.INCREMENT_KG[Equipment.dumbbells] == 2.0
    assert loads.INCREMENT_KG[Equipment.kettlebell] == 4.0
    assert loads.equipment_of(CAT["chest_supported_row"]) is Equipment.dumbbells
    assert loads.equipment_of(CAT["pull_up_neutral_grip"]) is None
    assert loads.equipment_of(CAT["band_row"]) is None


def _deadlift_item(reps: str = "4-6", effort: int = 8) -> Item:
    p = assessment.assess(make_intake())
    return _items(p, "deadlift")[0].model_copy(update={"reps": reps, "effort": effort})


def test_warm_up_ramp_never_below_the_empty_bar() -> None:
    item = _deadlift_item()
    sets = loads.warmup(item, 77.0, 100.0, 130.0, 2.5, 20.0)
    assert [(w.reps, w.load_kg) for w in sets] == [(5, 40.0), (3, 60.0), (2, 80.0)]
    light = loads.warmup(item, 77.0, 40.0, 52.0, 2.5, 20.0)
    assert [w.load_kg for w in light] == [20.0, 22.5, 30.0]
    assert [w.load_kg for w in loads.warmup(item, 77.0, 25.0, 32.0, 2.5, 20.0)] == [20.0]
    assert loads.warmup(item, 77.0, 20.0, 26.0, 2.5, 20.0) == []
    # Unknown load: the same ramp as %1RM without kg; light work: none.
    unknown = loads.warmup(item, 77.0, None, None, 2.5, 20.0)
    assert [(w.reps, w.load_kg, w.percent_1rm) for w in unknown] == [
        (5, None, 31),
        (3, None, 46),
        (2, None, 62),
    ]
    assert loads.warmup(_deadlift_item("8-12"), 67.0, 60.0, 90.0, 2.5, 20.0) == []


def test_week_one_is_at_rpe_7_at_most_and_the_items_effort_stays() -> None:
    [item] = loads.apply([_deadlift_item()], [_load("deadlift", 100, 5, 8)], CAT)
    assert item.effort == 8
    # 6 reps at RPE 7 = 9 RM = 76.9% of 123.3 kg = 94.9 kg, rounded down to 92.5 kg.
    assert item.load_kg == 92.5
    assert "6 reps at RPE 7 ≈ 77% 1RM" in (item.load_note or "")
    [lower] = loads.apply([_deadlift_item(effort=5)], [_load("deadlift", 100, 5, 8)], CAT)
    assert lower.load_kg == 90.0  # 6 reps at RPE 5 = 11 RM = 73.2%: 90.2 kg → 90 kg
    assert "6 reps at RPE 5" in (lower.load_note or "")


def test_warm_up_sets_are_timed() -> None:
    plain = timed(_deadlift_item().model_copy(update={"warmup": []}))
    [item] = loads.apply([plain], [_load("deadlift", 100, 5, 8)], CAT)
    assert item.warmup and item.minutes is not None and plain.minutes is not None
    assert item.minutes > plain.minutes


def test_below_the_empty_bar_there_is_no_kg_but_a_way_to_find_it() -> None:
    [item] = loads.apply([_deadlift_item()], [_load("deadlift", 20, 5, 8)], CAT)
    assert item.load_kg is None
    assert "lighter than the empty bar (20 kg)" in (item.load_note or "")
    assert "To find your starting weight" in (item.load_note or "")


def test_items_not_dosed_in_kg_are_left_alone() -> None:
    p = assessment.assess(make_intake(training={"current_loads": [_load("deadlift", 100, 5, 8)]}))
    for _, i in p.items():
        if not i.loaded or i.hold_s or loads.equipment_of(CAT[i.exercise]) is None:
            assert (i.load_kg, i.load_note, i.warmup) == (None, None, []), i.exercise


def test_every_kg_item_gets_a_note() -> None:
    p = assessment.assess(make_intake())
    kg_items = [i for _, i in p.items() if loads.kg_equipment(i, CAT) is not None]
    assert kg_items
    for i in kg_items:
        assert i.load_kg is None and i.load_note and "starting weight" in i.load_note


def test_a_limited_program_gets_no_kg() -> None:
    current = [_load(x, 50, 8, 7) for x in ("deadlift", "seated_cable_row", "band_row")]
    intake = make_intake(training={"current_loads": current})
    p = assessment.assess(intake.model_copy(update={"red_flag_screen": {}}))
    assert p.status == "limited"
    assert all(i.load_kg is None for _, i in p.items())


def test_the_example_is_deterministic_and_shows_loads() -> None:
    from backexpert.clinical import intake as intake_mod

    intake = intake_mod.load(str(EXAMPLE))
    first, second = to_json(assessment.assess(intake)), to_json(assessment.assess(intake))
    assert first == second
    p = assessment.assess(intake)
    assert {i.load_kg for i in _items(p, "deadlift")} == {132.5}
    # The heavy day's row; the light and moderate days take their own effort, so their own kg.
    monday = next(s for s in p.sessions if s.day.value == "mon")
    # 80 kg × 8 at RPE 8: 1RM about 107 kg; 10 reps at RPE 7 ≈ 70% → 74.7, rounded down to 72.5
    assert {i.load_kg for i in monday.items if i.exercise == "barbell_row"} == {72.5}


def test_the_catalogue_refuses_a_relative_of_another_pattern(tmp_path: Path) -> None:
    text = (shipped.rules_directory() / shipped.CATALOGUE_FILE).read_text(encoding="utf-8")
    bad = text.replace(
        "load_from: [{exercise: deadlift, ratio: 0.8}]",
        "load_from: [{exercise: barbell_row, ratio: 0.8}]",
    )
    assert bad != text
    path = tmp_path / "exercises.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RuleSetError, match="is not a hinge"):
        catalogue_mod.load(path)
