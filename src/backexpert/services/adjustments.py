"""A clinician's adjustments: edits to the generated program, checked by the safety monitor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import documents
from ..assessment import assess, rule_base
from ..assessment.edits import Adjustments
from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from ..errors import InputError, Problem
from .intakes import check_intake
from .rules import catalogue

# An adjustments document holds at most 100 edits of a few lines each: 256 kB is generous.
MAX_ADJUSTMENTS_BYTES = 256 * 1024


def load_adjustments(path: str) -> Adjustments:
    """Read and validate a clinician's adjustments file (YAML or JSON)."""
    return documents.validate(Adjustments, documents.read(path, max_bytes=MAX_ADJUSTMENTS_BYTES))


def adjust(
    intake: Intake,
    generated: Prescription,
    adjustments: Adjustments,
    rules_dir: str | None = None,
    source: str = "adjustments",
) -> Prescription:
    """The generated prescription with the clinician's edits, checked by the safety monitor.

    Bad edits (an exercise not in the catalogue, an item not in the program) raise InputError
    naming the field; an edit that breaks a safety invariant raises EditRefusedError unless it
    carries an override that may lift it (docs/adjustments.md).
    """
    from ..assessment import adjustments as applying

    return applying.apply(generated, adjustments, intake, catalogue(rules_dir), source)


@dataclass(frozen=True)
class Adjusted:
    """The answer to a set of edits: the result, or why it was refused (nothing applied).

    `prescription` is the result when the edits were accepted, else the generated program;
    `problems` are bad input (field paths), `refused` the safety check's refusals.
    """

    generated: Prescription
    prescription: Prescription
    adjustments: Adjustments | None
    problems: list[Problem] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not (self.problems or self.refused)


def try_adjustments(
    intake: Intake, data: Any, rules_dir: str | None = None, source: str = "adjustments"
) -> Adjusted:
    """Validate an adjustments document given as data and apply it; never raises for bad edits.

    For shells that show the safety check's answer beside the edit (the web's "Edit and sign").
    """
    from ..errors import EditRefusedError

    check_intake(intake, rules_dir)
    generated = assess(intake, rule_base(rules_dir))
    try:
        doc = documents.validate(Adjustments, documents.Document(source, data, None))
        return Adjusted(generated, adjust(intake, generated, doc, rules_dir, source), doc)
    except EditRefusedError as exc:
        return Adjusted(generated, generated, None, refused=list(exc.violations))
    except InputError as exc:
        return Adjusted(generated, generated, None, problems=list(exc.problems))


def swap_choices(intake: Intake, rules_dir: str | None = None) -> list[tuple[str, str]]:
    """Catalogue exercises the client has the equipment for: (id, name), by pattern and name."""
    have = set(intake.training.equipment)
    usable = [e for e in catalogue(rules_dir) if set(e.equipment) <= have]
    return [(e.id, e.name) for e in sorted(usable, key=lambda e: (e.pattern.value, e.name))]
