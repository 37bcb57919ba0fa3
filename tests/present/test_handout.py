"""The client handout, read as a client would: plain, calm, specific, and about this client."""

from __future__ import annotations

from typing import Any

import pytest
import readers
import textstat
from markupsafe import escape

from backexpert import assessment
from backexpert.assessment import timing
from backexpert.assessment.prescription import Prescription
from backexpert.present import html as report
from backexpert.present import wording
from factories import make_intake

GRADE = 8.0


def _handout(p: Prescription) -> str:
    return report.render_html(readers.view(p, "handout"))


def _assess(**changes: Any) -> Prescription:
    return assessment.assess(make_intake(**changes))


# --- plain language, for every example and case ------------------------------------------------


@pytest.mark.parametrize("source", readers.SOURCES)
def test_the_handout_reads_at_grade_8_or_below(source: str) -> None:
    sentences = readers.prose(readers.handout(source))
    grade = textstat.flesch_kincaid_grade(" ".join(sentences))
    hardest = sorted(sentences, key=textstat.flesch_kincaid_grade)[-3:]
    assert grade <= GRADE, f"Flesch-Kincaid grade {grade}; hardest: {hardest}"


@pytest.mark.parametrize("source", readers.SOURCES)
def test_no_fear_words_anywhere(source: str) -> None:
    p = readers.prescription(source)
    assert readers.find(readers.FEAR_WORDS, readers.text(readers.handout(source), p)) == []


@pytest.mark.parametrize("source", readers.SOURCES)
def test_the_handout_s_own_words_are_plain(source: str) -> None:
    p = readers.prescription(source)
    own = readers.own_text(readers.handout(source), p)
    assert readers.find(readers.CLINICAL_TERMS, own) == []


@pytest.mark.parametrize("source", readers.SOURCES)
def test_no_rule_ids_or_source_tags(source: str) -> None:
    page = readers.handout(source)
    words = readers.text(page, readers.prescription(source))
    for rule in assessment.rule_base().rulebook:
        assert rule.id not in page
    assert readers.find(readers.SOURCE_TAGS, words) == []


@pytest.mark.parametrize("source", ["example:desk-worker", "example:strength-athlete"])
def test_catalogue_texts_on_the_handout_are_plain(source: str) -> None:
    p = readers.prescription(source)
    cues = [c for _, i in p.items() for c in i.cues]
    problems = readers.find(readers.CLINICAL_TERMS, " | ".join(cues))
    problems += [c for c in cues if textstat.flesch_kincaid_grade(c) > GRADE]
    assert problems == []


# --- pain and confidence: the same calm words for everyone ---------------------------------


@pytest.mark.parametrize(
    "source", ["example:desk-worker", "case:v06_start_back_high", "case:r03_past_cancer_alone"]
)
def test_pain_is_explained_without_fear(source: str) -> None:
    page = readers.handout(source)
    words = readers.text(page)
    for line in wording.PAIN_GUIDE:
        assert line in words
    assert (
        "Discomfort up to about 5 out of 10 is fine if it has settled by next morning and isn't "
        "creeping up week to week." in words
    )
    assert "Hurt does not mean harm." in words
    assert wording.GET_HELP in words  # calm and clear: when to stop and get help
    # The old words: a 2-point rise as the only pain rule, and rest as something the back needs.
    assert "2 or more points" not in words
    assert "needs that long to recover" not in words


def test_a_high_risk_client_gets_graded_practice_of_a_feared_task() -> None:
    words = readers.text(readers.handout("case:v06_start_back_high"))
    assert "Pick one everyday task you have been putting off" in words
    low = readers.text(readers.handout("case:r12_start_back_low"))
    assert "Pick one everyday task" not in low


# --- precautions from the client's own conditions -----------------------------------------------

SAFETY_NET_SIGNS = (
    "numbness or tingling between your inner thighs, genitals, back passage or buttocks",
    "a change in feeling when you wipe after the toilet",
    "trouble starting, stopping or feeling your pee",
    "leaking pee or poo, or not knowing when your bladder is full",
    "a change in erections, ejaculation or feeling in your genitals",
    "weakness in both legs",
)


@pytest.mark.parametrize(
    "changes",
    [
        {"pain": {"region": "low_back_and_leg", "nprs_now": 3}},
        {"conditions": [{"code": "radiculopathy", "side": "left"}]},
        {"conditions": [{"code": "lumbar_disc_herniation"}]},
        {"conditions": [{"code": "lumbar_discectomy", "weeks_since": 10}]},
        {"findings": ["positive_straight_leg_raise"]},
    ],
    ids=["leg-pain", "radiculopathy", "disc-herniation", "discectomy", "positive-slr"],
)
def test_leg_pain_or_a_disc_condition_gets_the_cauda_equina_safety_net(
    changes: dict[str, Any],
) -> None:
    page = _handout(_assess(**changes))
    words = readers.text(page)
    assert "Get help straight away" in words
    assert "Go to A&E straight away if you notice any of these:" in words
    for sign in SAFETY_NET_SIGNS:
        assert sign in words
    # First thing after the header: safety comes before anything else on the page.
    assert page.index("Get help straight away") < page.index("Pain and exercise")


def test_no_safety_net_without_leg_pain_or_a_disc_condition() -> None:
    assert "A&E" not in readers.text(readers.handout("example:desk-worker"))


def test_high_blood_pressure_means_breathing_out_and_a_safety_net() -> None:
    words = readers.text(_handout(_assess(conditions=[{"code": "hypertension"}])))
    assert "Don't hold your breath or strain hard on any exercise." in words
    assert "Breathe out as you lift, push or pull" in words
    assert "chest pain, a severe headache, confusion or a sudden change in your sight" in words


def test_bone_health_means_no_loaded_bending_and_twisting() -> None:
    words = readers.text(readers.handout("case:r10_osteoporosis"))
    assert "Avoid bending and twisting at the same time" in words
    assert "bend at your hips and knees and keep your back long" in words
    assert "never bend" not in words.lower()


@pytest.mark.parametrize(
    ("side", "arm", "other"),
    [
        ("left", "LEFT arm", "Your right arm can work as normal."),
        ("right", "RIGHT arm", "Your left"),
        ("both", "BOTH arms", "both had a repair"),
    ],
)
def test_the_operated_arm_is_named(side: str, arm: str, other: str) -> None:
    cuff = {"code": "rotator_cuff_repair", "side": side, "weeks_since": 14}
    words = readers.text(_handout(_assess(conditions=[cuff])))
    assert arm in words
    assert other in words


@pytest.mark.parametrize(
    ("weeks", "says"),
    [
        (3, "Wear your sling as your surgeon told you."),
        (8, "don't lift more than about 1 kg"),
        (14, "No pull-ups and no heavy lifting above your head with the operated arm"),
    ],
)
def test_the_operated_arm_s_limits_follow_the_weeks_since_surgery(weeks: int, says: str) -> None:
    cuff = {"code": "rotator_cuff_repair", "side": "right", "weeks_since": weeks}
    words = readers.text(_handout(_assess(conditions=[cuff])))
    assert says in words


def test_an_unsided_repair_limits_both_arms() -> None:
    cuff = {"code": "rotator_cuff_repair", "weeks_since": 14}
    assert "BOTH arms" in readers.text(_handout(_assess(conditions=[cuff])))


def test_precautions_are_do_and_dont_lines() -> None:
    page = readers.handout("example:post-cuff-repair-screened")
    assert "Take care" in page
    assert "✓ Do" in page
    assert "✗ Don't" in page


# --- cards, the week and the log -------------------------------------------------------------


def test_minutes_are_the_items_own_or_estimated_for_older_documents() -> None:
    p = readers.prescription("example:desk-worker")
    item = p.sessions[0].items[0]
    assert item.minutes is not None
    assert wording.item_seconds(item) == round(item.minutes * 60)
    older = item.model_copy(update={"minutes": None})
    assert wording.item_seconds(older) == timing.item_seconds(older)
    timed = item.model_copy(update={"minutes": 7})
    changed = p.model_copy(
        update={"sessions": [s.model_copy(update={"items": [timed]}) for s in p.sessions]}
    )
    view = readers.view(changed, "handout")
    assert view.cards[0].doses[0].minutes == 7


def test_the_week_is_a_calendar_with_session_minutes() -> None:
    p = readers.prescription("example:desk-worker")
    view = readers.view(p, "handout")
    days = view.calendar()
    assert [d.short for d in days] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    page = readers.handout("example:desk-worker")
    for d in days:
        if d.kind != "rest":
            assert 0 < d.minutes < 90
    assert "Every day: short drills, about" in page
    for plan in view.plans:
        assert f"{plan.title}</b>, about {plan.minutes} minutes." in page


def test_one_log_table_for_the_week_to_fill_in_by_hand() -> None:
    p = readers.prescription("example:desk-worker")
    page = readers.handout("example:desk-worker")
    log = page[page.index('<section class="logs">') :]
    session_days = [s.day for s in p.sessions]
    assert log.count('<table class="log">') == 1
    for d in session_days:
        assert f"<th>{wording.DAY_NAMES[d]}</th>" in log
    for row in ("Pain before", "Pain after", "Pain next morning"):
        assert row in log
    view = readers.view(p, "handout")
    in_sessions = {i.exercise for s in p.sessions for i in s.items}
    for c in view.cards:  # each exercise in a session: its card number, name and target
        if c.exercise in in_sessions:
            assert f"<td>{c.number} · {escape(c.name)}: " in log


# --- a referral, in the client's own terms --------------------------------------------------


def test_an_emergency_referral_says_what_to_do_now_and_why_in_plain_words() -> None:
    p = readers.prescription("example:cauda-equina-referral")
    page = readers.handout("example:cauda-equina-referral")
    words = readers.text(page)
    assert "Please go to A&E today" in words
    assert "Go to A&E (the emergency department) now." in words
    # The client's own YES answers, in plain words, not the clinician's reasons or actions.
    assert wording.RED_FLAG_PLAIN["saddle_anaesthesia"] in words
    assert wording.RED_FLAG_PLAIN["bladder_or_bowel_dysfunction"] in words
    assert p.referral is not None
    for r in p.referral.reasons:
        assert r.action not in words
        assert r.reason not in words
    assert 'class="cards"' not in page
    assert "log" not in words.lower()


def test_an_urgent_referral_says_how_soon_and_keeps_the_client_moving() -> None:
    words = readers.text(readers.handout("case:r07_new_neurological_deficit"))
    assert "Please see a doctor today" in words
    assert wording.RED_FLAG_PLAIN["new_neurological_deficit"] in words
    assert wording.KEEP_ACTIVE_MEANWHILE in words
    assert "Do not start the exercise program until a doctor has seen you." in words


def test_a_medical_review_before_exercise_names_the_reason() -> None:
    words = readers.text(readers.handout("case:r03_past_cancer_alone"))
    assert "Before you start" in words
    assert "having had cancer in the past" in words
    assert wording.LIMITED_FOR["doctor"] in words
