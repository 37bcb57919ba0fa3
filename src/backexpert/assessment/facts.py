"""The client's facts: the validated intake and its scores as a closed-world fact base.

Every intake fact of the assessment vocabulary gets an explicit value (`finding.x = false`,
`red_flag.y = not_asked`), so rules never need negation; values are plain bool, int or str read
from validated models, so the engine never coerces types.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..clinical import instruments
from ..clinical.instruments import Scores
from ..clinical.intake import Intake
from ..errors import EngineError
from ..knowledge.vocabulary import FactSpec, FactValue
from .subject import Values
from .vocabulary import FACTS, FAMILIES, Subject

FactBase = dict[str, FactValue]

_SPECS: dict[str, FactSpec] = {spec.name: spec for spec in FACTS if spec.extract is not None}


def _checked(pairs: Iterable[tuple[str, FactValue | None]]) -> Values:
    values: Values = {}
    for name, value in pairs:
        # A programming error, not bad input: the intake model already validated every value.
        if value is not None and not _SPECS[name].contains(value):
            raise EngineError(f"fact {name}={value!r} is outside its domain")
        values[name] = value
    return values


# Every fact in name order at its value for an intake that records no code of its family (a
# fact read on its own holds its place with None); from_intake fills in and drops the Nones.
_ABSENT = _checked((name, value) for f in FAMILIES for name, value in f.absent.items())
_TEMPLATE: Values = {name: _ABSENT.get(name) for name in sorted(_SPECS)}
_SINGLE = tuple(
    (name, spec.extract)
    for name, spec in _SPECS.items()
    if name not in _ABSENT and spec.extract is not None
)
# The facts that may have no value: any read on its own, and those of a family not always known.
_NULLABLE = (
    *(name for name, _ in _SINGLE),
    *(name for name in _ABSENT if _ABSENT[name] is None or not _SPECS[name].always_known),
)


def from_intake(intake: Intake, scores: Scores | None = None) -> FactBase:
    """The closed-world fact base of one intake and its scores, sorted by fact name."""
    if scores is None:
        scores = instruments.score(intake, instruments.assessed_on(intake))
    subject = Subject(intake, scores)
    facts = _TEMPLATE.copy()
    facts.update(_checked((name, read(subject)) for name, read in _SINGLE))
    for family in FAMILIES:
        facts.update(_checked(family.recorded(subject)))
    for name in _NULLABLE:
        if facts[name] is None:
            del facts[name]
    return facts  # type: ignore[return-value]  # every None is gone
