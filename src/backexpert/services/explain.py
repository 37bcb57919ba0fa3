"""Explanations: why not, what if, and what changed between two prescriptions.

Every answer is a pydantic model (JSON-serialisable as is), so the web app shows what the
command line shows. See docs/explain.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..assessment import rule_base
from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from .assessments import stored_prescription
from .rules import catalogue

if TYPE_CHECKING:
    from ..explain.models import PrescriptionDiff, WhatIfAnswer, WhatIfOption, WhyNotAnswer
    from ..store import Store


def why_not(
    intake: Intake, target: str, rules_dir: str | None = None, *, search: bool = True
) -> WhyNotAnswer:
    """Why an exercise or movement pattern is not prescribed (or capped), and what would put it
    in: blocking rules with the facts they matched, and verified smallest changes."""
    from ..explain import whynot

    return whynot.why_not(intake, target, rule_base(rules_dir), search=search)


def why_not_everything(intake: Intake, rules_dir: str | None = None) -> list[WhyNotAnswer]:
    """The status and one-line reason of every catalogue exercise and movement pattern, for a
    page that puts "why not?" beside each (no search: ask `why_not` for the changes)."""
    from ..clinical.words import Pattern
    from ..explain import whynot

    base = rule_base(rules_dir)
    targets = [e.id for e in base.catalogue] + [p.value for p in Pattern]
    return list(whynot.why_not_many(intake, targets, base, search=False))


def what_if(intake: Intake, changes: Sequence[str], rules_dir: str | None = None) -> WhatIfAnswer:
    """The intake re-assessed with the changes (what-if syntax), compared with the original.

    Bad changes raise InputError with the intake's own field paths
    (`pain.nprs_now: must be <= 10 (got 11)`).
    """
    from ..explain import whatif

    return whatif.what_if(intake, changes, rule_base(rules_dir))


def what_if_options(intake: Intake) -> list[WhatIfOption]:
    """The what-if toggles for findings, conditions, goals, equipment and pain now."""
    from ..explain import whatif

    return whatif.options(intake)


def compare(
    previous: Prescription, new: Prescription, rules_dir: str | None = None
) -> PrescriptionDiff:
    """What changed between two stored prescriptions, and why: read from the documents alone
    (each carries its own trace, rules and facts); the catalogue only sharpens which changed
    rules touch an exercise."""
    from ..explain import diff

    return diff.compare(previous, new, catalogue(rules_dir))


def compare_assessments(
    db: Store, client_id: int, previous: int = -2, new: int = -1
) -> PrescriptionDiff:
    """A client's assessment compared with an earlier one (by default: the latest two)."""
    before = stored_prescription(db, client_id, previous)
    return compare(before, stored_prescription(db, client_id, new))
