"""The clinician report's appendix: the rules cited, the fact base and the inference trace."""

from __future__ import annotations

from ..knowledge.explanation import RuleInfo
from . import wording as words
from .reasons import FactNote, ReasonsView, View

# Fact families whose false values the appendix leaves out (and says so): a client has a few
# conditions, findings and goals, not the forty others.
FALSE_UNLISTED = frozenset({"condition", "finding", "goal"})


class FactGroup(View):
    """Facts that share a first name segment (`equipment.*`), for the appendix."""

    label: str
    buckets: list[tuple[str, list[str]]]
    values: list[str]


class AppendixView(ReasonsView):
    """The appendix: rule texts not yet given, the fact base by family, the trace."""

    def fact_groups(self) -> list[FactGroup]:
        """The fact base by first name segment; true/false and red-flag answers bucketed."""
        intake: dict[str, list[FactNote]] = {}
        derived: list[FactNote] = []
        for note in self.facts.values():
            if note.derived:
                derived.append(note)
            else:
                intake.setdefault(note.name.split(".", 1)[0], []).append(note)
        out = []
        order = ["true", "yes", "false", "no"]
        for prefix, notes in intake.items():
            buckets: dict[str, list[str]] = {}
            values: list[str] = []
            for n in notes:
                rest = n.name.split(".", 1)[-1]
                if n.value is False and prefix in FALSE_UNLISTED:
                    continue  # the closed world's default: the appendix says so once
                if isinstance(n.value, bool) or prefix == "red_flag":
                    buckets.setdefault(words.value_text(n.value), []).append(rest)
                elif n.value != "absent":  # a condition's severity when it is absent says nothing
                    values.append(f"{rest} = {words.value_text(n.value)}")
            ranked = sorted(
                buckets.items(),
                key=lambda kv: (
                    kv[0] not in order,
                    order.index(kv[0]) if kv[0] in order else 0,
                    kv[0],
                ),
            )
            if ranked or values:  # a family of only unlisted false values says nothing
                out.append(FactGroup(label=prefix.replace("_", " "), buckets=ranked, values=values))
        if derived:
            out.append(
                FactGroup(
                    label="derived by the rules (how: appendix C)",
                    buckets=[],
                    # What each came from is its `derive` line in the trace: said once, there.
                    values=[f"{n.name} = {words.value_text(n.value)}" for n in derived],
                )
            )
        return out

    def trace_lines(self) -> list[tuple[int, str, str, str]]:
        """The trace appendix: (number, rule, facts matched, what it concluded); a rule that
        fires again with the same conclusions says `as in N` instead of repeating them."""
        out = []
        first: dict[tuple[str, str], int] = {}
        for n, t in enumerate(self.prescription.trace, start=1):
            matched = "; ".join(f"{k} = {words.value_text(v)}" for k, v in t.matched.items())
            concluded = "; ".join(words.conclusion_text(c) for c in t.conclusions)
            seen = first.setdefault((t.rule, concluded), n)
            said = concluded if seen == n else f"as in {seen}"
            out.append((n, t.rule, matched or "(always)", said))
        return out

    def appendix_rules(self) -> list[tuple[RuleInfo, str]]:
        """Each rule cited, with the part of its rationale the report has not given yet: the
        rest after the first sentence where the report explained it, else all of it."""
        given = set(self._explained)
        if self.prescription.status != "referral":
            given |= self.always  # the "Always part of the program" list gives their sentence
        return [(r, r.rest if r.id in given else r.rationale) for r in self.rules_cited()]

    def rules_cited(self) -> list[RuleInfo]:
        """Every rule the document cites, once, in the order they fired (the appendix)."""
        return sorted(self.prescription.rules, key=lambda r: (self._order(r.id), r.id))
