"""Change sets: the fact values to change, each with the rules the change fires or lifts.

An *alternative* is one change set and its rules; the alternatives of a search step are combined
(one from each group, conflicting ones dropped) and kept smallest first.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from ..knowledge.vocabulary import FactValue

MAX_ALTERNATIVES = 24  # per search node, smallest first

Changes = dict[str, FactValue | None]
Alternative = tuple[Changes, tuple[str, ...]]  # fact changes, and the rules they fire or lift


def merge(a: Changes, b: Changes) -> Changes | None:
    out = dict(a)
    for k, v in b.items():
        if k in out and (out[k] != v or type(out[k]) is not type(v)):
            return None
        out[k] = v
    return out


def product(groups: Sequence[Sequence[Alternative]]) -> list[Alternative]:
    """Every combination (one alternative per group), merged; conflicting ones dropped."""
    out: list[Alternative] = [({}, ())]
    for group in groups:
        nxt: list[Alternative] = []
        for (c1, r1), (c2, r2) in itertools.product(out, group):
            merged = merge(c1, c2)
            if merged is not None:
                nxt.append((merged, tuple(dict.fromkeys((*r1, *r2)))))
        out = smallest(nxt)
    return out


def smallest(alts: Iterable[Alternative]) -> list[Alternative]:
    unique: dict[str, Alternative] = {}
    for c, r in alts:
        unique.setdefault(repr(sorted(c.items(), key=repr)), (c, r))
    # Stable: among alternatives of one size, the order they came in (nearest values first).
    ranked = sorted(unique.values(), key=lambda a: len(a[0]))
    return ranked[:MAX_ALTERNATIVES]
