"""What if: an intake re-assessed with some changes, and the difference it makes.

The changes are applied to the intake as data (`edits`), the edited intake is validated again
(so a bad change reads like a bad intake file: `pain.nprs_now: must be <= 10 (got 11)`), both
intakes are assessed with the same rule base, and the two prescriptions are compared (`diff`).
An edit that another implies is added and says so (raising pain now above the worst pain of
the last 24 h raises the worst with it). A prescription the safety monitor withholds is a
result, not an error: it is the difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..assessment.facts import from_intake
from ..assessment.pipeline import RuleBase, assess
from ..clinical import instruments
from ..clinical.intake import Intake, catalogue_problems
from ..clinical.words import DATED_CONDITIONS, ConditionCode, Equipment, Finding, Goal
from ..errors import IntakeError, SafetyError
from . import diff, edits
from .intake_facts import fact_changes, facts_of
from .models import IntakeEdit, WhatIfAnswer, WhatIfOption
from .outcomes import Outcome, Withheld
from .syntax import SOURCE, parse_changes


def outcome(intake: Intake, rules: RuleBase, today: dt.date | None = None) -> Outcome:
    """The prescription, or what withheld it."""
    try:
        return assess(intake, rules, today)
    except SafetyError as exc:
        facts = from_intake(
            intake, instruments.score(intake, instruments.assessed_on(intake, today))
        )
        fired = rules.evaluator.evaluate(facts).fired()
        return Withheld(
            rulebook=rules.rulebook.version, violations=list(exc.violations), fired=fired
        )


def what_if(
    intake: Intake,
    changes: Sequence[str | IntakeEdit],
    rules: RuleBase,
    today: dt.date | None = None,
) -> WhatIfAnswer:
    """Re-assess the intake with the changes (what-if syntax or edits) and compare."""
    texts = [c for c in changes if isinstance(c, str)]
    parsed = iter(parse_changes(texts))
    applied = [next(parsed) if isinstance(c, str) else c for c in changes]
    applied += edits.follow_ups(intake, applied)
    changed = edits.edited(intake, applied)
    # What the changes name is checked as a new intake's would be; what the intake already
    # said is not (a stored intake is kept as given).
    given = set(catalogue_problems(intake, rules.catalogue))
    unknown = [p for p in catalogue_problems(changed, rules.catalogue) if p not in given]
    if unknown:
        raise IntakeError(SOURCE, unknown)
    before = outcome(intake, rules, today)
    after = outcome(changed, rules, today)
    return WhatIfAnswer(
        changes=applied,
        facts=fact_changes(facts_of(intake), facts_of(changed)),
        diff=diff.compare(before, after, rules.catalogue),
    )


def options(intake: Intake) -> list[WhatIfOption]:
    """The toggles a page can show beside an intake: findings, conditions, goals, equipment
    and pain now, each with the change that flips it."""
    out: list[WhatIfOption] = []
    lists = (
        ("finding", "findings", list(Finding), {f.value for f in intake.findings}),
        ("goal", "goals", list(Goal), {g.value for g in intake.goals}),
        (
            "equipment",
            "training.equipment",
            list(Equipment),
            {e.value for e in intake.training.equipment},
        ),
    )
    for group, path, values, have in lists:
        for v in values:
            on = v.value in have
            change = f"-{path}.{v.value}" if on else f"+{path}.{v.value}"
            out.append(WhatIfOption(group=group, value=v.value, active=on, change=change))
    have = {c.code.value for c in intake.conditions}
    for code in ConditionCode:
        if code is ConditionCode.other:
            continue
        on = code.value in have
        needs = ["weeks_since"] if code in DATED_CONDITIONS and not on else []
        change = f"-conditions.{code.value}" if on else f"+conditions.{code.value}"
        out.append(
            WhatIfOption(group="condition", value=code.value, active=on, change=change, needs=needs)
        )
    for n in range(11):
        out.append(
            WhatIfOption(
                group="pain",
                value=str(n),
                active=intake.pain.nprs_now == n,
                change=f"pain.nprs_now={n}",
            )
        )
    return out
