"""A prescription's documents: the clinician report (HTML, PDF) and the client handout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..assessment.prescription import Prescription

if TYPE_CHECKING:
    from ..present.prescription_view import Kind


@dataclass(frozen=True)
class Documents:
    """The documents asked for: a clinician report (HTML, PDF) and a handout (HTML or PDF)."""

    html: Path | None = None
    pdf: Path | None = None
    handout: Path | None = None
    clinician: str | None = None
    day: dt.date | None = None
    trace: bool = True  # the clinician report's appendix: rule texts, fact base, trace

    def wanted(self) -> bool:
        return any(x is not None for x in (self.html, self.pdf, self.handout))


def render(
    prescription: Prescription,
    kind: Kind,
    day: dt.date | None,
    clinician: str | None,
    trace: bool = True,
) -> str:
    """One document of a prescription as HTML: the clinician report or the client handout."""
    from ..present import html
    from ..present.prescription_view import PrescriptionView

    return html.render_html(PrescriptionView(prescription, kind, day, clinician, trace=trace))


def render_documents(
    prescription: Prescription, wanted: Documents, clinician: str | None = None
) -> list[tuple[Path, str | bytes]]:
    """Every document asked for, rendered: (path, content) pairs ready to write."""
    if not wanted.wanted():
        return []  # before importing the renderer: a JSON-only assessment never loads Jinja
    from ..present import html

    who = wanted.clinician or clinician
    out: list[tuple[Path, str | bytes]] = []
    if wanted.html or wanted.pdf:
        clinician_html = render(prescription, "clinician", wanted.day, who, wanted.trace)
        if wanted.html:
            out.append((wanted.html, clinician_html))
        if wanted.pdf:
            out.append((wanted.pdf, html.render_pdf(clinician_html)))
    if wanted.handout:
        handout_html = render(prescription, "handout", wanted.day, who)
        is_pdf = wanted.handout.suffix.lower() == ".pdf"
        out.append((wanted.handout, html.render_pdf(handout_html) if is_pdf else handout_html))
    return out


def write_documents(rendered: Iterable[tuple[Path, str | bytes]]) -> list[Path]:
    """Write rendered documents atomically; the paths written."""
    pending = list(rendered)
    if not pending:
        return []  # before importing the renderer: a JSON-only assessment never loads Jinja
    from ..present import html

    for path, content in pending:
        html.write(path, content)
    return [path for path, _ in pending]
