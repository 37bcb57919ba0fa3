"""The exercise catalogue: every exercise the seed names, the regressions, and a sound loader."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backexpert.clinical import catalogue
from backexpert.clinical.catalogue import Catalogue, Selector, rep_bounds
from backexpert.clinical.words import Pattern, Tag
from backexpert.errors import RuleSetError
from backexpert.safety.limits import MAX_EFFORT, MAX_SETS
from factories import shipped_catalogue

SEED_EXERCISES = {
    "deadlift": Pattern.hinge,
    "pull_up_neutral_grip": Pattern.vertical_pull,
    "barbell_row": Pattern.horizontal_pull,
    "seated_cable_row": Pattern.horizontal_pull,
    "face_pull": Pattern.horizontal_pull,
    "band_pull_apart": Pattern.scapular_activation,
    "scapular_push_up": Pattern.scapular_activation,
    "controlled_hyperextension": Pattern.back_extension,
    "medicine_ball_rotational_chop": Pattern.rotation,
}
REGRESSIONS = {
    "hip_hinge_drill": Pattern.hinge,
    "kettlebell_deadlift": Pattern.hinge,
    "trap_bar_deadlift": Pattern.hinge,
    "lat_pulldown": Pattern.vertical_pull,
    "chest_supported_row": Pattern.horizontal_pull,
    "bird_dog": Pattern.anti_rotation,
    "side_plank": Pattern.lateral_stability,
    "curl_up": Pattern.anti_extension,
    "pallof_press": Pattern.anti_rotation,
    "wall_slide": Pattern.scapular_activation,
}


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return shipped_catalogue()


@pytest.mark.parametrize(("exercise", "pattern"), {**SEED_EXERCISES, **REGRESSIONS}.items())
def test_exercise_is_in_the_catalogue(cat: Catalogue, exercise: str, pattern: Pattern) -> None:
    assert exercise in cat
    assert cat[exercise].pattern is pattern


def test_deadlift_dose_follows_the_seed(cat: Catalogue) -> None:
    """3-4 sets of 4-6 reps with a controlled eccentric descent (3 s)."""
    d = cat["deadlift"].dose
    assert 3 <= d.sets <= 4
    assert d.reps == "4-6"
    assert d.tempo is not None
    assert int(d.tempo.split("-")[0]) >= 3


def test_hyperextension_dose_follows_the_seed(cat: Catalogue) -> None:
    """10-12 reps, slow and deliberate."""
    d = cat["controlled_hyperextension"].dose
    assert d.reps == "10-12"
    assert d.tempo is not None
    assert int(d.tempo.split("-")[0]) >= 3


def test_pull_up_is_neutral_grip_and_full_range(cat: Catalogue) -> None:
    e = cat["pull_up_neutral_grip"]
    assert any("full range" in c.lower() for c in e.cues)
    assert any("palms facing" in c.lower() for c in e.cues)


def test_every_movement_pattern_has_an_exercise(cat: Catalogue) -> None:
    assert {e.pattern for e in cat} == set(Pattern)


def test_links_resolve(cat: Catalogue) -> None:
    for e in cat:
        for link in [e.regression, e.progression, *e.substitutes]:
            assert link is None or link in cat, (e.id, link)
            assert link != e.id


def test_regressions_stay_in_the_movement_family(cat: Catalogue) -> None:
    """A regression is an easier way to train the same thing, not a different exercise."""
    related = {
        Pattern.back_extension: {Pattern.anti_rotation},  # hyperextension → bird-dog
        Pattern.rotation: {Pattern.anti_rotation},  # chop → Pallof press
        Pattern.horizontal_pull: {Pattern.scapular_activation},  # band face pull → pull-apart
        Pattern.push: {Pattern.scapular_activation},  # wall push-up → wall push-up plus
    }
    for e in cat:
        if e.regression is not None:
            target = cat[e.regression].pattern
            assert target is e.pattern or target in related.get(e.pattern, set()), e.id


def test_regression_chains_end(cat: Catalogue) -> None:
    for e in cat:
        seen = [e.id]
        while (nxt := cat[seen[-1]].regression) is not None:
            assert nxt not in seen, seen
            seen.append(nxt)


def test_defaults_are_within_the_safety_limits(cat: Catalogue) -> None:
    for e in cat:
        assert e.dose.sets <= MAX_SETS, e.id
        assert e.dose.effort <= MAX_EFFORT, e.id


def test_loaded_lifts_held_in_the_hands_are_shoulder_work(cat: Catalogue) -> None:
    """A young cuff repair may not hold load (vignette 9): the tag is what rules and safety see."""
    for exercise in ("deadlift", "trap_bar_deadlift", "kettlebell_deadlift", "dumbbell_deadlift"):
        assert Tag.resisted_shoulder in cat[exercise].tags, exercise
    for exercise in ("medicine_ball_rotational_chop", "cable_chop", "pallof_press"):
        assert Tag.resisted_shoulder in cat[exercise].tags, exercise


def test_select(cat: Catalogue) -> None:
    hinges = [e.id for e in cat.select(Selector(pattern=Pattern.hinge, loaded=False))]
    assert hinges == ["hip_hinge_drill"]
    technical = {e.id for e in cat.select(Selector(tag=Tag.technical_lift))}
    assert technical == {"deadlift", "paused_deadlift", "tempo_deadlift", "barbell_row"}


def test_selector_must_say_something() -> None:
    with pytest.raises(ValueError, match="a selector needs exercise, pattern, tag or loaded"):
        Selector()


@pytest.mark.parametrize(("reps", "bounds"), [("8", (8, 8)), ("4-6", (4, 6)), ("10-12", (10, 12))])
def test_rep_bounds(reps: str, bounds: tuple[int, int]) -> None:
    assert rep_bounds(reps) == bounds


@pytest.mark.parametrize("reps", ["", "six", "4-", "4 - 6", "-6"])
def test_rep_bounds_refuses_nonsense(reps: str) -> None:
    with pytest.raises(ValueError, match="reps must look like"):
        rep_bounds(reps)


# --- the loader -----------------------------------------------------------------------------


def _exercise(ex_id: str, links: str = "") -> str:
    return textwrap.indent(
        textwrap.dedent(
            f"""\
            - id: {ex_id}
              name: {ex_id.replace("_", " ").title()}
              pattern: hinge
              loaded: false
              purpose: a test exercise
              dose: {{sets: 2, reps: "10", effort: 3, rest_s: 30}}
              cues: [move well]
            """
        )
        + links,
        "  ",
    )


def _catalogue_file(tmp_path: Path, *exercises: str) -> Path:
    path = tmp_path / "exercises.yaml"
    path.write_text("exercises:\n" + "".join(exercises))
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(RuleSetError) as info:
        catalogue.load(path)
    return list(info.value.problems)


def test_loader_accepts_a_good_catalogue(tmp_path: Path) -> None:
    path = _catalogue_file(
        tmp_path, _exercise("a_drill", "  regression: b_drill\n"), _exercise("b_drill")
    )
    assert [e.id for e in catalogue.load(path)] == ["a_drill", "b_drill"]


def test_loader_rejects_a_regression_cycle(tmp_path: Path) -> None:
    path = _catalogue_file(
        tmp_path,
        _exercise("a_drill", "  regression: b_drill\n"),
        _exercise("b_drill", "  regression: c_drill\n"),
        _exercise("c_drill", "  regression: a_drill\n"),
    )
    problems = _problems(path)
    assert problems[0] == (
        f"{path}: exercise a_drill: regression cycle ['a_drill', 'b_drill', 'c_drill', 'a_drill']"
    )
    assert len(problems) == 3


def test_loader_rejects_a_dangling_link(tmp_path: Path) -> None:
    path = _catalogue_file(
        tmp_path, _exercise("a_drill"), _exercise("b_drill", "  substitutes: [z_drill]\n")
    )
    assert _problems(path) == [f"{path}:9: exercise b_drill: links to unknown exercise 'z_drill'"]


def test_loader_rejects_a_link_to_itself(tmp_path: Path) -> None:
    path = _catalogue_file(tmp_path, _exercise("a_drill", "  progression: a_drill\n"))
    assert _problems(path) == [f"{path}:2: exercise a_drill: links to itself"]


def test_loader_rejects_a_duplicate_id(tmp_path: Path) -> None:
    path = _catalogue_file(tmp_path, _exercise("a_drill"), _exercise("a_drill"))
    assert _problems(path) == [f"{path}:9: exercise a_drill: duplicate id"]


def test_loader_rejects_unknown_fields_and_codes(tmp_path: Path) -> None:
    bad = _exercise("a_drill", "  tags: [spinal_twist]\n  colour: red\n")
    path = _catalogue_file(tmp_path, bad)
    problems = _problems(path)
    assert any(p.startswith(f"{path}: exercises[0].tags[0]: must be") for p in problems)
    assert f"{path}: exercises[0].colour: unknown field (line 10)" in problems


def test_loader_rejects_a_bad_dose(tmp_path: Path) -> None:
    path = _catalogue_file(tmp_path, _exercise("a_drill").replace('reps: "10"', 'reps: "12-8"'))
    (problem,) = _problems(path)
    assert "exercises[0].dose.reps" in problem
    assert "low <= high" in problem


def test_a_timed_activity_is_one_rep_without_a_hold() -> None:
    import pydantic

    from backexpert.clinical.catalogue import Dose

    assert Dose(sets=1, reps="1", effort=4, rest_s=0, duration_min=20).duration_min == 20
    for bad in ({"reps": "8-10"}, {"hold_s": 30}):
        with pytest.raises(pydantic.ValidationError, match="one rep a set"):
            Dose.model_validate(
                {"sets": 1, "reps": "1", "effort": 4, "rest_s": 0, "duration_min": 20, **bad}
            )


def test_twins_of_an_exercise_are_those_it_is_a_twin_of() -> None:
    cat = shipped_catalogue()
    ids = [e.id for e in cat]
    assert any(cat.twins_of(a) for a in ids)
    for a in [*ids, "not_an_exercise"]:
        assert cat.twins_of(a) == frozenset(b for b in ids if cat.twins(a, b))
