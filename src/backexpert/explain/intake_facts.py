"""The intake facts of the assessment vocabulary, the ones that change, and their nature.

A change's *nature* is what kind of fact it changes: a `choice` (equipment, goals, sessions), the
client's circumstances (`history`: experience, occupation) or, by default, a `finding` of the
client.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..assessment.vocabulary import FACTS
from ..clinical.intake import Intake
from ..knowledge.vocabulary import FactSpec, FactValue
from .models import NATURE_NOTE, FactChange, Nature

SPECS: dict[str, FactSpec] = {s.name: s for s in FACTS}


_CHOICES = (
    "equipment.",
    "goal.",
    "training.sessions_per_week",
    "training.minutes_per_session",
    "training.available_days",
)
_HISTORY = ("training.", "client.occupation")


def nature(fact: str) -> Nature:
    """Whether a fact is a choice, the client's circumstances, or a finding (the default)."""
    if fact.startswith(_CHOICES):
        return "choice"
    if fact.startswith(_HISTORY):
        return "history"
    return "finding"


def facts_of(intake: Intake) -> dict[str, FactValue]:
    """The intake facts of the assessment vocabulary (no derived facts)."""
    from ..assessment.facts import from_intake

    return from_intake(intake)


def fact_changes(
    before: Mapping[str, FactValue], after: Mapping[str, FactValue]
) -> list[FactChange]:
    """The intake facts whose values differ (derived facts are left to the rules)."""
    out = []
    for name in sorted(set(before) | set(after)):
        spec = SPECS.get(name)
        if spec is not None and spec.derived:
            continue
        b, a = before.get(name), after.get(name)
        if b != a or type(b) is not type(a):
            kind = nature(name)
            out.append(
                FactChange(fact=name, before=b, after=a, nature=kind, note=NATURE_NOTE[kind])
            )
    return out


__all__ = ["fact_changes", "nature"]
