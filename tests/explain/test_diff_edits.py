"""A clinician's edits in a comparison: shown as the clinician's edits, never as a rule."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from rich.console import Console

from backexpert import services
from backexpert.assessment.prescription import CLINICIAN, Prescription
from backexpert.explain import render
from backexpert.explain.models import PrescriptionDiff
from backexpert.store import Store

ROOT = Path(__file__).resolve().parents[2]
ATHLETE = ROOT / "examples" / "strength-athlete.yaml"
EDITS = ROOT / "examples" / "adjustments" / "strength-athlete.yaml"
SWAP = (
    "edits[0] (Ana Costa): swap paused_deadlift for trap_bar_deadlift (fri): a lighter hinge on "
    "the third day of the week; the client competes on Sunday"
)
MOVE = "edits[3] (Ana Costa): move the sat session to tue: the client plays football on Saturdays"


@cache
def _generated_and_adjusted() -> tuple[Prescription, Prescription]:
    intake = services.load_intake(str(ATHLETE))
    done = services.assess_and_save(intake, adjustments=services.load_adjustments(str(EDITS)))
    assert done.generated is not None
    return done.generated, done.prescription


def _rules_named(d: PrescriptionDiff, *docs: Prescription) -> None:
    known = {r.id for p in docs for r in p.rules}
    for x in d.differences:
        assert CLINICIAN not in x.because, x
        assert set(x.because) <= known, (x.kind, set(x.because) - known)


def test_an_edit_is_the_clinicians_not_an_unknown_rule() -> None:
    generated, adjusted = _generated_and_adjusted()
    d = services.compare(generated, adjusted)
    _rules_named(d, generated, adjusted)
    added = next(x for x in d.differences if x.kind == "exercise_added")
    assert (added.subject, added.because, added.edits) == ("trap_bar_deadlift", [], [SWAP])
    removed = {x.subject: x.edits for x in d.differences if x.kind == "exercise_removed"}
    assert removed["paused_deadlift"] == [SWAP]
    assert removed["band_face_pull"] == [
        "edits[2] (Ana Costa): remove band_face_pull: the client does face pulls in their own "
        "warm-up"
    ]
    dose = next(x for x in d.differences if x.kind == "dose")
    assert dose.subject == "barbell_row" and dose.edits[0].startswith("edits[1] (Ana Costa)")
    assert all(x.edits == [MOVE] for x in d.differences if x.kind == "day")
    other = next(x for x in d.differences if x.subject == "adjustments")
    assert other.text == (
        "the clinician's edits: none (the program as the rules made it) → 4 by Ana Costa"
    )
    assert len(other.edits) == 4


def test_the_edits_of_the_earlier_document_say_so() -> None:
    generated, adjusted = _generated_and_adjusted()
    d = services.compare(adjusted, generated)
    _rules_named(d, generated, adjusted)
    removed = next(x for x in d.differences if x.kind == "exercise_removed")
    assert removed.subject == "trap_bar_deadlift" and removed.edits == [f"earlier {SWAP}"]


def test_two_saved_assessments_compare_with_the_edits_named(tmp_path: Path) -> None:
    intake = services.load_intake(str(ATHLETE))
    with Store.open(str(tmp_path / "db.sqlite3")) as db:
        cid = db.add_client("Jordan Lifter")
        services.assess_and_save(intake, db=db, client_id=cid)
        edits = services.load_adjustments(str(EDITS))
        services.assess_and_save(intake, db=db, client_id=cid, adjustments=edits)
        d = services.compare_assessments(db, cid)
    generated, adjusted = _generated_and_adjusted()
    _rules_named(d, generated, adjusted)
    assert any(x.edits == [SWAP] for x in d.differences)


def test_the_table_shows_the_clinicians_edit_not_a_rule_named_clinician() -> None:
    d = services.compare(*_generated_and_adjusted())
    out = Console(width=1000, record=True)  # no cell wraps
    out.print(render.diff_table(d))
    text = out.export_text()
    assert "Because (rules; the clinician's edits)" in text
    assert f"clinician's edit {SWAP}" in text
    assert not re.search(r"\s{2}clinician\s*$", text, re.MULTILINE)  # no rule named clinician
