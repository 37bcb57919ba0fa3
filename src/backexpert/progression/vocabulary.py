"""The progression's words: facts measured from the session logs, trends, actions and flags.

The progression rulebook (`rules/progression/*.yaml`) is evaluated once per exercise (the
`progress.*` exercise facts) and once per pair of consecutive intense sessions
(`progress.intense_gap_hours`). A fact exists only where the logs measure it (no previous
session, no effort recorded): none is always known, so rules test them positively only, and
each scope checks it supplies its own facts.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from ..clinical.catalogue import Catalogue
from ..clinical.words import Pattern
from ..knowledge.vocabulary import FactSpec, Kind, Vocabulary


class Trend(StrEnum):
    """Which way a measure moved over the last sessions of one exercise."""

    rising = "rising"
    flat = "flat"
    falling = "falling"


class ProgressAction(StrEnum):
    """What the next session does with one exercise, most conservative first."""

    regress = "regress"
    deload = "deload"
    review = "review"
    hold = "hold"
    progress_exercise = "progress_exercise"
    increase_load = "increase_load"
    increase_reps = "increase_reps"


class ProgressFlagCode(StrEnum):
    """Flags the progression rules raise from the session logs."""

    recovery_window = "recovery_window"
    plateau = "plateau"
    overreaching = "overreaching"
    pain_increase = "pain_increase"
    poor_form = "poor_form"


def _progress(
    name: str,
    kind: Kind,
    description: str,
    values: tuple[str, ...] = (),
    low: int = 0,
    high: int = 0,
) -> FactSpec:
    return FactSpec(f"progress.{name}", kind, description, values, low, high, always_known=False)


def _facts() -> list[FactSpec]:
    trend = tuple(t.value for t in Trend)
    return [
        _progress(
            "pattern",
            "enum",
            "movement pattern of the exercise",
            values=tuple(p.value for p in Pattern),
        ),
        _progress("load_tracked", "bool", "the latest session logged an external load (kg)"),
        _progress("has_progression", "bool", "the catalogue links a harder exercise"),
        _progress("sessions", "int", "sessions logged with this exercise", low=1, high=10000),
        _progress(
            "last.reps_over",
            "int",
            "latest session: last-set reps minus the top of the target range",
            low=-100,
            high=100,
        ),
        _progress(
            "previous.reps_over",
            "int",
            "session before: last-set reps minus the top of the target range",
            low=-100,
            high=100,
        ),
        _progress("last.missed_reps", "bool", "latest session: a set below the target range"),
        _progress("previous.missed_reps", "bool", "session before: a set below the target range"),
        _progress("last.effort", "int", "latest session: hardest set, RPE", low=1, high=10),
        _progress("previous.effort", "int", "session before: hardest set, RPE", low=1, high=10),
        _progress("last.form", "int", "latest session: form quality 1-5", low=1, high=5),
        _progress(
            "last.pain_rise",
            "int",
            "latest session: pain after minus pain before (or the previous session's after)",
            low=-10,
            high=10,
        ),
        _progress(
            "flat_sessions",
            "int",
            "latest run of sessions with no progress in load or reps, counting its first",
            low=1,
            high=10000,
        ),
        _progress("effort_trend", "enum", "effort over the last three sessions", values=trend),
        _progress(
            "performance_trend",
            "enum",
            "estimated strength (load, reps and reps in reserve) over the last three sessions",
            values=trend,
        ),
        _progress(
            "intense_gap_hours",
            "int",
            "hours between two consecutive intense back sessions in the log",
            low=0,
            high=100000,
        ),
    ]


FACTS: tuple[FactSpec, ...] = tuple(_facts())


def vocabulary(cat: Catalogue) -> Vocabulary:
    """The progression's words (its catalogue only fingerprints the compiled rulebook)."""
    from .actions import Flag, Recommend

    actions: dict[str, type[BaseModel]] = {"recommend": Recommend, "flag": Flag}
    return Vocabulary("progression", FACTS, actions, fingerprint=cat.fingerprint())
