"""The sessions of the week: how many intense days, the recovery between them, and their items.

The most conservative `schedule` conclusions win (the longest recovery, the fewest intense
sessions); with no loaded work in the program there is no intense day, and light days carry all
the unloaded work. Every session is primed: a session without a priming item keeps no loaded
item.
"""

from __future__ import annotations

from ..clinical.words import Day, Phase, SessionKind
from . import timing
from . import week as layout
from .context import Context, Planned
from .dose import Dosing
from .order import ordered
from .prescription import Item, Session, WeekOut

DEFAULT_RECOVERY_HOURS = 48
DEFAULT_INTENSE_SESSIONS = 2


def plan_week(ctx: Context, loaded_work: bool) -> tuple[layout.Week, WeekOut]:
    """The week's layout and its document, with the rules that shaped it."""
    recovery = [(x.recovery_hours, r) for r, x in ctx.c.schedules if x.recovery_hours]
    intense = [
        (x.intense_sessions, r) for r, x in ctx.c.schedules if x.intense_sessions is not None
    ]
    hours = max([h for h, _ in recovery], default=DEFAULT_RECOVERY_HOURS)
    n_intense = min([n for n, _ in intense], default=DEFAULT_INTENSE_SESSIONS)
    per_week = int(ctx.facts["training.sessions_per_week"])
    n_intense = min(n_intense, per_week, layout.max_intense(hours)) if loaded_work else 0
    week = layout.plan(n_intense, per_week - n_intense, hours)
    because = ctx.sorted_rules(r for _, r in [*recovery, *intense])
    return week, WeekOut(
        intense_sessions=len(week.intense),
        light_sessions=len(week.light),
        recovery_hours=hours,
        gaps_hours=layout.gaps_hours(week.intense),
        because=because,
    )


def sessions(
    ctx: Context, dosing: Dosing, planned: dict[str, Planned], week: layout.Week
) -> list[Session]:
    """One session per training day, in week order."""
    out: list[Session] = []
    unloaded_program = not week.intense
    for kind, days in ((SessionKind.intense, week.intense), (SessionKind.light, week.light)):
        # With no intense day (loading withheld), the light days carry all the unloaded work.
        wanted = {kind, SessionKind.intense} if unloaded_program else {kind}
        members = [p for p in planned.values() if p.sessions & wanted]
        items = primed(ctx, [dosing.item(p, kind) for p in ordered(ctx, members)])
        minutes = timing.session_minutes(items)
        for day in days:
            out.append(Session(day=day, intensity=kind.value, items=items, minutes=minutes))
    return sorted(out, key=lambda s: list(Day).index(s.day))


def primed(ctx: Context, items: list[Item]) -> list[Item]:
    """Loaded work only after priming: a session with no priming item keeps no loaded item."""
    if any(i.phase is Phase.priming for i in items):
        return items
    for i in items:
        if i.loaded:
            reason = "no priming drill is available to come before it"
            ctx.exclude(ctx.cat[i.exercise], reason, [], keep_first=True)
    return [i for i in items if not i.loaded]
