"""The explanation a prescription carries: every firing as a trace entry, and the rules cited.

A firing recurs across clients (the same rule on the same facts), and what the document says of
it cannot change, so each distinct firing's entry is built once: keyed by the compiled rule
object itself (kept alive by the memo, so its identity is never reused) and the facts it
matched, never by rule id or version text, so an edited rulebook is never served another's
entry. Likewise each rule's citation is built once per rulebook object.
"""

from __future__ import annotations

from ..knowledge.explanation import Firing, Inference, Matched, RuleInfo, remember
from ..knowledge.rules import Rule, Rulebook
from .prescription import TraceEntry

# Past this many distinct firings the memo starts again (it only saves time).
MEMO_MAX = 5_000

_entries: dict[tuple[int, Matched], tuple[Rule, TraceEntry]] = {}
# Past this many rulebooks (older and mutated ones are composed too) their citations start again.
RULEBOOKS_MAX = 64
_infos: dict[int, tuple[Rulebook, dict[str, RuleInfo]]] = {}


def trace(rulebook: Rulebook, inference: Inference) -> list[TraceEntry]:
    """Every firing with its rule's rationale and source, in the inference's order."""
    return [_entry(rulebook[f.rule], f) for f in inference.firings]


def rules_cited(rulebook: Rulebook, inference: Inference) -> list[RuleInfo]:
    """Each rule that fired, once, as the document cites it."""
    infos = _cited_of(rulebook)
    out = []
    for rule_id in inference.fired():
        info = infos.get(rule_id)
        if info is None:
            info = infos[rule_id] = RuleInfo.of(rulebook[rule_id])
        out.append(info)
    return out


def _cited_of(rulebook: Rulebook) -> dict[str, RuleInfo]:
    """The rulebook's rules as cited so far, by id: kept by the rulebook object itself."""
    hit = _infos.get(id(rulebook))
    if hit is None or hit[0] is not rulebook:
        hit = (rulebook, {})
        remember(_infos, id(rulebook), hit, RULEBOOKS_MAX)
    return hit[1]


def _entry(rule: Rule, f: Firing) -> TraceEntry:
    key = (id(rule), f.matched)
    hit = _entries.get(key)
    if hit is not None and hit[0] is rule and f.conclusions is rule.conclusions:
        return hit[1]
    entry = TraceEntry(
        rule=f.rule,
        matched=dict(f.matched),
        conclusions=list(f.conclusions),
        rationale=rule.rationale,
        source=rule.source,
    )
    if f.conclusions is rule.conclusions:
        remember(_entries, key, (rule, entry), MEMO_MAX)
    return entry
