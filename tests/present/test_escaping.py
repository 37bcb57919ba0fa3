"""Everything a user types is shown as text in both documents, never run or interpreted."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import readers

from backexpert import assessment
from backexpert.present import html as report
from backexpert.present.prescription_view import Kind, PrescriptionView
from factories import make_intake

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</style><script>alert(1)</script>",
    "</title><body onload=alert(1)>",
    "{{ 7 * 7 }}{% for x in range(3) %}x{% endfor %}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "javascript:alert(1)",
    "&lt;b&gt;not bold&lt;/b&gt; &amp; <b>bold</b>",
    '\\"; } body { display: none } /*',
    "Zoë O'Brien-Łukasz 李",
)
KINDS: tuple[Kind, ...] = ("clinician", "handout")


class _Tags(HTMLParser):
    """Every element and attribute of a page, to find anything a payload could have opened."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.script_urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [k for k, _ in attrs if k.startswith("on")]
        self.script_urls += [v for _, v in attrs if v and v.lower().startswith("javascript:")]


def _pages(payload: str) -> list[str]:
    intake = make_intake(
        client={"name": payload, "notes": payload},
        conditions=[{"code": "other", "note": payload}, {"code": "hypertension", "note": payload}],
        assessment={"clinician": payload},
        pain={"region": "low_back_and_leg", "nprs_now": 3},
    )
    p = assessment.assess(intake)
    return [report.render_html(PrescriptionView(p, k, readers.DAY, payload)) for k in KINDS]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_every_typed_field_stays_text(payload: str) -> None:
    for page in _pages(payload):
        tags = _Tags()
        tags.feed(page)
        assert "script" not in tags.tags
        assert "svg" not in tags.tags
        assert tags.handlers == []
        assert tags.script_urls == []
        assert tags.tags.count("style") == 2  # the stylesheet and the running header only
        assert tags.tags.count("body") == 1
        # No template ran the payload (7 * 7); the rule base's version hash may hold "49".
        assert "49" not in re.sub(r"\b[0-9a-f]{12}\b", "", readers.text(page))
        # The payload is shown as typed (the client's name and the clinician at least).
        assert readers.text(page).count(payload) >= 2


def test_the_running_header_cannot_break_out_of_its_css_string() -> None:
    page = _pages('</style><script>alert(1)</script>"')[0]
    header = page[page.index("@top-right") : page.index("@bottom-left")]
    assert "<" not in header
    assert header.count('"') == 2


def test_a_payload_name_prints_as_text_in_the_pdf() -> None:
    from io import BytesIO

    from pypdf import PdfReader

    payload = "<script>alert(1)</script>"
    pdf = report.render_pdf(_pages(payload)[1])
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert payload in "".join(text.split())
