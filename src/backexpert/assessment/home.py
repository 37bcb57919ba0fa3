"""The daily drills (the home programme): few enough to be done every day.

A home programme is done less the longer it is, so a `schedule` rule caps the daily drills
besides the walk (`schedule.home_drills`: 4); the most conservative cap wins. When more are
asked for, the shoulder-blade drills for posture (the sessions' warm-ups often train them too)
give way before the drills for a condition, pain or falls ([choice]), the last in order first. A
drill that goes and is in no session is recorded as not prescribed, with why.
"""

from __future__ import annotations

from ..clinical.words import Pattern
from .context import Context
from .prescription import Item, Session

# A walk is activity, not a drill to learn: it never counts against the cap.
NOT_A_DRILL = frozenset({Pattern.gait})


def limited(ctx: Context, daily: list[Item], week: list[Session]) -> list[Item]:
    """The daily drills within the cap, in their order; what goes is said."""
    found = ctx.fewest("home_drills")
    drills = [n for n, i in enumerate(daily) if i.pattern not in NOT_A_DRILL]
    if found is None or len(drills) <= found[0]:
        return daily
    most, rule = found
    # Posture drills go first, then the others; within each, the last in order first.
    going = sorted(drills, key=lambda n: (daily[n].pattern is not Pattern.scapular_activation, -n))[
        : len(drills) - most
    ]
    held = {i.exercise for s in week for i in s.items}
    for n in going:
        i = daily[n]
        if i.exercise not in held:
            reason = f"at most {most} daily drills besides the walk, so that they are done"
            ctx.exclude(ctx.cat[i.exercise], reason, [rule], keep_first=True)
    return [i for n, i in enumerate(daily) if n not in going]
