"""What the assessment's facts are read from, and the families of facts read one per code."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..clinical.instruments import Scores
from ..clinical.intake import Condition, Intake
from ..clinical.words import ConditionCode
from ..knowledge.vocabulary import FactSpec, FactValue


@dataclass(frozen=True)
class Subject:
    """What the assessment's facts are read from: the validated intake and its scores."""

    intake: Intake
    scores: Scores

    def __post_init__(self) -> None:
        # Each condition fact reads its own code: index them once (the first of a code counts).
        by_code: dict[ConditionCode, Condition] = {}
        for c in self.intake.conditions:
            by_code.setdefault(c.code, c)
        object.__setattr__(self, "_conditions", by_code)

    def condition(self, code: ConditionCode) -> Condition | None:
        return self._conditions.get(code)  # type: ignore[attr-defined,no-any-return]

    def conditions(self) -> Mapping[ConditionCode, Condition]:
        """The recorded conditions by code (the first of a code counts)."""
        return self._conditions  # type: ignore[attr-defined,no-any-return]


Read = Callable[[Subject], FactValue | None]
Values = dict[str, FactValue | None]


@dataclass(frozen=True)
class Family:
    """Facts read one set per code (`finding.x` for each finding x), readable in bulk.

    Most codes are not recorded in an intake and their facts take fixed values (`absent`);
    `recorded` gives the facts of the codes that are. Together they give what each fact's own
    extractor gives (tests/assessment/test_fact_families.py), without a call per fact.
    """

    specs: tuple[FactSpec, ...]
    absent: Mapping[str, FactValue | None]
    recorded: Callable[[Subject], Iterable[tuple[str, FactValue | None]]]


def flags(
    prefix: str, values: type[StrEnum], description: str, members: Callable[[Subject], Any]
) -> Family:
    """One yes/no fact per code of `values`: whether `members` of the subject include it."""
    names = {v: f"{prefix}.{v.value}" for v in values}
    specs = [
        FactSpec(
            names[v],
            "bool",
            description.format(v.value.replace("_", " ")),
            extract=_reader(members, v),
        )
        for v in values
    ]
    return Family(
        tuple(specs),
        absent=dict.fromkeys(names.values(), False),
        recorded=lambda s: [(names[v], True) for v in members(s)],
    )


def _reader(members: Callable[[Subject], Any], value: StrEnum) -> Read:
    """A fact's extractor for one member of a family (`finding.x` for each finding x)."""
    return lambda s: value in members(s)
