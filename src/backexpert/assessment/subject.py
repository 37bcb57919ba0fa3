"""What the assessment's facts are read from, and a family of yes/no facts read from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


Read = Callable[[Subject], FactValue | None]


def flags(
    prefix: str, values: Any, description: str, read: Callable[[Subject, Any], bool]
) -> list[FactSpec]:
    return [
        FactSpec(
            f"{prefix}.{v.value}",
            "bool",
            description.format(v.value.replace("_", " ")),
            extract=_reader(read, v),
        )
        for v in values
    ]


def _reader(read: Callable[[Subject, Any], bool], value: Any) -> Read:
    """A fact's extractor for one member of a family (`finding.x` for each finding x)."""
    return lambda s: read(s, value)
