"""The view of a progress report: what the terminal, the report and the web pages show of it.

One view for every shell: the charts, exercise names, where each flag applies, each
recommendation's target in words, and the trend rows.
"""

from __future__ import annotations

from functools import cached_property

from ..progression.report import ProgressFlag, ProgressReport, Recommendation, Target
from .charts import Chart, charts


def target_text(t: Target, new_exercise: bool = False) -> str:
    """`62.5 kg × 4-6 × 3 sets`, `bodyweight × 6-9 × 3 sets`, `new load × 8-10 × 3 sets`."""
    load = f"{t.load_kg:g} kg" if t.load_kg is not None else "bodyweight"
    load = "new load" if t.load_kg is None and new_exercise else load
    return f"{load} × {t.reps} × {t.sets} sets"


class ProgressView:
    """Everything a renderer may use of one progress report, computed once."""

    def __init__(self, report: ProgressReport) -> None:
        self.report = report
        self.names = {e.exercise: e.name for e in report.exercises}

    @cached_property
    def charts(self) -> list[Chart]:
        return charts(self.report)

    def where(self, f: ProgressFlag) -> str:
        """What a flag is about: the exercise's name and the sessions, when it names them."""
        return " · ".join(x for x in (self.names.get(f.exercise or ""), f.detail) if x)

    @staticmethod
    def moved(rec: Recommendation) -> bool:
        """Whether the recommendation moves to another exercise."""
        return rec.target.exercise != rec.exercise

    def target(self, rec: Recommendation) -> str:
        return target_text(rec.target, self.moved(rec))

    @property
    def basis(self) -> str:
        a = self.report.assessment
        if a is None:
            return "no saved assessment: targets from the log or the catalogue"
        return f"targets from the assessment of {a.created_at:%Y-%m-%d}"

    def trend_rows(self) -> list[tuple[str, str, str, str, str, str, str]]:
        """Exercise, sessions, last, target, effort trend, performance trend, flat sessions."""
        rows = []
        for e in self.report.exercises:
            p = e.history[-1]
            last = f"{p.top_load_kg:g} kg" if p.top_load_kg else "bodyweight"
            last += f" × {p.last_set_reps}" + (f" @ RPE {p.effort}" if p.effort else "")
            last += f", form {p.form}" if p.form else ""
            rows.append(
                (
                    e.name,
                    str(len(e.history)),
                    last,
                    f"{e.target_sets} × {e.target_reps} ({e.target_from})",
                    e.effort_trend.value if e.effort_trend else "-",
                    e.performance_trend.value if e.performance_trend else "-",
                    str(e.flat_sessions),
                )
            )
        return rows
