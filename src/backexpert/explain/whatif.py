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

from ..assessment.pipeline import RuleBase, assess
from ..clinical.intake import Intake
from ..errors import SafetyError
from . import diff, edits
from .diff import Outcome, Withheld
from .models import IntakeEdit, WhatIfAnswer


def outcome(intake: Intake, rules: RuleBase, today: dt.date | None = None) -> Outcome:
    """The prescription, or what withheld it."""
    try:
        return assess(intake, rules, today)
    except SafetyError as exc:
        return Withheld(rulebook=rules.rulebook.version, violations=list(exc.violations))


def what_if(
    intake: Intake,
    changes: Sequence[str | IntakeEdit],
    rules: RuleBase,
    today: dt.date | None = None,
) -> WhatIfAnswer:
    """Re-assess the intake with the changes (what-if syntax or edits) and compare."""
    texts = [c for c in changes if isinstance(c, str)]
    parsed = iter(edits.parse_changes(texts))
    applied = [next(parsed) if isinstance(c, str) else c for c in changes]
    applied += edits.follow_ups(intake, applied)
    changed = edits.edited(intake, applied)
    before = outcome(intake, rules, today)
    after = outcome(changed, rules, today)
    return WhatIfAnswer(
        changes=applied,
        facts=edits.fact_changes(edits.facts_of(intake), edits.facts_of(changed)),
        diff=diff.compare(before, after, rules.catalogue),
    )
