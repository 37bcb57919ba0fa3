"""A dose in a client's everyday words: how many, how hard, how fast, how to find the weight."""

from __future__ import annotations

from ..assessment.loads import FIND_WEIGHT
from ..assessment.prescription import Item
from ..clinical.words import Pattern
from .dose_words import reps_text


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


def rest_words(rest_s: int) -> str:
    """Rest between sets in plain words: `Rest 90 seconds between sets.`"""
    if rest_s == 0:
        return "No rest needed between sets."
    if rest_s >= 120 and rest_s % 60 == 0:
        return f"Rest {rest_s // 60} minutes between sets."
    return f"Rest {rest_s} seconds between sets."
