"""Order within a session: the phase-by-phase sort agrees with a plain topological sort."""

from __future__ import annotations

import heapq
import random

from backexpert import assessment
from backexpert.assessment.context import Context, Planned
from backexpert.assessment.order import ordered
from backexpert.assessment.prescription import Substitution
from backexpert.clinical.words import PHASE_ORDER, Phase, SessionKind
from backexpert.knowledge.explanation import Inference

RULES = assessment.rule_base()


def _reference(ctx: Context, planned: list[Planned]) -> list[Planned]:
    """Kahn's algorithm over every before edge and an edge between every two phases."""
    ids = {p.exercise.id: p for p in planned}

    def replaces(p: Planned, wanted: frozenset[str]) -> bool:
        sub = p.substitutes_for
        return p.exercise.id in wanted or (sub is not None and sub.exercise in wanted)

    edges: dict[str, set[str]] = {i: set() for i in ids}
    for first_ids, then_ids in ctx.befores:
        for f in [i for i, p in ids.items() if replaces(p, first_ids)]:
            for t in [i for i in ids if i in then_ids]:
                if f != t and PHASE_ORDER[ids[f].phase] >= PHASE_ORDER[ids[t].phase]:
                    edges[f].add(t)
    for a in ids.values():
        for b in ids.values():
            if PHASE_ORDER[a.phase] < PHASE_ORDER[b.phase]:
                edges[a.exercise.id].add(b.exercise.id)
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
        for t in edges[i]:
            indegree[t] -= 1
            if indegree[t] == 0:
                heapq.heappush(heap, key(t))
    if len(out) != len(ids):
        return sorted(planned, key=lambda p: key(p.exercise.id))
    return out


def test_order_agrees_with_a_plain_topological_sort() -> None:
    rng = random.Random(7)
    cat = RULES.catalogue
    exercises = list(cat)
    ctx = Context(RULES.rulebook, cat, {}, Inference((), ()))
    for _ in range(2_000):
        chosen = rng.sample(exercises, rng.randint(0, 12))
        planned = [
            Planned(
                e,
                rng.choice(list(Phase)),
                {SessionKind.intense},
                [],
                Substitution(exercise=rng.choice(exercises).id, name="x", reason="x", because=[])
                if rng.random() < 0.2
                else None,
            )
            for e in chosen
        ]
        pool = [e.id for e in chosen] + [rng.choice(exercises).id for _ in range(3)]
        ctx.befores = [
            (
                frozenset(rng.sample(pool, rng.randint(1, 3))),
                frozenset(rng.sample(pool, rng.randint(1, 3))),
            )
            for _ in range(rng.randint(0, 5))
        ]
        assert [id(p) for p in ordered(ctx, planned)] == [id(p) for p in _reference(ctx, planned)]
