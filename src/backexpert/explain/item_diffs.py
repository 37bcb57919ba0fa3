"""Items compared by exercise: added, removed, and for the ones in both, how they differ."""

from __future__ import annotations

from typing import Any

from ..assessment.prescription import Item, Prescription
from .causes import Causes
from .differences import fmt
from .models import DifferenceKind

DOSE_FIELDS = ("sets", "reps", "hold_s", "per_side", "tempo", "effort", "rest_s")

Placed = dict[str, dict[str, tuple[int, Item]]]  # exercise → where → (position, item)


def _placements(p: Prescription) -> Placed:
    out: Placed = {}
    for s in p.sessions:
        for pos, i in enumerate(s.items):
            out.setdefault(i.exercise, {})[s.day.value] = (pos, i)
    for pos, i in enumerate(p.daily):
        out.setdefault(i.exercise, {})["daily"] = (pos, i)
    return out


def item_rules(item: Item) -> list[str]:
    rules = [*item.because, *(a.rule for a in item.adjustments)]
    if item.substitutes_for is not None:
        rules += item.substitutes_for.because
    return rules


class ItemDiffs(Causes):
    """The items' days, dose, order among the items both share, phase, stand-in and explanation."""

    def _items(self) -> None:
        pb, pa = _placements(self.b), _placements(self.a)
        excluded_a = {x.exercise: x for x in self.a.excluded}
        excluded_b = {x.exercise: x for x in self.b.excluded}
        self.reported: set[str] = set()
        for ex, places in pa.items():
            if ex in pb:
                continue
            item = next(iter(places.values()))[1]
            where = list(places)
            text = f"{item.name} added ({', '.join(where)})"
            if ex in excluded_b:
                text += f"; before: {excluded_b[ex].reason}"
            rel = [r for _, i in places.values() for r in item_rules(i)]
            rel += excluded_b[ex].because if ex in excluded_b else []
            self.add(
                "exercise_added", ex, text, None, where, where=where,
                because=self.responsible(rel, ex),
            )  # fmt: skip
            self.reported.add(ex)
        for ex, places in pb.items():
            if ex in pa:
                continue
            item = next(iter(places.values()))[1]
            where = list(places)
            text = f"{item.name} removed ({', '.join(where)})"
            rel = [r for _, i in places.values() for r in item_rules(i)]
            if ex in excluded_a:
                text += f": {excluded_a[ex].reason}"
                rel += excluded_a[ex].because
            self.add(
                "exercise_removed", ex, text, where, None, where=where,
                because=self.responsible(rel, ex),
            )  # fmt: skip
            self.reported.add(ex)
        for ex in [e for e in pb if e in pa]:
            self._item(ex, pb, pa)

    def _item(self, ex: str, pb: Placed, pa: Placed) -> None:
        before, after = pb[ex], pa[ex]
        name = next(iter(after.values()))[1].name
        own = [r for places in (before, after) for _, i in places.values() for r in item_rules(i)]
        if set(before) != set(after):
            week = [*(self.b.schedule.because if self.b.schedule else [])]
            week += self.a.schedule.because if self.a.schedule else []
            self.add(
                "day", ex, f"{name}: {', '.join(before)} → {', '.join(after)}",
                list(before), list(after), because=self.responsible([*own, *week], ex),
                edits=self._moves(set(before), set(after)),
            )  # fmt: skip
        # Changes on several days that are the same change are one difference.
        grouped: dict[str, tuple[DifferenceKind, str, Any, Any, list[str], list[str]]] = {}

        def note(
            kind: DifferenceKind, text: str, b: Any, a: Any, where: str, rel: list[str]
        ) -> None:
            key = repr((kind, text, b, a))
            grouped.setdefault(key, (kind, text, b, a, [], []))
            grouped[key][4].append(where)
            grouped[key][5].extend(rel)

        for where in [w for w in after if w in before]:
            ib, ia = before[where][1], after[where][1]
            fb = {f: getattr(ib, f) for f in DOSE_FIELDS if getattr(ib, f) != getattr(ia, f)}
            if fb:
                fa = {f: getattr(ia, f) for f in fb}
                adj = [a.rule for i in (ib, ia) for a in i.adjustments if a.field in fb]
                text = ", ".join(f"{f} {fmt(fb[f])} → {fmt(fa[f])}" for f in fb)
                note("dose", text, fb, fa, where, adj)
            if ib.phase != ia.phase:
                text = f"phase {ib.phase.value} → {ia.phase.value}"
                note("phase", text, ib.phase.value, ia.phase.value, where, [])
            sb = ib.substitutes_for.exercise if ib.substitutes_for else None
            sa = ia.substitutes_for.exercise if ia.substitutes_for else None
            if sb != sa:
                note("substitution", f"stands in for {fmt(sb)} → {fmt(sa)}", sb, sa, where, [])
            elif not fb and (ib.because, ib.adjustments, ib.substitutes_for) != (
                ia.because,
                ia.adjustments,
                ia.substitutes_for,
            ):
                note(
                    "item_explanation",
                    "explained by other rules",
                    ib.because,
                    ia.because,
                    where,
                    [],
                )
            self._order(ex, name, where)
        for kind, text, b, a, wheres, rel in grouped.values():
            self.add(
                kind, ex, f"{name}: {text} ({', '.join(wheres)})", b, a, where=wheres,
                because=self.responsible([*rel, *own], ex),
            )  # fmt: skip

    def _order(self, ex: str, name: str, where: str) -> None:
        shared_b = self._shared_order(self.b, self.a, where)
        shared_a = self._shared_order(self.a, self.b, where)
        if ex in shared_b and ex in shared_a and shared_b.index(ex) != shared_a.index(ex):
            rb, ra = shared_b.index(ex) + 1, shared_a.index(ex) + 1
            befores = [e.rule for t in (self.tb, self.ta) for es in t.values() for e in es]
            rel = [
                r
                for r in befores
                if any(c.kind == "before" for e in [*self.tb.get(r, []), *self.ta.get(r, [])]
                       for c in e.conclusions)
            ]  # fmt: skip
            self.add(
                "order", ex, f"{name}: position {rb} → {ra} among the items both share ({where})",
                rb, ra, where=[where], because=self.responsible(rel, ex),
            )  # fmt: skip

    def _shared_order(self, p: Prescription, other: Prescription, where: str) -> list[str]:
        def seq(x: Prescription) -> list[str]:
            if where == "daily":
                return [i.exercise for i in x.daily]
            for s in x.sessions:
                if s.day.value == where:
                    return [i.exercise for i in s.items]
            return []

        mine = seq(p)
        theirs = set(seq(other))
        return [e for e in mine if e in theirs]
