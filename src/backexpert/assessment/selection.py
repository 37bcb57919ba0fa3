"""Selection: which exercises the program holds, after exclusions, substitutions and requirements.

Exclusions beat additions. An excluded exercise, or one whose equipment is missing, is replaced
by the first usable exercise reachable through its regression and substitutes (breadth first),
and the reason is kept. A loaded stand-in only fills a gap in its movement pattern, so an
exclusion never adds load. An exercise that must follow another is dropped when nothing of that
other is prescribed.
"""

from __future__ import annotations

from ..clinical.catalogue import Exercise, Selector
from ..clinical.words import PHASE_ORDER, Equipment, Phase, SessionKind
from ..knowledge.explanation import remember
from .actions import Add
from .context import Context, Planned
from .prescription import Limitation, Substitution

Exclusions = dict[str, list[str]]
_EQUIPMENT = "equipment"  # the client's equipment, in `Context.memo`
_EQUIPMENT_FACTS = tuple((q, f"equipment.{q.value}") for q in Equipment)
# Past this many distinct substitutions the memo starts again (it only saves time).
_SUBSTITUTIONS_MAX = 5_000
_substitutions: dict[tuple[str, str, str, tuple[str, ...]], Substitution] = {}


def exclusions(ctx: Context, limitations: list[Limitation]) -> Exclusions:
    """Exercise id → the rules that exclude it (a limitation excludes all loaded work).

    Computed once per client and limitations: selection and the sessions both ask.
    """
    key = ("exclusions", *(tuple(lim.because) for lim in limitations))
    found: Exclusions | None = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _exclusions(ctx, limitations)
    return found


def _exclusions(ctx: Context, limitations: list[Limitation]) -> Exclusions:
    out: dict[str, list[str]] = {}
    for rule_id, ex in ctx.c.excludes:
        for e in ctx.cat.selected(ex):
            out.setdefault(e.id, []).append(rule_id)
    for lim in limitations:
        for e in ctx.cat.loaded():
            out.setdefault(e.id, []).extend(lim.because)
    return {k: ctx.sorted_rules(v) if len(v) > 1 else v for k, v in out.items()}


def available(ctx: Context, e: Exercise) -> bool:
    """Whether the client has every piece of equipment the exercise needs."""
    return not e.equipment or _equipment(ctx).issuperset(e.equipment)


def _equipment(ctx: Context) -> frozenset[Equipment]:
    """The client's equipment (computed once per client)."""
    have: frozenset[Equipment] | None = ctx.memo.get(_EQUIPMENT)
    if have is None:
        have = ctx.memo[_EQUIPMENT] = frozenset(
            q for q, fact in _EQUIPMENT_FACTS if ctx.facts.get(fact) is True
        )
    return have


def usable(ctx: Context, e: Exercise, excl: Exclusions) -> bool:
    """Whether an exercise can be prescribed as itself (`why_not` says why not)."""
    return e.id not in excl and available(ctx, e)


def why_not(
    ctx: Context, e: Exercise, excl: Exclusions, limitations: list[Limitation]
) -> tuple[str, list[str]] | None:
    """Why an exercise cannot be prescribed as itself (None when it can), and the rules."""
    if e.id in excl:
        names = ", ".join(excl[e.id])
        limited = e.loaded and any(set(lim.because) & set(excl[e.id]) for lim in limitations)
        if limited:
            return f"loaded work withheld ({names})", excl[e.id]
        return f"excluded by {names}", excl[e.id]
    if not available(ctx, e):
        missing = [
            q.value for q in e.equipment if ctx.facts.get(f"equipment.{q.value}") is not True
        ]
        return f"needs {', '.join(missing)}, not available", []
    return None


def resolve(
    ctx: Context, e: Exercise, excl: Exclusions, limitations: list[Limitation]
) -> Exercise | None:
    """The first usable exercise reachable by substitutes and regressions, breadth first."""
    have = _equipment(ctx)
    queue, seen = [e], {e.id}
    for cur in queue:  # the queue grows as it is read: breadth first
        if cur.id not in excl and have.issuperset(cur.equipment):
            return cur
        # An excluded exercise steps down to its regression first; one lacking equipment
        # tries the same movement with other equipment first. Either way both are tried,
        # and every candidate is itself checked against the exclusions.
        down = [cur.regression] if cur.regression is not None else []
        nexts = [*down, *cur.substitutes] if cur.id in excl else [*cur.substitutes, *down]
        for n in nexts:
            if n not in seen:
                seen.add(n)
                queue.append(ctx.cat[n])
    return None


def plan(ctx: Context, limitations: list[Limitation]) -> dict[str, Planned]:
    """Resolve every added exercise; loaded stand-ins only fill a gap in their movement.

    Exercises prescribed as themselves go in first. A loaded substitute then joins only when
    no loaded exercise of its pattern already covers its sessions: otherwise an exclusion
    could turn one merged stand-in into two items and give a worse client more load.
    """
    excl = exclusions(ctx, limitations)
    by_exercise: dict[str, list[tuple[str, Add]]] = {}
    for rule_id, add in ctx.c.adds:
        by_exercise.setdefault(add.exercise, []).append((rule_id, add))
    planned: dict[str, Planned] = {}
    replaced: list[tuple[Exercise, Exercise | None, list[tuple[str, Add]]]] = []
    have = _equipment(ctx)
    for ex_id in sorted(by_exercise, key=ctx.cat.rank):
        e, adds = ctx.cat[ex_id], by_exercise[ex_id]
        # Most exercises are prescribed as themselves (`usable`): skip the search for a stand-in.
        as_itself = ex_id not in excl and have.issuperset(e.equipment)
        final = e if as_itself else resolve(ctx, e, excl, limitations)
        if final is e:
            # Planned first, in catalogue order; each is its own exercise, so none merge.
            planned[ex_id] = Planned(e, *_merged(ctx, adds), None)
        else:
            replaced.append((e, final, adds))
    for original, final, adds in replaced:
        phase, sessions, because = _merged(ctx, adds)
        why = why_not(ctx, original, excl, limitations)
        reason, rules = why if why is not None else ("not available", [])
        covering = None if final is None else _covering(planned, final, sessions)
        if final is None or covering is not None:
            gone = (
                "no safe alternative is available"
                if covering is None
                else f"its movement is already covered by {covering.exercise.name}"
            )
            full = f"{reason}; {gone}" if final is not None else reason
            ctx.exclude(original, full, rules)
            continue
        ctx.exclude(original, f"{reason}; replaced by {final.name}", rules, by=final.id)
        sub = _substitution(original, reason, rules)
        if final.id in planned:
            p = planned[final.id]
            p.phase = min(p.phase, phase, key=PHASE_ORDER.__getitem__)
            p.sessions |= sessions
            p.because = ctx.sorted_rules([*p.because, *because])
            p.substitutes_for = p.substitutes_for or sub
        else:
            planned[final.id] = Planned(final, phase, sessions, because, sub)
    return planned


def _merged(ctx: Context, adds: list[tuple[str, Add]]) -> tuple[Phase, set[SessionKind], list[str]]:
    """The earliest phase, every kind of session and the rules (in rulebook order) of the adds
    of one exercise."""
    if len(adds) == 1:
        rule_id, add = adds[0]
        return add.phase, set(add.sessions), [rule_id]
    phase = min([a.phase for _, a in adds], key=PHASE_ORDER.__getitem__)
    return phase, {s for _, a in adds for s in a.sessions}, ctx.sorted_rules([r for r, _ in adds])


def _substitution(original: Exercise, reason: str, rules: list[str]) -> Substitution:
    """What an item stands in for: the same substitutions recur across clients, and a built
    one is immutable, so each distinct one is built once."""
    key = (original.id, original.name, reason, tuple(rules))
    found = _substitutions.get(key)
    if found is None:
        found = Substitution(exercise=original.id, name=original.name, reason=reason, because=rules)
        remember(_substitutions, key, found, _SUBSTITUTIONS_MAX)
    return found


def _covering(
    planned: dict[str, Planned], stand_in: Exercise, sessions: set[SessionKind]
) -> Planned | None:
    """A planned loaded exercise of the stand-in's pattern that covers its sessions."""
    if not stand_in.loaded or stand_in.id in planned:
        return None
    for p in planned.values():
        same = p.exercise.loaded and p.exercise.pattern is stand_in.pattern
        if same and sessions <= p.sessions:
            return p
    return None


def stands_for(ctx: Context, p: Planned, sel: Selector) -> bool:
    """Whether a planned item is, or stands in for, an exercise the selector picks."""
    return p.is_or_replaces(ctx.cat.selected_ids(sel))


def drop_unmet_requirements(ctx: Context, planned: dict[str, Planned]) -> None:
    """`then` items need a `first` item in the program; drop them until that holds."""
    # Each constraint with its two sides as exercise ids, resolved once (`Context.befores`).
    constraints = list(zip(ctx.c.befores, ctx.befores, strict=True))
    changed = True
    while changed:
        changed = False
        for (rule_id, b), (first_ids, then_ids) in constraints:
            if any(p.is_or_replaces(first_ids) for p in planned.values()):
                continue
            for ex_id in [k for k in planned if k in then_ids]:
                p = planned.pop(ex_id)
                reason = f"requires {b.first.describe()} first, and none is prescribed"
                ctx.exclude(p.exercise, reason, [rule_id])
                changed = True
