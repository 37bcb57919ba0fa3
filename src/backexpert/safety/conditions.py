"""What fragile bone, pregnancy, age, blood pressure and a cuff repair rule out (reference 2)."""

from __future__ import annotations

from ..clinical.intake import Intake
from ..clinical.words import (
    ConditionCode,
    Experience,
    Finding,
    LoadLevel,
    RedFlagQuestion,
    Side,
    Tag,
    Urgency,
)
from .limits import Cap, Conditions, Expectations, Forbid
from .screening import answered_yes

Q = RedFlagQuestion
C = ConditionCode
T = Tag
# Reference 2, section 9 [choice]: 160-179/100-109 mmHg allows resistance at 60 % 1RM or less.
BP_HIGH_MAX_PERCENT_1RM = 60


def bone(i: Intake, has: Conditions, out: Expectations) -> None:
    """Osteoporosis, steroids and vertebral fracture (reference 2, section 5)."""
    fracture = has.get(C.vertebral_fracture)
    fragile = (
        has.get(C.osteoporosis) is not None
        or fracture is not None
        or answered_yes(i, Q.long_term_steroid_use)
    )
    if fragile:
        out.forbid(
            "fragile bone",
            T.end_range_flexion,
            T.spinal_rotation_load,
            T.end_range_rotation,
            exercises=("barbell_row",),
        )
        out.caps.append(
            Cap(
                "fragile bone",
                effort=7,
                loads=frozenset({T.axial_light, T.axial_moderate, T.axial_heavy}),
            )
        )
        if i.training.experience is Experience.novice:
            out.forbid("fragile bone, novice", T.axial_heavy)
    if fracture is not None:
        out.at_most(LoadLevel.moderate, "known vertebral fracture")
        recent = fracture.weeks_since is None or fracture.weeks_since < 12
        if (recent and fracture.cleared is not True) or fracture.cleared is False:
            out.clearance.append("vertebral fracture not cleared")
            out.at_most(LoadLevel.none, "vertebral fracture not cleared")


def pregnancy(i: Intake, has: Conditions, out: Expectations) -> None:
    """Pregnancy and postpartum (reference 2, section 6)."""
    pregnancy = has.get(C.pregnancy)
    screen = i.questionnaires.pregnancy
    if pregnancy is not None:
        if screen is not None and any(screen.absolute):
            out.refer(Urgency.urgent, "pregnancy with an absolute contraindication")
        elif (screen is None or any(screen.relative)) and pregnancy.cleared is not True:
            out.clearance.append("pregnancy: obstetric clearance")
        out.forbid("pregnancy", T.breath_hold, T.impact, T.technical_lift)
        out.caps.append(Cap("pregnancy", effort=7, loaded_only=True))
        weeks = pregnancy.weeks_since or 0
        if weeks >= 20:
            out.forbid("pregnancy from 20 weeks", T.prone)
            if Finding.supine_tolerated not in i.findings:
                out.forbid("pregnancy from 20 weeks", T.supine)
        if weeks >= 28:
            out.forbid("third trimester", T.balance_high)
    postpartum = has.get(C.postpartum)
    if (
        postpartum is not None
        and postpartum.weeks_since is not None
        and postpartum.weeks_since < 12
    ):
        out.forbid("under 12 weeks after delivery", T.impact, T.axial_heavy, T.breath_hold)
        out.caps.append(Cap("under 12 weeks after delivery", effort=6, loaded_only=True))
    caesarean = Finding.caesarean_delivery in i.findings
    if postpartum is not None and (
        postpartum.cleared is False or (caesarean and postpartum.cleared is None)
    ):
        out.clearance.append("after delivery: not cleared")
    if Finding.pelvic_floor_symptoms in i.findings:
        out.forbid("pelvic-floor symptoms", T.impact, T.breath_hold)


def age_and_balance(i: Intake, out: Expectations) -> None:
    """Older adults, falls, frailty and youth (reference 2, sections 7-8)."""
    f = set(i.findings)
    age = i.client.age
    if age >= 65 and i.training.experience is not Experience.advanced:
        out.forbid(
            "65 or older: machines and dumbbells before barbells",
            T.technical_lift,
            exercises=("pull_up_neutral_grip",),
        )
    parq = i.questionnaires.parq_plus
    dizzy = parq is not None and parq.general[2]
    if dizzy or f & {Finding.history_of_falls, Finding.balance_impairment, Finding.frailty}:
        out.forbid("falls risk", T.balance_high, T.spinal_rotation_load)
    if Finding.frailty in f:
        out.at_most(LoadLevel.low, "frailty")
        out.forbid("frailty", T.axial_moderate, T.axial_heavy, T.technical_lift)
    if age < 18:
        out.forbid("under 18: technique before load", T.technical_lift)
        out.caps.append(Cap("under 18", sets=3, loaded_only=True))


def blood_pressure(i: Intake, has: Conditions, out: Expectations) -> None:
    """Hypertension and resting blood pressure (reference 2, section 9)."""
    v = i.vitals
    sys_, dia = v.resting_systolic or 0, v.resting_diastolic or 0
    if sys_ >= 180 or dia >= 110:
        out.refer(Urgency.urgent, "resting blood pressure 180/110 or more")
    high = has.get(C.hypertension) is not None or sys_ >= 160 or dia >= 100
    if high:
        out.forbid("high blood pressure", T.breath_hold)
        out.caps.append(Cap("high blood pressure", effort=6, loaded_only=True))
    if sys_ >= 160 or dia >= 100:
        out.caps.append(
            Cap(
                "resting blood pressure 160/100 or more",
                effort=5,
                loaded_only=True,
                percent_1rm=BP_HIGH_MAX_PERCENT_1RM,
            )
        )
    parq = i.questionnaires.parq_plus
    answered = (
        parq is not None and parq.follow_up is not None and parq.follow_up.hypertension is not None
    )
    q1 = parq is not None and parq.general[0]
    if has.get(C.hypertension) is not None and not (q1 and answered):
        out.clearance.append("high blood pressure without a complete PAR-Q+")
    elif high and not answered:
        out.clearance.append("high blood pressure without the PAR-Q+ follow-up")


def shoulder(i: Intake, has: Conditions, out: Expectations) -> None:
    """Rotator-cuff repair by phase and side (reference 2, section 10)."""
    cuff = has.get(C.rotator_cuff_repair)
    if cuff is None or cuff.weeks_since is None:
        return
    w = cuff.weeks_since
    side = cuff.side or Side.both
    arm_loads = (T.loaded_pull, T.grip_load, T.resisted_shoulder)
    if w < 12:
        out.protected_arm = side
        reason = "cuff repair under 12 weeks"
        out.forbids.append(
            Forbid(
                frozenset(arm_loads),
                reason,
                unless=frozenset() if side is Side.both else frozenset({T.one_arm}),
            )
        )
        out.forbid(
            reason,
            T.overhead,
            T.quadruped,
            exercises=(
                "scapular_push_up",
                "side_plank",
                "incline_push_up",
                "one_arm_dumbbell_row",
                "prone_press_up",
            ),
        )
        if side is Side.both:
            out.forbid("both shoulders protected", T.one_arm)
    if w < 8:
        out.forbid("cuff repair under 8 weeks", T.shoulder_weight_bearing)
    if w < 6:
        out.forbid("cuff repair under 6 weeks", T.active_shoulder, T.overhead_reach)
    if 12 <= w < 16:
        out.forbid("cuff repair 12-16 weeks", T.overhead)
    if 16 <= w < 26:
        out.forbid("cuff repair under six months", exercises=("pull_up_neutral_grip",))
        out.caps.append(
            Cap(
                "cuff repair under six months: overhead",
                effort=6,
                sets=2,
                loads=frozenset({T.overhead}),
            )
        )
    if 12 <= w < 26:
        out.caps.append(
            Cap("cuff repair: loaded rows", effort=6, sets=2, loads=frozenset({T.loaded_pull}))
        )
