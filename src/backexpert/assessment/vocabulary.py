"""The assessment's facts: every fact an assessment rule may test, and how the intake gives it.

Intake facts are closed-world: each is asserted with an explicit value (`finding.x = false`,
`red_flag.y = not_asked`), so rules never need negation. Optional facts (a score that was not
given, the weeks since a condition began) exist only when known and are tested positively.
Derived facts are concluded by the rules themselves (finding → derived risk → decision).

Each family of facts lives in the module of its concept (`profile_facts`, `condition_facts`,
`pain_facts`, `screening_facts`, `score_facts`, `derived_facts`), each fact with its extractor
reading a `Subject` (`subject`); `FACTS` gathers them all. The facts read one set per code
(findings, goals, equipment, conditions, red-flag answers) are also `FAMILIES`, read in bulk.
"""

from __future__ import annotations

from ..knowledge.vocabulary import FactSpec
from .condition_facts import CONDITIONS, condition_facts, slip_grade_fact
from .derived_facts import derived_facts
from .pain_facts import pain_facts
from .profile_facts import FLAGS, profile_facts
from .score_facts import score_facts
from .screening_facts import RED_FLAGS, blood_pressure_fact, screening_facts
from .subject import Family, Subject

__all__ = ["FACTS", "FAMILIES", "Family", "Subject"]


def _intake_facts() -> list[FactSpec]:
    # Families interleave here to keep the vocabulary's order: the explainer's search and the
    # compiler's did-you-mean for an unknown fact go through the facts in it.
    return [
        *profile_facts(),
        *condition_facts(),
        *pain_facts(),
        blood_pressure_fact(),
        slip_grade_fact(),
        *screening_facts(),
    ]


FACTS: tuple[FactSpec, ...] = (*_intake_facts(), *score_facts(), *derived_facts())
FAMILIES: tuple[Family, ...] = (*FLAGS, CONDITIONS, RED_FLAGS)
