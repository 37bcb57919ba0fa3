"""Dosing: each planned exercise's sets, reps, tempo and effort cap for one kind of session.

The catalogue's default dose is the start. Of all `dose` settings that select the exercise, the
most conservative replaces the default (fewer sets, a lighter rep range, a slower tempo, a lower
effort), and a rep range never becomes heavier than the default nor applies to a timed carry
(one rep held for its seconds); then the most restrictive `cap` for that kind of session and any
program-wide effort limit apply. Every change names the rule that made it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from ..clinical.catalogue import Catalogue, Exercise, rep_bounds
from ..clinical.words import DayType, Phase, SessionKind, Side, Tag
from ..knowledge.explanation import positions, remember
from . import timing
from .actions import Cap, Dose
from .context import Context, Planned
from .prescription import Adjustment, Item, Substitution


def _lighter_first(reps: str) -> tuple[int, int]:
    """Sorts rep ranges lightest load first: more reps (low end, then high end), lighter load."""
    low, high = rep_bounds(reps)
    return -low, -high


def _slower_first(tempo: str) -> int:
    return -sum(int(x) for x in tempo.split("-"))


def _same(value: int) -> int:
    return value


# For each dose field, a key that sorts the most conservative setting first.
CONSERVATIVE: dict[str, Callable[[Any], Any]] = {
    "sets": _same,
    "effort": _same,
    "reps": _lighter_first,
    "tempo": _slower_first,
}


class DoseRule(NamedTuple):
    """A `dose` conclusion as dosing reads it: its rule and rank, and the fields it sets."""

    rule: str
    rank: int
    sets: int | None
    reps: str | None
    tempo: str | None
    effort: int | None


class CapRule(NamedTuple):
    """A `cap` conclusion as dosing reads it: its rule and rank, and its limits."""

    rule: str
    rank: int
    sets: int | None
    effort: int | None


Ranks = dict[str, int]  # a rulebook's rule positions
_R = TypeVar("_R", DoseRule, CapRule)
_S = TypeVar("_S", DayType, SessionKind)
# A conclusion as dosing reads it, the day types or sessions it names, the exercises it selects.
_DoseReading = tuple[DoseRule, tuple[DayType, ...] | None, frozenset[str]]
_CapReading = tuple[CapRule, tuple[SessionKind, ...] | None, frozenset[str]]


class Dosing:
    """Doses items from the catalogue defaults and the rules' dose, cap and limit conclusions."""

    def __init__(self, ctx: Context) -> None:
        protected = {str(v) for v in ctx.derived("arm.protected")}
        # One-armed work goes to the other arm while one arm is protected (after a cuff repair).
        self._side: Side | None = None
        if protected == {"left"}:
            self._side = Side.right
        elif protected == {"right"}:
            self._side = Side.left
        cat, ranks = ctx.cat, positions(ctx.rulebook)
        # Each conclusion with the day types or sessions it names and the exercises it selects.
        self._doses = [_dose_rule(r, x, cat, ranks) for r, x in ctx.c.doses]
        self._caps = [_cap_rule(r, x, cat, ranks) for r, x in ctx.c.caps]
        # Unions of the distinct selections (conclusions often select the same exercises).
        self._dosed = frozenset().union(*{ids for _, _, ids in self._doses})
        # The exercises whose dose may differ by day type (a dose names day types).
        self._by_day_type = frozenset().union(*{ids for _, days, ids in self._doses if days})
        self._capped = frozenset().union(*{ids for _, _, ids in self._caps})
        # Program-wide effort limits apply to every item, in rule order.
        self._effort_limits = tuple((r, x.effort) for r, x in ctx.c.limits if x.effort is not None)
        # Each distinct dosing of this client's made once (`item`): by the exercise and the
        # planned entry's phase, reasons and substitution, the kind of session only when a cap
        # of the exercise may name it, the day type only when a dose of it names day types.
        self._made: dict[tuple[object, ...], tuple[Exercise, Substitution | None, Item]] = {}

    def by_day_type(self, ex_id: str) -> bool:
        """Whether a dose of this exercise names day types (its dose may differ by day type)."""
        return ex_id in self._by_day_type

    def item(self, p: Planned, session: SessionKind, day_type: DayType | None = None) -> Item:
        """The planned exercise as an item of one kind of session (and day type), dosed.

        A dose that names day types applies only on those days of undulating load. The same
        dosing for this client is the same item (items are not changed in place: a change is
        a copy), so the sessions and daily drills that hold it share it.
        """
        e, sub = p.exercise, p.substitutes_for
        key = (
            id(e),
            p.phase,
            tuple(p.because),
            id(sub),
            session if e.id in self._capped else None,
            day_type if e.id in self._by_day_type else None,
        )
        found = self._made.get(key)
        if found is not None and found[0] is e and found[1] is sub:
            return found[2]
        made = self._dose(p, session, day_type)
        self._made[key] = e, sub, made  # both kept: their ids are not reused while held
        return made

    def _dose(self, p: Planned, session: SessionKind, day_type: DayType | None = None) -> Item:
        e = p.exercise
        # The conclusions that apply to this exercise here (most exercises have no dose or cap
        # conclusion: those are known at a glance).
        doses = _applying(self._doses, e.id, day_type) if e.id in self._dosed else ()
        caps = _applying(self._caps, e.id, session) if e.id in self._capped else ()
        side = self._side if Tag.one_arm in e.tags else None
        at = dosed(e, side, doses, caps, self._effort_limits)
        # The client's copy of the dosed item, with lists of its own: none is shared.
        return at.model_copy(
            update={
                "phase": p.phase,
                "cues": list(e.cues),
                "because": list(p.because),
                "adjustments": list(at.adjustments),
                "substitutes_for": p.substitutes_for,
                "warmup": [],
            }
        )


def _applying(
    readings: list[tuple[_R, tuple[_S, ...] | None, frozenset[str]]], ex_id: str, scope: _S | None
) -> tuple[_R, ...]:
    """The conclusions that select an exercise and name this day type or kind of session, or
    none."""
    return tuple(
        x for x, named, ids in readings if ex_id in ids and (named is None or scope in named)
    )


# Each `dose` and `cap` conclusion as dosing reads it: conclusions are the rulebook's objects, the
# same for every client they apply to, so each is read once per catalogue (the exercises it
# selects) and rule ranking. Keyed by the rule and the identities of the three, all kept alive.
_DOSE_RULES: dict[tuple[str, int, int, int], tuple[Dose, Catalogue, Ranks, _DoseReading]] = {}
_CAP_RULES: dict[tuple[str, int, int, int], tuple[Cap, Catalogue, Ranks, _CapReading]] = {}
RULES_MAX = 4096


def _dose_rule(r: str, x: Dose, cat: Catalogue, ranks: Ranks) -> _DoseReading:
    """A `dose` conclusion as dosing reads it (remembered)."""
    key = (r, id(x), id(cat), id(ranks))
    found = _DOSE_RULES.get(key)
    if found is None or found[0] is not x or found[1] is not cat or found[2] is not ranks:
        rule = DoseRule(r, ranks[r], x.sets, x.reps, x.tempo, x.effort)
        found = x, cat, ranks, (rule, x.day_types, cat.selected_ids(x))
        remember(_DOSE_RULES, key, found, RULES_MAX)
    return found[3]


def _cap_rule(r: str, x: Cap, cat: Catalogue, ranks: Ranks) -> _CapReading:
    """A `cap` conclusion as dosing reads it (remembered)."""
    key = (r, id(x), id(cat), id(ranks))
    found = _CAP_RULES.get(key)
    if found is None or found[0] is not x or found[1] is not cat or found[2] is not ranks:
        rule = CapRule(r, ranks[r], x.sets, x.effort)
        found = x, cat, ranks, (rule, x.sessions, cat.selected_ids(x))
        remember(_CAP_RULES, key, found, RULES_MAX)
    return found[3]


# The dose depends only on the exercise and the conclusions that apply to it, which many clients
# share: each dosed item is made once, and each client copies it with lists of its own (the
# memo's item is never handed out). Keyed by the conclusions' content and the exercise's
# identity, the exercise kept so that its id is never reused; full, the memo starts again.
_DOSED: dict[tuple[object, ...], tuple[Exercise, Item]] = {}
DOSED_MAX = 4096


def dosed(
    e: Exercise,
    side: Side | None,
    doses: tuple[DoseRule, ...],
    caps: tuple[CapRule, ...],
    effort_limits: tuple[tuple[str, int], ...],
) -> Item:
    """The exercise's item dosed under these conclusions (`work_out`, remembered)."""
    key = (id(e), side, doses, caps, effort_limits)
    found = _DOSED.get(key)
    if found is not None and found[0] is e:
        return found[1]
    made = work_out(e, side, doses, caps, effort_limits)
    remember(_DOSED, key, (e, made), DOSED_MAX)
    return made


def work_out(
    e: Exercise,
    side: Side | None,
    doses: tuple[DoseRule, ...],
    caps: tuple[CapRule, ...],
    effort_limits: tuple[tuple[str, int], ...],
) -> Item:
    """The exercise's catalogue item with its dose: the catalogue's, changed by the doses, caps
    and effort limits that apply to it (each change naming its rule), one-armed work on the
    given side, and its minutes."""
    d = e.dose
    values: dict[str, Any] = {
        "sets": d.sets,
        "reps": d.reps,
        "tempo": d.tempo,
        "effort": d.effort,
    }
    adjustments: list[Adjustment] = []

    def change(name: str, value: Any, rule: str) -> None:
        if value != values[name]:
            adjustments.append(Adjustment(field=name, before=values[name], after=value, rule=rule))
            values[name] = value

    for name, value, rule in _chosen(e, doses):
        # A rep range is a load prescription (8-12 RM): never heavier than the default.
        if name != "reps" or _lighter_first(value) < _lighter_first(values["reps"]):
            change(name, value, rule)
    for name, limit, rule in _limits(caps):
        if values[name] > limit:
            change(name, limit, rule)
    for rule, effort in effort_limits:
        if values["effort"] > effort:
            change("effort", effort, rule)
    per_side = d.per_side and side is None
    seconds = timing.dose_seconds(
        values["sets"],
        values["reps"],
        d.hold_s,
        values["tempo"],
        d.rest_s,
        per_side,
        (),
        d.duration_min,
    )
    return catalogue_item(e).model_copy(
        update={
            "sets": values["sets"],
            "reps": values["reps"],
            "per_side": per_side,
            "tempo": values["tempo"],
            "effort": values["effort"],
            "adjustments": adjustments,
            "side": side,
            "minutes": timing.minutes(seconds),
        }
    )


def _chosen(e: Exercise, doses: tuple[DoseRule, ...]) -> list[tuple[str, Any, str]]:
    """The most conservative setting of each field among the doses of an exercise, with its
    rule (the first in rule order among equals): the field, the value and the rule, in
    `CONSERVATIVE` order."""
    if not doses:
        return []
    d = e.dose
    # One timed effort a set (a carry: 1 × 30 s) is dosed by its time, not by a rep range.
    carried = timing.once_for_time(d.reps, d.hold_s, d.duration_min)
    out: list[tuple[str, Any, str]] = []
    for name, conservative in CONSERVATIVE.items():
        options = [(x.rule, x.rank, v) for x in doses if (v := getattr(x, name)) is not None]
        if not options or (name == "reps" and carried):
            continue
        rule, _, value = min(options, key=lambda t: (conservative(t[2]), t[1]))
        out.append((name, value, rule))
    return out


def _limits(caps: tuple[CapRule, ...]) -> list[tuple[str, int, str]]:
    """The most restrictive cap of sets, then of effort, with its rule (the first in rule order
    among equals)."""
    sets: tuple[int, int, str] | None = None
    effort: tuple[int, int, str] | None = None
    for c in caps:
        if c.sets and (sets is None or (c.sets, c.rank, c.rule) < sets):
            sets = c.sets, c.rank, c.rule
        if c.effort and (effort is None or (c.effort, c.rank, c.rule) < effort):
            effort = c.effort, c.rank, c.rule
    out = [] if sets is None else [("sets", sets[0], sets[2])]
    return out if effort is None else [*out, ("effort", effort[0], effort[2])]


# Each catalogue exercise's item at its default dose, which an item copies with its own dose
# and its own lists (what the catalogue gives is the same for every client): a copy is cheaper
# than validating twenty fields again. Keyed by identity, the exercise kept so that its id is
# never reused.
_TEMPLATES: dict[int, tuple[Exercise, Item]] = {}
TEMPLATES_MAX = 1024  # a bound: a catalogue holds about a hundred exercises


def catalogue_item(e: Exercise) -> Item:
    """The exercise as an item at its catalogue dose, to copy with its own dose, phase, reasons
    and lists (the copy must give every list field a list of its own)."""
    found = _TEMPLATES.get(id(e))
    if found is not None and found[0] is e:
        return found[1]
    if len(_TEMPLATES) >= TEMPLATES_MAX:
        _TEMPLATES.clear()
    d = e.dose
    item = Item(
        exercise=e.id,
        name=e.name,
        pattern=e.pattern,
        loaded=e.loaded,
        phase=Phase.main,
        sets=d.sets,
        reps=d.reps,
        hold_s=d.hold_s,
        per_side=d.per_side,
        tempo=d.tempo,
        effort=d.effort,
        rest_s=d.rest_s,
        cues=list(e.cues),
        because=[],
        adjustments=[],
        substitutes_for=None,
        purpose=" ".join(e.purpose.split()),
        side=None,
        minutes=None,
        duration_min=d.duration_min,
    )
    _TEMPLATES[id(e)] = e, item
    return item


def timed(item: Item) -> Item:
    """The item with its estimated minutes (after any change to its dose or warm-up)."""
    return item.model_copy(update={"minutes": timing.minutes(timing.item_seconds(item))})
