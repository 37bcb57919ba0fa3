"""Dosing: each planned exercise's sets, reps, tempo and effort cap for one kind of session.

The catalogue's default dose is the start. Of all `dose` settings that select the exercise, the
most conservative replaces the default (fewer sets, a lighter rep range, a slower tempo, a lower
effort), and a rep range never becomes heavier than the default nor applies to a timed carry
(one rep held for its seconds); then the most restrictive `cap` for that kind of session and any
program-wide effort limit apply. Every change names the rule that made it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..clinical.catalogue import Exercise, rep_bounds
from ..clinical.words import DayType, SessionKind, Side, Tag
from . import timing
from .actions import Cap, Dose
from .context import Context, Planned
from .prescription import Adjustment, Item

_S = TypeVar("_S", Dose, Cap)


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


class Dosing:
    """Doses items from the catalogue defaults and the rules' dose, cap and limit conclusions."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        protected = {str(v) for v in ctx.derived("arm.protected")}
        # One-armed work goes to the other arm while one arm is protected (after a cuff repair).
        self._side: Side | None = None
        if protected == {"left"}:
            self._side = Side.right
        elif protected == {"right"}:
            self._side = Side.left
        self._doses = self._by_exercise(ctx.c.doses)
        self._caps = self._by_exercise(ctx.c.caps)
        # Program-wide effort limits apply to every item, in rule order.
        self._effort_limits = [(r, x.effort) for r, x in ctx.c.limits if x.effort is not None]
        # Per client: what every item of an exercise (a day type, a kind of session) shares.
        self._static: dict[str, tuple[bool, str, Side | None]] = {}
        self._chosen_memo: dict[tuple[str, DayType | None], list[tuple[str, Any, str]]] = {}
        self._limits_memo: dict[tuple[str, SessionKind], list[tuple[str, int, str]]] = {}

    def _by_exercise(self, found: list[tuple[str, _S]]) -> dict[str, list[tuple[str, _S]]]:
        """Conclusions indexed by the exercises their selectors pick."""
        out: dict[str, list[tuple[str, _S]]] = {}
        for rule_id, x in found:
            for ex_id in self.ctx.cat.selected_ids(x):
                out.setdefault(ex_id, []).append((rule_id, x))
        return out

    def by_day_type(self, ex_id: str) -> bool:
        """Whether a dose of this exercise names day types (its dose may differ by day type)."""
        return any(x.day_types is not None for _, x in self._doses.get(ex_id, ()))

    def item(self, p: Planned, session: SessionKind, day_type: DayType | None = None) -> Item:
        """The planned exercise as an item of one kind of session (and day type), dosed.

        A dose that names day types applies only on those days of undulating load.
        """
        e = p.exercise
        d = e.dose
        values: dict[str, Any] = {
            "sets": d.sets,
            "reps": d.reps,
            "tempo": d.tempo,
            "effort": d.effort,
        }
        adjustments: list[Adjustment] = []

        def change(name: str, value: Any, rule: str) -> None:
            adjustments.append(Adjustment(field=name, before=values[name], after=value, rule=rule))
            values[name] = value

        for name, value, rule in self._chosen(e.id, d.reps, d.hold_s, d.duration_min, day_type):
            # A rep range is a load prescription (8-12 RM): never heavier than the default.
            if value != values[name] and (
                name != "reps" or _lighter_first(value) < _lighter_first(d.reps)
            ):
                change(name, value, rule)
        for name, limit, rule in self._limits(e.id, session):
            if values[name] > limit:
                change(name, limit, rule)
        for rule, effort in self._effort_limits:
            if values["effort"] > effort:
                change("effort", effort, rule)
        static = self._static.get(e.id)
        if static is None:
            static = self._static[e.id] = self._static_parts(e)
        one_arm, purpose, side = static
        per_side = d.per_side and not (self._side and one_arm)
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
        # Built once with its minutes: an item is the composer's most frequent object.
        return Item(
            exercise=e.id,
            name=e.name,
            pattern=e.pattern,
            loaded=e.loaded,
            phase=p.phase,
            sets=values["sets"],
            reps=values["reps"],
            hold_s=d.hold_s,
            per_side=per_side,
            tempo=values["tempo"],
            effort=values["effort"],
            rest_s=d.rest_s,
            cues=list(e.cues),
            because=p.because,
            adjustments=adjustments,
            substitutes_for=p.substitutes_for,
            purpose=purpose,
            side=side,
            minutes=timing.minutes(seconds),
            duration_min=d.duration_min,
        )

    def _static_parts(self, e: Exercise) -> tuple[bool, str, Side | None]:
        """What an exercise's items share whatever their dose: one-armed, purpose, side."""
        one_arm = Tag.one_arm in e.tags
        return one_arm, " ".join(e.purpose.split()), self._side if one_arm else None

    def _chosen(
        self,
        ex_id: str,
        reps: str,
        hold_s: int | None,
        duration_min: int | None,
        day_type: DayType | None,
    ) -> list[tuple[str, Any, str]]:
        """The most conservative `dose` setting of each field for an exercise on a day type,
        with its rule: the field, the value and the rule, in `CONSERVATIVE` order."""
        found = self._doses.get(ex_id)
        if not found:
            return []
        key = (ex_id, day_type)
        if key in self._chosen_memo:
            return self._chosen_memo[key]
        order = self.ctx.order
        doses = [(r, x) for r, x in found if x.day_types is None or day_type in x.day_types]
        # One timed effort a set (a carry: 1 × 30 s) is dosed by its time, not by a rep range.
        carried = timing.once_for_time(reps, hold_s, duration_min)
        out: list[tuple[str, Any, str]] = []
        for name, conservative in CONSERVATIVE.items() if doses else ():
            if name == "reps" and carried:
                continue
            options = [(r, getattr(x, name)) for r, x in doses if getattr(x, name) is not None]
            if options:
                rule, value = min(options, key=lambda t: (conservative(t[1]), order(t[0])))
                out.append((name, value, rule))
        self._chosen_memo[key] = out
        return out

    def _limits(self, ex_id: str, session: SessionKind) -> list[tuple[str, int, str]]:
        """The most restrictive `cap` of sets, then of effort, for an exercise in one kind of
        session, with its rule."""
        found = self._caps.get(ex_id)
        if not found:
            return []
        key = (ex_id, session)
        if key in self._limits_memo:
            return self._limits_memo[key]
        order = self.ctx.order
        caps = [x_r for x_r in found if x_r[1].sessions is None or session in x_r[1].sessions]
        out: list[tuple[str, int, str]] = []
        for name in ("sets", "effort") if caps else ():
            limits = [(getattr(x, name), order(r), r) for r, x in caps if getattr(x, name)]
            if limits:
                limit, _, rule = min(limits)
                out.append((name, limit, rule))
        self._limits_memo[key] = out
        return out


def timed(item: Item) -> Item:
    """The item with its estimated minutes (after any change to its dose or warm-up)."""
    return item.model_copy(update={"minutes": timing.minutes(timing.item_seconds(item))})
