"""What the clinician typed into the intake reaches the report they read, escaped and whole."""

from __future__ import annotations

import io

from rich.console import Console

from backexpert import assessment
from backexpert.present import console, html
from backexpert.present.prescription_view import PrescriptionView
from factories import make_intake

NOTE = "Worried about bending <b>after</b> the 2019 discectomy; works nights"


def _assessed() -> assessment.Prescription:
    intake = make_intake(
        client={
            "name": "Noted Client",
            "age": 44,
            "sex": "female",
            "occupation": "desk",
            "notes": NOTE,
        },
        conditions=[{"code": "hypertension", "note": "on amlodipine since May"}],
    )
    return assessment.assess(intake)


def test_the_clinician_report_shows_the_intake_notes_escaped() -> None:
    page = html.render_html(PrescriptionView(_assessed(), "clinician"))
    assert "Notes from the intake" in page
    assert "Client notes: Worried about bending &lt;b&gt;after&lt;/b&gt; the 2019" in page
    assert "Hypertension: on amlodipine since May" in page


def test_the_handout_keeps_the_clinician_s_notes_to_the_clinician() -> None:
    page = html.render_html(PrescriptionView(_assessed(), "handout"))
    assert "amlodipine" not in page and "discectomy" not in page


def test_the_terminal_shows_the_intake_notes() -> None:
    out = io.StringIO()
    console.render_prescription(
        PrescriptionView(_assessed()), Console(file=out, width=200, color_system=None)
    )
    text = out.getvalue()
    assert f"Note: Client notes: {NOTE}" in text
    assert "Note: Hypertension: on amlodipine since May" in text
