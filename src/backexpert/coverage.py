"""Rule coverage: which rules the clinical cases exercise, and which never fire."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import assessment, documents
from .engine import Evaluator
from .errors import InputError, IntakeError, Problem
from .intake import Intake


def rule_coverage(case_files: Iterable[Path], evaluator: Evaluator) -> dict[str, list[str]]:
    """Rule id → the case files in which it fired (every rule of the rulebook is a key)."""
    fired: dict[str, list[str]] = {r.id: [] for r in evaluator.rulebook}
    for path in sorted(case_files):
        doc = documents.read(path)
        if not isinstance(doc.data, dict) or "intake" not in doc.data:
            raise InputError(str(path), [Problem("intake", "a case needs an intake")])
        sub = documents.Document(doc.source, doc.data["intake"], None)
        intake = documents.validate(Intake, sub, IntakeError)
        for f in assessment.assess(intake, evaluator).trace:
            if path.name not in fired[f.rule]:
                fired[f.rule].append(path.name)
    return fired
