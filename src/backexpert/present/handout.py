"""The handout's pieces: exercise cards, the week as a calendar, the session order, the log.

A client reads the handout at home, so everything here is in plain words: a card per exercise
(picture, how many, how long, how hard, two or three cues, what to do if it hurts), the week
with how long each session takes, the order of each session, and one log table for the week.
What every card would repeat (the usual speed, how to find a weight, the pain rule) is said
once above the cards, so each card says only what is its own and the handout stays short.
Built from the prescription alone; `PrescriptionView` exposes it to the templates.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from ..assessment.loads import FIND_WEIGHT, how_to_find
from ..assessment.prescription import Item, Prescription
from ..clinical.words import WEEK, Day
from . import wording as words
from .pictures import Picture, picture

if TYPE_CHECKING:
    from .week_view import SessionGroup

# Two cues on every card, a third when it is short (a line of the card): the cards of a typical
# week then fit a page and a half (issue 12). The catalogue lists the set-up and the movement
# first; a third cue is mostly breathing or form, which a long one costs two lines to say.
CUES_ON_A_CARD = 3
SHORT_CUE = 56  # letters: about one line of a card at 9 pt
# From this many reps up `loads.how_to_find` gives the usual way to find a weight (the top of the
# range at the card's effort), which the card's dose already says: the handout says it once.
USUAL_FIND_REPS = 8


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dose(Part):
    """How much of one exercise, in a client's words, and where it applies."""

    label: str  # "" when the exercise has one dose everywhere; else its days: "Tue and Fri"
    how_many: str  # `2 sets of 10–12 repetitions`: `sets` of `each`
    sets: str
    each: str
    short: str  # the log's target: `2 × 10–12`
    minutes: int
    effort: str
    speed: str
    pace: words.Pace | None
    rest: str
    load: str
    timed: bool = False  # a walk: its minutes are the dose, not a time to add


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
    walk: int = 0  # minutes of a daily walk, said after the drills' minutes


class DayPlan(Part):
    day: Day
    short: str
    kind: Literal["intense", "light", "rest"]
    label: str
    minutes: int
    daily_minutes: int  # the daily drills; a walk is said apart (`daily_walk`)
    day_type: str | None = None  # heavy, moderate or light on an undulating week
    daily_walk: int = 0  # minutes of the daily walk, if the program has one


class LogRow(Part):
    number: int
    name: str
    target: str
    on: list[bool]  # one per session day of the log


def _dose_key(i: Item) -> tuple[object, ...]:
    return (
        i.sets,
        i.reps,
        i.hold_s,
        i.duration_min,
        i.per_side,
        i.tempo,
        i.effort,
        i.rest_s,
        load_words(i),
    )


def load_words(i: Item) -> str:
    """The starting weight (`load_kg`) or how to find it, and the warm-up sets, in plain words."""
    # The usual way to find a weight is said once, above the cards (`WEIGHT_GUIDE`).
    text = words.start_words(i)
    usual = usual_find_weight(i)
    return text.replace(usual, "").strip() if usual else text


def usual_find_weight(i: Item) -> str:
    """The item's note when it finds the weight the usual way, else empty."""
    note = i.load_note or ""
    numbers = re.findall(r"\d+", i.reps)
    top = int(numbers[-1]) if numbers else 0
    if not i.loaded or i.load_kg or FIND_WEIGHT not in note or top < USUAL_FIND_REPS:
        return ""
    usual = how_to_find(i, i.effort, top)
    return usual if note[note.find(FIND_WEIGHT) :] == usual else ""


def _dose(i: Item, label: str) -> Dose:
    how_many = words.how_many(i)
    sets = f"{i.sets} {'set' if i.sets == 1 else 'sets'}"
    return Dose(
        label=label,
        how_many=how_many,
        sets=sets,
        each=how_many.removeprefix(f"{sets} of "),
        short=words.log_target(i),
        minutes=words.minutes_of(words.item_seconds(i)),
        effort=words.effort_short(i.effort),
        speed=words.speed_words(i.tempo),
        pace=words.pace_of(i.tempo),
        rest=f"rest {words.rest_time(i.rest_s)}" if i.sets > 1 and i.rest_s else "",
        load=load_words(i),
        timed=i.duration_min is not None,
    )


def _label(where: list[str]) -> str:
    """`Mon`, `Tue and Fri`, `Mon, Wed and every day`: the days a dose is for."""
    names = list(dict.fromkeys(where))
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return text[0].upper() + text[1:]


def cards(groups: list[SessionGroup], daily: list[Item]) -> list[Card]:
    """One card per exercise, numbered in the order a client first meets them in the week."""
    # An exercise on several days is one card, with a dose per day when the doses differ.
    seen: dict[str, list[tuple[list[str], Item]]] = {}
    for g in groups:
        for i in g.items:
            seen.setdefault(i.exercise, []).append(([d.value.capitalize() for d in g.days], i))
    for i in daily:
        seen.setdefault(i.exercise, []).append((["every day"], i))
    out = []
    for n, uses in enumerate(seen.values(), start=1):
        first = uses[0][1]
        by_dose: dict[tuple[object, ...], list[tuple[list[str], Item]]] = {}
        for where, i in uses:
            by_dose.setdefault(_dose_key(i), []).append((where, i))
        doses = [
            _dose(same[0][1], _label([d for w, _ in same for d in w]) if len(by_dose) > 1 else "")
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
                cues=cues_for(first.cues),
                if_hurts=words.if_it_hurts(first),
            )
        )
    return out


def dose_text(c: Card, usual: words.Pace | None) -> str:
    """A card's dose in a sentence per dose, what the doses share said once, first."""
    # One dose: `2 sets of 10–12 repetitions, moderate effort, rest 30 seconds. About 3 min.`
    # Two: `10–12 repetitions, moderate effort. Mon: 2 sets, rest 30 seconds, about 3 min. Tue
    # and Fri: 1 set, about 2 min.` The usual speed is said above the cards; a card says only
    # how its own differs (`Pause 2 seconds.`, or the whole speed).

    def clauses(d: Dose, say: set[str]) -> list[str]:
        return [v for k, v in (("effort", d.effort), ("rest", d.rest)) if k in say and v]

    def sentences(d: Dose, say: set[str]) -> str:
        speed = pace_change(d.pace, usual) if "speed" in say else ""
        load = d.load if "load" in say else ""
        return "".join(f" {x}" for x in (speed, load) if x)

    if len(c.doses) == 1:
        d = c.doses[0]
        amount = f"{d.label}: {d.how_many}" if d.label else d.how_many
        said = ", ".join([amount, *clauses(d, {"effort", "rest"})])
        about = "" if d.timed else f" About {d.minutes} min."
        return f"{said}.{about}{sentences(d, {'speed', 'load'})}"
    fields = {"each", "effort", "rest", "speed", "load"}
    shared = {f for f in fields if len({getattr(d, f) for d in c.doses}) == 1}
    first = c.doses[0]
    lead = ", ".join(([first.each] if "each" in shared else []) + clauses(first, shared))
    out = [f"{lead[:1].upper()}{lead[1:]}." if lead else "", sentences(first, shared).strip()]
    for d in c.doses:
        amount = d.sets if "each" in shared else d.how_many
        takes = [] if d.timed else [f"about {d.minutes} min"]
        said = ", ".join([amount, *clauses(d, fields - shared), *takes])
        out.append(f"{d.label}: {said}.{sentences(d, fields - shared)}")
    return " ".join(x for x in out if x)


def cues_for(cues: list[str]) -> list[str]:
    """The first two cues, and the third when it is short."""
    return cues[:2] + [c for c in cues[2:CUES_ON_A_CARD] if len(c) <= SHORT_CUE]


def pace_change(pace: words.Pace | None, usual: words.Pace | None) -> str:
    """What a card says of its speed: nothing, only the pause, or the whole speed."""
    if pace is None or pace == usual:
        return ""
    if usual is not None and pace[:2] == usual[:2]:
        return f"Pause {words.seconds(pace[2])}." if pace[2] else "No pause."
    return f"Speed: {words.pace_words(pace)}."


def usual_pace(cards_: list[Card]) -> words.Pace | None:
    """The speed most doses share (said once above the cards), or None when none is shared."""
    counts = Counter(d.pace for c in cards_ for d in c.doses if d.pace)
    pace, n = counts.most_common(1)[0] if counts else (None, 0)
    return pace if n > 1 else None


def speed_guide(usual: words.Pace | None) -> str:
    """How to move, said once: the usual speed, if the cards share one."""
    if usual is None:
        return words.SPEED_GUIDE
    return words.USUAL_SPEED.format(guide=words.SPEED_GUIDE, speed=words.pace_words(usual))


def finds_weights(items: list[Item]) -> bool:
    """Whether any card leaves the usual way to find a weight to the words above the cards."""
    return any(usual_find_weight(i) for i in items)


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
    # Days with the same order and length but other doses (heavy and light days) share a line.
    same: dict[tuple[object, ...], list[SessionGroup]] = {}
    for g in groups:
        if g.items:
            order = tuple(numbers[i.exercise] for i in g.items)
            same.setdefault((g.intensity, order, session_minutes(g.items, g.minutes)), []).append(g)
    out = []
    for (_, _, minutes), gs in same.items():
        g = gs[0]
        title = g.title("handout")
        if len(gs) > 1:
            days = " and ".join(f"{x.long_days} ({x.day_type} day)" for x in gs)
            title = f"{days}: {'strength' if g.intensity == 'intense' else 'light'} session"
        out.append(
            SessionPlan(
                anchor=g.anchor,
                title=title,
                minutes=minutes,
                entries=[Entry(number=numbers[i.exercise], name=i.name) for i in g.items],
            )
        )
    if daily:
        drills, walk = drills_and_walk(daily)
        title = "Every day, for example before work" if drills else "Every day"
        out.append(
            SessionPlan(
                anchor="daily",
                title=title,
                minutes=session_minutes(drills) if drills else 0,
                entries=[Entry(number=numbers[i.exercise], name=i.name) for i in daily],
                walk=walk,
            )
        )
    return out


def drills_and_walk(daily: list[Item]) -> tuple[list[Item], int]:
    """The daily drills (a few minutes), and the minutes of a daily walk said apart."""
    walks = [i for i in daily if i.duration_min]
    drills = [i for i in daily if not i.duration_min]
    return drills, sum((i.duration_min or 0) * i.sets for i in walks)


def calendar(p: Prescription, groups: list[SessionGroup]) -> list[DayPlan]:
    """The seven days: what kind of day, and how many minutes of training it holds."""
    minutes: dict[Day, int] = {}
    for g in groups:
        for d in g.days:
            minutes[d] = session_minutes(g.items, g.minutes)
    kinds = {s.day: s.intensity for s in p.sessions}
    types = {s.day: getattr(s, "day_type", None) for s in p.sessions}
    drills, walk = drills_and_walk(list(p.daily))
    daily = session_minutes(drills) if drills else 0
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
            daily_walk=walk,
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
