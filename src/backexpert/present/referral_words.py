"""The referral handout's words: what to do now, how soon, and each red flag in plain words."""

from __future__ import annotations

from ..clinical.words import Urgency

REFERRAL_HEADING: dict[Urgency, str] = {
    Urgency.emergency: "Please go to A&E today",
    Urgency.urgent: "Please see a doctor soon",
    Urgency.before_exercise: "Please see your doctor before you exercise with weights",
}
REFERRAL_WHY: dict[Urgency, str] = {
    Urgency.emergency: (
        "These signs are rare, but they need a doctor to check them straight away. "
        "Quick care gives the best result."
    ),
    Urgency.urgent: (
        "These signs need a doctor to check them soon. Most often they have a simple cause, "
        "but it is important to be sure."
    ),
    Urgency.before_exercise: (
        "A doctor should check this before you start exercising with weights. It is a safety check."
    ),
}
REFERRAL_NOW: dict[Urgency, tuple[str, ...]] = {
    Urgency.emergency: (
        "Go to A&E (the emergency department) now. Do not wait for an appointment.",
        "Take this sheet with you, and tell the doctor what you told us.",
        "Do not do any exercise until a doctor has seen you.",
    ),
    Urgency.urgent: (
        "Take this sheet with you, and tell the doctor what you told us.",
        "Do not start the exercise program until a doctor has seen you.",
    ),
    Urgency.before_exercise: (),
}
# When an urgent referral should happen, read from the clinician's action text.
WHEN_URGENT: tuple[tuple[str, str], ...] = (
    ("same day", "Please see a doctor today"),
    ("same-day", "Please see a doctor today"),
    ("24 hours", "Please see a doctor within 24 hours"),
    ("2-week", "Please see a doctor within the next two weeks"),
)
URGENT_DEFAULT_WHEN = "Please see a doctor soon"
KEEP_ACTIVE_MEANWHILE = (
    "Until then, keep moving gently, within what is comfortable. Short walks and your usual "
    "daily activities are fine."
)
AFTER_REFERRAL = (
    "Once a doctor has seen you, your physiotherapist will check you again before you start "
    "an exercise program."
)
# Each red-flag question the client answered yes to, as the client would say it.
RED_FLAG_PLAIN: dict[str, str] = {
    "saddle_anaesthesia": "numbness or tingling between your legs, around your bottom or genitals",
    "bladder_or_bowel_dysfunction": "changes in how you pee or poo",
    "bilateral_or_progressive_neurological_deficit": (
        "weakness, numbness or tingling in both legs, or getting worse"
    ),
    "history_of_cancer": "having had cancer in the past",
    "unexplained_weight_loss": "weight loss you cannot explain",
    "constant_night_pain": "pain at night that does not ease",
    "fever_or_recent_infection": "a fever or a recent infection",
    "iv_drug_use_or_immunosuppression": (
        "a weak immune system, from an illness or medicine, or injecting drugs"
    ),
    "significant_trauma_or_osteoporotic_fracture_risk": (
        "a recent fall or injury, or a higher chance of a broken bone"
    ),
    "long_term_steroid_use": "taking steroid tablets for more than 3 months",
    "bilateral_leg_pain": "pain in both legs",
    "new_sexual_dysfunction": "a change in feeling or function in your genitals",
    "new_neurological_deficit": "new weakness, numbness or tingling in an arm or leg",
    "pain_worse_on_straining": "pain that gets worse when you cough, sneeze or strain",
    "no_improvement_after_one_month": "pain that has not got better in a month",
    "recent_minor_trauma": "a recent fall or knock",
    "inflammatory_back_pain_pattern": (
        "back stiffness that is worst in the morning and eases as you move"
    ),
    "shoulder_unreduced_dislocation": "a shoulder that may be out of its joint",
    "hot_swollen_joint": "a hot, swollen joint",
    "sudden_arm_weakness_or_numbness": "sudden weakness or numbness in your arm",
    "acute_traumatic_cuff_tear_signs": "sudden weakness in your shoulder after a fall or strain",
}


def referral_when(actions: list[str]) -> str:
    """How soon an urgent referral should happen, read from the clinician's actions."""
    joined = " ".join(actions).lower()
    return next((say for key, say in WHEN_URGENT if key in joined), URGENT_DEFAULT_WHEN)
