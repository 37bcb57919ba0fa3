"""Golden HTML: two examples' documents are kept under test, so layout changes are deliberate.

The date is fixed, and what changes for reasons other than layout is normalised: the program
and rule-base versions, and the figures' pictures (data URIs), which have tests of their own.
A difference fails with the first differing lines. After a deliberate change, regenerate:

    BACKEXPERT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/present/test_golden.py

and review the diff of tests/present/golden/ before committing it.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
import readers

from backexpert.present import html as report
from backexpert.present.prescription_view import Kind

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ("desk-worker", "cauda-equina-referral")
KINDS: tuple[Kind, ...] = ("clinician", "handout")


def normalise(page: str, rulebook: str, version: str) -> str:
    page = page.replace(rulebook, "RULEBOOK").replace(f"BackExpert {version}", "BackExpert VERSION")
    # The running footer spells the version as a CSS string (every character escaped).
    page = page.replace(str(report.css_string(version))[1:-1], "VERSION")
    return re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "data:image/svg+xml;FIGURE", page)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_golden_html(example: str, kind: Kind) -> None:
    p = readers.prescription(f"example:{example}")
    page = normalise(report.render_html(readers.view(p, kind)), p.rulebook, p.backexpert)
    path = GOLDEN / f"{example}-{kind}.html"
    if os.environ.get("BACKEXPERT_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(page, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if page != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), page.splitlines(), str(path), "rendered", lineterm="", n=1
        )
        shown = "\n".join(list(diff)[:40])
        pytest.fail(f"{path.name} differs (BACKEXPERT_UPDATE_GOLDEN=1 regenerates it):\n{shown}")
