"""The week as the documents show it: sessions grouped by content, the week strip, its gaps.

A recovery gap is the time from one intense session to the next (`Tue → Fri: 72 h`), drawn
under the week strip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ..assessment.prescription import Item, LeftOut, Prescription, Session
from ..assessment.week import gaps_hours
from ..clinical.words import WEEK, Day
from . import wording as words
from .reasons import View

if TYPE_CHECKING:
    from .prescription_view import Kind

DAILY_ANCHOR = "daily"
DAILY_TITLE: dict[Kind, str] = {
    "clinician": "Every day — short drills, e.g. before work",
    "handout": "Every day, for example before work",
}


class SessionGroup(View):
    """Sessions with the same content, shown once under all their days."""

    days: list[Day]
    intensity: Literal["intense", "light"]
    items: list[Item]
    minutes: float | None = None  # the composer's estimate, when the document has one
    day_type: str | None = None  # heavy, moderate or light on an undulating week
    left_out: list[LeftOut] = []  # noqa: RUF012 - a pydantic field (View is a BaseModel)

    @property
    def short_days(self) -> str:
        return ", ".join(d.value.capitalize() for d in self.days)

    @property
    def long_days(self) -> str:
        names = [words.DAY_NAMES[d] for d in self.days]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def anchor(self) -> str:
        return "session-" + "-".join(d.value for d in self.days)

    def title(self, kind: Kind) -> str:
        """`Tue, Fri — intense session` (clinician) or `Tuesday and Friday: strength session`."""
        day = f", {self.day_type} day" if self.day_type else ""
        if kind == "clinician":
            return f"{self.short_days} — {self.intensity} session{day}"
        kind_ = "strength" if self.intensity == "intense" else "light"
        return f"{self.long_days}: {kind_} session{day}"

    def left_out_lines(self) -> list[str]:
        """What the session left out, in one line per reason kind (for time; variants)."""
        for_time = [x.name for x in self.left_out if "time" in x.reason]
        twins = [f"{x.name} ({x.reason})" for x in self.left_out if "time" not in x.reason]
        out = [f"Left out for time: {', '.join(for_time)}."] if for_time else []
        return out + ([f"Not in this session: {'; '.join(twins)}."] if twins else [])


class DayCell(View):
    day: Day
    kind: Literal["intense", "light", "rest"]
    x: int


class GapSpan(View):
    """A recovery gap between two intense days, drawn under the week strip."""

    x1: int
    x2: int
    hours: int
    wraps: bool
    to_day: Day


class WeekStrip(View):
    cells: list[DayCell]
    gaps: list[GapSpan]
    cell_width: int
    width: int


class WeekView:
    """The sessions of the week, grouped, and the week strip with its recovery gaps."""

    prescription: Prescription
    kind: Kind

    def session_groups(self, intense_first: bool = False) -> list[SessionGroup]:
        """Sessions with identical content grouped under their days, in week order."""
        groups: dict[str, list[Session]] = {}
        for s in self.prescription.sessions:
            groups.setdefault(s.model_dump_json(exclude={"day"}), []).append(s)
        out = [
            SessionGroup(
                days=[s.day for s in ss],
                intensity=ss[0].intensity,
                items=ss[0].items,
                minutes=getattr(ss[0], "minutes", None),
                day_type=getattr(ss[0], "day_type", None),
                left_out=list(getattr(ss[0], "left_out", [])),
            )
            for ss in groups.values()
        ]
        if intense_first:
            out.sort(key=lambda g: g.intensity != "intense")
        return out

    def first_shown(self, groups: list[SessionGroup]) -> dict[str, tuple[str, str]]:
        """Where each exercise is first shown in full: its id → (anchor, title) of that session."""
        out: dict[str, tuple[str, str]] = {}
        for g in groups:
            for i in g.items:
                out.setdefault(i.exercise, (g.anchor, g.title(self.kind)))
        for i in self.prescription.daily:
            out.setdefault(i.exercise, (DAILY_ANCHOR, DAILY_TITLE[self.kind]))
        return out

    def week(self) -> WeekStrip:
        """The week strip's geometry: a cell a day, and the recovery gaps between intense days."""
        width, cell = 700, 100
        by_day = {s.day: s.intensity for s in self.prescription.sessions}
        cells = [DayCell(day=d, kind=by_day.get(d, "rest"), x=i * cell) for i, d in enumerate(WEEK)]
        intense = [c for c in cells if c.kind == "intense"]
        hours = gaps_hours([c.day for c in intense])
        gaps: list[GapSpan] = []
        if len(intense) > 1:
            for i, c in enumerate(intense):
                nxt = intense[(i + 1) % len(intense)]
                wraps = nxt.x <= c.x
                # Spans stop short of the day centres so two gaps meeting at a day stay apart.
                x2 = width if wraps else nxt.x + cell // 2 - 3
                gaps.append(
                    GapSpan(
                        x1=c.x + cell // 2 + 3, x2=x2, hours=hours[i], wraps=wraps, to_day=nxt.day
                    )
                )
        return WeekStrip(cells=cells, gaps=gaps, cell_width=cell, width=width)

    def phases(self, items: list[Item]) -> list[tuple[str, list[Item]]]:
        """Items in runs of the same phase, in order: priming, main, accessory."""
        out: list[tuple[str, list[Item]]] = []
        for i in items:
            if not out or out[-1][0] != i.phase.value:
                out.append((i.phase.value, []))
            out[-1][1].append(i)
        return out

    def gap_lines(self) -> list[str]:
        """`Tue → Fri: 72 h` for each recovery gap between intense sessions."""
        intense = [c.day for c in self.week().cells if c.kind == "intense"]
        if len(intense) < 2:
            return []
        hours = gaps_hours(intense)
        return [
            f"{d.value.capitalize()} → {intense[(n + 1) % len(intense)].value.capitalize()}: "
            f"{hours[n]} h"
            for n, d in enumerate(intense)
        ]
