"""The program-wide parts of two prescriptions compared, from the status to the scores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..assessment.prescription import CLINICIAN
from .differences import fmt
from .item_diffs import ItemDiffs, item_rules
from .models import DifferenceKind
from .outcomes import load_level


# After the items, not beside them: an exclusion of an exercise the items reported as added or
# removed (`reported`) is not reported again.
class ProgramDiffs(ItemDiffs):
    """Status, referral, load level, week, limitations, flags, precautions, exclusions, coverage
    and scores."""

    def _global_rules(self) -> list[str]:
        b, a = self.b, self.a
        related = [r for x in (b, a) for lim in x.limitations for r in lim.because]
        related += [
            r for x in (b, a) if x.referral for rr in x.referral.reasons for r in rr.because
        ]
        return self.responsible(related)

    def _status(self) -> None:
        b, a = self.b, self.a
        if b.status != a.status:
            self.add(
                "status", "status", f"status {b.status} → {a.status}", b.status, a.status,
                because=self._global_rules(),
            )  # fmt: skip
        rb = b.referral.model_dump(mode="json") if b.referral else None
        ra = a.referral.model_dump(mode="json") if a.referral else None
        if rb != ra:
            ub = b.referral.urgency.value if b.referral else "none"
            ua = a.referral.urgency.value if a.referral else "none"
            reasons = a.referral.reasons if a.referral else b.referral.reasons if b.referral else []
            text = (
                f"referral {ub} → {ua}"
                if ub != ua
                else "referral reasons changed: " + "; ".join(r.reason for r in reasons)
            )
            rel = [r for x in (b, a) if x.referral for rr in x.referral.reasons for r in rr.because]
            self.add("referral", "referral", text, rb, ra, because=self.responsible(rel))
        lb, la = load_level(b), load_level(a)
        if lb != la:
            setters = [*b.load_level.because, *a.load_level.because]
            self.add(
                "load_level", "load_level", f"load level {fmt(lb)} → {fmt(la)}", lb, la,
                because=self.responsible(setters),
            )  # fmt: skip

    def _program(self) -> None:
        b, a = self.b, self.a
        wb = b.schedule.model_dump(mode="json", exclude={"because"}) if b.schedule else None
        wa = a.schedule.model_dump(mode="json", exclude={"because"}) if a.schedule else None
        if wb != wa:
            parts = []
            for f in ("intense_sessions", "light_sessions", "recovery_hours", "gaps_hours"):
                vb = wb.get(f) if wb else None
                va = wa.get(f) if wa else None
                if vb != va:
                    parts.append(f"{f.replace('_', ' ')} {fmt(vb)} → {fmt(va)}")
            rel = [
                *(b.schedule.because if b.schedule else []),
                *(a.schedule.because if a.schedule else []),
            ]
            self.add(
                "schedule",
                "week",
                "week: " + ", ".join(parts),
                wb,
                wa,
                because=self.responsible(rel),
            )
        self._keyed(
            "limitation",
            b.limitations,
            a.limitations,
            lambda x: (x.reason, x.limited_to),
            lambda x: f"limited: {x.reason} (to {x.limited_to})",
        )
        self._keyed(
            "flag",
            b.flags,
            a.flags,
            lambda x: (x.code.value, x.message),
            lambda x: f"[{x.indicator.value}] {x.message}",
        )
        self._keyed(
            "precaution",
            b.precautions,
            a.precautions,
            lambda x: (x.topic.value, x.do, x.dont, x.urgent),
            lambda x: f"{x.topic.value}: " + " / ".join(t for t in (x.do, x.dont) if t),
        )
        xb = {x.exercise: x for x in b.excluded}
        xa = {x.exercise: x for x in a.excluded}
        for ex in sorted(set(xb) | set(xa)):
            if ex in self.reported or xb.get(ex) == xa.get(ex):
                continue
            eb, ea = xb.get(ex), xa.get(ex)
            name = (ea or eb).name  # type: ignore[union-attr]
            was = eb.reason if eb else "not considered"
            now = ea.reason if ea else "not considered"
            text = f"{name}: {was} → {now}"
            rel = [*(eb.because if eb else []), *(ea.because if ea else [])]
            self.add("excluded", ex, text, eb, ea, because=self.responsible(rel, ex))
        cb = {c.plane: c for c in b.coverage}
        ca = {c.plane: c for c in a.coverage}
        for plane in sorted(set(cb) | set(ca)):
            if cb.get(plane) != ca.get(plane):
                vb, va = cb.get(plane), ca.get(plane)
                text = f"{plane.replace('_', ' ')}: {_coverage(vb)} → {_coverage(va)}"
                by = {e for c in (vb, va) if c is not None for e in c.by}
                rel = [
                    r
                    for x in (b, a)
                    for _, i in x.items()
                    if i.exercise in by
                    for r in item_rules(i)
                ]
                changed = {e for c in (vb, va) if c is not None for e in c.by} - (
                    set(vb.by) & set(va.by) if vb is not None and va is not None else set()
                )
                because = self.responsible(rel)
                edits = self._edits_about(*changed) if CLINICIAN in because else []
                self.add("coverage", plane, text, vb, va, because=because, edits=edits)
        sb = b.scores.model_dump(mode="json")
        sa = a.scores.model_dump(mode="json")
        for name in sorted(set(sb) | set(sa)):
            vb, va = sb.get(name), sa.get(name)
            if vb != va:
                keys = sorted(set(vb or {}) | set(va or {}))
                parts = [
                    f"{k} {fmt((vb or {}).get(k))} → {fmt((va or {}).get(k))}"
                    for k in keys
                    if (vb or {}).get(k) != (va or {}).get(k)
                ]
                self.add("score", name, f"{name}: " + ", ".join(parts), vb, va)

    def _keyed(
        self,
        kind: DifferenceKind,
        before: Sequence[Any],
        after: Sequence[Any],
        key: Any,
        text: Any,
    ) -> None:
        kb = {key(x): x for x in before}
        ka = {key(x): x for x in after}
        for k, x in ka.items():
            if k not in kb:
                self.add(kind, k[0], "new " + text(x), None, x, because=self.responsible(x.because))
        for k, x in kb.items():
            if k not in ka:
                self.add(
                    kind, k[0], "gone: " + text(x), x, None, because=self.responsible(x.because)
                )


def _coverage(c: Any) -> str:
    if c is None:
        return "-"
    return ("covered by " + ", ".join(c.by)) if c.covered else f"not covered ({c.note})"
