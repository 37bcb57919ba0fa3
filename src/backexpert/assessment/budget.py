"""The time budget: a session holds what fits the client's minutes, and says what it left out.

A session never runs over the client's `minutes_per_session`. Before intense work, priming takes at
most the minutes a `schedule` rule gives (`schedule.warm_up_time`: 10, from the ACSM 5-10 minute
warm-up), and never more than 40 % of a short session ([choice]). When the drills do not fit, each
is first done as one warm-up set ([choice]: the template's drills first, then those the client's own
findings ask for); when they still do not fit, the drills a later item needs before it stay (that
keeps the loaded work primed, even past the 10 minutes), then those that serve the most reasons:
every reason is a rule that asked for a priming drill, or an order constraint (`before`) whose later
item is in the session, and a rule met by a drill done every day counts as met; time left in the
warm-up then goes to the other drills, those the client's own findings ask for first. A light day
too long for the client's minutes does its drills as one set first too, before any work is left out
([choice]: an older faller's sit-to-stand outranks a second set of shoulder drills). Two variants of
one exercise (a face pull with a cable and one with a band) never share a session: the first in
order stays. When the session is still too long, work that is not the session's only item of a plane
goes first, so the session keeps every plane it covers ([choice]: hinge, horizontal and vertical
pull, rotation), then what only the program's template asks for (rules on training, equipment and
goals) before what the client's own findings ask for, accessory items before main items, the last
first, then the least needed drills; an item that needs another first goes with it, and loaded work
never stays without priming. Work left out for time comes back where it fits once a longer item
has gone, the most needed first. Everything left out is kept with its reason, so the clinician
sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from ..clinical.catalogue import Catalogue
from ..clinical.words import Pattern, Phase
from .notices import COVERED_PLANES
from .prescription import Adjustment, Item, LeftOut
from .timing import item_seconds, minutes, whole_minutes

PRIMING_MAX_SHARE = 0.4


@dataclass(frozen=True)
class Budget:
    """The client's minutes for one session, and what counts as already done every day."""

    minutes: int
    daily_rules: frozenset[str]
    befores: Sequence[tuple[frozenset[str], frozenset[str]]]
    warm_up_minutes: int | None = None
    warm_up_rule: str = ""
    # Rules that matched the client's own findings, conditions, pain or age (not only their
    # training, equipment or goals): what they ask for is the individual part of the program.
    individual: frozenset[str] = frozenset()

    def own(self, i: Item) -> bool:
        """Whether an item is there for something about this client, not only the template."""
        return not self.individual.isdisjoint(i.because)


def _is(i: Item, ids: frozenset[str]) -> bool:
    sub = i.substitutes_for
    return i.exercise in ids or (sub is not None and sub.exercise in ids)


def fit(
    cat: Catalogue, items: list[Item], budget: Budget, intense: bool
) -> tuple[list[Item], list[LeftOut], int]:
    """The items that fit one session, in their order, the ones left out with why, and the
    session's whole minutes (`timing.session_minutes` of the items, from the seconds fitted).

    The warm-up share applies before intense work; a light day's drills are its content.
    """
    left: list[LeftOut] = []
    # Only the order constraints this session meets are kept when trimming it.
    present = {i.exercise for i in items}
    present.update(i.substitutes_for.exercise for i in items if i.substitutes_for is not None)
    befores = [b for b in budget.befores if not b[0].isdisjoint(present)]
    if len(befores) < len(budget.befores):
        budget = replace(budget, befores=befores)
    secs = _Seconds(items)
    kept = _without_twins(cat, items, left)
    if intense and budget.warm_up_minutes and any(i.loaded for i in kept):
        kept = _primed_within(kept, budget, left, secs)
    # The limit is whole minutes: the session's minutes, rounded up, fit when its seconds do.
    limit = budget.minutes * 60
    if not intense:
        # A light day too long for the client's minutes does its drills as one set first, as
        # an intense day's warm-up does, before any work is left out (the falls client's
        # sit-to-stand went for a second set of shoulder drills).
        single = _drills_in_one_set(kept, budget, lambda xs: secs.total(xs) <= limit, secs)
        kept = _as_one_set(kept, single, budget.warm_up_rule, secs)
    before = kept
    dropped: list[tuple[Item, LeftOut]] = []
    while kept and secs.total(kept) > limit:
        victim = _next_to_go(kept, budget)
        at = len(left)
        kept = _drop(kept, victim, budget, left, f"left out for time ({budget.minutes} min)")
        dropped.append((victim, left[at]))
    kept = _refilled(kept, dropped, before, budget, left, limit, secs)
    return kept, left, whole_minutes(secs.total(kept))


class _Seconds(dict[int, int]):
    """Each item's seconds by its identity, worked out once while one session is fitted."""

    def __init__(self, items: list[Item]) -> None:
        super().__init__([(id(i), item_seconds(i)) for i in items])
        # Every timed item stays alive while the session is fitted: its id is never reused.
        self._held = list(items)

    def add(self, i: Item, seconds: int) -> Item:
        self._held.append(i)
        self[id(i)] = seconds
        return i

    def total(self, items: list[Item]) -> int:
        return sum([self[id(i)] for i in items])


def _refilled(
    kept: list[Item],
    dropped: list[tuple[Item, LeftOut]],
    before: list[Item],
    budget: Budget,
    left: list[LeftOut],
    limit: int,
    secs: _Seconds,
) -> list[Item]:
    """Work left out for time comes back where it fits, the last to go (the most needed) first:
    leaving out a long item can free the minutes a shorter one, left out before it, needs (an
    older faller's sit-to-stand went while the session ended 9 minutes short)."""
    order = {id(i): n for n, i in enumerate(before)} if dropped else {}
    for victim, record in reversed(dropped):
        if secs.total(kept) + secs[id(victim)] > limit:
            continue
        trial = sorted([*kept, victim], key=lambda i: order[id(i)])
        if len(_consistent(trial, budget, [])) != len(trial):
            continue  # it would need what is gone, or break another item's order
        kept = trial
        left.remove(record)
    return kept


def _without_twins(cat: Catalogue, items: list[Item], left: list[LeftOut]) -> list[Item]:
    """One variant of each exercise: a later variant of an item already held is left out."""
    kept: list[Item] = []
    held: set[str] = set()  # the exercises kept
    for i in items:
        twins = cat.twins_of(i.exercise)
        if twins.isdisjoint(held):
            kept.append(i)
            held.add(i.exercise)
            continue
        twin = next(k for k in kept if k.exercise in twins)  # the first in order
        reason = f"a variant of {twin.name}, already in this session"
        left.append(LeftOut(exercise=i.exercise, name=i.name, reason=reason, because=[]))
    return kept


def _reasons(i: Item, budget: Budget, thens: list[list[Item]]) -> set[str]:
    """What a priming drill is there for: its rules not met every day, and the order
    constraints it satisfies for a later item in the session (`_thens`)."""
    out = set(i.because).difference(budget.daily_rules)
    for n, (first, _) in enumerate(budget.befores):
        if _is(i, first) and any(j is not i for j in thens[n]):
            out.add(f"before#{n}")
    return out


def _thens(items: list[Item], budget: Budget) -> list[list[Item]]:
    """For each order constraint, the items of the session that must come after its first."""
    return [[j for j in items if _is(j, then)] for _, then in budget.befores]


def _primed_within(
    items: list[Item], budget: Budget, left: list[LeftOut], secs: _Seconds
) -> list[Item]:
    """Priming trimmed to its share of the session: one set of each drill first, then the
    drills that later items need before them, then those that serve the most other reasons."""
    cap = min((budget.warm_up_minutes or 0) * 60, round(budget.minutes * 60 * PRIMING_MAX_SHARE))
    drills = [i for i in items if i.phase is Phase.priming]
    # The drills stay as they are while the warm-up is trimmed: only those kept are copied.
    single = _drills_in_one_set(drills, budget, lambda xs: secs.total(xs) <= cap, secs)
    if secs.total(drills) <= cap:
        return _as_one_set(items, single, budget.warm_up_rule, secs)
    thens = _thens(items, budget)
    reasons = {id(i): _reasons(i, budget, thens) for i in drills}
    taken: set[int] = set()
    met: set[str] = set()  # what the chosen drills are there for
    used = 0  # their seconds

    def choose(d: Item) -> None:
        nonlocal used
        taken.add(id(d))
        met.update(reasons[id(d)])
        used += secs[id(d)]

    def value(unmet: set[str], d: Item) -> tuple[int, int, int]:
        new = reasons[id(d)] & unmet
        return (-len(new & budget.individual), -len(new), secs[id(d)])

    def pick(wanted: set[str], within: int | None) -> None:
        while True:
            unmet = wanted - met
            fits = [
                d
                for d in drills
                if id(d) not in taken
                and reasons[id(d)] & unmet
                and (within is None or used + secs[id(d)] <= within)
            ]
            if not fits:
                return
            choose(min(fits, key=partial(value, unmet)))

    # What later items need before them stays even past the cap: it keeps the loaded work.
    pick({r for d in drills for r in reasons[id(d)] if r.startswith("before#")}, None)
    pick(set().union(*reasons.values()), cap)
    if not taken:
        choose(min(drills, key=lambda d: secs[id(d)]))
    # Time left in the warm-up goes to the other drills, the client's own first, shortest first.
    for d in sorted(drills, key=lambda d: (not budget.own(d), secs[id(d)])):
        if id(d) not in taken and used + secs[id(d)] <= cap:
            choose(d)
    why = f"left out for time: warm-up kept to about {cap // 60} minutes"
    cause = [budget.warm_up_rule] if budget.warm_up_rule else []
    for i in drills:
        if id(i) in taken:
            continue
        unmet = sorted(r for r in reasons[id(i)] - met if not r.startswith("before#"))
        reason = why + (f"; not met in this session: {', '.join(unmet)}" if unmet else "")
        left.append(LeftOut(exercise=i.exercise, name=i.name, reason=reason, because=cause))
    kept = [i for i in items if i.phase is not Phase.priming or id(i) in taken]
    return _as_one_set(kept, single, budget.warm_up_rule, secs)


def _drills_in_one_set(
    items: list[Item], budget: Budget, fits: Callable[[list[Item]], bool], secs: _Seconds
) -> set[int]:
    """The drills done as one set until the items fit: the template's drills first, then the
    client's own; none when the items already fit. Their seconds become one set's in `secs`;
    `_as_one_set` makes the change."""
    single: set[int] = set()
    if fits(items):
        return single
    drills = [i for i in items if i.phase is Phase.priming and i.sets > 1]
    for own in (False, True):  # the template's drills, then the client's own if still needed
        for i in drills:
            if budget.own(i) is own:
                single.add(id(i))
                secs[id(i)] = item_seconds(i, sets=1)
        if fits(items):
            break
    return single


def _as_one_set(items: list[Item], single: set[int], rule: str, secs: _Seconds) -> list[Item]:
    """The items with each drill chosen for a single warm-up set as one, the change recorded."""
    if not single:
        return items
    out = []
    changes: dict[int, Adjustment] = {}  # one record of each change: it is immutable
    for i in items:
        if id(i) not in single:
            out.append(i)
            continue
        change = changes.get(i.sets)
        if change is None:
            change = changes[i.sets] = Adjustment(field="sets", before=i.sets, after=1, rule=rule)
        seconds = secs[id(i)]
        update = {"sets": 1, "adjustments": [*i.adjustments, change], "minutes": minutes(seconds)}
        out.append(secs.add(i.model_copy(update=update), seconds))
    return out


def _next_to_go(items: list[Item], budget: Budget) -> Item:
    """Work that is not the session's only item of a plane goes first (hinge, horizontal and
    vertical pull, rotation: the session stays multi-planar); then what only the program's
    template asks for before what the client's own findings ask for; accessory before main
    work, the last in order first. Drills go last, the least needed first."""
    work = [i for i in items if i.phase is not Phase.priming]
    if work:
        planes = [_plane(i) for i in work]

        def keep_first(n: int) -> tuple[bool, bool, bool, int]:
            i = work[n]
            alone = planes[n] is not None and planes.count(planes[n]) == 1
            return alone, budget.own(i), i.phase is Phase.main, -n

        return work[min(range(len(work)), key=keep_first)]
    thens = _thens(items, budget)
    return min(reversed(items), key=lambda i: len(_reasons(i, budget, thens)))


def _plane(i: Item) -> str | None:
    return _PLANE_OF.get(i.pattern)


# Each pattern's plane, looked up rather than searched for item by item; built in reverse so
# that a pattern two planes covered would keep the first, as the search did.
_PLANE_OF: dict[Pattern, str] = {
    p: plane for plane, patterns in reversed(COVERED_PLANES.items()) for p in patterns
}


def _drop(
    items: list[Item], victim: Item, budget: Budget, left: list[LeftOut], reason: str
) -> list[Item]:
    left.append(LeftOut(exercise=victim.exercise, name=victim.name, reason=reason, because=[]))
    return _consistent([i for i in items if i is not victim], budget, left)


def _consistent(items: list[Item], budget: Budget, left: list[LeftOut]) -> list[Item]:
    """Drop what needs an item that is gone, and loaded work that has lost its priming."""
    changed = True
    while changed:
        changed = False
        for first, then in budget.befores:
            if any(_is(i, first) for i in items):
                continue
            gone = [i for i in items if _is(i, then) and i.phase is not Phase.priming]
            for g in gone:
                reason = "left out for time: what must come before it did not fit"
                left.append(LeftOut(exercise=g.exercise, name=g.name, reason=reason, because=[]))
                items = [i for i in items if i is not g]
                changed = True
    if not any(i.phase is Phase.priming for i in items):
        for g in [i for i in items if i.loaded]:
            reason = "left out for time: no warm-up drill fitted before it"
            left.append(LeftOut(exercise=g.exercise, name=g.name, reason=reason, because=[]))
        items = [i for i in items if not i.loaded]
    return items
