"""Questionnaire scoring against every worked example in the domain reference (section 1)."""

from __future__ import annotations

import datetime as dt

import pytest

from backexpert.clinical import instruments
from backexpert.clinical.intake import Pain, ParqPlus, StartBack
from backexpert.clinical.intake import parse as parse_intake
from backexpert.errors import IntakeError

A, D = "agree", "disagree"


@pytest.mark.parametrize(
    ("items", "bother", "total", "distress", "category"),
    [
        ([A, D, D, D, A, A, A, D], "very_much", 5, 4, "high"),
        ([A, D, D, D, A, A, A, D], "moderately", 4, 3, "medium"),
        ([D, D, D, D, A, A, A, A], "slightly", 4, 4, "high"),
        ([A, A, A, D, D, D, D, D], "extremely", 4, 1, "medium"),
        ([D, D, D, D, A, A, A, D], "moderately", 3, 3, "low"),
        ([D] * 8, "not_at_all", 0, 0, "low"),
        ([A] * 8, "extremely", 9, 5, "high"),
    ],
)
def test_start_back(
    items: list[str], bother: str, total: int, distress: int, category: str
) -> None:
    score = instruments.start_back(
        StartBack.model_validate({"items": items, "bothersomeness": bother})
    )
    assert (score.total, score.distress, score.category) == (total, distress, category)


@pytest.mark.parametrize(
    ("sections", "percent", "band", "answered"),
    [
        ([2, 1, 3, 2, 1, 2, 1, 0, 2, 2], 32.0, "moderate", 10),  # 16/50
        ([2, 1, 3, 2, 1, 2, 1, 0, None, 4], 35.6, "moderate", 9),  # 16/45 = 35.56, half up
        ([2, 1, 3, 2, 1, 1, 0, 0, None, 0], 22.2, "moderate", 9),  # 10/45: between bands
        ([2, 2, 2, 2, 2, 0, 0, 0, 0, 0], 20.0, "minimal", 10),  # exactly 20 is minimal
        ([5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 100.0, "bed_bound", 10),
        ([4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 80.0, "crippled", 10),
        ([3, 3, 3, 3, 3, 3, 3, 3, None, None], 60.0, "severe", 8),
    ],
)
def test_oswestry(sections: list[int | None], percent: float, band: str, answered: int) -> None:
    score = instruments.odi(sections)
    assert (score.percent, score.band, score.sections_answered) == (percent, band, answered)


def test_oswestry_refuses_more_than_two_skipped_sections() -> None:
    text = (
        "client: {name: A, age: 30, sex: male, occupation: other}\n"
        "training: {experience: novice, sessions_per_week: 2}\n"
        "goals: [strength]\npain: {nprs_now: 1}\n"
        "questionnaires: {odi: [1, 1, 1, 1, 1, 1, 1, null, null, null]}\n"
    )
    with pytest.raises(IntakeError) as err:
        parse_intake(text)
    assert "questionnaires" in str(err.value) and "3 skipped sections" in str(err.value)


@pytest.mark.parametrize(
    ("items", "score"),
    [
        ([3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 50.0),  # 11 items summing 33
        ([3, 2, 2, 3, 2, 3, 2, 3, 2, 3, None], 37.5),  # 10 items summing 25
        ([1] * 11, 0.0),
        ([5] * 11, 100.0),
    ],
)
def test_quickdash(items: list[int | None], score: float) -> None:
    assert instruments.quickdash(items).score == score


def test_quickdash_gives_no_score_with_two_items_missing() -> None:
    result = instruments.quickdash([3, 3, 3, 3, 3, 3, 3, 3, 3, None, None])
    assert result.score is None and result.items_answered == 9 and result.note


def test_roland_morris_counts_ticks() -> None:
    assert instruments.roland_morris([1, 4, 7, 9, 12, 20, 24]).score == 7


@pytest.mark.parametrize(
    ("nprs", "band"),
    [(0, "none"), (1, "mild"), (3, "mild"), (4, "moderate"), (6, "moderate"), (7, "severe")],
)
def test_pain_bands(nprs: int, band: str) -> None:
    assert instruments.pain(Pain(nprs_now=nprs)).band == band


TODAY = dt.date(2026, 11, 23)


def _parq(general: list[bool], **extra: object) -> ParqPlus:
    return ParqPlus.model_validate({"general": general, **extra})


def test_parq_all_no_is_cleared_for_twelve_months() -> None:
    score = instruments.parq(_parq([False] * 7), TODAY)
    assert score.outcome == "cleared"
    assert score.clearance_valid_until == dt.date(2027, 11, 22)


def test_parq_yes_without_follow_up_needs_follow_up() -> None:
    score = instruments.parq(_parq([True, False, False, False, True, False, False]), TODAY)
    assert score.outcome == "follow_up_needed" and score.yes_answers == [1, 5]


def test_parq_follow_ups_all_no_clears_low_to_moderate() -> None:
    form = _parq([False] * 5 + [True, False], follow_up={"musculoskeletal": [False] * 3})
    assert instruments.parq(form, TODAY).outcome == "cleared_low_to_moderate"


def test_parq_follow_up_yes_requires_clearance() -> None:
    form = _parq([False] * 5 + [True, False], follow_up={"musculoskeletal": [False, False, True]})
    score = instruments.parq(form, TODAY)
    assert score.outcome == "clearance_required" and "musculoskeletal 3" in score.note


@pytest.mark.parametrize(
    ("cleared_on", "outcome"),
    [
        (dt.date(2025, 11, 24), "medically_cleared"),  # last valid day is today
        (dt.date(2025, 11, 23), "follow_up_needed"),  # expired yesterday
        (dt.date(2026, 11, 24), "follow_up_needed"),  # dated in the future: not valid yet
    ],
)
def test_parq_medical_clearance_lasts_twelve_months(cleared_on: dt.date, outcome: str) -> None:
    form = _parq([True] + [False] * 6, medical_clearance={"date": cleared_on})
    assert instruments.parq(form, TODAY).outcome == outcome


def test_clearance_from_29_february() -> None:
    assert instruments.valid_until(dt.date(2024, 2, 29)) == dt.date(2025, 2, 27)
    assert instruments.valid_until(dt.date(2026, 1, 31)) == dt.date(2027, 1, 30)
