"""What a client is told when a report raises an alert, and what in their note calls for it."""

from __future__ import annotations

import re

# Domain reference 2, section 2 (the NHS cauda equina card), in plain words.
SAFETY_NET = (
    "Go to A&E (the emergency department) straight away, or call 999, if you have any of these: "
    "new numbness or tingling between your legs, around your genitals, back passage or "
    "buttocks, or on your inner thighs; a change in feeling when you wipe yourself; trouble "
    "starting, stopping or feeling when you pass urine; leaking urine or stool, or not being "
    "able to feel that your bladder is full; a change in erections, ejaculation or feeling in "
    "your genitals; weakness in both legs. Do not wait for your next appointment."
)
PAIN_UP = (
    "Your pain is 2 or more points higher than last time. Leave out the exercises that made it "
    "worse until your physiotherapist has looked at this: we have told them. Keep moving "
    "gently in ways that feel comfortable; walking is fine. Hurt does not mean harm, and a "
    "flare-up usually settles."
)

_BLADDER_BOWEL = re.compile(
    r"\b(bladder|bowels?|incontinen\w*|urin\w*|pee(ing)?|wee(ing)?|poo|stools?|faec\w*|fec\w*"
    r"|wet myself|soiled)\b"
)
_NUMB = re.compile(r"\b(numb\w*|tingl\w*|pins and needles|no feeling|can'?t feel|lost feeling)\b")
_SADDLE = re.compile(
    r"\b(between (my|the|your) legs|groin|genital\w*|saddle|crotch|buttocks?|bottom|back passage"
    r"|inner thighs?|privates?|private parts)\b"
)
_WEAK = re.compile(r"\b(weak\w*|gave way|giving way|give way|foot drop|dragging)\b")
_LEG = re.compile(r"\b(legs?|foot|feet|knees?)\b")


def note_warnings(note: str | None) -> list[str]:
    """What a client's note mentions that needs the safety net (plain English, any case)."""
    if not note:
        return []
    text = " ".join(note.lower().split())
    found = []
    if _BLADDER_BOWEL.search(text):
        found.append("bladder or bowel change")
    if _NUMB.search(text) and _SADDLE.search(text):
        found.append("numbness between the legs")
    if _WEAK.search(text) and _LEG.search(text):
        found.append("leg weakness")
    return found
