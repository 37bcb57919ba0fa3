"""The clinician's edits: accepted, refused, overridden, and those no override can change."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from pydantic import ValidationError

from backexpert import assessment, services
from backexpert.assessment.edits import Adjustments
from backexpert.assessment.prescription import CLINICIAN, Prescription
from backexpert.clinical.intake import PREGNANCY_ABSOLUTE, PREGNANCY_RELATIVE, Intake
from backexpert.errors import EditRefusedError, InputError, SafetyError
from backexpert.safety import overrides, violations
from backexpert.safety.overrides import ADVISORY
from factories import make_intake

OVERRIDE = {"reason": "competition in 3 weeks; pain settles with load", "clinician": "Ana Costa"}

# Clients by what their program allows (see each intake for why).
INTAKES: dict[str, dict[str, Any]] = {
    # An intermediate lifter with nothing wrong: intense tue and thu, light mon.
    "plain": {},
    # Acute, highly irritable pain 8/10: load level none (no serious flag).
    "level_none": {
        "pain": {
            "region": "low_back",
            "nprs_now": 8,
            "nprs_worst_24h": 8,
            "irritability": "high",
            "duration_weeks": 2,
        }
    },
    # A serious red flag awaits review: load level none, unloaded work only.
    "serious_flag": {"red_flag_screen": {"history_of_cancer": True}},
    # Pregnant, no screen, not cleared: an obstetric clearance is required.
    "clearance": {
        "client": {"sex": "female"},
        "conditions": [{"code": "pregnancy", "weeks_since": 22}],
    },
    # Pregnant with an absolute contraindication: urgent referral, no program.
    "pregnancy_absolute": {
        "conditions": [{"code": "pregnancy", "weeks_since": 22}],
        "questionnaires": {
            "pregnancy": {
                "absolute": [True] + [False] * (len(PREGNANCY_ABSOLUTE) - 1),
                "relative": [False] * len(PREGNANCY_RELATIVE),
            }
        },
    },
    # A red flag of cauda equina: emergency referral, no program.
    "referral": {"red_flag_screen": {"saddle_anaesthesia": True}},
    # Knows their deadlift: 140 kg for 5 at RPE 8.
    "known_deadlift": {
        "training": {
            "experience": "intermediate",
            "sessions_per_week": 3,
            "equipment": [
                "barbell",
                "trap_bar",
                "dumbbells",
                "pull_up_bar",
                "cable_station",
                "resistance_band",
                "bench",
            ],
            "current_loads": [{"exercise": "deadlift", "load_kg": 140, "reps": 5, "rpe": 8}],
        }
    },
    # Trains at home: dumbbells, a kettlebell and bands (no barbell, no bench).
    "home": {
        "training": {
            "experience": "intermediate",
            "sessions_per_week": 3,
            "equipment": ["dumbbells", "kettlebell", "resistance_band"],
        }
    },
}


@cache
def _case(name: str) -> tuple[Intake, Prescription]:
    changes = dict(INTAKES[name])
    if "red_flag_screen" in changes:
        base = make_intake().red_flag_screen
        changes["red_flag_screen"] = {
            **{k.value: v for k, v in base.items()},
            **changes["red_flag_screen"],
        }
    intake = make_intake(**changes)
    return intake, assessment.assess(intake)


def _adjust(name: str, *edits: dict[str, Any]) -> Prescription:
    intake, generated = _case(name)
    doc = Adjustments.model_validate({"clinician": "Ana Costa", "edits": list(edits)})
    return services.adjust(intake, generated, doc)


def _first_light_item(p: Prescription) -> tuple[str, str]:
    s = next(s for s in p.sessions if s.intensity == "light")
    return s.day.value, next(i.exercise for i in s.items if i.phase.value != "priming")


def test_a_swap_says_the_clinician_chose_it_and_why() -> None:
    p = _adjust(
        "plain",
        {
            "kind": "swap",
            "exercise": "tempo_deadlift",
            "to": "trap_bar_deadlift",
            "day": "thu",
            "reason": "a lighter hinge later in the week",
        },
    )
    # Thursday is the light day of the undulating week: its hinge is the tempo deadlift.
    thu = next(s for s in p.sessions if s.day.value == "thu")
    item = next(i for i in thu.items if i.exercise == "trap_bar_deadlift")
    assert item.chosen_by == CLINICIAN
    assert item.clinician_reason == "a lighter hinge later in the week"
    assert item.because == [CLINICIAN]
    assert item.substitutes_for is not None
    assert item.substitutes_for.exercise == "tempo_deadlift"
    assert "a lighter hinge later in the week" in item.substitutes_for.reason
    assert item.minutes is not None and thu.minutes is not None
    # The deadlift stays on Tuesday: it is still prescribed, so not "excluded".
    assert any(i.exercise == "deadlift" for _, i in p.items())
    assert [v for v in violations(p, _case("plain")[0]) if v.invariant not in ADVISORY] == []
    assert p.adjustments is not None and p.adjustments.overrides == []


def test_a_swapped_item_is_dosed_within_the_item_it_replaces() -> None:
    _, generated = _case("plain")
    old = next(i for _, i in generated.items() if i.exercise == "deadlift")
    p = _adjust(
        "plain",
        {"kind": "swap", "exercise": "deadlift", "to": "trap_bar_deadlift", "reason": "grip"},
    )
    for _, item in p.items():
        if item.exercise == "trap_bar_deadlift":
            assert item.sets <= old.sets and item.effort <= old.effort


def test_a_removed_item_is_excluded_with_the_clinicians_reason() -> None:
    p = _adjust(
        "plain", {"kind": "remove", "exercise": "band_face_pull", "reason": "does it at home"}
    )
    assert all(i.exercise != "band_face_pull" for _, i in p.items())
    gone = next(x for x in p.excluded if x.exercise == "band_face_pull")
    assert gone.reason == "removed by the clinician: does it at home"
    assert gone.because == [CLINICIAN]


def test_a_dose_change_is_listed_with_the_clinicians_reason_and_re_timed() -> None:
    _, generated = _case("plain")
    before = next(s for s in generated.sessions if s.day.value == "tue")
    p = _adjust(
        "plain",
        {
            "kind": "dose",
            "exercise": "deadlift",
            "day": "tue",
            "dose": {"sets": 2, "rest_s": 240},
            "reason": "first week back",
        },
    )
    tue = next(s for s in p.sessions if s.day.value == "tue")
    item = next(i for i in tue.items if i.exercise == "deadlift")
    assert (item.sets, item.rest_s) == (2, 240)
    changes = [a for a in item.adjustments if a.rule == CLINICIAN]
    assert {a.field for a in changes} == {"sets", "rest_s"}
    assert all(a.reason == "first week back" for a in changes)
    old = next(i for i in before.items if i.exercise == "deadlift")
    assert item.minutes != old.minutes
    assert tue.minutes is not None and before.minutes is not None
    assert tue.minutes < before.minutes


def test_a_moved_session_re_lays_the_week() -> None:
    p = _adjust("plain", {"kind": "move", "day": "mon", "to": "sat", "reason": "works Mondays"})
    assert [s.day.value for s in p.sessions] == ["tue", "thu", "sat"]
    assert p.schedule is not None and p.schedule.light_sessions == 1


# Edits a safety invariant refuses: (client, edit, the invariant).
REFUSED: list[tuple[str, dict[str, Any], str]] = [
    (
        "level_none",
        {"kind": "swap", "exercise": "hip_hinge_drill", "to": "deadlift", "day": "mon"},
        "load.withheld",
    ),
    ("plain", {"kind": "dose", "exercise": "deadlift", "dose": {"sets": 6}}, "dose.sets"),
    ("plain", {"kind": "dose", "exercise": "deadlift", "dose": {"effort": 10}}, "dose.effort"),
    ("plain", {"kind": "move", "day": "thu", "to": "wed"}, "recovery.hours"),
]


@pytest.mark.parametrize(("client", "edit", "invariant"), REFUSED)
def test_an_unsafe_edit_is_refused_with_its_reason(
    client: str, edit: dict[str, Any], invariant: str
) -> None:
    with pytest.raises(EditRefusedError) as caught:
        _adjust(client, {**edit, "reason": "the client asked"})
    message = str(caught.value)
    assert f"[{invariant}]" in message
    assert "edits[0]" in message
    assert "override" in message
    assert isinstance(caught.value, SafetyError)


@pytest.mark.parametrize(("client", "edit", "invariant"), REFUSED)
def test_an_override_accepts_the_edit_and_is_recorded(
    client: str, edit: dict[str, Any], invariant: str
) -> None:
    p = _adjust(client, {**edit, "reason": "the client asked", "override": OVERRIDE})
    assert p.adjustments is not None
    found = [o for o in p.adjustments.overrides if o.invariant == invariant]
    assert found, p.adjustments.overrides
    assert all(o.reason == OVERRIDE["reason"] for o in found)
    assert all(o.clinician == OVERRIDE["clinician"] and o.edit == 0 for o in found)
    # Every breach that remains is one the clinician overrode.
    intake, _ = _case(client)
    # The client's minutes are advisory for an edit (safety.overrides.ADVISORY).
    left = {(v.invariant, v.message) for v in violations(p, intake) if v.invariant not in ADVISORY}
    assert left == {(o.invariant, o.violation) for o in p.adjustments.overrides}


# Answers no override changes: (client, edit, an invariant named in the refusal).
BINDING_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("referral", {"kind": "remove", "exercise": "deadlift"}, "referral.no_program"),
    ("pregnancy_absolute", {"kind": "remove", "exercise": "deadlift"}, "referral.no_program"),
    (
        "clearance",
        {"kind": "swap", "exercise": "hip_hinge_drill", "to": "kettlebell_deadlift"},
        "clearance.loaded",
    ),
    (
        "clearance",
        {"kind": "dose", "exercise": "band_face_pull", "dose": {"effort": 7}},
        "clearance.effort",
    ),
    (
        "serious_flag",
        {"kind": "swap", "exercise": "hip_hinge_drill", "to": "deadlift"},
        "red_flag.loaded",
    ),
    (
        "serious_flag",
        {"kind": "dose", "exercise": "bird_dog", "dose": {"effort": 6}},
        "red_flag.level",
    ),
]


@pytest.mark.parametrize(("client", "edit", "invariant"), BINDING_CASES)
def test_no_override_changes_a_binding_answer(
    client: str, edit: dict[str, Any], invariant: str
) -> None:
    with pytest.raises(EditRefusedError) as caught:
        _adjust(client, {**edit, "reason": "the client asked", "override": OVERRIDE})
    assert f"[{invariant}]" in str(caught.value)
    assert invariant in overrides.BINDING
    if invariant != "referral.no_program":
        assert "no override can change this" in str(caught.value)


def test_the_binding_set_names_the_issues_answers() -> None:
    for invariant in ("referral.red_flag", "clearance.status", "red_flag.loaded", "load.level"):
        assert not overrides.overridable(invariant)
    for invariant in ("dose.sets", "recovery.hours", "contraindication", "load.withheld"):
        assert overrides.overridable(invariant)


# Edits that name what is not there: (edit, the field the problem names).
BAD: list[tuple[dict[str, Any], str]] = [
    ({"kind": "swap", "exercise": "deadlift", "to": "zercher_squat"}, "edits[0].to"),
    ({"kind": "remove", "exercise": "zercher_squat"}, "edits[0].exercise"),
    ({"kind": "remove", "exercise": "deadlift", "day": "mon"}, "edits[0].exercise"),
    ({"kind": "remove", "exercise": "deadlift", "day": "sun"}, "edits[0].day"),
    ({"kind": "dose", "exercise": "band_row", "dose": {"sets": 2}}, "edits[0].exercise"),
    ({"kind": "move", "day": "sun", "to": "sat"}, "edits[0].day"),
    ({"kind": "move", "day": "tue", "to": "thu"}, "edits[0].to"),
    ({"kind": "swap", "exercise": "deadlift", "to": "deadlift"}, "edits[0].to"),
]


@pytest.mark.parametrize(("edit", "path"), BAD)
def test_an_edit_naming_what_is_not_there_is_bad_input(edit: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as caught:
        _adjust("plain", {**edit, "reason": "because"})
    assert [p.path for p in caught.value.problems] == [path]


@pytest.mark.parametrize(
    ("to", "missing"),
    [("deadlift", "needs barbell,"), ("hip_thrust", "needs barbell and bench,")],
)
def test_a_swap_to_an_exercise_needing_equipment_the_client_lacks_is_bad_input(
    to: str, missing: str
) -> None:
    swap = {"kind": "swap", "exercise": "kettlebell_deadlift", "to": to, "reason": "heavier"}
    with pytest.raises(InputError) as caught:
        _adjust("home", {"kind": "remove", "exercise": "band_face_pull", "reason": "x"}, swap)
    (problem,) = caught.value.problems
    assert problem.path == "edits[1].to"
    assert f"{to!r} {missing} which the client does not have (training.equipment)" in (
        problem.message
    )
    # No override turns it into an accepted edit: the intake is where equipment is recorded.
    with pytest.raises(InputError):
        _adjust("home", {**swap, "override": OVERRIDE})
    # What the client has may be swapped in.
    p = _adjust("home", {**swap, "to": "dumbbell_deadlift"})
    assert "dumbbell_deadlift" in {i.exercise for _, i in p.items()}


def test_the_swap_choices_are_exactly_the_swaps_accepted() -> None:
    intake, generated = _case("home")
    choices = {e for e, _ in services.swap_choices(intake)}
    for ex in services.catalogue():
        if ex.id == "kettlebell_deadlift" or ex.id in {i.exercise for _, i in generated.items()}:
            continue
        edit = {"kind": "swap", "exercise": "kettlebell_deadlift", "to": ex.id, "reason": "try"}
        doc = Adjustments.model_validate({"clinician": "Ana Costa", "edits": [edit]})
        try:
            services.adjust(intake, generated, doc)
            accepted = True
        except InputError:
            accepted = False
        except EditRefusedError:
            accepted = True  # past the equipment check; refused for safety, a separate answer
        assert accepted == (ex.id in choices), ex.id


def test_removing_every_exercise_is_refused_at_the_last_one() -> None:
    _, generated = _case("home")
    names = list(dict.fromkeys(i.exercise for _, i in generated.items() if i.loaded))
    names += [e for e in dict.fromkeys(i.exercise for _, i in generated.items()) if e not in names]
    edits = [{"kind": "remove", "exercise": e, "reason": "rest this week"} for e in names]
    with pytest.raises(InputError) as caught:
        _adjust("home", *edits)
    (problem,) = caught.value.problems
    assert problem.path == f"edits[{len(names) - 1}].exercise"
    assert "leaves no exercise in the program" in problem.message
    assert _adjust("home", *edits[:-1]).items()  # all but the last: accepted


@pytest.mark.parametrize("reason", ["\u200b", " \u200d\ufeff ", "\u0301"])
def test_a_reason_of_invisible_characters_is_no_reason(reason: str) -> None:
    with pytest.raises(ValidationError, match="a reason is required"):
        _adjust("home", {"kind": "remove", "exercise": "band_face_pull", "reason": reason})


def test_edits_apply_in_order_and_a_later_edit_may_name_an_earlier_result() -> None:
    p = _adjust(
        "plain",
        {"kind": "swap", "exercise": "deadlift", "to": "trap_bar_deadlift", "reason": "grip"},
        {"kind": "dose", "exercise": "trap_bar_deadlift", "dose": {"sets": 2}, "reason": "new"},
    )
    assert all(i.sets == 2 for _, i in p.items() if i.exercise == "trap_bar_deadlift")
    assert p.adjustments is not None
    assert [e.summary for e in p.adjustments.edits] == [
        "swap deadlift for trap_bar_deadlift",
        "dose of trap_bar_deadlift: sets 2",
    ]


def test_a_program_the_rules_made_cites_no_clinician() -> None:
    _, generated = _case("plain")
    cite = {"because": [CLINICIAN]}
    sessions = [
        s.model_copy(update={"items": [i.model_copy(update=cite) for i in s.items]})
        for s in generated.sessions
    ]
    broken = generated.model_copy(update={"sessions": sessions})
    found = {v.invariant for v in violations(broken, _case("plain")[0])}
    assert "explained.known_rule" in found


def test_a_session_moved_off_the_clients_days_is_noted() -> None:
    intake = make_intake(training={"available_days": ["mon", "tue", "thu"]})
    generated = assessment.assess(intake)
    moved = next(s.day.value for s in generated.sessions if s.intensity == "light")
    doc = Adjustments.model_validate(
        {
            "clinician": "Ana Costa",
            "edits": [{"kind": "move", "day": moved, "to": "sun", "reason": "gym open"}],
        }
    )
    p = services.adjust(intake, generated, doc)
    assert p.schedule is not None
    assert any(n.startswith("sun: not one of the days") for n in p.schedule.notes)


def test_a_moved_session_keeps_its_override_in_the_monitors_final_words() -> None:
    p = _adjust(
        "plain",
        {
            "kind": "dose",
            "exercise": "deadlift",
            "day": "tue",
            "dose": {"sets": 5},
            "reason": "peaking",
            "override": OVERRIDE,
        },
        {"kind": "move", "day": "tue", "to": "sun", "reason": "works Tuesdays"},
    )
    assert p.adjustments is not None
    (o,) = [o for o in p.adjustments.overrides if o.invariant == "dose.sets"]
    assert o.violation.startswith("sun: deadlift has 5 sets") and o.edit == 0


def test_an_unsafe_edit_after_an_accepted_one_refuses_the_whole_document() -> None:
    with pytest.raises(EditRefusedError) as caught:
        _adjust(
            "plain",
            {"kind": "remove", "exercise": "band_face_pull", "reason": "home"},
            {"kind": "move", "day": "thu", "to": "wed", "reason": "travel"},
        )
    assert "edits[1]" in str(caught.value) and "edits[0]" not in str(caught.value)


def test_a_swapped_in_lift_starts_from_the_client_s_current_loads() -> None:
    """A trap bar for the deadlift: its first load comes from the deadlift the client knows."""
    intake, generated = _case("known_deadlift")
    old = next(i for _, i in generated.items() if i.exercise == "deadlift")
    assert old.load_kg is not None
    p = _adjust(
        "known_deadlift",
        {"kind": "swap", "exercise": "deadlift", "to": "trap_bar_deadlift", "reason": "grip"},
    )
    swapped = [i for _, i in p.items() if i.exercise == "trap_bar_deadlift"]
    assert swapped and all(i.load_kg is not None and i.warmup for i in swapped)
    assert all("140 kg" in (i.load_note or "") for i in swapped)
    assert all(i.chosen_by == CLINICIAN for i in swapped)
    assert [v for v in violations(p, intake) if v.invariant not in ADVISORY] == []


def test_a_swapped_in_lift_without_a_known_load_says_how_to_find_it() -> None:
    p = _adjust(
        "plain",
        {"kind": "swap", "exercise": "deadlift", "to": "trap_bar_deadlift", "reason": "grip"},
    )
    swapped = [i for _, i in p.items() if i.exercise == "trap_bar_deadlift"]
    assert swapped and all(i.load_kg is None for i in swapped)
    assert all("no load known yet" in (i.load_note or "") for i in swapped)


@pytest.mark.parametrize("exercise", ["walking_program", "suitcase_carry"])
def test_a_timed_effort_takes_no_rep_range(exercise: str) -> None:
    """Fifteen 20-minute walks (or thirty carries) a set is no dose: the edit names its field."""
    intake = make_intake(
        client={"name": "Timed Client", "age": 70, "sex": "female", "occupation": "desk"},
        conditions=[{"code": "rotator_cuff_repair", "weeks_since": 8, "side": "left"}],
        pain={"region": "low_back", "nprs_now": 3, "nprs_worst_24h": 6},
    )
    generated = assessment.assess(intake)
    assert any(i.exercise == exercise for _, i in generated.items())
    doc = Adjustments.model_validate(
        {
            "clinician": "Ana Costa",
            "edits": [
                {"kind": "dose", "exercise": exercise, "reason": "more", "dose": {"reps": "10-15"}}
            ],
        }
    )
    with pytest.raises(InputError) as info:
        services.adjust(intake, generated, doc)
    assert "edits[0].dose.reps" in str(info.value) and "not for reps" in str(info.value)
