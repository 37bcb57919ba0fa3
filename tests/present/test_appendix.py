"""The clinician report's appendix: every rule's text once, the trace without repeats, the facts
that say something, and a PDF deflated at zlib's default level."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from markupsafe import escape
from pypdf import PdfReader

from backexpert import assessment
from backexpert.clinical import intake
from backexpert.present import html
from backexpert.present.prescription_view import PrescriptionView

DESK = Path(__file__).resolve().parents[2] / "examples" / "desk-worker.yaml"


@pytest.fixture(scope="module")
def rendered() -> tuple[PrescriptionView, str]:
    view = PrescriptionView(assessment.assess(intake.load(str(DESK))), "clinician", trace=True)
    return view, html.render_html(view)


def test_each_rule_s_rationale_is_given_once_and_whole(
    rendered: tuple[PrescriptionView, str],
) -> None:
    view, page = rendered
    body, appendix = page.split("Appendix A", 1)
    for rule, text in view.appendix_rules():
        if rule.summary in body:  # the report gave its first sentence: the appendix the rest
            assert text == rule.rest
        else:
            assert text == rule.rationale
        assert f"Source: {escape(rule.source)}" in appendix


def test_a_rule_firing_again_to_the_same_end_points_to_its_first_line(
    rendered: tuple[PrescriptionView, str],
) -> None:
    view, _ = rendered
    lines = view.trace_lines()
    repeats = [(n, c) for n, _, _, c in lines if c.startswith("as in ")]
    assert repeats, "the desk worker's motor-control rule fires twice to the same end"
    for n, said in repeats:
        k = int(said.removeprefix("as in "))
        assert k < n and lines[k - 1][1] == lines[n - 1][1]


def test_the_facts_appendix_leaves_out_the_conditions_the_client_does_not_have(
    rendered: tuple[PrescriptionView, str],
) -> None:
    view, page = rendered
    condition = next(g for g in view.fact_groups() if g.label == "condition")
    assert all(value != "false" for value, _ in condition.buckets)
    assert (
        "lumbar_instability" in str(condition.buckets)
        and "osteoporosis" not in page.split("Appendix B", 1)[1].split("Appendix C", 1)[0]
    )
    assert "conditions, findings and goals not listed are false" in page
    assert all(g.buckets or g.values for g in view.fact_groups())  # no empty family


def test_pdfs_are_deflated_at_zlib_s_default_level(rendered: tuple[PrescriptionView, str]) -> None:
    import pydyf  # type: ignore[import-untyped]

    _, page = rendered
    pdf = html.render_pdf(page)
    assert isinstance(pydyf.zlib, html._Deflate)
    reader = PdfReader(io.BytesIO(pdf))
    assert "Appendix C" in "".join(p.extract_text() for p in reader.pages)
    assert b"/FlateDecode" in pdf
    assert len(pdf) < 120_000
