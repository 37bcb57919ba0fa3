"""Plain words for reports: doses, effort, tempo, facts, score meanings and trace lines.

The clinician report uses the clinical shorthand (`2 sets × 8–10 reps`, RPE ≤ 7, tempo 3-0-1-1);
the handout says the same in everyday words (`2 sets of 8–10 repetitions`, "stop while you could
still do about 3 more"). Band meanings follow the domain reference, section 1.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel

from ..assessment import timing
from ..assessment.loads import FIND_WEIGHT
from ..assessment.prescription import Item
from ..assessment.vocabulary import FACTS
from ..clinical.words import Day, Indicator, Pattern, Urgency
from ..knowledge.vocabulary import FactValue

_SPECS = {s.name: s for s in FACTS}

DAY_NAMES: dict[Day, str] = {
    Day.mon: "Monday",
    Day.tue: "Tuesday",
    Day.wed: "Wednesday",
    Day.thu: "Thursday",
    Day.fri: "Friday",
    Day.sat: "Saturday",
    Day.sun: "Sunday",
}
STATUS_TEXT: dict[str, str] = {
    "program": "Program",
    "limited": "Limited program",
    "clearance_required": "Clearance required",
    "referral": "Referral",
}
URGENCY_TEXT: dict[Urgency, str] = {
    Urgency.emergency: "Emergency referral — act today",
    Urgency.urgent: "Urgent referral",
    Urgency.before_exercise: "Medical review before exercise",
}
INDICATOR_TEXT: dict[Indicator, str] = {
    Indicator.critical: "Critical",
    Indicator.warning: "Warning",
    Indicator.info: "Note",
}
FIELD_NAMES = {"effort": "RPE cap", "rest_s": "rest (s)", "load_kg": "load (kg)"}

# --- the handout: words a client reads (domain reference 2, section 14) ------------------------
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

# The referral handout: what to do now, in the client's own terms.
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


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """`14 March 2025`: a date a client reads without thinking (no locale involved)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def is_derived(name: str) -> bool:
    """Whether a fact is one the assessment rules derive."""
    spec = _SPECS.get(name)
    return spec is not None and spec.derived


def fact_text(name: str, value: FactValue) -> str:
    """A fact in plain words: `examination found rounded shoulders`, `age in years: 45`."""
    spec = _SPECS.get(name)
    desc = spec.description if spec is not None else name
    desc = re.sub(r"\s*\([^)]*\)", "", desc).replace("_", " ").strip()
    if isinstance(value, bool):
        return desc if value else f"{desc}: no"
    shown = value.replace("_", " ") if isinstance(value, str) else str(value)
    return f"{desc}: {shown}"


def clause(text: str) -> str:
    """A sentence made a clause to follow a colon: no final stop, lower-case first word."""
    text = " ".join(text.split()).rstrip(".")
    # Lower the first letter only of an ordinary word (`Unloaded`), never of `PAR-Q+` or `RPE`.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def change_text(name: str, before: object, after: object) -> str:
    """`sets 3 → 2`, `RPE cap 7 → 6`."""
    return f"{FIELD_NAMES.get(name, name)} {before} → {after}"


def reps_text(reps: str) -> str:
    """A rep range with an en dash: `8–12`."""
    return reps.replace("-", "–")


def dose_text(i: Item) -> str:
    """`2 sets × 8–10 reps`, `2 sets × 6 × 10 s hold, each side` (clinician wording)."""
    if i.duration_min:
        return f"{i.sets} × {i.duration_min} min"
    text = f"{i.sets} {'set' if i.sets == 1 else 'sets'} × {reps_text(i.reps)}"
    text += f" × {i.hold_s} s hold" if i.hold_s else (" rep" if i.reps == "1" else " reps")
    if i.per_side:
        text += ", each side"
    return text


def dose_line(i: Item) -> str:
    """The whole dose on one line: `2 sets × 8–10 reps · tempo 3-0-1-1 · RPE ≤ 7 · rest 90 s`."""
    parts = [dose_text(i)]
    if i.tempo:
        parts.append(f"tempo {i.tempo}")
    parts.append(f"RPE ≤ {i.effort}")
    if i.sets > 1:
        parts.append(f"rest {i.rest_s} s")
    return " · ".join(parts)


def load_text(i: Item) -> str:
    """`132.5 kg`, the first-week working load (clinician wording); empty without one."""
    return f"{i.load_kg:g} kg" if i.load_kg else ""


def warmup_text(i: Item) -> str:
    """`warm-up 52.5 kg × 5, 77.5 × 3, 105 × 2` (or `warm-up 5 × ~31%, 3 × ~46% 1RM`)."""
    if not i.warmup:
        return ""
    if all(w.load_kg for w in i.warmup):
        sets = [f"{w.load_kg:g} × {w.reps}" for w in i.warmup]
        return "warm-up " + ", ".join(sets).replace(" ×", " kg ×", 1)
    sets = [f"{w.reps} × ~{w.percent_1rm}%" for w in i.warmup]
    return "warm-up " + ", ".join(sets) + " 1RM"


def start_words(i: Item) -> str:
    """The starting weight in a client's words, or how to find it; and the warm-up sets."""
    if i.load_kg:
        hands = " in each hand" if "each dumbbell" in (i.load_note or "") and not i.per_side else ""
        text = f"Start with {i.load_kg:g} kg{hands} in the first week."
    else:
        # The plain how-to-find part only (a clinician's estimate may come before it).
        note = i.load_note or ""
        text = note[note.find(FIND_WEIGHT) :] if FIND_WEIGHT in note else ""
    if i.warmup and all(w.load_kg for w in i.warmup):
        sets = [f"{w.reps} reps at {w.load_kg:g} kg" for w in i.warmup]
        text += " Warm up first: " + ", then ".join(sets) + "."
    elif i.warmup:
        counts = ", then ".join(str(w.reps) for w in i.warmup)
        text += f" Warm up first with lighter weights: {counts} reps."
    return text.strip()


def plain_reason(reason: str) -> str:
    """A composer's reason without what the report says elsewhere (rule ids, the stand-in).

    `needs foam_roller, not available; replaced by Thoracic open book` → `needs foam roller
    (not available)`; `excluded by a.b; no safe alternative is available` → `no safe
    alternative is available`.
    """
    out = []
    for part in reason.split("; "):
        if part.startswith(("replaced by ", "excluded by ")):
            continue
        if part.startswith("loaded work withheld"):
            part = "loaded work is withheld while the program is limited"
        elif part.startswith("needs ") and part.endswith(", not available"):
            part = part.removesuffix(", not available").replace("_", " ") + " (not available)"
        out.append(part)
    return "; ".join(out)


def log_target(i: Item) -> str:
    """`2 × 10–12`, `2 × 6 × 10 s each side`: the target line of the training log."""
    if i.duration_min:
        return f"{i.duration_min} min"
    text = f"{i.sets} × {reps_text(i.reps)}" + (f" × {i.hold_s} s" if i.hold_s else "")
    return text + (" each side" if i.per_side else "")


def how_many(i: Item) -> str:
    """`2 sets of 8–10`, `2 sets of 6 holds of 10 seconds, each side` (handout wording)."""
    if i.duration_min:
        return f"{i.duration_min} minutes" + (f", {i.sets} times" if i.sets > 1 else "")
    sets = f"{i.sets} {'set' if i.sets == 1 else 'sets'}"
    if i.hold_s:
        reps = f"{reps_text(i.reps)} {'hold' if i.reps == '1' else 'holds'} of {i.hold_s} seconds"
    else:
        reps = f"{reps_text(i.reps)} {'repetition' if i.reps == '1' else 'repetitions'}"
    return f"{sets} of {reps}" + (", each side" if i.per_side else "")


def effort_words(rpe: int) -> str:
    """RPE in plain words, by reps in reserve (Helms 2016: RPE 8 = 2 in reserve)."""
    if rpe >= 7:
        spare = 10 - rpe
        return (
            f"Hard but controlled: stop while you could still do about {spare} more "
            f"(effort {rpe} out of 10)."
        )
    if rpe >= 5:
        return f"Moderate: you could do 4-6 more at the end of a set (effort {rpe} out of 10)."
    return f"Easy and controlled (effort {rpe} out of 10)."


def tempo_words(tempo: str | None) -> str:
    """Tempo `3-1-2-0` (lower-pause-lift-pause, seconds) in plain words."""
    if not tempo:
        return ""
    down, pause_low, up, pause_high = (int(x) for x in tempo.split("-"))
    parts = [f"{up} s to lift or pull", f"{down} s to lower or return"]
    if pause_low:
        parts.append(f"pause {pause_low} s after lowering")
    if pause_high:
        parts.append(f"pause {pause_high} s after lifting")
    return "Speed: " + ", ".join(parts) + "."


def seconds(n: int) -> str:
    return f"{n} {'second' if n == 1 else 'seconds'}"


Pace = tuple[int, int, int]  # seconds up, seconds down, seconds of pause


def pace_of(tempo: str | None) -> Pace | None:
    """Tempo `3-1-2-0` (lower-pause-lift-pause) as seconds up, down and paused in all."""
    if not tempo:
        return None
    down, pause_low, up, pause_high = (int(x) for x in tempo.split("-"))
    return up, down, pause_low + pause_high


def pace_words(pace: Pace) -> str:
    """`2 seconds up, 3 seconds down, pause 1 second`."""
    up, down, pause = pace
    return f"{seconds(up)} up, {seconds(down)} down" + (
        f", pause {seconds(pause)}" if pause else ""
    )


def speed_words(tempo: str | None) -> str:
    """Tempo in a client's words: `Speed: 2 seconds up, 3 seconds down, pause 1 second.`"""
    pace = pace_of(tempo)
    return f"Speed: {pace_words(pace)}." if pace else ""


def rest_time(n: int) -> str:
    """A rest a client times: `30 seconds`, `90 seconds`, `2 minutes`."""
    return f"{n // 60} minutes" if n >= 120 and n % 60 == 0 else seconds(n)


def effort_short(rpe: int) -> str:
    """Effort as a short phrase for a card; the handout explains the words once."""
    if rpe >= 7:
        return f"hard effort: stop when you could do about {10 - rpe} more"
    if rpe >= 5:
        return "moderate effort"
    return "easy effort"


def item_seconds(i: Item) -> int:
    """How long an item takes: the composer's minutes, or the same estimate for older documents."""
    given = getattr(i, "minutes", None)
    if isinstance(given, int | float) and given > 0:
        return round(given * 60)
    return timing.item_seconds(i)


def minutes_of(secs: float) -> int:
    """Whole minutes, at least 1: a client plans in minutes."""
    return max(1, round(secs / 60))


def session_minutes(secs: float) -> int:
    """A session's length to plan by: to the nearest 5 minutes from 15 minutes up."""
    mins = minutes_of(secs)
    return mins if mins < 15 else 5 * round(mins / 5)


def if_it_hurts(i: Item) -> str:
    """How to make an exercise easier when it hurts, by the kind of exercise."""
    # The card prints `HURTS_MORE` ("Pain over 5 out of 10?") before it.
    if i.duration_min:
        easier = "Go slower or for less time"
    elif i.pattern is Pattern.mobility:
        easier = "Move less far and more slowly"
    elif i.hold_s:
        easier = "Hold for a shorter time"
    elif i.loaded:
        easier = "Go lighter and move less far"
    else:
        easier = "Make it smaller and slower"
    return f"{easier}."


def split_list(text: str) -> tuple[str, list[str]]:
    """`Go to A&E if you notice: a; b; c.` → (`Go to A&E if you notice:`, [a, b, c])."""
    lead, colon, rest = text.partition(": ")
    parts = [x.strip().rstrip(".") for x in rest.split("; ")] if colon else []
    if len(parts) < 3:
        return text, []
    return lead + ":", parts


def referral_when(actions: list[str]) -> str:
    """How soon an urgent referral should happen, read from the clinician's actions."""
    joined = " ".join(actions).lower()
    return next((say for key, say in WHEN_URGENT if key in joined), URGENT_DEFAULT_WHEN)


def rest_words(rest_s: int) -> str:
    """Rest between sets in plain words: `Rest 90 seconds between sets.`"""
    if rest_s == 0:
        return "No rest needed between sets."
    if rest_s >= 120 and rest_s % 60 == 0:
        return f"Rest {rest_s // 60} minutes between sets."
    return f"Rest {rest_s} seconds between sets."


def conclusion_text(conclusion: BaseModel) -> str:
    """A trace conclusion as one short line: `cap hinge loaded: sets 2, effort 7`."""
    c: dict[str, Any] = conclusion.model_dump(mode="json", exclude_none=True)
    kind = str(c.get("kind", "?"))
    rest = {k: v for k, v in c.items() if k != "kind"}
    if kind == "add":
        sessions = ", ".join(rest.get("sessions", []))
        return f"add {rest.get('exercise')} ({rest.get('phase')}; {sessions})"
    if kind == "derive":
        return f"derive {rest.get('fact')} = {value_text(rest.get('value'))}"
    if kind == "before":
        return f"{_selector(rest.get('first', {}))} before {_selector(rest.get('then', {}))}"
    if kind == "flag":
        return f"flag {rest.get('indicator', 'info')} {rest.get('code')}"
    if kind == "refer":
        return f"refer {rest.get('urgency')}: {rest.get('reason')}"
    if kind == "advise":  # its words are in the report's advice section, with this rule
        return f"advise {rest.get('topic')}" + (" (urgent)" if rest.get("urgent") else "")
    selector: dict[str, Any] = {
        k: rest.pop(k) for k in ("exercise", "pattern", "tag", "loaded") if k in rest
    }
    head = f"{kind} {_selector(selector)}" if selector else kind
    details = ", ".join(f"{k} {value_text(v)}" for k, v in rest.items())
    return f"{head}: {details}" if details else head


def _selector(sel: dict[str, Any]) -> str:
    parts = []
    if "loaded" in sel:
        parts.append("loaded" if sel["loaded"] else "unloaded")
    parts += [str(sel[k]) for k in ("pattern", "tag", "exercise") if k in sel]
    return " ".join(parts) or "all"


def value_text(v: Any) -> str:
    """A fact or conclusion value as text: `true`, `a, b`, whitespace collapsed."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, list):
        return ", ".join(map(value_text, v))
    return " ".join(str(v).split())
