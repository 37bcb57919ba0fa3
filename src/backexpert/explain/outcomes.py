"""An assessment's outcome: its prescription, or `Withheld` when the safety monitor stopped it."""

from __future__ import annotations

from pydantic import Field, JsonValue

from ..assessment.prescription import Prescription
from ..model import Model
from .models import Side


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


def fired_rules(p: Outcome) -> list[str]:
    if isinstance(p, Withheld):
        return list(p.fired)
    return list(dict.fromkeys(t.rule for t in p.trace))
