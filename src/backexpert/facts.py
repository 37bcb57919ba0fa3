"""The client's facts: the validated intake normalised into a closed-world fact base.

Every registered intake fact gets an explicit value (`finding.thoracic_stiffness = false`,
`red_flag.history_of_cancer = not_asked`), so rules never need negation; values are plain
bool, int or str from validated models, so the engine never coerces types.
"""

from __future__ import annotations

from .errors import EngineError
from .intake import Intake
from .vocabulary import (
    FACTS,
    Answer,
    ConditionCode,
    ConditionSeverity,
    Equipment,
    FactValue,
    Finding,
    Goal,
    RedFlagQuestion,
)

FactBase = dict[str, FactValue]


def from_intake(intake: Intake) -> FactBase:
    """The closed-world fact base of one intake, sorted by fact name."""
    c, t = intake.client, intake.training
    facts: FactBase = {
        "client.age": c.age,
        "client.sex": c.sex.value,
        "client.occupation": c.occupation.value,
        "training.experience": t.experience.value,
        "training.sessions_per_week": t.sessions_per_week,
        "pain.region": intake.pain.region.value,
        "pain.nprs_now": intake.pain.nprs_now,
        "pain.nprs_worst_24h": intake.pain.worst,
    }
    facts |= {f"equipment.{e.value}": e in t.equipment for e in Equipment}
    facts |= {f"goal.{g.value}": g in intake.goals for g in Goal}
    facts |= {f"finding.{f.value}": f in intake.findings for f in Finding}
    present = {cond.code: cond for cond in intake.conditions}
    for code in ConditionCode:
        cond = present.get(code)
        facts[f"condition.{code.value}"] = cond is not None
        if cond is None:
            severity = ConditionSeverity.absent
        elif cond.severity is None:
            severity = ConditionSeverity.unspecified
        else:
            severity = ConditionSeverity(cond.severity.value)
        facts[f"condition.{code.value}.severity"] = severity.value
        if cond is not None and cond.weeks_since is not None:
            facts[f"condition.{code.value}.weeks_since"] = cond.weeks_since
    for q in RedFlagQuestion:
        answer = intake.red_flag_screen.get(q)
        said = Answer.not_asked if answer is None else (Answer.yes if answer else Answer.no)
        facts[f"red_flag.{q.value}"] = said.value
    for name, value in facts.items():
        # A programming error, not bad input: the intake model already validated every value.
        if not FACTS[name].admits(value):
            raise EngineError(f"fact {name}={value!r} is outside its domain")
    return dict(sorted(facts.items()))
