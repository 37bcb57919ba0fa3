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

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field, JsonValue

from ..assessment.edits import Move
from ..assessment.prescription import CLINICIAN, Item, Prescription
from ..clinical.catalogue import Catalogue, Selector
from ..model import Model
from .models import Difference, DifferenceKind, PrescriptionDiff, Side

IGNORED = frozenset({"backexpert", "rulebook", "rulebook_shipped"})
DOSE_FIELDS = ("sets", "reps", "hold_s", "per_side", "tempo", "effort", "rest_s")
KIND_ORDER: dict[str, int] = {
    k: i
    for i, k in enumerate(
        (
            "withheld",
            "status",
            "referral",
            "load_level",
            "exercise_added",
            "exercise_removed",
            "dose",
            "day",
            "order",
            "phase",
            "substitution",
            "schedule",
            "limitation",
            "flag",
            "precaution",
            "excluded",
            "coverage",
            "score",
            "item_explanation",
            "rule_fired",
            "rule_unfired",
            "rule_matched",
            "rule_text",
            "fact",
            "other",
        )
    )
}
PROGRAM_KINDS = frozenset(
    {"status", "referral", "withheld", "load_level", "exercise_added", "exercise_removed"}
    | {"dose", "day", "order", "phase", "substitution", "schedule", "limitation"}
)
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


class Withheld(Model):
    """A prescription the safety monitor withheld: the invariants it broke, and the rules
    that fired (in rulebook order) for the program it withheld."""

    rulebook: str
    violations: list[str]
    fired: list[str] = Field(default_factory=list)


Outcome = Prescription | Withheld


def load_level(p: Outcome) -> JsonValue:
    """The prescription's spinal load level (none, low, moderate, full); None when withheld."""
    if isinstance(p, Withheld):
        return None
    return p.load_level.level.value


def side(p: Outcome) -> Side:
    """One prescription in brief."""
    if isinstance(p, Withheld):
        return Side(status="withheld", rulebook=p.rulebook, withheld=list(p.violations))
    return Side(
        status=p.status,
        rulebook=p.rulebook,
        referral=p.referral.urgency.value if p.referral else None,
        load_level=load_level(p),
        exercises=sorted({i.exercise for _, i in p.items()}),
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
        out.append(_d("withheld", "prescription", text, b, a))
    fb = _fired(before)
    fa = _fired(after)
    fired = [r for r in fa if r not in fb]
    unfired = [r for r in fb if r not in fa]
    because = [*fired, *unfired]
    out = [d.model_copy(update={"because": because}) for d in out]
    sb, sa = side(before), side(after)
    if sb.status != sa.status:
        text = f"status {sb.status} → {sa.status}"
        out.append(_d("status", "status", text, sb.status, sa.status, because=because))
    for r in fired:
        out.append(_d("rule_fired", r, f"{r} now fires", None, r, because=[r]))
    for r in unfired:
        out.append(_d("rule_unfired", r, f"{r} no longer fires", r, None, because=[r]))
    return PrescriptionDiff(
        before=sb, after=sa, differences=_sorted(out), rules_fired=fired, rules_unfired=unfired
    )


def _fired(p: Outcome) -> list[str]:
    if isinstance(p, Withheld):
        return list(p.fired)
    return list(dict.fromkeys(t.rule for t in p.trace))


def _d(
    kind: DifferenceKind,
    subject: str,
    text: str,
    before: Any = None,
    after: Any = None,
    where: Iterable[str] = (),
    because: Iterable[str] = (),
    edits: Iterable[str] = (),
) -> Difference:
    return Difference(
        kind=kind,
        subject=subject,
        text=text,
        before=_json(before),
        after=_json(after),
        where=list(where),
        because=list(because),
        edits=list(edits),
    )


def _json(value: Any) -> JsonValue:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return getattr(value, "value", value)  # type: ignore[no-any-return]


def _sorted(diffs: list[Difference]) -> list[Difference]:
    return sorted(diffs, key=lambda d: KIND_ORDER.get(d.kind, len(KIND_ORDER)))


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    return str(getattr(value, "value", value))


Placed = dict[str, dict[str, tuple[int, Item]]]  # exercise → where → (position, item)


def _placements(p: Prescription) -> Placed:
    out: Placed = {}
    for s in p.sessions:
        for pos, i in enumerate(s.items):
            out.setdefault(i.exercise, {})[s.day.value] = (pos, i)
    for pos, i in enumerate(p.daily):
        out.setdefault(i.exercise, {})["daily"] = (pos, i)
    return out


def _item_rules(item: Item) -> list[str]:
    rules = [*item.because, *(a.rule for a in item.adjustments)]
    if item.substitutes_for is not None:
        rules += item.substitutes_for.because
    return rules


class _Comparison:
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

    # -- the comparison --

    def run(self) -> PrescriptionDiff:
        self._status()
        self._items()
        self._program()
        self._explanation()
        self._others()
        return PrescriptionDiff(
            before=side(self.b),
            after=side(self.a),
            differences=_sorted(self.out),
            rules_fired=self.rules(self.fired),
            rules_unfired=self.rules(self.unfired),
        )

    def add(self, *args: Any, **kw: Any) -> None:
        """A difference; `clinician` among its causes is the clinician's edits, never a rule."""
        because = list(kw.pop("because", ()))
        if CLINICIAN in because and "edits" not in kw:
            kw["edits"] = self._edits_about(str(args[1]))
        kw["because"] = [r for r in because if r != CLINICIAN]
        self.out.append(_d(*args, **kw))

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
                "load_level", "load_level", f"load level {_fmt(lb)} → {_fmt(la)}", lb, la,
                because=self.responsible(setters),
            )  # fmt: skip

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
            rel = [r for _, i in places.values() for r in _item_rules(i)]
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
            rel = [r for _, i in places.values() for r in _item_rules(i)]
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
        own = [r for places in (before, after) for _, i in places.values() for r in _item_rules(i)]
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
                text = ", ".join(f"{f} {_fmt(fb[f])} → {_fmt(fa[f])}" for f in fb)
                note("dose", text, fb, fa, where, adj)
            if ib.phase != ia.phase:
                text = f"phase {ib.phase.value} → {ia.phase.value}"
                note("phase", text, ib.phase.value, ia.phase.value, where, [])
            sb = ib.substitutes_for.exercise if ib.substitutes_for else None
            sa = ia.substitutes_for.exercise if ia.substitutes_for else None
            if sb != sa:
                note("substitution", f"stands in for {_fmt(sb)} → {_fmt(sa)}", sb, sa, where, [])
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
                    parts.append(f"{f.replace('_', ' ')} {_fmt(vb)} → {_fmt(va)}")
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
                    for r in _item_rules(i)
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
                    f"{k} {_fmt((vb or {}).get(k))} → {_fmt((va or {}).get(k))}"
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
                self.add(
                    "fact", f, f"{f}: {_fmt(vb)} → {_fmt(va)}", vb, va, because=self.rules(rel)
                )

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


def _coverage(c: Any) -> str:
    if c is None:
        return "-"
    return ("covered by " + ", ".join(c.by)) if c.covered else f"not covered ({c.note})"


def _matched(matched: list[dict[str, Any]]) -> str:
    parts = [", ".join(f"{k}={_fmt(v)}" for k, v in m.items()) or "always" for m in matched]
    return "; ".join(parts)


def program_changed(diff: PrescriptionDiff) -> bool:
    """Whether the program itself differs (not only its explanation)."""
    return any(d.kind in PROGRAM_KINDS for d in diff.differences)
