"""What if: the intake re-assessed with changes, and the difference, with the rules."""

from __future__ import annotations

import pytest

from backexpert import assessment, services
from backexpert.clinical import intake as intake_mod
from backexpert.clinical.intake import Intake
from backexpert.errors import InputError, IntakeError, SafetyError
from backexpert.explain import whatif
from backexpert.explain.outcomes import Withheld
from factories import EXAMPLE, make_intake

RULES = assessment.rule_base()
DESK = intake_mod.load(str(EXAMPLE))


def test_severe_pain() -> None:
    a = whatif.what_if(DESK, ["pain.nprs_now=7"], RULES)
    assert [c.change for c in a.changes] == ["pain.nprs_now=7", "pain.nprs_worst_24h=7"]
    assert a.changes[1].note.startswith("follows from pain.nprs_now")
    assert {(f.fact, f.before, f.after) for f in a.facts} == {
        ("pain.band", "mild", "severe"),
        ("pain.nprs_now", 3, 7),
        ("pain.nprs_worst_24h", 5, 7),
    }
    assert a.diff.rules_fired == [
        "load_level.severe_pain_now",
        "load_level.worst_pain_high",
        "load_level.none_caps",
        "load_level.low_caps",
        "lumbar.severe_pain_no_loaded_hinge",
        "lumbar.severe_pain",
    ]
    removed = {d.subject: d.because for d in a.diff.differences if d.kind == "exercise_removed"}
    # level none: no loaded exercise at all
    assert {"dumbbell_deadlift", "seated_cable_row", "face_pull", "pallof_press"} <= set(removed)
    assert removed["seated_cable_row"] == ["load_level.none_caps"]
    level = next(d for d in a.diff.differences if d.kind == "load_level")
    assert (level.before, level.after) == ("moderate", "none")


def test_removing_a_condition_and_a_new_experience() -> None:
    a = whatif.what_if(
        DESK, ["-conditions.lumbar_instability", "training.experience=intermediate"], RULES
    )
    added = {d.subject: d.because for d in a.diff.differences if d.kind == "exercise_added"}
    # Worst pain 5/10 keeps the barbell deadlift out (load level moderate) with or without them.
    # The chop is added by the anti-rotation rule; as an intermediate its light-day dose comes
    # from the undulating week.
    assert added == {
        "medicine_ball_rotational_chop": ["schedule.daily_undulation", "lumbar.anti_rotation_first"]
    }
    assert "lumbar.instability_high_risk" in a.diff.rules_unfired
    assert "schedule.intermediate_frequency" in a.diff.rules_fired
    natures = {f.fact: f.nature for f in a.facts}
    assert natures["training.experience"] == "history"
    assert natures["condition.lumbar_instability"] == "finding"


def test_no_change_is_no_difference() -> None:
    a = whatif.what_if(DESK, [], RULES)
    assert a.changes == [] and a.facts == [] and a.diff.empty
    same = whatif.what_if(DESK, ["client.age=45"], RULES)
    assert same.facts == [] and same.diff.empty


def test_a_red_flag_refers() -> None:
    a = whatif.what_if(DESK, ["red_flag_screen.saddle_anaesthesia=yes"], RULES)
    assert (a.diff.before.status, a.diff.after.status) == ("program", "referral")
    assert a.diff.differences[0].kind == "status"
    assert a.facts[0].note == "a finding of the client, not a choice"


def test_bad_changes_read_like_intake_problems() -> None:
    with pytest.raises(InputError) as info:
        whatif.what_if(DESK, ["pain.nprs_now=11", "client.age=200"], RULES)
    assert [str(p) for p in info.value.problems] == [
        "client.age: must be <= 110 (got 200)",
        "pain.nprs_now: must be <= 10 (got 11)",
    ]
    with pytest.raises(InputError) as info:
        whatif.what_if(DESK, ["pain.nprs_nw=3"], RULES)
    assert str(info.value.problems[0]) == "pain.nprs_nw: unknown field (did you mean 'nprs_now'?)"


def test_edits_and_syntax_mix() -> None:
    from backexpert.explain.syntax import set_edit

    a = whatif.what_if(DESK, [set_edit("client.age", 39), "+findings.scapular_dyskinesis"], RULES)
    assert [c.change for c in a.changes] == ["client.age=39", "+findings.scapular_dyskinesis"]


def test_a_withheld_prescription_is_a_difference(monkeypatch: pytest.MonkeyPatch) -> None:
    from backexpert.assessment.pipeline import assess as real

    calls = []

    def second_withheld(*args: object, **kw: object) -> object:
        calls.append(1)
        if len(calls) > 1:
            raise SafetyError(["[dose.max_sets] a violation for the test"])
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(whatif, "assess", second_withheld)
    a = whatif.what_if(DESK, ["client.age=44"], RULES)
    assert a.diff.after.status == "withheld"
    assert a.diff.differences[0].kind == "withheld"
    held = whatif.outcome(DESK, RULES)
    assert isinstance(held, Withheld) and held.fired and held.violations


def test_what_if_options() -> None:
    options = whatif.options(DESK)
    by = {(o.group, o.value): o for o in options}
    assert by["finding", "rounded_shoulders"].active
    assert by["finding", "rounded_shoulders"].change == "-findings.rounded_shoulders"
    assert by["finding", "scapular_dyskinesis"].change == "+findings.scapular_dyskinesis"
    assert by["condition", "pregnancy"].needs == ["weeks_since"]
    assert by["condition", "lumbar_instability"].change == "-conditions.lumbar_instability"
    assert by["pain", "3"].active and by["pain", "7"].change == "pain.nprs_now=7"
    assert by["equipment", "bench"].change == "+training.equipment.bench"
    # every toggle is a valid change on its own (the dated conditions need their weeks)
    for o in options:
        if not o.needs and o.group != "goal":
            services.what_if(DESK, [o.change])
    assert services.what_if_options(make_intake()) == whatif.options(make_intake())


def test_a_current_load_changed_to_an_unknown_exercise_is_refused() -> None:
    athlete = services.load_intake(str(EXAMPLE.parent / "strength-athlete.yaml"))
    with pytest.raises(IntakeError) as info:
        services.what_if(athlete, ["training.current_loads[0].exercise=deadlfit"])
    (problem,) = info.value.problems
    assert problem.path == "training.current_loads[0].exercise"
    assert "unknown exercise 'deadlfit' (did you mean 'deadlift'?)" in problem.message


def test_what_an_intake_already_said_is_not_refused_again() -> None:
    """A stored intake whose current load names an unknown exercise still answers a what-if."""
    athlete = services.load_intake(str(EXAMPLE.parent / "strength-athlete.yaml"))
    data = athlete.model_dump(mode="json")
    data["training"]["current_loads"][0]["exercise"] = "bench_press"
    old = Intake.model_validate(data)
    answer = services.what_if(old, ["pain.nprs_now=2"])
    assert answer.changes[0].change == "pain.nprs_now=2"
