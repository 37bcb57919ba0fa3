"""The progression's fact bases: one per exercise from its history, one per recovery gap.

An exercise's facts say how its last sessions went against the target (reps over or under,
effort, form, pain, how long it has been flat, which way effort and performance trend). A
recovery gap's fact is the hours between two consecutive intense back sessions: loaded hinge or
pull work harder than the light-day cap (RPE 6), or with no effort recorded (the safe reading).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence

from ..clinical.catalogue import Catalogue, Exercise
from ..clinical.words import Pattern
from ..errors import EngineError
from ..knowledge.vocabulary import FactValue
from .logbook import SessionLog
from .measures import (
    EFFORT_TREND_RPE,
    PERFORMANCE_TREND_PCT,
    TREND_WINDOW,
    Measured,
    pain_rise,
    trend,
)
from .vocabulary import FACTS

INTENSE_PATTERNS = frozenset({Pattern.hinge, Pattern.vertical_pull, Pattern.horizontal_pull})
INTENSE_MIN_RPE = 7
EXERCISE_FACTS = (
    "progress.pattern",
    "progress.load_tracked",
    "progress.has_progression",
    "progress.sessions",
    "progress.last.reps_over",
    "progress.last.missed_reps",
    "progress.flat_sessions",
)
_SPECS = {s.name: s for s in FACTS}


def exercise_facts(history: Sequence[Measured], exercise: Exercise) -> dict[str, FactValue]:
    """The progression fact base of one exercise from its history (oldest first)."""
    last = history[-1]
    previous = history[-2] if len(history) > 1 else None
    flat = 1
    for i in range(len(history) - 1, 0, -1):
        if history[i].progressed_over(history[i - 1]):
            break
        flat += 1
    window = history[-TREND_WINDOW:]
    facts: dict[str, FactValue] = {
        "progress.pattern": exercise.pattern.value,
        "progress.load_tracked": last.top_load > 0,
        "progress.has_progression": exercise.progression is not None,
        "progress.sessions": len(history),
        "progress.last.reps_over": _clamp(last.last_reps - last.goal.high, 100),
        "progress.last.missed_reps": last.missed,
        "progress.flat_sessions": flat,
    }
    if last.effort is not None:
        facts["progress.last.effort"] = last.effort
    if last.entry.form is not None:
        facts["progress.last.form"] = last.entry.form
    rise = pain_rise(last, previous)
    if rise is not None:
        facts["progress.last.pain_rise"] = rise
    if previous is not None:
        facts["progress.previous.reps_over"] = _clamp(previous.last_reps - previous.goal.high, 100)
        facts["progress.previous.missed_reps"] = previous.missed
        if previous.effort is not None:
            facts["progress.previous.effort"] = previous.effort
    if len(window) > 1:
        effort = trend(window[0].effort, window[-1].effort, EFFORT_TREND_RPE, relative=False)
        if effort is not None:
            facts["progress.effort_trend"] = effort.value
        perf = trend(
            window[0].performance, window[-1].performance, PERFORMANCE_TREND_PCT, relative=True
        )
        if perf is not None:
            facts["progress.performance_trend"] = perf.value
    check_facts(facts, EXERCISE_FACTS, exercise.id)
    return dict(sorted(facts.items()))


def _clamp(v: int, bound: int) -> int:
    return max(-bound, min(bound, v))


def check_facts(facts: Mapping[str, FactValue], required: Iterable[str], scope: str) -> None:
    """Each scope supplies its own facts, inside their domains (a programming error otherwise)."""
    missing = [n for n in required if n not in facts]
    if missing:
        raise EngineError(f"{scope}: progression facts missing: {', '.join(missing)}")
    for name, value in facts.items():
        spec = _SPECS.get(name)
        if spec is None or not spec.contains(value):
            raise EngineError(f"{scope}: fact {name}={value!r} is outside its domain")


# --- intense sessions and recovery ---------------------------------------------------------


def is_intense(session: SessionLog, cat: Catalogue) -> bool:
    """Loaded hinge or pull work above the light-day effort (or with no effort recorded)."""
    for e in session.exercises:
        ex = cat[e.exercise]
        if not (ex.loaded and ex.pattern in INTENSE_PATTERNS):
            continue
        efforts = [s.effort for s in e.sets]
        if any(x is None or x >= INTENSE_MIN_RPE for x in efforts):
            return True
    return False


def gap_hours(before: SessionLog, after: SessionLog) -> int:
    """Whole hours between two sessions; without both times, 24 h per calendar day."""
    if before.time is not None and after.time is not None:
        a = dt.datetime.combine(before.date, before.time)
        b = dt.datetime.combine(after.date, after.time)
        return math.floor((b - a).total_seconds() / 3600)
    return (after.date - before.date).days * 24
