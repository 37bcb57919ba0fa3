"""The client's facts: the validated intake and its scores as a closed-world fact base.

Every intake fact of the assessment vocabulary gets an explicit value (`finding.x = false`,
`red_flag.y = not_asked`), so rules never need negation; values are plain bool, int or str read
from validated models, so the engine never coerces types.
"""

from __future__ import annotations

from ..clinical import instruments
from ..clinical.instruments import Scores
from ..clinical.intake import Intake
from ..errors import EngineError
from ..knowledge.vocabulary import FactValue
from .vocabulary import FACTS, Subject

FactBase = dict[str, FactValue]


def from_intake(intake: Intake, scores: Scores | None = None) -> FactBase:
    """The closed-world fact base of one intake and its scores, sorted by fact name."""
    if scores is None:
        scores = instruments.score(intake, instruments.assessed_on(intake))
    subject = Subject(intake, scores)
    facts: FactBase = {}
    for spec in FACTS:
        if spec.extract is None:
            continue
        value = spec.extract(subject)
        if value is None:
            continue
        # A programming error, not bad input: the intake model already validated every value.
        if not spec.contains(value):
            raise EngineError(f"fact {spec.name}={value!r} is outside its domain")
        facts[spec.name] = value
    return dict(sorted(facts.items()))
