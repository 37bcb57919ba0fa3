"""Reasons: each rule behind a decision, with the client's facts that made it fire.

A reason is a rule of the document's trace and the client's facts it matched; a derived fact
(concluded by a rule, not given in the intake) carries the facts it was concluded from. A report
explains each rule once, the first time it cites it, and points back to there afterwards.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import BaseModel, ConfigDict

from ..assessment.prescription import CLINICIAN, Item, Prescription
from ..knowledge.explanation import RuleInfo
from ..knowledge.rules import Derive
from ..knowledge.vocabulary import FactValue
from . import wording as words


class View(BaseModel):
    """A part of a prescription's view: every model the view shows derives from it."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FactNote(View):
    """One fact in plain words, and for a derived fact the facts it was concluded from."""

    name: str
    value: FactValue
    text: str
    derived: bool
    basis: list[str]


class Why(View):
    """One reason for an item: a rule and the client's facts that made it fire."""

    rule: RuleInfo
    facts: list[FactNote]


class Reason(View):
    """One rule behind a decision, explained once: its first sentence and the client's facts.

    A rule explained earlier in the report says where (`see`); a rule that fires for every
    client (`always`) is explained once, in the report's "Always part of the program" list.
    """

    rule: RuleInfo
    text: str
    client: str
    always: bool
    see: str


class ReasonsView:
    """The document's rules and facts in words; `reasons` explains each rule once."""

    prescription: Prescription
    _rules: dict[str, RuleInfo]

    def rule(self, rule_id: str) -> RuleInfo:
        """A cited rule as the document records it (unknown: its id alone)."""
        found = self._rules.get(rule_id)
        return found if found is not None else self.prescription.rule(rule_id)

    def why(self, rule_ids: list[str]) -> list[Why]:
        """Each rule with the client's facts it matched (from the trace)."""
        out = []
        for rid in rule_ids:
            # A rule may fire more than once (risk elevated, then high): keep every pair it saw.
            matched = {
                (name, value)
                for t in self.prescription.trace
                if t.rule == rid
                for name, value in t.matched.items()
            }
            facts = [self.fact(name, value) for name, value in sorted(matched, key=str)]
            out.append(Why(rule=self.rule(rid), facts=facts))
        return out

    def fact(self, name: str, value: FactValue) -> FactNote:
        note = self.facts.get(name)
        if note is not None and note.value == value:
            return note
        return FactNote(
            name=name, value=value, text=words.fact_text(name, value), derived=False, basis=[]
        )

    @cached_property
    def facts(self) -> dict[str, FactNote]:
        """Every fact of the fact base in words; derived facts with the facts they came from."""
        derived_by: dict[tuple[str, FactValue], list[dict[str, FactValue]]] = {}
        for d in self.prescription.derivations:
            derived_by.setdefault((d.fact, d.value), []).append(d.basis)
        if not self.prescription.derivations:  # a document stored before derivations were kept
            for t in self.prescription.trace:
                for c in t.conclusions:
                    if isinstance(c, Derive):
                        derived_by.setdefault((c.fact, c.value), []).append(t.matched)

        def basis(name: str, value: FactValue, seen: frozenset[str]) -> list[str]:
            out: list[str] = []
            for matched in derived_by.get((name, value), []):
                for n, v in sorted(matched.items()):
                    if n in seen:
                        continue
                    if (n, v) in derived_by:
                        out.extend(basis(n, v, seen | {n}))
                    else:
                        out.append(words.fact_text(n, v))
            return list(dict.fromkeys(out))

        notes = {}
        for name, value in self.prescription.facts.items():
            derived = (name, value) in derived_by or words.is_derived(name)
            notes[name] = FactNote(
                name=name,
                value=value,
                text=words.fact_text(name, value),
                derived=derived,
                basis=basis(name, value, frozenset({name})) if derived else [],
            )
        return notes

    def changes(self, item: Item) -> list[tuple[RuleInfo, str]]:
        """An item's dose changes by the rule that made them: `sets 3 → 2, RPE cap 7 → 6`."""
        by_rule: dict[str, list[str]] = {}
        for a in item.adjustments:
            rule = a.rule
            if rule == CLINICIAN:  # the clinician's changes are grouped by their reason
                rule = f"{CLINICIAN}: {getattr(a, 'reason', None) or 'no reason given'}"
            by_rule.setdefault(rule, []).append(words.change_text(a.field, a.before, a.after))
        return [(self._edit_rule(r), ", ".join(texts)) for r, texts in by_rule.items()]

    def _edit_rule(self, rule_id: str) -> RuleInfo:
        if rule_id.startswith(f"{CLINICIAN}: "):
            return RuleInfo(id=rule_id, area=CLINICIAN, file="", rationale=rule_id, source="-")
        return self.rule(rule_id)

    @cached_property
    def always(self) -> frozenset[str]:
        """Rules that fire for every client: no firing of theirs matched a fact."""
        fired: dict[str, bool] = {}
        for t in self.prescription.trace:
            fired[t.rule] = fired.get(t.rule, True) and not t.matched
        return frozenset(r for r, unconditional in fired.items() if unconditional)

    def _reason(self, rule_id: str, where: str) -> Reason:
        rule = self.rule(rule_id)
        if rule_id in self.always:
            return Reason(rule=rule, text=rule.summary, client="", always=True, see="")
        if rule_id in self._explained:
            return Reason(
                rule=rule, text=rule.summary, client="", always=False, see=self._explained[rule_id]
            )
        self._explained[rule_id] = where
        (why,) = self.why([rule_id])
        # A rule that fired twice (risk elevated, then high) matched one fact at two values:
        # one entry per fact, its values together.
        by_name: dict[str, list[FactNote]] = {}
        for f in why.facts:
            by_name.setdefault(f.name, []).append(f)
        facts = []
        for notes in by_name.values():
            head = notes[0].text
            if len(notes) > 1:
                head = (
                    head.rpartition(": ")[0]
                    + ": "
                    + ", ".join(words.value_text(n.value).replace("_", " ") for n in notes)
                )
            basis = list(dict.fromkeys(b for n in notes if n.derived for b in n.basis))
            # A derived fact says what it came from the first time the report shows it.
            key = notes[0].name + "=" + ",".join(str(n.value) for n in notes)
            if key in self._based:
                basis = []
            self._based.add(key)
            facts.append(head + (f" (from: {', '.join(basis)})" if basis else ""))
        return Reason(rule=rule, text=rule.summary, client="; ".join(facts), always=False, see="")

    @cached_property
    def _explained(self) -> dict[str, str]:
        return {}

    @cached_property
    def _based(self) -> set[str]:
        return set()

    def reasons(self, rule_ids: list[str], where: str) -> list[Reason]:
        """Rules in the report's reading order: the first mention explains, later ones point."""
        return [self._reason(r, where) for r in rule_ids]

    def _order(self, rule_id: str) -> int:
        ids = [t.rule for t in self.prescription.trace]
        return ids.index(rule_id) if rule_id in ids else len(ids)
