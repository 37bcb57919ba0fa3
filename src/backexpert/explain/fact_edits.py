"""Fact changes as intake edits: each wanted fact value sent to the edits of its family.

A fact change (`finding.rounded_shoulders = true`, `client.age = 40`, `pain.band = moderate`)
maps to the intake edits that give it, family by family of the assessment vocabulary; a fact no
edit can set (a derived fact, or a fact of a family this module does not know) is reported as
`Unsettable`, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..clinical.intake import Intake
from ..knowledge.vocabulary import FactValue
from .field_edits import (
    CannotSetError,
    condition_edits,
    equipment,
    finding,
    generic,
    goal,
    pain_edits,
    red_flag,
    screening,
)
from .intake_facts import SPECS
from .models import IntakeEdit, Unsettable
from .questionnaire_edits import odi, parq, quickdash, roland_morris, start_back

Handler = Callable[[str, str, FactValue | None, Intake], list[IntakeEdit]]


def edits_for(
    changes: Mapping[str, FactValue | None], intake: Intake
) -> tuple[list[IntakeEdit], list[Unsettable]]:
    """The intake edits that give these fact values (None: not known), and those none can."""
    edits: list[IntakeEdit] = []
    cannot: list[Unsettable] = []
    conditions: dict[str, dict[str, FactValue | None]] = {}
    pain: dict[str, FactValue | None] = {}
    for fact, value in sorted(changes.items()):
        spec = SPECS.get(fact)
        family, _, rest = fact.partition(".")
        try:
            if spec is None:
                raise CannotSetError("not a fact of the assessment vocabulary")
            if spec.derived:
                raise CannotSetError("concluded by rules, not read from the intake")
            if family == "condition":
                code, _, attr = rest.partition(".")
                conditions.setdefault(code, {})[attr] = value
            elif fact in ("pain.nprs_now", "pain.nprs_worst_24h", "pain.band"):
                pain[fact] = value
            else:
                handler = _HANDLERS.get(family, generic)
                edits += handler(fact, rest, value, intake)
        except CannotSetError as exc:
            cannot.append(Unsettable(fact=fact, value=value, reason=str(exc)))
    for code, attrs in sorted(conditions.items()):
        try:
            edits += condition_edits(code, attrs, intake)
        except CannotSetError as exc:
            for attr, value in attrs.items():
                fact = f"condition.{code}" + (f".{attr}" if attr else "")
                cannot.append(Unsettable(fact=fact, value=value, reason=str(exc)))
    if pain:
        edits += pain_edits(pain, intake)
    return edits, cannot


_HANDLERS: dict[str, Handler] = {
    "equipment": equipment,
    "goal": goal,
    "finding": finding,
    "red_flag": red_flag,
    "screening": screening,
    "start_back": start_back,
    "odi": odi,
    "quickdash": quickdash,
    "roland_morris": roland_morris,
    "parq": parq,
}


def unmet(intake: Intake, wanted: Mapping[str, FactValue | None]) -> list[str]:
    """The wanted facts this intake does not give (for checking a mapping)."""
    from ..assessment.facts import from_intake

    have = from_intake(intake)
    return [f for f, v in wanted.items() if not _same(have.get(f), v)]


def _same(a: object, b: object) -> bool:
    return a == b and type(a) is type(b)


__all__ = ["edits_for"]
