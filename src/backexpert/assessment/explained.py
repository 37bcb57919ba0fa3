"""The explanation a prescription carries: every firing as a trace entry, and the rules cited.

A firing recurs across clients (the same rule on the same facts), and what the document says of
it cannot change, so each distinct firing's entry is built once: keyed by the compiled rule
object itself (kept alive by the memo, so its identity is never reused) and the facts it
matched, never by rule id or version text, so an edited rulebook is never served another's
entry.
"""

from __future__ import annotations

from ..knowledge.explanation import Firing, Inference, Matched, RuleInfo, remember
from ..knowledge.rules import Rule, Rulebook
from .prescription import TraceEntry

# Past this many distinct firings the memo starts again (it only saves time).
MEMO_MAX = 5_000

_entries: dict[tuple[int, Matched], tuple[Rule, TraceEntry]] = {}
_infos: dict[int, tuple[Rule, RuleInfo]] = {}


def trace(rulebook: Rulebook, inference: Inference) -> list[TraceEntry]:
    """Every firing with its rule's rationale and source, in the inference's order."""
    return [_entry(rulebook[f.rule], f) for f in inference.firings]


def rules_cited(rulebook: Rulebook, inference: Inference) -> list[RuleInfo]:
    """Each rule that fired, once, as the document cites it."""
    out = []
    for rule_id in inference.fired():
        rule = rulebook[rule_id]
        hit = _infos.get(id(rule))
        if hit is None or hit[0] is not rule:
            hit = (rule, RuleInfo.of(rule))
            remember(_infos, id(rule), hit, MEMO_MAX)
        out.append(hit[1])
    return out


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
