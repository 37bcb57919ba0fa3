"""A dose in the clinician's shorthand, its training-log target, and the minutes it takes."""

from __future__ import annotations

from ..assessment import timing
from ..assessment.prescription import Item


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


def log_target(i: Item) -> str:
    """`2 × 10–12`, `2 × 6 × 10 s each side`: the target line of the training log."""
    if i.duration_min:
        return f"{i.duration_min} min"
    text = f"{i.sets} × {reps_text(i.reps)}" + (f" × {i.hold_s} s" if i.hold_s else "")
    return text + (" each side" if i.per_side else "")


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
