"""Why not: blockers from the trace, lifts and ways searched in the rule IR, all verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from backexpert import assessment
from backexpert.clinical import intake as intake_mod
from backexpert.clinical.intake import Intake
from backexpert.errors import InputError, SafetyError
from backexpert.explain import edits, fact_search, ways, whynot
from backexpert.explain.models import Proposal, WhyNotAnswer
from backexpert.explain.whynot import WhyNot
from factories import EXAMPLE, compile_rules, make_intake

RULES = assessment.rule_base()
EXAMPLES = Path(EXAMPLE).parent
# The desk-worker example with her pain settled (worst 3/10): the spinal load level then keeps
# nothing out, so each answer shows the lumbar and shoulder rules one at a time.
DESK = intake_mod.load(str(EXAMPLE)).model_copy(
    update={"pain": intake_mod.Pain(region="low_back", nprs_now=2, nprs_worst_24h=3)}
)


def _ask(intake: Intake, target: str) -> WhyNotAnswer:
    return whynot.why_not(intake, target, RULES)


def _changes(p: Proposal) -> list[str]:
    return [e.change for e in p.edits]


def _appears(intake: Intake, p: Proposal, exercises: list[str]) -> bool:
    after = assessment.assess(edits.edited(intake, p.edits), RULES)
    return bool(set(exercises) & {i.exercise for _, i in after.items()})


def test_a_replaced_exercise_names_the_rule_its_facts_and_what_would_lift_it() -> None:
    a = _ask(DESK, "deadlift")
    assert a.status == "replaced" and a.kind == "exercise"
    assert a.added_by == ["selection.hinge_deadlift"]
    assert "excluded by lumbar.hinge_regression; replaced by Dumbbell deadlift" in a.summary
    (b,) = a.blockers
    assert (b.kind, b.rule) == ("excluded", "lumbar.hinge_regression")
    assert b.matched == [{"risk.lumbar_load": "high"}]
    assert b.conditions_met == [["risk.lumbar_load is high"]]
    assert b.summary.startswith("With high lumbar-load risk")
    lifts = {tuple(_changes(p)) for p in b.lifts}
    assert [_changes(p) for p in b.lifts] == [["client.age=39"], ["-conditions.lumbar_instability"]]
    assert lifts == {("-conditions.lumbar_instability",), ("client.age=39",)}
    assert all(p.findings for p in b.lifts)
    # the ways, smallest first, each a finding of the client and never a choice
    assert [_changes(w) for w in a.ways] == [["client.age=39"], ["-conditions.lumbar_instability"]]
    age = a.ways[0]
    assert [(c.fact, c.before, c.after, c.nature) for c in age.changes] == [
        ("client.age", 45, 39, "finding")
    ]
    assert age.changes[0].note == "a finding of the client, not a choice"
    assert age.rules == ["lumbar.instability_high_risk", "lumbar.hinge_regression"]
    assert age.note == "changes a finding of the client, not a choice"
    for w in a.ways:
        assert w.outcome == "appears" and _appears(DESK, w, ["deadlift"])


def test_two_rules_keep_the_pull_up_out_and_both_must_lift() -> None:
    a = _ask(DESK, "pull_up_neutral_grip")
    assert a.status == "excluded"
    assert [b.rule for b in a.blockers] == [
        "experience.novice_pull_up_regression",
        "shoulder.repair_no_overhead_yet",
    ]
    novice = a.blockers[0]
    assert [_changes(p) for p in novice.lifts] == [["training.experience=intermediate"]]
    assert novice.lifts[0].changes[0].nature == "history"
    assert not novice.lifts[0].findings
    way = a.ways[0]  # the nearest experience first (advanced works too)
    assert sorted(_changes(way)) == [
        "-conditions.rotator_cuff_repair",
        "training.experience=intermediate",
    ]
    for w in a.ways:
        assert _appears(DESK, w, ["pull_up_neutral_grip"])


def test_an_exercise_no_rule_adds_is_searched_through_the_rules_and_stand_ins() -> None:
    athlete = intake_mod.load(str(EXAMPLES / "strength-athlete.yaml"))
    a = _ask(athlete, "trap_bar_deadlift")
    assert a.status == "not_added" and a.added_by == [] and a.stands_in_for == ["deadlift"]
    assert a.summary.startswith("No rule adds Trap-bar deadlift for this client")
    # a choice (no barbell: the trap bar stands in) comes before the findings
    first = a.ways[0]
    assert _changes(first) == ["-training.equipment.barbell"]
    assert not first.findings and first.changes[0].nature == "choice"
    for w in a.ways:
        assert _appears(athlete, w, ["trap_bar_deadlift"])
    curl = _ask(athlete, "curl_up")
    assert {"lumbar.motor_control_block"} <= {r for w in curl.ways for r in w.rules}
    assert any(_changes(w) == ["+findings.aberrant_movement"] for w in curl.ways)


def test_a_derived_fact_expands_into_the_rules_that_derive_it() -> None:
    a = _ask(make_intake(), "curl_up")
    routes = {tuple(w.rules) for w in a.ways}
    assert ("lumbar.motor_control_signs", "lumbar.motor_control_block") in routes
    assert ("lumbar.disc_herniation", "lumbar.motor_control_block") in routes


def test_missing_equipment_is_a_choice_that_lifts_it() -> None:
    screened = intake_mod.load(str(EXAMPLES / "post-cuff-repair-screened.yaml"))
    a = _ask(screened, "pull_up_neutral_grip")
    equipment = next(b for b in a.blockers if b.kind == "equipment")
    assert equipment.reason == "needs pull_up_bar, not available" and equipment.rule is None
    (lift,) = equipment.lifts
    assert _changes(lift) == ["+training.equipment.pull_up_bar"] and not lift.findings
    (way,) = a.ways
    assert set(_changes(way)) == {
        "+training.equipment.pull_up_bar",
        "-conditions.rotator_cuff_repair",
    }


def test_a_referral_stops_everything_and_its_lift_is_a_finding() -> None:
    referred = intake_mod.load(str(EXAMPLES / "cauda-equina-referral.yaml"))
    a = _ask(referred, "deadlift")
    assert a.status == "stopped"
    assert a.summary == "No program at all: emergency referral (red_flags.cauda_equina)."
    referral = a.blockers[0]
    assert referral.kind == "referral" and referral.rule == "red_flags.cauda_equina"
    assert all(p.findings for p in referral.lifts)
    # lifting the severe-pain exclusion alone is stopped by the referral: never a way round it
    pain = next(b for b in a.blockers if b.rule == "lumbar.severe_pain_no_loaded_hinge")
    assert pain.lifts and all(p.outcome == "stopped" for p in pain.lifts)
    assert pain.lifts[0].stopped_by == ["emergency referral (red_flags.cauda_equina)"]
    assert pain.lifts[0].note.startswith("not a way round: ")
    for w in a.ways:
        assert w.findings and _appears(referred, w, ["deadlift"])


def test_a_change_that_triggers_a_referral_is_stopped_not_a_way() -> None:
    """A rule that adds an exercise on a red flag: the change would also refer the client."""
    rules = compile_rules(
        """
        area: tiny
        description: one rule adds, a red flag refers
        rules:
          - id: tiny.adds_on_cancer
            when: {all: [{red_flag.history_of_cancer: yes}]}
            then: [{add: {exercise: curl_up, phase: priming}}]
            rationale: a rule for the test only
            source: test
          - id: tiny.refers_on_cancer
            when: {all: [{red_flag.history_of_cancer: yes}]}
            then:
              - refer: {urgency: urgent, reason: cancer history, action: see a doctor}
            rationale: a rule for the test only
            source: test
          - id: tiny.always
            when: always
            then: [{add: {exercise: bird_dog, phase: priming}}]
            rationale: a rule for the test only
            source: test
        """
    )
    base = RULES.with_rulebook(rules)
    a = whynot.why_not(make_intake(), "curl_up", base)
    assert a.ways == []
    (stopped,) = a.stopped
    assert stopped.outcome == "stopped" and stopped.findings
    assert stopped.stopped_by == ["urgent referral (tiny.refers_on_cancer)"]
    assert _changes(stopped) == ["red_flag_screen.history_of_cancer=true"]


def test_a_prescribed_exercise_shows_where_and_what_capped_it() -> None:
    a = _ask(DESK, "dumbbell_deadlift")
    assert a.status == "capped" and a.ways == []
    (place,) = a.present
    assert place.where == ["tue", "fri"] and place.substitutes_for == "deadlift"
    assert any("lumbar.reduce_hinge_volume" in x for x in place.adjustments)
    capped = next(b for b in a.blockers if b.rule == "lumbar.reduce_hinge_volume")
    assert capped.kind == "capped" and capped.reason == "sets 3 → 2"
    assert [_changes(p) for p in capped.lifts] == [["-conditions.lumbar_instability"]]
    plain = _ask(DESK, "cat_camel")
    assert plain.status == "prescribed" and plain.blockers == []


def test_a_movement_pattern() -> None:
    a = _ask(DESK, "vertical_pull")
    assert a.kind == "pattern" and set(a.exercises) == {
        "pull_up_neutral_grip", "lat_pulldown", "band_lat_pulldown"
    }  # fmt: skip
    assert a.status == "excluded" and a.summary.startswith("vertical pull work is not prescribed")
    rules = [b.rule for b in a.blockers]
    assert len(rules) == len(set(rules)), "a rule blocking several exercises is listed once"
    assert a.ways and all(_appears(DESK, w, a.exercises) for w in a.ways)
    hinge = _ask(DESK, "hinge")
    assert hinge.status == "capped" and {p.exercise for p in hinge.present} == {
        "hip_hinge_drill", "dumbbell_deadlift"
    }  # fmt: skip


def test_nothing_to_find_says_so() -> None:
    a = _ask(DESK, "paused_deadlift")
    assert a.status == "not_added" and a.ways == [] and a.searched == 0
    assert a.summary.startswith(
        "No rule of the rule base adds Paused deadlift (pause below the knee), nor an exercise"
    )
    assert a.summary.endswith("No change of the client's facts was found that would put it in "
                              "the program.")  # fmt: skip


def test_an_exercise_added_for_sessions_the_week_does_not_have() -> None:
    one = make_intake(training={"sessions_per_week": 1})
    a = _ask(one, "band_face_pull")
    sched = next(b for b in a.blockers if b.kind == "schedule")
    assert sched.reason == "added for light sessions only, and this week has daily, intense"
    assert [c.fact for p in sched.lifts for c in p.changes] == ["training.sessions_per_week"]
    assert a.ways and not a.ways[0].findings
    assert _appears(one, a.ways[0], ["band_face_pull"])


def test_without_search_the_answer_is_quick_and_complete_but_for_changes() -> None:
    a = whynot.why_not(DESK, "deadlift", RULES, search=False)
    assert a.blockers and a.ways == [] and a.blockers[0].lifts == [] and a.searched == 0
    many = list(whynot.why_not_many(DESK, ["deadlift", "cat_camel", "hinge"], RULES))
    assert [x.status for x in many] == ["replaced", "prescribed", "capped"]


def test_an_unknown_target_is_bad_input() -> None:
    with pytest.raises(InputError) as info:
        _ask(DESK, "deadlfit")
    assert "neither a catalogue exercise nor a movement pattern (did you mean 'deadlift'?)" in str(
        info.value
    )


def test_a_withheld_prescription_cannot_be_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    def withhold(*args: object, **kw: object) -> None:
        raise SafetyError(["[x] withheld for the test"])

    monkeypatch.setattr(fact_search, "assess", withhold)
    with pytest.raises(SafetyError):
        WhyNot(DESK, RULES)


def test_the_search_stays_within_its_budget() -> None:
    a = _ask(DESK, "barbell_row")
    assert 0 < a.searched <= fact_search.MAX_VERIFY + ways.MAX_LIFTS * 4
    assert len(a.ways) <= ways.MAX_WAYS and len(a.stopped) <= ways.MAX_STOPPED


def test_the_json_shape() -> None:
    data = _ask(DESK, "deadlift").model_dump(mode="json")
    assert {"target", "kind", "status", "summary", "blockers", "ways", "stopped"} <= set(data)
    way = data["ways"][0]
    assert set(way) == {"changes", "edits", "rules", "outcome", "stopped_by", "findings", "note"}
    assert set(way["edits"][0]) == {"op", "path", "value", "change", "note"}
    assert set(way["changes"][0]) == {"fact", "before", "after", "nature", "note"}
