"""The handout's guides: pain, effort, speed, weights, rest, getting help and advice topics.

Words a client reads (domain reference 2, section 14).
"""

from __future__ import annotations

# Calm and specific: hurt is not harm, pain guides the dose, and clear advice on when to get help.
# No fear words (tests/present/test_handout.py holds the list that must never appear).

PAIN_GUIDE: tuple[str, ...] = (
    "Some discomfort while you exercise is normal and safe. Hurt does not mean harm.",
    "Discomfort up to about 5 out of 10 is fine if it has settled by next morning and isn't "
    "creeping up week to week.",
    "If an exercise hurts more than that, make it easier: each card says how. If it still hurts, "
    "leave it out today and tell your physiotherapist.",
)
EFFORT_GUIDE = (
    "Effort: easy means you could go on for a long time. Moderate means you could do 4 to 6 more "
    "at the end of a set. Hard means you stop while you could still do 2 or 3 more."
)
SPEED_GUIDE = "Move slowly and with control."
# Said once above the cards; a card says only what differs (its own speed, its own weights).
USUAL_SPEED = "{guide} Unless a card says otherwise: {speed}."
WEIGHT_GUIDE = (
    "To find your starting weight, add a little weight at a time until the highest number on "
    "the card feels as hard as the card says."
)
HURTS_MORE = "Pain over 5 out of 10?"
GET_HELP = (
    "Call your physiotherapist if you get new numbness, pins and needles or weakness, or pain "
    "that is much worse and has not settled by the next day."
)
REST_DAYS = "Rest days help your muscles get stronger. An easy walk is good on any day."

# Why the plan is limited, said to the client (the limitation texts are the clinician's).
LIMITED_FOR: dict[str, str] = {
    "doctor": (
        "For now, your plan has gentle exercises without weights only. You can do more once "
        "your doctor has checked you."
    ),
    "screen": (
        "For now, your plan has gentle exercises without weights only. Your physiotherapist "
        "needs to ask you a few more questions first."
    ),
    "clearance": (
        "For now, your plan has gentle exercises without weights, kept easy. You can do more "
        "once a doctor says it is safe for you."
    ),
}
TOPIC_TITLE: dict[str, str] = {
    "keep_active": "Keep active",
    "pain_monitoring": "Pain and exercise",
    "breathing": "Breathing",
    "bone_health": "Bones",
    "operated_arm": "Your operated arm",
    "after_surgery": "After your operation",
    "nerve_pain": "Leg pain",
    "pregnancy": "Pregnancy and after the birth",
    "balance": "Balance",
    "blood_pressure": "Blood pressure",
    "movement": "Moving with confidence",
    "safety_net": "Get help straight away",
}


def clause(text: str) -> str:
    """A sentence made a clause to follow a colon: no final stop, lower-case first word."""
    text = " ".join(text.split()).rstrip(".")
    # Lower the first letter only of an ordinary word (`Unloaded`), never of `PAR-Q+` or `RPE`.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def split_list(text: str) -> tuple[str, list[str]]:
    """`Go to A&E if you notice: a; b; c.` → (`Go to A&E if you notice:`, [a, b, c])."""
    lead, colon, rest = text.partition(": ")
    parts = [x.strip().rstrip(".") for x in rest.split("; ")] if colon else []
    if len(parts) < 3:
        return text, []
    return lead + ":", parts
