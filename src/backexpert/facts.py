"""The client's facts: the validated intake normalised into a closed-world fact base.

Every registered intake fact gets an explicit value (`finding.thoracic_stiffness = false`,
`red_flag.history_of_cancer = not_asked`), so rules never need negation; values are plain
bool, int or str from validated models, so the engine never coerces types.
"""

from __future__ import annotations

from . import instruments
from .errors import EngineError
from .instruments import Scores
from .intake import Intake
from .vocabulary import (
    CORE_RED_FLAG_SCREEN,
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


def from_intake(intake: Intake, scores: Scores | None = None) -> FactBase:
    """The closed-world fact base of one intake and its scores, sorted by fact name."""
    if scores is None:
        scores = instruments.score(intake, instruments.assessed_on(intake))
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
    facts["screening.red_flags_complete"] = all(
        q in intake.red_flag_screen for q in CORE_RED_FLAG_SCREEN
    )
    vigorous = t.accustomed_to_vigorous_effort
    facts["training.accustomed_to_vigorous_effort"] = (
        "not_asked" if vigorous is None else ("yes" if vigorous else "no")
    )
    facts |= _score_facts(scores)
    for name, value in facts.items():
        # A programming error, not bad input: the intake model already validated every value.
        if not FACTS[name].admits(value):
            raise EngineError(f"fact {name}={value!r} is outside its domain")
    return dict(sorted(facts.items()))


def _score_facts(scores: Scores) -> FactBase:
    out: FactBase = {
        "start_back.category": "not_given",
        "odi.band": "not_given",
        "parq.outcome": "not_given",
    }
    if scores.pain is not None:
        out["pain.band"] = scores.pain.band
    if scores.start_back is not None:
        out["start_back.category"] = scores.start_back.category
        out["start_back.total"] = scores.start_back.total
        out["start_back.distress"] = scores.start_back.distress
    if scores.odi is not None:
        out["odi.band"] = scores.odi.band
        out["odi.percent"] = round(scores.odi.percent)
    if scores.quickdash is not None and scores.quickdash.score is not None:
        out["quickdash.score"] = round(scores.quickdash.score)
    if scores.roland_morris is not None:
        out["roland_morris.score"] = scores.roland_morris.score
    if scores.parq_plus is not None:
        out["parq.outcome"] = scores.parq_plus.outcome
    return out
