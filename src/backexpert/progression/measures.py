"""Measures: one exercise in one session, as the progression rules see it.

Working sets are the sets at the session's top load (lighter warm-ups are ignored); the target is
the latest log entry's `target_reps`, else the latest assessment's prescription, else the
catalogue dose; effort is the hardest working set (RIR read as RPE = 10 - RIR); performance is
an estimated 1RM from load and reps (Epley), or reps without load; a trend compares the first
and last of the last three sessions (effort: 1 RPE point; performance: 2.5%).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..clinical.catalogue import rep_bounds
from .logbook import ExerciseLog, SessionLog, SetLog
from .report import Point
from .vocabulary import Trend

TREND_WINDOW = 3
EFFORT_TREND_RPE = 1
PERFORMANCE_TREND_PCT = 2.5
EPS = 1e-9
TargetSource = Literal["log", "assessment", "catalogue"]


@dataclass(frozen=True)
class Goal:
    reps: str
    sets: int
    source: TargetSource

    @property
    def low(self) -> int:
        return rep_bounds(self.reps)[0]

    @property
    def high(self) -> int:
        return rep_bounds(self.reps)[1]


@dataclass(frozen=True)
class Measured:
    """One exercise in one session."""

    session: SessionLog
    entry: ExerciseLog
    goal: Goal

    @property
    def top_load(self) -> float:
        return max(s.external_load for s in self.entry.sets)

    @property
    def working(self) -> list[SetLog]:
        top = self.top_load
        return [s for s in self.entry.sets if abs(s.external_load - top) < EPS]

    @property
    def last_reps(self) -> int:
        return self.working[-1].reps

    @property
    def best_reps(self) -> int:
        return max(s.reps for s in self.working)

    @property
    def missed(self) -> bool:
        return any(s.reps < self.goal.low for s in self.working)

    @property
    def effort(self) -> int | None:
        efforts = [s.effort for s in self.working if s.effort is not None]
        return max(efforts) if efforts else None

    @property
    def performance(self) -> float:
        """What was lifted: estimated 1RM from load and reps (Epley), or reps without load.

        Effort is left out on purpose: the same load and reps at a higher RPE is a plateau
        (flat performance, rising effort), not falling performance.
        """

        def lifted(s: SetLog) -> float:
            return s.external_load * (1 + s.reps / 30) if s.external_load > 0 else float(s.reps)

        return round(max(lifted(s) for s in self.working), 2)

    def progressed_over(self, before: Measured) -> bool:
        """More load, or the same load for more reps."""
        if self.top_load > before.top_load + EPS:
            return True
        return abs(self.top_load - before.top_load) < EPS and self.best_reps > before.best_reps

    def point(self) -> Point:
        e = self.entry
        return Point(
            date=self.session.date,
            time=self.session.time,
            top_load_kg=self.top_load or None,
            last_set_reps=self.last_reps,
            best_reps=self.best_reps,
            sets=len(self.working),
            effort=self.effort,
            form=e.form,
            pain_before=e.pain_before,
            pain_after=e.pain_after,
            performance=self.performance,
        )


def trend(first: float | None, last: float | None, step: float, relative: bool) -> Trend | None:
    if first is None or last is None:
        return None
    change = (last - first) / first * 100 if relative and first > 0 else last - first
    if change >= step - EPS:
        return Trend.rising
    if change <= -step + EPS:
        return Trend.falling
    return Trend.flat


def pain_rise(last: Measured, previous: Measured | None) -> int | None:
    after, before = last.entry.pain_after, last.entry.pain_before
    if after is not None and before is not None:
        return after - before
    if after is not None and previous is not None and previous.entry.pain_after is not None:
        return after - previous.entry.pain_after
    return None
