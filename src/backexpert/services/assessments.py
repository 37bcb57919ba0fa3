"""Assessing an intake, saving it with a client, and reading a client's stored prescriptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..assessment import assess, rule_base
from ..assessment.edits import Adjustments
from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from ..errors import InputError, Problem, StoreError
from .adjustments import adjust
from .intakes import check_intake
from .reports import Documents, render_documents, write_documents
from .storage import keep_unsaved_intake, open_store

if TYPE_CHECKING:
    from ..store import Store


@dataclass(frozen=True)
class Assessed:
    """An assessment's outcome: the prescription, its documents, where it was saved.

    `saved_as` is the assessment's id when it was saved (or found already saved: then
    `already_saved`); `written` lists the documents written when `write` was asked for.
    """

    intake: Intake
    prescription: Prescription
    documents: list[tuple[Path, str | bytes]]
    saved_as: int | None
    already_saved: bool = False
    written: list[Path] = field(default_factory=list)
    generated: Prescription | None = None  # the program as the rules made it, when adjusted


def assess_and_save(
    intake: Intake,
    *,
    rules_dir: str | None = None,
    db: Store | None = None,
    client_id: int | None = None,
    wanted: Documents | None = None,
    database: str | None = None,
    write: bool = False,
    adjustments: Adjustments | None = None,
    adjustments_source: str = "adjustments",
) -> Assessed:
    """Assess an intake, render (and `write`) the documents asked for, and save it with a client.

    With `adjustments`, the clinician's edits are applied to the generated program and checked
    (`adjust`); the result is what is rendered and saved, with the generated program and the
    adjustments beside it.

    The client is checked before anything is assessed; every document is rendered, and written
    (each atomically), before anything is stored, so a document that cannot be written leaves
    nothing saved; the save comes last and is idempotent (the same intake and prescription are
    stored once per client), so a retry never saves a second copy. Saving with `client_id` uses
    `db`, or opens `database` (None: the default one). When the database fails, the intake is
    kept in a file and the error says how to save it again.
    """
    edits = (adjustments, adjustments_source)
    if client_id is None:
        generated, result = _assessed(intake, rules_dir, edits)
        rendered = _rendered(result, wanted, intake)
        return Assessed(
            intake,
            result,
            rendered,
            None,
            written=_written(rendered, write),
            generated=generated if adjustments is not None else None,
        )
    try:
        if db is not None:
            return _assess_with(db, intake, client_id, rules_dir, wanted, write, edits)
        with open_store(database) as opened:
            return _assess_with(opened, intake, client_id, rules_dir, wanted, write, edits)
    except StoreError as exc:
        kept = keep_unsaved_intake(client_id, intake)
        if kept is None:
            raise
        raise StoreError(
            f"{exc}\nthe intake is kept in {kept}: save it again with "
            f"backexpert assess {kept} --client {client_id} --save"
        ) from exc


def _assess_with(
    db: Store,
    intake: Intake,
    client_id: int,
    rules_dir: str | None,
    wanted: Documents | None,
    write: bool,
    edits: tuple[Adjustments | None, str] = (None, "adjustments"),
) -> Assessed:
    db.client(client_id)  # an unknown client fails before anything is assessed
    generated, result = _assessed(intake, rules_dir, edits)
    rendered = _rendered(result, wanted, intake)
    written = _written(rendered, write)
    adjusted = edits[0] is not None
    saved = db.save_assessment(
        client_id,
        intake,
        result,
        generated=generated if adjusted else None,
        adjustments=edits[0],
    )
    return Assessed(
        intake,
        result,
        rendered,
        saved.id,
        not saved.created,
        written,
        generated=generated if adjusted else None,
    )


def _assessed(
    intake: Intake, rules_dir: str | None, edits: tuple[Adjustments | None, str]
) -> tuple[Prescription, Prescription]:
    """The generated prescription, and the result (the same, or with the edits applied)."""
    check_intake(intake, rules_dir)
    generated = assess(intake, rule_base(rules_dir))
    adjustments, source = edits
    if adjustments is None:
        return generated, generated
    return generated, adjust(intake, generated, adjustments, rules_dir, source)


def _rendered(
    result: Prescription, wanted: Documents | None, intake: Intake
) -> list[tuple[Path, str | bytes]]:
    if wanted is None:
        return []
    return render_documents(result, wanted, intake.assessment.clinician)


def _written(rendered: list[tuple[Path, str | bytes]], write: bool) -> list[Path]:
    return write_documents(rendered) if write else []


def stored_prescription(db: Store, client_id: int, index: int = -1) -> Prescription:
    """A client's stored prescription (the latest by default), as it was saved."""
    found = db.assessments(client_id)
    if not found:
        raise InputError(
            f"client {client_id}", [Problem("assessments", "this client has no saved assessment")]
        )
    try:
        return found[index].prescription
    except IndexError:
        raise InputError(
            f"client {client_id}",
            [Problem("assessment", f"no assessment {index} (the client has {len(found)})")],
        ) from None
