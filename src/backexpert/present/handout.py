"""The handout's pieces: exercise cards, the week as a calendar, the session order, the log.

A client reads the handout at home, so everything here is in plain words: a card per exercise
(picture, how many, how long, how hard, two or three cues, what to do if it hurts), the week
with how long each session takes, the order of each session, and one log table for the week.
Built from the prescription alone; `PrescriptionView` exposes it to the templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from ..assessment.prescription import Item, Prescription
from ..clinical.words import WEEK, Day
from . import wording as words
from .pictures import Picture, picture

if TYPE_CHECKING:
    from .prescription_view import SessionGroup

CUES_ON_A_CARD = 3


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dose(Part):
    """How much of one exercise, in a client's words, and where it applies."""

    label: str  # "" when the exercise has one dose everywhere; else "Strength days"
    how_many: str
    short: str  # the log's target: `2 × 10–12`
    minutes: int
    effort: str
    speed: str
    rest: str
    load: str


class Card(Part):
    number: int
    exercise: str
    name: str
    picture: Picture | None
    doses: list[Dose]
    purpose: str
    cues: list[str]
    if_hurts: str


class Entry(Part):
    """One exercise in a session's order, pointing to its card."""

    number: int
    name: str


class SessionPlan(Part):
    anchor: str
    title: str
    minutes: int
    entries: list[Entry]


class DayPlan(Part):
    day: Day
    short: str
    kind: Literal["intense", "light", "rest"]
    label: str
    minutes: int
    daily_minutes: int
    day_type: str | None = None  # heavy, moderate or light on an undulating week


class LogRow(Part):
    number: int
    name: str
    target: str
    on: list[bool]  # one per session day of the log


def _dose_key(i: Item) -> tuple[object, ...]:
    return (i.sets, i.reps, i.hold_s, i.per_side, i.tempo, i.effort, i.rest_s, load_words(i))


def load_words(i: Item) -> str:
    """The starting weight (`load_kg`) or how to find it, and the warm-up sets, in plain words."""
    return words.start_words(i)


def _dose(i: Item, label: str) -> Dose:
    return Dose(
        label=label,
        how_many=words.how_many(i),
        short=words.log_target(i),
        minutes=words.minutes_of(words.item_seconds(i)),
        effort=words.effort_short(i.effort),
        speed=words.speed_words(i.tempo),
        rest=f"rest {words.seconds(i.rest_s)}" if i.sets > 1 and i.rest_s else "",
        load=load_words(i),
    )


def _label(kinds: list[str]) -> str:
    names = {"intense": "Strength days", "light": "Light days", "daily": "Every day"}
    return " and ".join(dict.fromkeys(names[k] for k in kinds))


def cards(groups: list[SessionGroup], daily: list[Item]) -> list[Card]:
    """One card per exercise, numbered in the order a client first meets them in the week."""
    seen: dict[str, list[tuple[str, Item]]] = {}
    for g in groups:
        for i in g.items:
            seen.setdefault(i.exercise, []).append((g.intensity, i))
    for i in daily:
        seen.setdefault(i.exercise, []).append(("daily", i))
    out = []
    for n, uses in enumerate(seen.values(), start=1):
        first = uses[0][1]
        by_dose: dict[tuple[object, ...], list[tuple[str, Item]]] = {}
        for kind, i in uses:
            by_dose.setdefault(_dose_key(i), []).append((kind, i))
        doses = [
            _dose(same[0][1], _label([k for k, _ in same]) if len(by_dose) > 1 else "")
            for same in by_dose.values()
        ]
        out.append(
            Card(
                number=n,
                exercise=first.exercise,
                name=first.name,
                picture=picture(first.exercise, first.name),
                doses=doses,
                purpose=first.purpose,
                cues=first.cues[:CUES_ON_A_CARD],
                if_hurts=words.if_it_hurts(first),
            )
        )
    return out


def session_minutes(items: list[Item], given: object = None) -> int:
    """A session's minutes: the composer's, or (older documents) estimated from its items, whose
    time already includes the change to the next exercise."""
    if isinstance(given, int | float) and given > 0:
        return round(given)
    secs = sum(words.item_seconds(i) for i in items)
    return words.session_minutes(secs) if items else 0


def plans(
    groups: list[SessionGroup], daily: list[Item], numbers: dict[str, int]
) -> list[SessionPlan]:
    """Each session (grouped by days) and the daily drills, with their order and length."""
    out = [
        SessionPlan(
            anchor=g.anchor,
            title=g.title("handout"),
            minutes=session_minutes(g.items, g.minutes),
            entries=[Entry(number=numbers[i.exercise], name=i.name) for i in g.items],
        )
        for g in groups
        if g.items
    ]
    if daily:
        out.append(
            SessionPlan(
                anchor="daily",
                title="Every day: a few minutes, for example before work",
                minutes=session_minutes(daily),
                entries=[Entry(number=numbers[i.exercise], name=i.name) for i in daily],
            )
        )
    return out


def calendar(p: Prescription, groups: list[SessionGroup]) -> list[DayPlan]:
    """The seven days: what kind of day, and how many minutes of training it holds."""
    minutes: dict[Day, int] = {}
    for g in groups:
        for d in g.days:
            minutes[d] = session_minutes(g.items, g.minutes)
    kinds = {s.day: s.intensity for s in p.sessions}
    types = {s.day: getattr(s, "day_type", None) for s in p.sessions}
    daily = session_minutes(p.daily) if p.daily else 0
    labels = {"intense": "Strength", "light": "Light", "rest": "Rest"}
    return [
        DayPlan(
            day=d,
            short=d.value.capitalize(),
            kind=kinds.get(d, "rest"),
            label=labels[kinds.get(d, "rest")],
            minutes=minutes.get(d, 0),
            daily_minutes=daily,
            day_type=types.get(d),
        )
        for d in WEEK
    ]


def log_rows(cards_: list[Card], p: Prescription) -> tuple[list[Day], list[LogRow]]:
    """The week's log: the session days as columns, each exercise a row (blank where it is on)."""
    days = [s.day for s in p.sessions]
    on = {s.day: {i.exercise for i in s.items} for s in p.sessions}
    rows = []
    for c in cards_:
        flags = [c.exercise in on[d] for d in days]
        if not any(flags):
            continue  # a daily drill only: ticked in its own line
        target = c.doses[0].short if len(c.doses) == 1 else f"see card {c.number}"
        rows.append(LogRow(number=c.number, name=c.name, target=target, on=flags))
    return days, rows
