"""The causes of a difference between two prescriptions: the rules responsible, the edits.

The rules responsible for a difference are its related rules that fired differently (fired in
one document only, matched other facts, or were reworded); failing those, the changed rules whose
conclusions touch its exercise; failing those, its related rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..assessment.edits import Move
from ..assessment.prescription import CLINICIAN, Prescription
from ..clinical.catalogue import Catalogue, Selector
from .differences import difference
from .models import Difference


class Causes:
    """The two documents' traces and rules, read once, to name the causes of each difference."""

    def __init__(self, before: Prescription, after: Prescription, cat: Catalogue | None) -> None:
        self.b, self.a, self.cat = before, after, cat
        self.out: list[Difference] = []
        self.order = {e.rule: i for i, e in enumerate(after.trace)}
        for i, e in enumerate(before.trace):
            self.order.setdefault(e.rule, len(after.trace) + i)
        tb: dict[str, list[Any]] = {}
        ta: dict[str, list[Any]] = {}
        for entry in before.trace:
            tb.setdefault(entry.rule, []).append(entry)
        for entry in after.trace:
            ta.setdefault(entry.rule, []).append(entry)
        self.tb, self.ta = tb, ta
        self.fired = [r for r in ta if r not in tb]
        self.unfired = [r for r in tb if r not in ta]
        self.matched = [
            r
            for r in ta
            if r in tb
            and [(e.matched, e.conclusions) for e in ta[r]]
            != [(e.matched, e.conclusions) for e in tb[r]]
        ]
        info_b = {r.id: r for r in before.rules}
        info_a = {r.id: r for r in after.rules}
        self.reworded = [r for r in info_a if r in info_b and info_a[r] != info_b[r]]
        self.changed = set(self.fired) | set(self.unfired) | set(self.matched) | set(self.reworded)

    # -- the rules responsible --

    def rules(self, ids: Iterable[str]) -> list[str]:
        return sorted(set(ids), key=lambda r: (self.order.get(r, 1 << 30), r))

    def responsible(self, related: Iterable[str], exercise: str | None = None) -> list[str]:
        rel = set(related)
        hit = rel & self.changed
        if hit:
            return self.rules(hit)
        if exercise is not None:
            touching = {r for r in self.changed if self._touches(r, exercise)}
            if touching:
                return self.rules(touching)
        return self.rules(rel)

    def _touches(self, rule: str, exercise: str) -> bool:
        entries = self.ta.get(rule, []) + self.tb.get(rule, [])
        for entry in entries:
            for c in entry.conclusions:
                if getattr(c, "exercise", None) == exercise:
                    return True
                if c.kind in ("schedule", "limit", "refer"):
                    return True
                sels = [c] if isinstance(c, Selector) else []
                sels += [s for s in (getattr(c, "first", None), getattr(c, "then", None)) if s]
                if any(self._selects(s, exercise) for s in sels):
                    return True
        return False

    def _selects(self, sel: Selector, exercise: str) -> bool:
        if self.cat is not None and exercise in self.cat:
            return sel.matches(self.cat[exercise])
        item = next(
            (i for _, i in [*self.a.items(), *self.b.items()] if i.exercise == exercise), None
        )
        if sel.exercise is not None:
            return sel.exercise == exercise
        if item is None:
            return sel.tag is not None
        return (sel.pattern is None or sel.pattern is item.pattern) and (
            sel.loaded is None or sel.loaded is item.loaded
        )

    def add(self, *args: Any, **kw: Any) -> None:
        """A difference; `clinician` among its causes is the clinician's edits, never a rule."""
        because = list(kw.pop("because", ()))
        if CLINICIAN in because and "edits" not in kw:
            kw["edits"] = self._edits_about(str(args[1]))
        kw["because"] = [r for r in because if r != CLINICIAN]
        self.out.append(difference(*args, **kw))

    def _edits(self) -> list[tuple[str, Any]]:
        """Every clinician's edit of either document, named as the difference names it."""
        out = []
        for label, p in (("earlier ", self.b), ("", self.a)):
            if p.adjustments is None:
                continue
            for n, applied in enumerate(p.adjustments.edits):
                name = f"{label}edits[{n}] ({p.adjustments.clinician}): {applied.summary}"
                out.append((f"{name}: {applied.edit.reason}", applied.edit))
        return out

    def _edits_about(self, *exercises: str) -> list[str]:
        """The edits naming one of the exercises (all of them when none does: the week)."""
        every = self._edits()
        named = [
            t
            for t, e in every
            if {getattr(e, "exercise", None), getattr(e, "to", None)} & set(exercises)
        ]
        return named or [t for t, _ in every]

    def _moves(self, days_before: set[str], days_after: set[str]) -> list[str]:
        """The clinician's moves of a session from a day the item left to one it came to."""
        return [
            t
            for t, e in self._edits()
            if isinstance(e, Move)
            and {e.day.value, e.to.value} & days_before - days_after
            and {e.day.value, e.to.value} & days_after - days_before
        ]
