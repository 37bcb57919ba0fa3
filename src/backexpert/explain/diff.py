"""Two prescriptions compared: what differs, and the rules responsible.

It reads the two documents only (each carries its own trace, rules and facts), so a stored
prescription from years ago compares with today's. A side may be `Withheld`: the safety
monitor stopped it, which is itself the most important difference.

Items are matched by exercise: added, removed, and for the ones in both, the days they are on,
their dose (per day), their order among the items both share, their phase, what they stand in
for, and their explanation. Then the program-wide parts (status, referral, load level, week,
limitations, flags, precautions, exclusions, coverage, scores), the facts, and the rules that
fired in one and not the other (or matched other facts, or were reworded). The rules
responsible for a difference are the item's own rules (its `because`, its `adjustments`, what it
stands in for) that fired differently; failing those, the changed rules whose conclusions touch
the exercise; failing those, its own rules. Any other field that differs is reported as
`other`, so two documents that differ in anything but the rulebook hash never compare empty.
"""

from __future__ import annotations

from typing import Any

from ..assessment.prescription import Prescription
from ..clinical.catalogue import Catalogue
from .differences import difference, fmt, most_important_first
from .models import Difference, PrescriptionDiff
from .outcomes import Outcome, Withheld, fired_rules, side
from .program_diffs import ProgramDiffs

IGNORED = frozenset({"backexpert", "rulebook", "rulebook_shipped"})
_HANDLED = frozenset(
    {
        "client",
        "status",
        "referral",
        "limitations",
        "scores",
        "schedule",
        "sessions",
        "daily",
        "excluded",
        "flags",
        "precautions",
        "coverage",
        "facts",
        "trace",
        "rules",
        "derivations",
        "load_level",
    }
)


def compare(
    before: Outcome, after: Outcome, catalogue: Catalogue | None = None
) -> PrescriptionDiff:
    """What differs between two prescriptions, each difference with the rules responsible."""
    if isinstance(before, Withheld) or isinstance(after, Withheld):
        return _withheld(before, after)
    return _Comparison(before, after, catalogue).run()


def _withheld(before: Outcome, after: Outcome) -> PrescriptionDiff:
    out: list[Difference] = []
    b = before.violations if isinstance(before, Withheld) else None
    a = after.violations if isinstance(after, Withheld) else None
    if b != a:
        if a is not None:
            text = "withheld by the safety monitor: " + "; ".join(a)
        else:
            text = "no longer withheld by the safety monitor"
        out.append(difference("withheld", "prescription", text, b, a))
    fb = fired_rules(before)
    fa = fired_rules(after)
    fired = [r for r in fa if r not in fb]
    unfired = [r for r in fb if r not in fa]
    because = [*fired, *unfired]
    out = [d.model_copy(update={"because": because}) for d in out]
    sb, sa = side(before), side(after)
    if sb.status != sa.status:
        text = f"status {sb.status} → {sa.status}"
        out.append(difference("status", "status", text, sb.status, sa.status, because=because))
    for r in fired:
        out.append(difference("rule_fired", r, f"{r} now fires", None, r, because=[r]))
    for r in unfired:
        out.append(difference("rule_unfired", r, f"{r} no longer fires", r, None, because=[r]))
    return PrescriptionDiff(
        before=sb,
        after=sa,
        differences=most_important_first(out),
        rules_fired=fired,
        rules_unfired=unfired,
    )


class _Comparison(ProgramDiffs):
    """The items, the program-wide parts, the explanation, then any other field."""

    def run(self) -> PrescriptionDiff:
        self._status()
        self._items()
        self._program()
        self._explanation()
        self._others()
        return PrescriptionDiff(
            before=side(self.b),
            after=side(self.a),
            differences=most_important_first(self.out),
            rules_fired=self.rules(self.fired),
            rules_unfired=self.rules(self.unfired),
        )

    def _explanation(self) -> None:
        for r in self.fired:
            matched = [e.matched for e in self.ta[r]]
            self.add(
                "rule_fired", r, f"{r} now fires ({_matched(matched)})", None, matched, because=[r]
            )
        for r in self.unfired:
            matched = [e.matched for e in self.tb[r]]
            self.add(
                "rule_unfired",
                r,
                f"{r} no longer fires (it matched {_matched(matched)})",
                matched,
                None,
                because=[r],
            )
        for r in self.matched:
            mb = [e.matched for e in self.tb[r]]
            ma = [e.matched for e in self.ta[r]]
            self.add(
                "rule_matched",
                r,
                f"{r} fires on other facts: {_matched(mb)} → {_matched(ma)}",
                mb,
                ma,
                because=[r],
            )
        for r in self.reworded:
            self.add(
                "rule_text",
                r,
                f"{r} is reworded (rationale, source, area or file)",
                self.b.rule(r),
                self.a.rule(r),
                because=[r],
            )
        fb, fa = self.b.facts, self.a.facts
        derived_by: dict[str, list[str]] = {}
        for d in [*self.b.derivations, *self.a.derivations]:
            derived_by.setdefault(d.fact, []).append(d.rule)
        for f in sorted(set(fb) | set(fa)):
            vb, va = fb.get(f), fa.get(f)
            if vb != va or type(vb) is not type(va):
                rel = derived_by.get(f, [])
                self.add("fact", f, f"{f}: {fmt(vb)} → {fmt(va)}", vb, va, because=self.rules(rel))

    def _others(self) -> None:
        db = self.b.model_dump(mode="json")
        da = self.a.model_dump(mode="json")
        for field in sorted(set(db) | set(da)):
            if field in IGNORED or db.get(field) == da.get(field):
                continue
            if field in _HANDLED and self.out:
                continue
            if field == "adjustments":
                edits = [t for t, _ in self._edits()]
                text = f"the clinician's edits: {_adjusted(self.b)} → {_adjusted(self.a)}"
                self.add("other", field, text, db.get(field), da.get(field), edits=edits)
                continue
            self.add("other", field, f"{field} differs", db.get(field), da.get(field))


def _adjusted(p: Prescription) -> str:
    if p.adjustments is None:
        return "none (the program as the rules made it)"
    return f"{len(p.adjustments.edits)} by {p.adjustments.clinician}"


def _matched(matched: list[dict[str, Any]]) -> str:
    parts = [", ".join(f"{k}={fmt(v)}" for k, v in m.items()) or "always" for m in matched]
    return "; ".join(parts)
