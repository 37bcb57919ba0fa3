"""Order within a session: priming before loading, then the rules' before/after constraints.

Order comes from data, never from firing order: items go by phase (priming → main → accessory),
then by every `before` constraint whose `first` is prescribed (a stand-in counts as the exercise
it replaces), ties broken by catalogue order. Constraints in a cycle fall back to phase and
catalogue order.
"""

from __future__ import annotations

import heapq

from ..clinical.words import PHASE_ORDER
from .context import Context, Planned


def _is_or_replaces(p: Planned, ids: frozenset[str]) -> bool:
    """Whether a planned item is, or stands in for, one of these exercises."""
    sub = p.substitutes_for
    return p.exercise.id in ids or (sub is not None and sub.exercise in ids)


def ordered(ctx: Context, planned: list[Planned]) -> list[Planned]:
    """Topological order: phase first, then before/after constraints, then catalogue order."""
    ids = {p.exercise.id: p for p in planned}
    edges: dict[str, set[str]] = {i: set() for i in ids}
    for first_ids, then_ids in ctx.befores:
        firsts = [i for i, p in ids.items() if _is_or_replaces(p, first_ids)]
        thens = [i for i in ids if i in then_ids]
        for f in firsts:
            for t in thens:
                if f != t and PHASE_ORDER[ids[f].phase] >= PHASE_ORDER[ids[t].phase]:
                    edges[f].add(t)
    for a in ids.values():
        for b2 in ids.values():
            if PHASE_ORDER[a.phase] < PHASE_ORDER[b2.phase]:
                edges[a.exercise.id].add(b2.exercise.id)
    indegree = dict.fromkeys(ids, 0)
    for ts in edges.values():
        for t in ts:
            indegree[t] += 1

    def key(i: str) -> tuple[int, int, str]:
        return PHASE_ORDER[ids[i].phase], ctx.cat.rank(i), i

    heap = [key(i) for i, n in indegree.items() if n == 0]
    heapq.heapify(heap)
    out: list[Planned] = []
    while heap:
        *_, i = heapq.heappop(heap)
        out.append(ids[i])
        for t in sorted(edges[i]):
            indegree[t] -= 1
            if indegree[t] == 0:
                heapq.heappush(heap, key(t))
    if len(out) != len(ids):
        return sorted(planned, key=lambda p: key(p.exercise.id))
    return out
