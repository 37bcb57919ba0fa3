"""Independent judges of a prescription's safety, for the property tests and the rule-edit tests.

Nothing here reads the safety monitor's tables: each invariant states what it forbids in its own
words (exercise ids, red-flag questions), so a wrong table in the monitor or a wrong tag in the
catalogue makes the tests that use these judges fail instead of agreeing with it.
"""

from __future__ import annotations

from backexpert.assessment import timing
from backexpert.assessment.prescription import Item, Prescription
from backexpert.assessment.week import gaps_hours
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import (
    CORE_RED_FLAG_SCREEN,
    DATED_CONDITIONS,
    ConditionCode,
    Phase,
    RedFlagQuestion,
    Urgency,
)

Q = RedFlagQuestion
# A yes to any of these always means an emergency or urgent referral (domain reference §2).
REFER = frozenset(
    {
        Q.saddle_anaesthesia,
        Q.bladder_or_bowel_dysfunction,
        Q.bilateral_or_progressive_neurological_deficit,
        Q.bilateral_leg_pain,
        Q.new_sexual_dysfunction,
        Q.fever_or_recent_infection,
        Q.new_neurological_deficit,
        Q.shoulder_unreduced_dislocation,
        Q.hot_swollen_joint,
        Q.sudden_arm_weakness_or_numbness,
        Q.acute_traumatic_cuff_tear_signs,
    }
)
# Alone, these modify the program rather than stop or unload it.
MODIFY_ONLY = frozenset({Q.long_term_steroid_use, Q.recent_minor_trauma, Q.pain_worse_on_straining})
HINGES = {"kettlebell_deadlift", "dumbbell_deadlift", "trap_bar_deadlift", "deadlift"}
HINGES |= {"paused_deadlift"}
CHOPS = {"medicine_ball_rotational_chop", "cable_chop"}
ROWS = {"barbell_row", "chest_supported_row", "seated_cable_row", "one_arm_dumbbell_row"}
ROWS |= {"band_row", "face_pull", "band_face_pull"}
PULLDOWNS = {"pull_up_neutral_grip", "lat_pulldown", "band_lat_pulldown"}
# Exercise ids each state rules out, written out here rather than read from any tag.
FORBIDDEN: dict[str, set[str]] = {
    "cuff repair under 12 weeks": ROWS
    | PULLDOWNS
    | HINGES
    | CHOPS
    | {"band_pallof_press", "pallof_press", "band_pull_apart", "scapular_push_up"}
    | {"side_plank", "bird_dog", "cat_camel", "incline_push_up", "one_arm_dumbbell_row"},
    "cuff repair under 8 weeks": {"wall_scapular_push_up", "wall_push_up"},
    "cuff repair under 6 weeks": {"band_face_pull", "band_pull_apart", "bird_dog", "lawnmower"}
    | {"wall_slide"},
    "pain 7 or more": HINGES | CHOPS | {"controlled_hyperextension"},
    "spondylolisthesis": {"controlled_hyperextension"},
    "lumbar instability at high risk": {"barbell_row", "deadlift", "paused_deadlift"},
    "pregnancy": {"deadlift", "paused_deadlift", "tempo_deadlift", "barbell_row", "hip_thrust"}
    | {"trap_bar_deadlift", "farmers_carry"},
    "pregnancy from 20 weeks": {"controlled_hyperextension", "prone_press_up", "prone_ytw"}
    | {"chest_supported_row", "back_extensor_isometric"},
    "under 18": {"deadlift", "paused_deadlift", "tempo_deadlift", "barbell_row"},
    "falls risk": {"single_leg_stance"} | CHOPS,
    "fragile bone": {"cat_camel", "knee_to_chest", "thoracic_open_book", "barbell_row"} | CHOPS,
    "early radicular pain": {"curl_up", "deadlift", "paused_deadlift", "tempo_deadlift"}
    | {"barbell_row"},
    "fusion under 12 weeks": HINGES | CHOPS | {"cat_camel", "thoracic_open_book"},
    "high blood pressure": {"deadlift", "paused_deadlift", "tempo_deadlift", "trap_bar_deadlift"}
    | {"barbell_row", "hip_thrust", "farmers_carry"},
}


def states(intake: Intake) -> list[str]:
    """The states of FORBIDDEN this client is in."""
    out = []
    cuff = next((c for c in intake.conditions if c.code is ConditionCode.rotator_cuff_repair), None)
    if cuff is not None and cuff.weeks_since is not None and cuff.weeks_since < 12:
        out.append("cuff repair under 12 weeks")
    if cuff is not None and cuff.weeks_since is not None and cuff.weeks_since < 6:
        out.append("cuff repair under 6 weeks")
    if intake.pain.worst >= 7:
        out.append("pain 7 or more")
    codes = {c.code: c for c in intake.conditions}
    if ConditionCode.spondylolisthesis in codes:
        out.append("spondylolisthesis")
    if cuff is not None and cuff.weeks_since is not None and cuff.weeks_since < 8:
        out.append("cuff repair under 8 weeks")
    if ConditionCode.pregnancy in codes:
        out.append("pregnancy")
        if (codes[ConditionCode.pregnancy].weeks_since or 0) >= 20:
            out.append("pregnancy from 20 weeks")
    if intake.client.age < 18:
        out.append("under 18")
    findings = {f.value for f in intake.findings}
    parq = intake.questionnaires.parq_plus
    if findings & {"history_of_falls", "balance_impairment", "frailty"} or (
        parq is not None and parq.general[2]
    ):
        out.append("falls risk")
    if (
        ConditionCode.osteoporosis in codes
        or ConditionCode.vertebral_fracture in codes
        or intake.red_flag_screen.get(Q.long_term_steroid_use) is True
    ):
        out.append("fragile bone")
    radicular = (
        ConditionCode.radiculopathy in codes
        or "positive_straight_leg_raise" in findings
        or (
            intake.pain.region.value == "low_back_and_leg"
            and ConditionCode.lumbar_disc_herniation in codes
        )
    )
    weeks = intake.pain.duration_weeks
    if weeks is None and ConditionCode.radiculopathy in codes:
        weeks = codes[ConditionCode.radiculopathy].weeks_since
    if radicular and (weeks is None or weeks <= 12):
        out.append("early radicular pain")
    fusion = codes.get(ConditionCode.lumbar_fusion)
    if fusion is not None and fusion.weeks_since is not None and fusion.weeks_since < 12:
        out.append("fusion under 12 weeks")
    v = intake.vitals
    if (
        ConditionCode.hypertension in codes
        or (v.resting_systolic or 0) >= 160
        or (v.resting_diastolic or 0) >= 100
    ):
        out.append("high blood pressure")
    li = codes.get(ConditionCode.lumbar_instability)
    if li is not None and (
        intake.client.age >= 40 or li.severity is None or li.severity.value != "mild"
    ):
        out.append("lumbar instability at high risk")
    return out


def all_items(p: Prescription) -> list[Item]:
    return [i for s in p.sessions for i in s.items] + list(p.daily)


def loaded_sets(p: Prescription) -> int:
    return sum(i.sets for i in all_items(p) if i.loaded)


# How heavily each exercise loads the spine axially, by id (0 none .. 3 heavy), and the ids that
# load it in flexion, rotation or extension or with a held breath: written out, not read from tags.
AXIAL = {"kettlebell_deadlift": 1, "dumbbell_deadlift": 1, "goblet_squat": 1, "suitcase_carry": 1}
AXIAL |= {"trap_bar_deadlift": 2, "farmers_carry": 2}
AXIAL |= dict.fromkeys(("deadlift", "paused_deadlift", "tempo_deadlift", "barbell_row"), 3)
SPINAL = dict.fromkeys(("deadlift", "paused_deadlift", "tempo_deadlift", "barbell_row"), "flexion")
SPINAL |= dict.fromkeys(CHOPS, "rotation") | {"controlled_hyperextension": "extension"}
SURGERY = {c.value for c in DATED_CONDITIONS} - {"pregnancy", "postpartum"}


def axial_rank(p: Prescription) -> int:
    return max((AXIAL.get(i.exercise, 0) for i in all_items(p)), default=0)


def spinal_loads(p: Prescription) -> set[str]:
    return {SPINAL[i.exercise] for i in all_items(p) if i.exercise in SPINAL}


def max_loaded_effort(p: Prescription) -> int:
    return max((i.effort for i in all_items(p) if i.loaded), default=0)


def invariant_emergency_or_urgent_referral_has_no_sessions(intake: Intake, p: Prescription) -> None:
    if p.referral is not None and p.referral.urgency in (Urgency.emergency, Urgency.urgent):
        assert p.status == "referral"
        assert p.sessions == [] and p.daily == []
    if p.status == "referral":
        assert p.referral is not None and p.referral.urgency is not Urgency.before_exercise


def invariant_a_red_flag_always_stops_or_unloads_the_program(
    intake: Intake, p: Prescription
) -> None:
    yes = {q for q, a in intake.red_flag_screen.items() if a}
    if yes & REFER:
        assert p.status == "referral", yes
    incomplete = any(q not in intake.red_flag_screen for q in CORE_RED_FLAG_SCREEN)
    if incomplete or yes - MODIFY_ONLY:
        assert not [i for i in all_items(p) if i.loaded]


def invariant_no_item_is_contraindicated(intake: Intake, p: Prescription) -> None:
    prescribed = {i.exercise for i in all_items(p)}
    offending = {s: prescribed & FORBIDDEN[s] for s in states(intake) if prescribed & FORBIDDEN[s]}
    assert not offending


def invariant_loaded_items_come_after_priming(intake: Intake, p: Prescription) -> None:
    for s in p.sessions:
        phases = [i.phase for i in s.items]
        for k, i in enumerate(s.items):
            if i.loaded:
                assert Phase.priming in phases[:k], (s.day, i.exercise)


def invariant_intense_sessions_are_48_hours_apart_across_the_week(
    intake: Intake, p: Prescription
) -> None:
    intense = [s.day for s in p.sessions if s.intensity == "intense"]
    if len(intense) > 1:
        assert min(gaps_hours(intense)) >= 48
        assert p.schedule is not None and min(gaps_hours(intense)) >= p.schedule.recovery_hours
    assert len(p.sessions) <= intake.training.sessions_per_week


def invariant_sessions_fit_the_clients_minutes_and_days(intake: Intake, p: Prescription) -> None:
    limit = intake.training.minutes_per_session * 60
    days = intake.training.available_days
    for s in p.sessions:
        # Recomputed from the doses, not read from the session's own `minutes`.
        assert sum(timing.item_seconds(i) for i in s.items) <= limit, (s.day, s.minutes)
        assert s.minutes is not None and s.minutes * 60 <= limit
        assert not days or s.day in days, (s.day, days)
        exercises = [i.exercise for i in s.items]
        assert len(exercises) == len(set(exercises)), s.day


def invariant_doses_stay_within_caps(intake: Intake, p: Prescription) -> None:
    novice = intake.training.experience.value == "novice"
    for i in all_items(p):
        assert 1 <= i.sets <= 4 and 1 <= i.effort <= 8
        if novice:
            assert i.sets <= 3
            assert not i.loaded or i.effort <= 7
    if p.status == "clearance_required":
        assert all(i.effort <= 5 and not i.loaded for i in all_items(p))
    for s in p.sessions:
        if s.intensity == "light":
            assert all(i.effort <= 6 for i in s.items if i.loaded)
