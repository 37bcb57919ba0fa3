"""Charts: line charts over dates as SVG geometry (the markup is the template's).

The progress report shows the trends the seed says to track: pull-up reps, deadlift load and
form, session effort, and pain after training.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence

from ..clinical.words import Pattern
from ..model import Model as Out
from ..progression.report import ExerciseProgress, Point, ProgressReport

WIDTH, HEIGHT = 330, 170
LEFT, RIGHT, TOP, BOTTOM = 38, 10, 10, 24
PALETTE = ("#1f6fb2", "#d0532b", "#3a9a4a", "#8a4fb5", "#b08a1e")
# A dot (its value on hover) per point up to this many; a longer history is drawn as its line
# alone, with at most four points per pixel column, so a chart costs the same for 3,000 sessions
# as for 300 (the PDF renderer spent seconds on each dot).
MAX_MARKERS = 60


class Tick(Out):
    pos: float
    label: str


class Series(Out):
    label: str
    color: str
    path: str
    points: list[tuple[float, float, str]]


class Chart(Out):
    """One line chart: plot-area geometry in SVG units, and a note when there is no data."""

    title: str
    unit: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    note: str | None


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10.0 ** math.floor(math.log10(v))
    return next(m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0) if v <= m * mag)


Value = Callable[[Point], float | int | None]


def chart(
    title: str,
    unit: str,
    days: tuple[dt.date, dt.date],
    series: Sequence[tuple[str, Sequence[tuple[dt.date, float]]]],
    y_range: tuple[float, float] | None = None,
    empty: str = "nothing logged yet",
) -> Chart:
    """A line chart over a shared date axis."""
    first, last = days
    span = max((last - first).days, 1)
    w, h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [y for _, pts in series for _, y in pts]
    lo, hi = y_range if y_range else (0.0, _nice_max(max(values, default=1.0) * 1.1))

    def x(d: dt.date) -> float:
        return round(LEFT + (d - first).days / span * w, 1)

    def y(v: float) -> float:
        return round(TOP + h - (v - lo) / (hi - lo) * h, 1)

    out = []
    for i, (label, pts) in enumerate(s for s in series if s[1]):
        coords = [(x(d), y(v), f"{d:%d %b}: {v:g} {unit}".strip()) for d, v in pts]
        line = _thinned(coords)
        path = " ".join(f"{'M' if k == 0 else 'L'}{cx},{cy}" for k, (cx, cy, _) in enumerate(line))
        dots = coords if len(coords) <= MAX_MARKERS else []
        out.append(Series(label=label, color=PALETTE[i % len(PALETTE)], path=path, points=dots))
    n_y = 5 if (hi - lo) % 5 == 0 and hi - lo <= 5 else 4  # 0-5 scales tick every point
    step = (hi - lo) / n_y
    y_ticks = [Tick(pos=y(lo + k * step), label=f"{lo + k * step:g}") for k in range(n_y + 1)]
    n_x = min(4, span)
    x_ticks = []
    for k in range(n_x + 1):
        d = first + dt.timedelta(days=round(k * span / n_x))
        x_ticks.append(Tick(pos=x(d), label=f"{d:%d %b}"))
    return Chart(
        title=title,
        unit=unit,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        top=TOP,
        bottom=BOTTOM,
        series=out,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        note=None if out else empty,
    )


def _thinned(coords: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """The same line with at most 4 points per pixel column: its first, lowest, highest, last."""
    if len(coords) <= WIDTH:
        return coords
    out: list[tuple[float, float, str]] = []
    for _, column in itertools.groupby(coords, key=lambda c: int(c[0])):
        pts = list(column)
        keep = {0, len(pts) - 1}
        keep.add(min(range(len(pts)), key=lambda k: pts[k][1]))
        keep.add(max(range(len(pts)), key=lambda k: pts[k][1]))
        out += [pts[k] for k in sorted(keep)]
    return out


def _per_exercise(
    exercises: Sequence[ExerciseProgress], pattern: Pattern, value: Value
) -> list[tuple[str, list[tuple[dt.date, float]]]]:
    out = []
    for e in exercises:
        if e.pattern is pattern:
            pts = [(p.date, float(v)) for p in e.history if (v := value(p)) is not None]
            out.append((e.name, pts))
    return out


def charts(r: ProgressReport) -> list[Chart]:
    """The trends the seed says to track: pull-up reps, deadlift load and form, effort; pain."""
    if not r.sessions:
        return []
    days = (r.sessions[0].date, r.sessions[-1].date)
    ex = r.exercises
    return [
        chart(
            "Pull-up reps (best set)",
            "reps",
            days,
            _per_exercise(ex, Pattern.vertical_pull, lambda p: p.best_reps),
            empty="no vertical pull logged",
        ),
        chart(
            "Deadlift load (top set)",
            "kg",
            days,
            _per_exercise(ex, Pattern.hinge, lambda p: p.top_load_kg),
            empty="no loaded hinge logged",
        ),
        chart(
            "Deadlift form quality",
            "",
            days,
            _per_exercise(ex, Pattern.hinge, lambda p: p.form),
            y_range=(0, 5),
            empty="no form quality logged for a hinge",
        ),
        chart(
            "Session effort (mean RPE)",
            "RPE",
            days,
            [("effort", [(s.date, s.effort) for s in r.sessions if s.effort is not None])],
            y_range=(0, 10),
            empty="no effort logged",
        ),
        chart(
            "Pain after training (highest, 0-10)",
            "",
            days,
            [("pain", [(s.date, float(s.pain)) for s in r.sessions if s.pain is not None])],
            y_range=(0, 10),
            empty="no pain logged",
        ),
    ]
