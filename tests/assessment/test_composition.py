"""Composition: what inference concluded, turned into a program by plain, order-free rules."""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner

from backexpert import assessment
from backexpert.assessment.prescription import Item, Prescription
from backexpert.cli import cli
from backexpert.clinical import intake
from backexpert.clinical.intake import Intake
from backexpert.knowledge.engine import DurableEngine
from factories import EXAMPLE, compile_rules, intake_data, make_intake

RULES = assessment.rule_base()
HEADER = "area: tiny\ndescription: composition tests\nrules:\n"


def _rule(rule_id: str, then: list[str], when: str = "always") -> str:
    body = "".join(f"      - {t}\n" for t in then)
    when_text = f" {when}\n" if when == "always" else f"\n      all:\n        - {when}\n"
    return (
        f"  - id: {rule_id}\n    when:{when_text}    then:\n{body}"
        "    rationale: a rule for a composition test\n    source: test\n"
    )


PRIME = _rule(
    "tiny.prime", ["add: {exercise: scapular_push_up, phase: priming, sessions: [intense, light]}"]
)
ADD_DEADLIFT = _rule("tiny.add", ["add: {exercise: deadlift, phase: main}"])


def _assess(rules: str, client: Intake | None = None) -> Prescription:
    base = assessment.rule_base().with_rulebook(compile_rules(HEADER + rules))
    return assessment.assess(client or make_intake(), base)


def _intense(p: Prescription) -> list[Item]:
    return next(s for s in p.sessions if s.intensity == "intense").items


def _item(p: Prescription, exercise: str) -> Item:
    return next(i for i in _intense(p) if i.exercise == exercise)


def _prescribed(p: Prescription) -> set[str]:
    return {i.exercise for s in p.sessions for i in s.items} | {i.exercise for i in p.daily}


# --- exclusion beats addition ---------------------------------------------------------------


def test_exclusion_beats_addition() -> None:
    exclude = _rule("tiny.exclude", ["exclude: {exercise: deadlift}"], "client.age: {gte: 40}")
    young = _assess(PRIME + ADD_DEADLIFT + exclude)
    assert "deadlift" in _prescribed(young)
    older = _assess(PRIME + ADD_DEADLIFT + exclude, make_intake(client={"age": 50}))
    assert "deadlift" not in _prescribed(older)
    (gone,) = older.excluded
    assert (gone.exercise, gone.because, gone.replaced_by) == (
        "deadlift",
        ["tiny.exclude"],
        "trap_bar_deadlift",
    )


def test_exclusion_beats_addition_whichever_rule_comes_first() -> None:
    exclude = _rule("tiny.exclude", ["exclude: {tag: technical_lift}"])
    a = _assess(PRIME + ADD_DEADLIFT + exclude)
    b = _assess(exclude + ADD_DEADLIFT + PRIME)
    assert "deadlift" not in _prescribed(a)
    assert _intense(a) == _intense(b)


def test_excluded_without_usable_regression_is_dropped() -> None:
    pull = _rule("tiny.pull", ["add: {exercise: pull_up_neutral_grip, phase: main}"])
    exclude = _rule("tiny.exclude", ["exclude: {tag: overhead}"])
    p = _assess(PRIME + ADD_DEADLIFT + pull + exclude)
    assert _prescribed(p) == {"scapular_push_up", "deadlift"}
    (gone,) = p.excluded
    assert (gone.exercise, gone.replaced_by, gone.reason) == (
        "pull_up_neutral_grip",
        None,
        "excluded by tiny.exclude",
    )


def test_no_loaded_work_means_no_intense_session() -> None:
    exclude = _rule("tiny.exclude", ["exclude: {pattern: hinge, loaded: true}"])
    p = _assess(PRIME + ADD_DEADLIFT + exclude)
    assert [s.intensity for s in p.sessions] == ["light"] * 3
    assert p.schedule is not None
    assert p.schedule.intense_sessions == 0
    hinge = next(c for c in p.coverage if c.plane == "hinge")
    assert not hinge.covered
    assert hinge.note is not None
    assert hinge.note.startswith("Deadlift (conventional barbell): excluded by tiny.exclude")


# --- substitution keeps the reason ----------------------------------------------------------


def test_substitution_keeps_the_reason_for_an_exclusion() -> None:
    exclude = _rule("tiny.exclude", ["exclude: {exercise: deadlift}"])
    item = _item(_assess(PRIME + ADD_DEADLIFT + exclude), "trap_bar_deadlift")
    assert item.substitutes_for is not None
    assert item.substitutes_for.exercise == "deadlift"
    assert item.substitutes_for.reason == "excluded by tiny.exclude"
    assert item.substitutes_for.because == ["tiny.exclude"]
    assert item.because == ["tiny.add"], "the item is still there because of the adding rule"


def test_substitution_keeps_the_reason_for_missing_equipment() -> None:
    client = make_intake(training={"equipment": ["kettlebell", "resistance_band"]})
    p = _assess(PRIME + ADD_DEADLIFT, client)
    item = _item(p, "kettlebell_deadlift")
    assert item.substitutes_for is not None
    assert item.substitutes_for.reason == "needs barbell, not available"
    assert p.excluded[0].reason == ("needs barbell, not available; replaced by Kettlebell deadlift")


def test_excluded_exercise_is_not_used_through_its_substitutes() -> None:
    """An excluded exercise's substitutes are skipped, only its regression is followed."""
    add_row = _rule("tiny.row", ["add: {exercise: barbell_row, phase: main}"])
    exclude = _rule("tiny.exclude", ["exclude: {exercise: barbell_row}"])
    p = _assess(PRIME + add_row + exclude)
    assert "one_arm_dumbbell_row" not in _prescribed(p)
    assert "chest_supported_row" in _prescribed(p)


# --- caps and doses -------------------------------------------------------------------------


def test_most_restrictive_cap_wins() -> None:
    caps = _rule("tiny.cap_sets", ["cap: {exercise: deadlift, sets: 2, effort: 8}"]) + _rule(
        "tiny.cap_effort", ["cap: {pattern: hinge, loaded: true, sets: 3, effort: 6}"]
    )
    for rules in (PRIME + ADD_DEADLIFT + caps, caps + ADD_DEADLIFT + PRIME):
        item = _item(_assess(rules), "deadlift")
        assert (item.sets, item.effort) == (2, 6)
        assert {(a.field, a.after, a.rule) for a in item.adjustments} == {
            ("sets", 2, "tiny.cap_sets"),
            ("effort", 6, "tiny.cap_effort"),
        }


def test_a_cap_never_raises_a_dose() -> None:
    cap = _rule("tiny.cap", ["cap: {exercise: scapular_push_up, sets: 4, effort: 9}"])
    item = _item(_assess(PRIME + ADD_DEADLIFT + cap), "scapular_push_up")
    assert (item.sets, item.effort, item.adjustments) == (2, 5, [])


def test_a_cap_for_light_sessions_leaves_intense_ones_alone() -> None:
    add = _rule(
        "tiny.face", ["add: {exercise: face_pull, phase: accessory, sessions: [intense, light]}"]
    )
    light_cap = _rule("tiny.light", ["cap: {loaded: true, sessions: [light], sets: 1, effort: 5}"])
    p = _assess(PRIME + ADD_DEADLIFT + add + light_cap)
    doses = {
        (s.intensity, i.sets, i.effort)
        for s in p.sessions
        for i in s.items
        if i.exercise == "face_pull"
    }
    assert doses == {("intense", 3, 7), ("light", 1, 5)}


def test_most_conservative_dose_wins() -> None:
    doses = _rule("tiny.heavy", ['dose: {exercise: deadlift, reps: "3-5", tempo: "2-0-1-0"}'])
    doses += _rule("tiny.light", ['dose: {exercise: deadlift, reps: "8-12", tempo: "4-1-1-1"}'])
    item = _item(_assess(PRIME + ADD_DEADLIFT + doses), "deadlift")
    assert (item.reps, item.tempo) == ("8-12", "4-1-1-1")


def test_rep_range_never_gets_heavier_than_the_default() -> None:
    heavy = _rule("tiny.heavy", ['dose: {exercise: deadlift, reps: "1-3"}'])
    assert _item(_assess(PRIME + ADD_DEADLIFT + heavy), "deadlift").reps == "4-6"


# --- referral ---------------------------------------------------------------------------------

REFER = _rule(
    "tiny.refer",
    ["refer: {urgency: emergency, reason: x, action: y}"],
    "red_flag.saddle_anaesthesia: 'yes'",
)


def test_referral_replaces_the_program() -> None:
    client = make_intake(red_flag_screen={"saddle_anaesthesia": True})
    p = _assess(PRIME + ADD_DEADLIFT + REFER, client)
    assert p.status == "referral"
    assert p.referral is not None
    assert p.referral.urgency.value == "emergency"
    assert [(r.reason, r.action, r.because) for r in p.referral.reasons] == [
        ("x", "y", ["tiny.refer"])
    ]
    assert (p.sessions, p.daily, p.schedule, p.coverage) == ([], [], None, [])
    assert [t.rule for t in p.trace] == ["tiny.prime", "tiny.add", "tiny.refer"], "still explained"


def test_without_the_red_flag_there_is_a_program() -> None:
    p = _assess(PRIME + ADD_DEADLIFT + REFER)
    assert (p.status, p.referral) == ("program", None)
    assert "deadlift" in _prescribed(p)


def test_most_urgent_referral_wins_and_reasons_are_merged() -> None:
    refer_soon = _rule("tiny.soon", ["refer: {urgency: urgent, reason: z, action: w}"])
    client = make_intake(red_flag_screen={"saddle_anaesthesia": True})
    p = _assess(PRIME + refer_soon + REFER, client)
    assert p.referral is not None
    assert p.referral.urgency.value == "emergency"
    assert [r.because for r in p.referral.reasons] == [["tiny.soon"], ["tiny.refer"]]


def test_before_exercise_referral_limits_the_program_to_unloaded_work() -> None:
    review = _rule("tiny.review", ["refer: {urgency: before_exercise, reason: a, action: b}"])
    p = _assess(PRIME + ADD_DEADLIFT + review)
    assert p.status == "limited"
    assert p.referral is not None
    assert p.limitations[0].because == ["tiny.review"]
    assert "deadlift" not in _prescribed(p)
    assert "deadlift" in {x.exercise for x in p.excluded}


# --- order comes from data, never from firing order ----------------------------------------

ORDER_RULES = [
    _rule("tiny.face", ["add: {exercise: face_pull, phase: accessory}"]),
    _rule("tiny.apart", ["add: {exercise: band_pull_apart, phase: priming}"]),
    _rule("tiny.scap", ["add: {exercise: scapular_push_up, phase: priming}"]),
    _rule("tiny.dead", ["add: {exercise: deadlift, phase: main}"]),
    _rule(
        "tiny.order",
        ["before: {first: {exercise: band_pull_apart}, then: {exercise: scapular_push_up}}"],
    ),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(ORDER_RULES))))[::7])
def test_order_comes_from_phase_and_constraints(order: tuple[int, ...]) -> None:
    """The constraint reverses catalogue order (scapular push-up is listed first)."""
    p = _assess("".join(ORDER_RULES[i] for i in order))
    assert [i.exercise for i in _intense(p)] == [
        "band_pull_apart",
        "scapular_push_up",
        "deadlift",
        "face_pull",
    ]


def test_without_constraints_catalogue_order_breaks_ties() -> None:
    p = _assess("".join(ORDER_RULES[:4]))
    assert [i.exercise for i in _intense(p)][:2] == ["scapular_push_up", "band_pull_apart"]


def test_requirement_drops_what_has_nothing_before_it() -> None:
    require = _rule(
        "tiny.require",
        ["before: {first: {exercise: bird_dog}, then: {pattern: hinge, loaded: true}}"],
    )
    p = _assess(PRIME + ADD_DEADLIFT + require)
    assert "deadlift" not in _prescribed(p)
    (gone,) = p.excluded
    assert gone.because == ["tiny.require"]
    assert gone.reason == "requires bird_dog first, and none is prescribed"


def test_loaded_work_needs_a_priming_item() -> None:
    p = _assess(ADD_DEADLIFT + _rule("tiny.core", ["add: {exercise: bird_dog, phase: main}"]))
    assert _prescribed(p) == {"bird_dog"}
    assert p.excluded[0].reason == "no priming drill is available to come before it"


def test_coverage_names_what_is_missing() -> None:
    p = _assess(PRIME + ADD_DEADLIFT)
    covered = {c.plane: c.covered for c in p.coverage}
    assert covered == {
        "vertical_pull": False,
        "horizontal_pull": False,
        "hinge": True,
        "rotation": False,
    }
    assert next(c for c in p.coverage if c.plane == "rotation").note == "no rule added one"


# --- the shipped rule base ----------------------------------------------------------------


def test_desk_worker_example_covers_every_plane_the_repair_allows() -> None:
    p = assessment.assess(intake.load(str(EXAMPLE)))
    covered = {c.plane: c for c in p.coverage}
    assert all(covered[k].covered for k in ("horizontal_pull", "hinge", "rotation")), p.coverage
    # Overhead pulling waits for the cuff repair's milestones; the gap is explained.
    vertical = covered["vertical_pull"]
    assert not vertical.covered
    assert vertical.note is not None
    assert "shoulder.repair_no_overhead_yet" in vertical.note


def test_same_intake_gives_byte_identical_json() -> None:
    client = intake.load(str(EXAMPLE))
    first = assessment.to_json(assessment.assess(client))
    second = assessment.to_json(assessment.assess(client))
    fresh = assessment.to_json(
        assessment.assess(client, RULES.with_evaluator(DurableEngine(RULES.rulebook)))
    )
    assert first == second == fresh
    assert first.endswith("}\n")


def test_json_output_parses_into_the_published_model() -> None:
    result = CliRunner().invoke(cli, ["assess", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert Prescription.model_validate(data) == assessment.assess(intake.load(str(EXAMPLE)))
    assert data["status"] == "program"
    assert data["rulebook"] == RULES.rulebook.version
    for session in data["sessions"]:
        assert {"day", "intensity", "items", "minutes", "day_type", "left_out"} == set(session)
        for item in session["items"]:
            assert {"exercise", "name", "pattern", "loaded", "phase", "sets", "reps"} <= set(item)
            assert {"tempo", "effort", "rest_s", "because"} <= set(item)


def test_every_item_is_explained() -> None:
    p = assessment.assess(intake.load(str(EXAMPLE)))
    rules = {r.id for r in p.rules}
    fired = {t.rule for t in p.trace}
    assert rules == fired
    for s in p.sessions:
        for i in s.items:
            assert i.because, i.exercise
            assert set(i.because) <= fired, i.exercise


def test_factory_intake_gives_a_full_program() -> None:
    p = assessment.assess(make_intake())
    assert p.status == "program"
    assert all(c.covered for c in p.coverage)
    assert intake_data()["client"]["name"] == p.client.name
