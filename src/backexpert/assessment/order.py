"""Order within a session: priming before loading, then the rules' before/after constraints.

Order comes from data, never from firing order: items go by phase (priming → main → accessory),
then by every `before` constraint whose `first` is prescribed (a stand-in counts as the exercise
it replaces), ties broken by catalogue order. Constraints in a cycle fall back to phase and
catalogue order.
"""

from __future__ import annotations

import heapq
import itertools

from ..clinical.words import PHASE_ORDER
from .context import Context, Planned


def ordered(ctx: Context, planned: list[Planned]) -> list[Planned]:
    """Topological order: phase first, then before/after constraints, then catalogue order."""
    ids = {p.exercise.id: p for p in planned}
    keys = {i: (PHASE_ORDER[p.phase], ctx.cat.rank(i), i) for i, p in ids.items()}

    def fallback() -> list[Planned]:
        return sorted(planned, key=lambda p: keys[p.exercise.id])

    edges: dict[str, set[str]] = {}
    for first_ids, then_ids in ctx.befores:
        thens = [i for i in ids if i in then_ids]
        if not thens:
            continue
        for f, p in ids.items():
            if not p.is_or_replaces(first_ids):
                continue
            for t in thens:
                if f == t or keys[f][0] < keys[t][0]:
                    continue
                if keys[f][0] > keys[t][0]:
                    # A later phase before an earlier one is a cycle with the phase order.
                    return fallback()
                edges.setdefault(f, set()).add(t)
    in_order = sorted(keys.values())
    if not edges:
        return [ids[i] for *_, i in in_order]
    indegree = dict.fromkeys(ids, 0)
    for ts in edges.values():
        for t in ts:
            indegree[t] += 1
    # Every item of a phase follows every item of the phases before it, and the constraints
    # left join items of one phase: Kahn's algorithm phase by phase.
    out: list[Planned] = []
    for _, group in itertools.groupby(in_order, key=lambda k: k[0]):
        heap = [k for k in group if indegree[k[2]] == 0]
        heapq.heapify(heap)
        while heap:
            *_, i = heapq.heappop(heap)
            out.append(ids[i])
            for t in edges.get(i, ()):
                indegree[t] -= 1
                if indegree[t] == 0:
                    heapq.heappush(heap, keys[t])
    if len(out) != len(ids):
        return fallback()
    return out
