"""Plain words for reports: doses, effort, tempo, facts, score meanings and trace lines.

The clinician report uses the clinical shorthand (`2 sets × 8–10 reps`, RPE ≤ 7, tempo 3-0-1-1);
the handout says the same in everyday words (`2 sets of 8–10 repetitions`, "stop while you could
still do about 3 more"). Band meanings follow the domain reference, section 1.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from ..assessment.prescription import Item
from ..assessment.vocabulary import FACTS
from ..clinical.words import Day, Indicator, Urgency
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
# What the client does, in plain words, before anything else on the handout.
URGENCY_HANDOUT: dict[Urgency, str] = {
    Urgency.emergency: "Please get medical help today. Do not exercise.",
    Urgency.urgent: "Please see a doctor urgently. Do not start this exercise program.",
    Urgency.before_exercise: "Please see your doctor before you start exercising.",
}
INDICATOR_TEXT: dict[Indicator, str] = {
    Indicator.critical: "Critical",
    Indicator.warning: "Warning",
    Indicator.info: "Note",
}
STOP_RULE = (
    "Stop and tell your physiotherapist if you feel sharp pain, numbness or tingling, "
    "or if your pain rises by 2 or more points (out of 10) above where it started."
)
FIELD_NAMES = {"effort": "RPE cap"}
# The same rule on every exercise card, short enough for one line.
STOP_CARD = "Sharp pain, numbness or tingling, or pain 2 or more points higher than at the start."


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
    text = f"{i.sets} {'set' if i.sets == 1 else 'sets'} × {reps_text(i.reps)}"
    text += f" × {i.hold_s} s hold" if i.hold_s else (" rep" if i.reps == "1" else " reps")
    if i.per_side:
        text += ", each side"
    return text


def log_target(i: Item) -> str:
    """`2 × 10–12`, `2 × 6 × 10 s each side`: the target line of the training log."""
    text = f"{i.sets} × {reps_text(i.reps)}" + (f" × {i.hold_s} s" if i.hold_s else "")
    return text + (" each side" if i.per_side else "")


def how_many(i: Item) -> str:
    """`2 sets of 8–10`, `2 sets of 6 holds of 10 seconds, each side` (handout wording)."""
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
