"""The screen: the red-flag answers' urgency, and what the questionnaires limit or hold back."""

from __future__ import annotations

from ..clinical import instruments
from ..clinical.intake import Intake
from ..clinical.words import (
    CORE_RED_FLAG_SCREEN,
    ConditionCode,
    LoadLevel,
    PainRegion,
    RedFlagQuestion,
    Tag,
    Urgency,
)
from .limits import Cap, Conditions, Expectations, Forbid
from .spine import SPINE_LIFTS

Q = RedFlagQuestion
CORE_QUESTIONS = frozenset(CORE_RED_FLAG_SCREEN)
C = ConditionCode
T = Tag


def answered_yes(intake: Intake, *questions: RedFlagQuestion) -> bool:
    return any(intake.red_flag_screen.get(q) is True for q in questions)


def red_flags(i: Intake, has: Conditions, out: Expectations) -> None:
    """Urgency from the red-flag answers (domain reference 1, section 2; part 2, section 2)."""
    if True not in i.red_flag_screen.values():
        return  # every urgency below needs a yes
    cancer = answered_yes(i, Q.history_of_cancer)
    neuro = answered_yes(
        i,
        Q.new_neurological_deficit,
        Q.bilateral_or_progressive_neurological_deficit,
        Q.bladder_or_bowel_dysfunction,
        Q.bilateral_leg_pain,
    )
    if answered_yes(
        i,
        Q.saddle_anaesthesia,
        Q.bladder_or_bowel_dysfunction,
        Q.bilateral_or_progressive_neurological_deficit,
        Q.bilateral_leg_pain,
        Q.new_sexual_dysfunction,
    ):
        out.refer(Urgency.emergency, "possible cauda equina syndrome")
    if cancer and neuro:
        out.refer(Urgency.emergency, "cancer with neurological signs")
    if answered_yes(
        i, Q.shoulder_unreduced_dislocation, Q.hot_swollen_joint, Q.sudden_arm_weakness_or_numbness
    ):
        out.refer(Urgency.emergency, "shoulder emergency")
    spinal = answered_yes(
        i, Q.constant_night_pain, Q.pain_worse_on_straining, Q.no_improvement_after_one_month
    )
    if cancer and (spinal or i.pain.region in (PainRegion.thoracic, PainRegion.neck)):
        out.refer(Urgency.urgent, "cancer with spinal pain")
    if cancer and i.client.age > 50:
        out.refer(Urgency.urgent, "history of cancer over 50")
    weight, night, slow = (
        answered_yes(i, Q.unexplained_weight_loss),
        answered_yes(i, Q.constant_night_pain),
        answered_yes(i, Q.no_improvement_after_one_month),
    )
    over_50 = i.client.age > 50
    if (weight and (night or over_50 or slow)) or (night and over_50):
        out.refer(Urgency.urgent, "suspected tumour")
    if answered_yes(i, Q.fever_or_recent_infection) or (
        answered_yes(i, Q.iv_drug_use_or_immunosuppression) and night
    ):
        out.refer(Urgency.urgent, "suspected infection")
    osteoporosis = has.get(C.osteoporosis) is not None
    minor = answered_yes(i, Q.recent_minor_trauma)
    if answered_yes(i, Q.significant_trauma_or_osteoporotic_fracture_risk) or (
        minor and (answered_yes(i, Q.long_term_steroid_use) or osteoporosis)
    ):
        out.refer(Urgency.urgent, "suspected vertebral fracture")
    if answered_yes(i, Q.new_neurological_deficit):
        out.refer(Urgency.urgent, "new neurological deficit")
    if answered_yes(i, Q.inflammatory_back_pain_pattern):
        out.refer(Urgency.before_exercise, "inflammatory back pain")
        out.unloaded_only.append("inflammatory back pain awaiting rheumatology")
    if answered_yes(i, Q.acute_traumatic_cuff_tear_signs):
        out.refer(Urgency.urgent, "acute traumatic cuff tear")
    before = [
        q.value
        for q in (
            Q.history_of_cancer,
            Q.unexplained_weight_loss,
            Q.constant_night_pain,
            Q.no_improvement_after_one_month,
            Q.iv_drug_use_or_immunosuppression,
        )
        if answered_yes(i, q)
    ]
    if before:
        out.refer(Urgency.before_exercise, "red flag " + ", ".join(before))
    serious = before + (
        ["significant trauma"]
        if answered_yes(i, Q.significant_trauma_or_osteoporotic_fracture_risk)
        else []
    )
    if serious:
        out.serious_flags = serious
        out.unloaded_only.append("red flag " + ", ".join(serious))
        out.at_most(LoadLevel.none, "a serious red flag awaits review")


def screening(i: Intake, out: Expectations) -> None:
    if not i.red_flag_screen.keys() >= CORE_QUESTIONS:
        out.unloaded_only.append("incomplete red-flag screen")
        out.at_most(LoadLevel.low, "incomplete red-flag screen")
    # Only the scores judged here: scoring every questionnaire would cost more than the rest.
    q = i.questionnaires
    parq = instruments.parq(q.parq_plus, instruments.assessed_on(i)) if q.parq_plus else None
    if parq is not None and parq.outcome in ("follow_up_needed", "clearance_required"):
        out.clearance.append(f"PAR-Q+ {parq.outcome.replace('_', ' ')}")
    if parq is not None and parq.outcome == "cleared_low_to_moderate":
        out.caps.append(Cap("PAR-Q+ low to moderate", effort=6, loaded_only=True))
    vigorous = i.training.accustomed_to_vigorous_effort
    if i.client.age > 45 and vigorous is False:
        out.caps.append(Cap("over 45, not used to vigorous effort", effort=7, loaded_only=True))
    if q.start_back and instruments.start_back(q.start_back).category == "high":
        out.caps.append(Cap("STarT Back high", effort=6, loaded_only=True))
    if q.odi and instruments.odi(q.odi).band in ("severe", "crippled", "bed_bound"):
        out.forbids.append(
            Forbid(frozenset(), "Oswestry severe or worse: no loaded hinge", patterns=SPINE_LIFTS)
        )
    qd = instruments.quickdash(q.quickdash) if q.quickdash else None
    if qd is not None and qd.score is not None and qd.score >= 40:
        out.forbid("QuickDASH 40 or more", T.overhead)
        out.caps.append(
            Cap("QuickDASH 40 or more", effort=6, sets=2, loads=frozenset({T.loaded_pull}))
        )
