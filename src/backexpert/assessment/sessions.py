"""The sessions of the week: how many intense days, the recovery between them, and their items.

The most conservative `schedule` conclusions win (the longest recovery, the fewest intense
sessions); with no loaded work in the program there is no intense day, and light days carry all
the unloaded work. Only the days the client can train are used. When a rule asks for undulating
load, intense days take turns as heavy, light and moderate days ([choice] `DAY_TYPES`: with two
intense days heavy then light, with three heavy, light, moderate, so the heaviest day follows the
longest rest); a main exercise with a catalogue variation for that kind of day is done in that
form (the paused or tempo deadlift), and `dose` conclusions that name day types apply on those
days only. Every session is primed (a session without a priming item keeps no loaded item) and
fits the client's minutes (`budget`).
"""

from __future__ import annotations

from typing import Any

from ..clinical.intake import Training
from ..clinical.words import WEEK, Day, DayType, Phase, SessionKind
from . import budget, loads, selection
from . import week as layout
from .context import Context, Planned
from .dose import Dosing
from .order import ordered
from .prescription import Item, LeftOut, Limitation, Session, WeekOut

# Facts that shape the template of a program rather than say something about the client.
TEMPLATE_FACTS = ("training.", "equipment.", "goal.")
DEFAULT_RECOVERY_HOURS = 48
DEFAULT_INTENSE_SESSIONS = 2
DAY_TYPES: dict[int, tuple[DayType, ...]] = {
    1: (DayType.heavy,),
    2: (DayType.heavy, DayType.light),
    3: (DayType.heavy, DayType.light, DayType.moderate),
}


def plan_week(ctx: Context, loaded_work: bool, training: Training) -> tuple[layout.Week, WeekOut]:
    """The week's layout and its document, with the rules that shaped it."""
    recovery = [(x.recovery_hours, r) for r, x in ctx.c.schedules if x.recovery_hours]
    intense = [
        (x.intense_sessions, r) for r, x in ctx.c.schedules if x.intense_sessions is not None
    ]
    hours = max([h for h, _ in recovery], default=DEFAULT_RECOVERY_HOURS)
    n_intense = min([n for n, _ in intense], default=DEFAULT_INTENSE_SESSIONS)
    per_week = int(ctx.facts["training.sessions_per_week"])
    n_intense = min(n_intense, per_week, layout.max_intense(hours)) if loaded_work else 0
    days = training.available_days
    week = layout.plan(n_intense, per_week - n_intense, hours, days)
    because = ctx.sorted_rules(r for _, r in [*recovery, *intense])
    return week, WeekOut(
        intense_sessions=len(week.intense),
        light_sessions=len(week.light),
        recovery_hours=hours,
        gaps_hours=layout.gaps_hours(week.intense),
        because=because,
        minutes_per_session=training.minutes_per_session,
        available_days=sorted(days, key=WEEK.index) if days else None,
        notes=list(week.notes),
    )


def day_types(ctx: Context, week: layout.Week) -> tuple[dict[Day, DayType], list[str]]:
    """Each intense day's load when a rule asks for undulation, and those rules."""
    rules = ctx.sorted_rules(r for r, x in ctx.c.schedules if x.undulate)
    if not rules or not week.intense:
        return {}, []
    return dict(zip(week.intense, DAY_TYPES[len(week.intense)], strict=True)), rules


def sessions(
    ctx: Context,
    dosing: Dosing,
    planned: dict[str, Planned],
    week: layout.Week,
    limits: list[Limitation],
    training: Training,
    known_loads: dict[str, loads.Estimate] | None = None,
) -> list[Session]:
    """One session per training day, in week order, each fitted to the client's minutes.

    First-week loads and warm-up sets are set before the session is fitted: warm-ups take time.
    """
    out: list[Session] = []
    unloaded_program = not week.intense
    types, undulating = day_types(ctx, week)
    # Only a day type's variation needs the exclusions.
    excl = selection.exclusions(ctx, limits) if types else {}
    fit_to = budget.Budget(
        minutes=training.minutes_per_session,
        daily_rules=frozenset(
            r for p in planned.values() if SessionKind.daily in p.sessions for r in p.because
        ),
        befores=ctx.befores,
        individual=frozenset(
            f.rule
            for f in ctx.inference.firings
            for name, _ in f.matched
            if not name.startswith(TEMPLATE_FACTS)
        ),
        **_warm_up(ctx),
    )
    for kind, days in ((SessionKind.intense, week.intense), (SessionKind.light, week.light)):
        if not days:
            continue
        # With no intense day (loading withheld), the light days carry all the unloaded work.
        wanted = {kind, SessionKind.intense} if unloaded_program else {kind}
        members = ordered(ctx, [p for p in planned.values() if p.sessions & wanted])
        # Days of one kind and day type hold the same session: fit it once.
        fitted: dict[DayType | None, tuple[list[Item], list[LeftOut], int]] = {}
        for day in days:
            day_type = types.get(day) if kind is SessionKind.intense else None
            if day_type not in fitted:
                # A day's variation takes the place of the exercise it varies.
                todays = [_on(ctx, p, day_type, excl, limits, undulating) for p in members]
                # Dosing makes each distinct dosing once: days of the same kind dose an exercise
                # alike, whatever their day type unless a dose names day types.
                dosed = [dosing.item(p, kind, day_type) for p in todays]
                dosed = loads.apply_known(dosed, known_loads or {}, ctx.cat)
                fitted[day_type] = budget.fit(
                    ctx.cat, primed(ctx, dosed), fit_to, kind is SessionKind.intense
                )
            items, left, minutes = fitted[day_type]
            out.append(
                Session(
                    day=day,
                    intensity=kind.value,
                    items=items,
                    minutes=minutes,
                    day_type=day_type,
                    left_out=left,
                )
            )
    _record_left_out(ctx, out, planned)
    return sorted(out, key=lambda s: WEEK.index(s.day))


def _warm_up(ctx: Context) -> dict[str, Any]:
    """The shortest warm-up a rule allows before intense work, and that rule."""
    found = ctx.fewest("warm_up_minutes")
    if found is None:
        return {}
    minutes, rule = found
    return {"warm_up_minutes": minutes, "warm_up_rule": rule}


def _on(
    ctx: Context,
    p: Planned,
    day_type: DayType | None,
    excl: selection.Exclusions,
    limits: list[Limitation],
    undulating: list[str],
) -> Planned:
    """The planned exercise as done on this kind of day: its catalogue variation, if usable."""
    variant_id = p.exercise.day_variants.get(day_type) if day_type else None
    if variant_id is None or p.phase is not Phase.main:
        return p
    variant = ctx.cat[variant_id]
    if selection.why_not(ctx, variant, excl, limits) is not None:
        return p
    because = ctx.sorted_rules([*p.because, *undulating])
    return Planned(variant, p.phase, set(p.sessions), because, p.substitutes_for)


def _record_left_out(ctx: Context, week: list[Session], planned: dict[str, Planned]) -> None:
    """An exercise left out of every session it was meant for is not prescribed: say why."""
    held = {i.exercise for s in week for i in s.items}
    daily = {p.exercise.id for p in planned.values() if SessionKind.daily in p.sessions}
    reasons: dict[str, LeftOut] = {}
    for s in week:
        for x in s.left_out:
            reasons.setdefault(x.exercise, x)
    for ex_id, x in reasons.items():
        if ex_id not in held and ex_id not in daily:
            ctx.exclude(ctx.cat[ex_id], x.reason, x.because, keep_first=True)


def primed(ctx: Context, items: list[Item]) -> list[Item]:
    """Loaded work only after priming: a session with no priming item keeps no loaded item."""
    if any(i.phase is Phase.priming for i in items):
        return items
    for i in items:
        if i.loaded:
            reason = "no priming drill is available to come before it"
            ctx.exclude(ctx.cat[i.exercise], reason, [], keep_first=True)
    return [i for i in items if not i.loaded]
