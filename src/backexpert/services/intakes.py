"""Reading and checking a new intake: what a valid intake may still not say."""

from __future__ import annotations

import datetime as dt

from .. import documents
from ..assessment import rule_base
from ..clinical.intake import Intake
from ..errors import IntakeError, Problem
from .sessions import SESSION_DAYS_AHEAD


def load_intake(path: str, rules_dir: str | None = None) -> Intake:
    """Read, validate and check (`check_intake`) an intake file (YAML or JSON; '-' is stdin)."""
    doc = documents.read(path)
    intake = documents.validate(Intake, doc, IntakeError)
    check_intake(intake, rules_dir, doc.source, doc)
    return intake


def intake_problems(
    intake: Intake,
    rules_dir: str | None = None,
    doc: documents.Document | None = None,
    today: dt.date | None = None,
) -> list[Problem]:
    """What a valid new intake may still not say, each problem at its field path."""
    # Never for a stored intake: it is kept as given, and reassessed (progress, impact) as is.
    problems = []
    latest = (today or dt.date.today()) + dt.timedelta(days=SESSION_DAYS_AHEAD)
    on = intake.assessment.date
    if on is not None and on > latest:  # a typo for another year; it decides a clearance
        path = ["assessment", "date"]
        message = f"{on} is in the future: an assessment is dated at most {latest}"
        problems.append(Problem("assessment.date", message, doc.line_of(path) if doc else None))
    if intake.training.current_loads:  # an unknown exercise's load would be silently unused
        from ..clinical.intake import catalogue_problems

        problems += catalogue_problems(intake, rule_base(rules_dir).catalogue, doc)
    return problems


def check_intake(
    intake: Intake,
    rules_dir: str | None = None,
    source: str = "intake",
    doc: documents.Document | None = None,
) -> None:
    """IntakeError with `intake_problems`: every shell's new intake passes here."""
    problems = intake_problems(intake, rules_dir, doc)
    if problems:
        raise IntakeError(source, problems)
