"""How long items and sessions take."""

from __future__ import annotations

from pathlib import Path

from backexpert import assessment
from backexpert.assessment import timing
from backexpert.clinical import intake

DESK = Path(__file__).resolve().parents[2] / "examples" / "desk-worker.yaml"


def _desk_session() -> list[assessment.prescription.Item]:
    return assessment.assess(intake.load(str(DESK))).sessions[0].items


def test_an_item_is_its_reps_at_tempo_its_rests_and_the_change_to_the_next() -> None:
    item = _desk_session()[0]
    item = item.model_copy(update={"sets": 2, "reps": "10-12", "tempo": "2-1-2-0", "rest_s": 30})
    # 2 sets × 12 reps × 5 s + one 30 s rest + 30 s to set up the next exercise
    assert timing.item_seconds(item) == 2 * 12 * 5 + 30 + timing.CHANGEOVER_S


def test_holds_count_each_second_and_one_sided_work_counts_twice() -> None:
    item = _desk_session()[0]
    holds = item.model_copy(
        update={"sets": 2, "hold_s": 10, "reps": "5", "tempo": None, "per_side": True}
    )
    assert timing.item_seconds(holds) == 2 * (2 * 5 * 10 + holds.rest_s) + timing.CHANGEOVER_S


def test_a_session_is_rounded_up_so_it_never_runs_over() -> None:
    items = _desk_session()
    secs = sum(timing.item_seconds(i) for i in items)
    assert timing.session_minutes(items) * 60 >= secs > (timing.session_minutes(items) - 1) * 60


def test_a_walk_takes_its_minutes() -> None:
    """A timed activity is dosed in minutes: a 20-minute walk is not a 4-second rep."""
    item = _desk_session()[0]
    walk = item.model_copy(
        update={"sets": 1, "reps": "1", "hold_s": None, "tempo": None, "duration_min": 20}
    )
    assert timing.item_seconds(walk) == 20 * 60 + timing.CHANGEOVER_S


def test_the_daily_walk_is_prescribed_in_minutes() -> None:
    p = assessment.assess(intake.load(str(DESK.with_name("sciatica.yaml"))))
    walk = next(i for i in p.daily if i.exercise == "walking_program")
    assert walk.duration_min == 20 and walk.minutes == 20.5 and walk.reps == "1"
