"""Reports: every case, example and built intake renders to HTML and PDF that say what they must."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from click.testing import CliRunner
from markupsafe import escape
from pypdf import PdfReader

from backexpert import assessment, documents, shipped
from backexpert.assessment import RuleBase, actions
from backexpert.assessment.prescription import Limitation, Prescription
from backexpert.cli import cli
from backexpert.clinical import intake as intake_mod
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import RedFlagQuestion
from backexpert.errors import ReportError
from backexpert.knowledge.compiler import compile_documents
from backexpert.present import html as report
from backexpert.present import wording
from backexpert.present.prescription_view import Kind, PrescriptionView

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DAY = dt.date(2025, 3, 14)
XSS = "<script>alert(1)</script>"

_RED_FLAGS_CLEAR = dict.fromkeys((q.value for q in RedFlagQuestion), False)
# Intakes built here, so the suite renders reports even while tests/cases is empty.
BUILT: dict[str, dict[str, Any]] = {
    "bodyweight-novice": {
        "client": {"name": "Nora Novice", "age": 30, "sex": "female", "occupation": "other"},
        "training": {"experience": "novice", "sessions_per_week": 2, "equipment": []},
        "goals": ["general_fitness"],
        "pain": {"region": "none", "nprs_now": 0},
        "red_flag_screen": _RED_FLAGS_CLEAR,
    },
    "advanced-athlete": {
        "client": {"name": "Ada Athlete", "age": 28, "sex": "female", "occupation": "athlete"},
        "training": {
            "experience": "advanced",
            "sessions_per_week": 5,
            "equipment": [
                "barbell",
                "trap_bar",
                "pull_up_bar",
                "cable_station",
                "resistance_band",
                "medicine_ball",
                "hyperextension_bench",
                "dumbbells",
                "kettlebell",
                "bench",
                "foam_roller",
            ],
        },
        "goals": ["strength", "hypertrophy"],
        "findings": ["thoracic_stiffness"],
        "pain": {"region": "none", "nprs_now": 0},
        "red_flag_screen": _RED_FLAGS_CLEAR,
    },
    "cuff-repair-week-10": {
        "client": {"name": "Carl Cuff", "age": 58, "sex": "male", "occupation": "manual"},
        "training": {
            "experience": "intermediate",
            "sessions_per_week": 3,
            "equipment": ["resistance_band", "dumbbells", "bench"],
        },
        "goals": ["pain_management"],
        "findings": ["scapular_dyskinesis", "aberrant_movement"],
        "conditions": [{"code": "rotator_cuff_repair", "side": "left", "weeks_since": 10}],
        "pain": {"region": "shoulder", "nprs_now": 4, "nprs_worst_24h": 6},
        "red_flag_screen": _RED_FLAGS_CLEAR,
    },
    "script-name": {
        "client": {"name": XSS, "age": 45, "sex": "other", "occupation": "desk"},
        "training": {"experience": "novice", "sessions_per_week": 3, "equipment": ["dumbbells"]},
        "goals": ["posture"],
        "findings": ["rounded_shoulders"],
        "pain": {"region": "low_back", "nprs_now": 2},
        "red_flag_screen": _RED_FLAGS_CLEAR,
    },
}
REFERRAL_RULES = """
area: test
description: Rules that refer every client, to render a referral report.
rules:
  - id: test.emergency
    when: always
    then:
      - refer:
          urgency: emergency
          reason: New saddle numbness with difficulty starting urination
          action: Send to A&E the same day; no exercise.
    rationale: A test rule that refers every client as an emergency.
    source: Test fixture
  - id: test.urgent
    when: always
    then:
      - refer:
          urgency: urgent
          reason: Night pain that stops sleep, with a past cancer
          action: Contact the MSCC coordinator within 24 hours.
    rationale: A test rule that refers every client urgently.
    source: Test fixture
"""


def _case_intake(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    data: dict[str, Any] = doc["intake"]
    return data


SOURCES: dict[str, Any] = {
    **{f"example:{p.stem}": p for p in EXAMPLES},
    **{f"case:{p.stem}": p for p in CASES},
    **{f"built:{k}": v for k, v in BUILT.items()},
}
# PDFs are slow (WeasyPrint): every example, the first few cases and the referral get one.
PDF_SOURCES = [f"example:{p.stem}" for p in EXAMPLES] + [f"case:{p.stem}" for p in CASES[:2]]


@cache
def _intake(source: str) -> Intake:
    raw = SOURCES[source]
    if source.startswith("example:"):
        return intake_mod.load(str(raw))
    if source.startswith("case:"):
        return intake_mod.parse(yaml.safe_dump(_case_intake(raw)), str(raw))
    return Intake.model_validate(raw)


@cache
def _prescription(source: str) -> Prescription:
    return assessment.assess(_intake(source))


@cache
def _referral_engine() -> RuleBase:
    base = assessment.rule_base()
    doc = documents.parse(REFERRAL_RULES, "x.yaml")
    return base.with_rulebook(compile_documents([doc], actions.vocabulary(base.catalogue), "x"))


@cache
def _referral() -> Prescription:
    return assessment.assess(_intake("example:desk-worker"), _referral_engine())


def _context(p: Prescription, kind: Kind, engine: RuleBase | None = None) -> Any:
    return PrescriptionView(p, kind, DAY, "Sam Physio")


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed (line breaks fall anywhere)."""
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split())


def _squeezed(text: str) -> str:
    return "".join(text.split())


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class _Checker(HTMLParser):
    """Balanced tags, unique ids, and the text nodes, for well-formedness checks."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_html(html: str) -> _Checker:
    assert html.startswith("<!DOCTYPE html>")
    for leftover in ("{{", "}}", "{%", "%}", "{#", "Undefined"):
        assert leftover not in html, f"unresolved template text {leftover!r}"
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    text = " ".join(checker.text)
    assert not re.search(r"\bNone\b", text), "a missing value rendered as None"
    return checker


def _rule_ids(engine: RuleBase | None = None) -> list[str]:
    ev = engine or assessment.rule_base()
    return [r.id for r in ev.rulebook]


# --- every source renders -------------------------------------------------------------------


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_html_reports_render(source: str) -> None:
    p = _prescription(source)
    clinician = report.render_html(_context(p, "clinician"))
    handout = report.render_html(_context(p, "handout"))
    _check_html(clinician)
    _check_html(handout)
    names = {i.name for s in p.sessions for i in s.items} | {i.name for i in p.daily}
    for name in names:
        assert str(escape(name)) in clinician
        if p.status != "referral":
            assert str(escape(name)) in handout
    if p.referral is not None:
        for r in p.referral.reasons:
            assert str(escape(r.reason)) in clinician
    for rule_id in _rule_ids():
        assert rule_id not in handout


@pytest.mark.parametrize("source", PDF_SOURCES)
def test_clinician_pdf_names_every_exercise(source: str) -> None:
    p = _prescription(source)
    text = _pdf_text(report.render_pdf(report.render_html(_context(p, "clinician"))))
    for s in p.sessions:
        for i in s.items:
            assert _squeezed(i.name) in text
    for i in p.daily:
        assert _squeezed(i.name) in text
    if p.referral is not None:
        for r in p.referral.reasons:
            assert _squeezed(r.reason) in text


def test_handout_pdf_has_cards_and_log() -> None:
    p = _prescription("example:desk-worker")
    text = _pdf_text(report.render_pdf(report.render_html(_context(p, "handout"))))
    for s in p.sessions:
        for i in s.items:
            assert _squeezed(i.name) in text
    assert _squeezed("My training log") in text
    assert _squeezed("Pain after") in text
    assert _squeezed("Pain next morning") in text
    for line in wording.PAIN_GUIDE:
        assert _squeezed(line) in text


# --- what the clinician report must show ----------------------------------------------------


def test_safety_box_comes_first_for_a_referral() -> None:
    p = _referral()
    assert p.status == "referral"
    html = report.render_html(_context(p, "clinician", _referral_engine()))
    _check_html(html)
    assert html.index('class="safety') < html.index('id="screening"')
    assert "Emergency referral" in html
    assert "Send to A&amp;E the same day; no exercise." in html
    assert "Contact the MSCC coordinator within 24 hours." in html
    assert 'class="item"' not in html


def test_referral_pdfs_state_reasons_and_actions() -> None:
    p = _referral()
    ev = _referral_engine()
    clinician = _pdf_text(report.render_pdf(report.render_html(_context(p, "clinician", ev))))
    for r in p.referral.reasons if p.referral else []:
        assert _squeezed(r.reason) in clinician
        assert _squeezed(r.action) in clinician
    handout_html = report.render_html(_context(p, "handout", ev))
    _check_html(handout_html)
    handout = _pdf_text(report.render_pdf(handout_html))
    # The client is told what to do in plain words, never in the clinician's voice.
    assert _squeezed("Please go to A&E today") in handout
    assert _squeezed("Go to A&E (the emergency department) now.") in handout
    assert "Send to A&amp;E" not in handout_html
    assert "MSCC" not in handout_html
    assert 'class="cards"' not in handout_html, "a referral handout lists no exercises"
    assert "training log" not in handout_html
    for rule_id in _rule_ids(ev):
        assert rule_id not in handout_html


def test_every_item_is_explained_with_rationale_facts_and_source() -> None:
    p = _prescription("example:desk-worker")
    ctx = _context(p, "clinician")
    html = report.render_html(ctx)
    for s in p.sessions:
        for i in s.items:
            for rule_id in i.because:
                rule = ctx.rule(rule_id)
                assert rule_id in html
                assert str(escape(rule.summary)) in html
                assert str(escape(rule.source)) in html  # in the appendix of rule texts
    assert "Considered and not prescribed" in html
    for x in p.excluded:
        assert x.name in html
    assert "Appendix C · Inference trace" in html
    trace = html[html.index("Appendix C · Inference trace") :]
    assert trace.count('<p class="entry">') == len(p.trace)


def test_the_facts_that_fired_a_rule_are_the_trace_s_matched_facts() -> None:
    p = _prescription("example:desk-worker")
    ctx = _context(p, "clinician")
    entry = next(t for t in p.trace if t.matched)
    (why,) = ctx.why([entry.rule])
    assert {f.name for f in why.facts} >= set(entry.matched)


def test_the_week_is_a_calendar_with_minutes_and_the_recovery_gaps() -> None:
    p = _prescription("example:desk-worker")
    ctx = _context(p, "clinician")
    week = ctx.week()
    assert [c.day.value for c in week.cells] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert p.schedule is not None
    assert sorted(g.hours for g in week.gaps) == sorted(p.schedule.gaps_hours)
    html = report.render_html(ctx)
    table = html[html.index('<table class="week">') :]
    table = table[: table.index("</table>")]
    assert table.count('class="intense"') == p.schedule.intense_sessions
    assert table.count('class="light"') == p.schedule.light_sessions
    for day in ctx.calendar():
        if day.minutes:
            assert f"{day.minutes} min" in table
    for hours in p.schedule.gaps_hours:
        assert f": {hours} h" in html
    handout = report.render_html(_context(p, "handout"))
    assert handout.count('<td class="intense">Strength') == p.schedule.intense_sessions


def test_identical_sessions_are_grouped_under_their_days() -> None:
    p = _prescription("example:desk-worker")
    groups = _context(p, "clinician").session_groups()
    assert sum(len(g.days) for g in groups) == len(p.sessions)
    assert len({g.model_dump_json(include={"items"}) for g in groups}) == len(groups)


def test_scores_limitations_and_clearance_are_rendered() -> None:
    p = _prescription("example:desk-worker")
    scores_type = Prescription.model_fields["scores"].annotation
    assert isinstance(scores_type, type)
    scores = scores_type.model_validate(
        {
            "pain": {"nprs_now": 3, "nprs_worst_24h": 5, "band": "mild"},
            "start_back": {"total": 5, "distress": 4, "category": "high"},
            "odi": {"percent": 35.6, "band": "moderate", "sections_answered": 9},
            "quickdash": {"score": None, "items_answered": 9, "note": "more than 1 item missing"},
            "roland_morris": {"score": 7},
            "parq_plus": {
                "outcome": "clearance_required",
                "yes_answers": [1, 5],
                "clearance_valid_until": None,
                "note": "Complete pages 2-3.",
            },
        }
    )
    limited = p.model_copy(
        update={
            "status": "clearance_required",
            "scores": scores,
            "limitations": [
                Limitation(
                    reason="PAR-Q+ YES answers without medical clearance",
                    limited_to="unloaded work at an easy effort",
                    because=["posture.desk_bound"],
                )
            ],
        }
    )
    html = report.render_html(_context(limited, "clinician"))
    _check_html(html)
    for text in (
        "Medical clearance required",
        "STarT Back",
        "high risk",
        "psychologically informed",
        "35.6% (9 of 10 sections)",
        "more than 1 item missing",
        "7/24",
        "YES answers: Q1, Q5",
        "PAR-Q+ YES answers without medical clearance",
        "Limited to: unloaded work at an easy effort",
    ):
        assert text in html
    assert html.index('class="safety') < html.index('id="screening"')
    handout = report.render_html(_context(limited, "handout"))
    _check_html(handout)
    assert "Before you start" in handout
    assert str(escape(wording.LIMITED_FOR["clearance"])) in handout
    assert "unloaded" not in handout
    assert "posture.desk_bound" not in handout


# --- escaping ---------------------------------------------------------------------------------


def test_a_client_name_is_shown_as_text_never_run() -> None:
    p = _prescription("built:script-name")
    kinds: tuple[Kind, ...] = ("clinician", "handout")
    for kind in kinds:
        html = report.render_html(_context(p, kind))
        _check_html(html)
        assert "<script" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    pdf = _pdf_text(report.render_pdf(report.render_html(_context(p, "handout"))))
    assert XSS in pdf


def test_css_strings_cannot_close_the_style_element() -> None:
    quoted = str(report.css_string('a"</style><b>\\'))
    assert quoted.startswith('"')
    assert quoted.endswith('"')
    assert "<" not in quoted
    assert '"' not in quoted[1:-1]


# --- files and the command line -----------------------------------------------------------


def test_write_is_atomic_and_reports_a_bad_path(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    report.write(target, "<!DOCTYPE html>")
    report.write(target, "<!DOCTYPE html><p>new</p>")
    assert target.read_text() == "<!DOCTYPE html><p>new</p>"
    assert [f.name for f in tmp_path.iterdir()] == ["r.html"]
    with pytest.raises(ReportError) as info:
        report.write(tmp_path / "missing" / "r.pdf", b"%PDF-")
    assert info.value.path is not None


def test_cli_writes_every_report_and_keeps_json_byte_identical(tmp_path: Path) -> None:
    example = str(ROOT / "examples" / "desk-worker.yaml")
    runner = CliRunner()
    plain = runner.invoke(cli, ["assess", example, "--format", "json"])
    assert plain.exit_code == 0, plain.output
    files = {
        "--html": tmp_path / "report.html",
        "--pdf": tmp_path / "report.pdf",
        "--handout": tmp_path / "handout.html",
    }
    args = [x for flag, path in files.items() for x in (flag, str(path))]
    result = runner.invoke(
        cli,
        [
            "assess",
            example,
            "--format",
            "json",
            *args,
            "--clinician",
            "Sam",
            "--date",
            "2024-02-29",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == plain.stdout
    assert "2024-02-29" not in result.stdout
    json.loads(result.stdout)
    html = files["--html"].read_text()
    assert "2024-02-29" in html
    assert "Sam" in html
    assert files["--pdf"].read_bytes().startswith(b"%PDF-")
    assert "Your back-training plan" in files["--handout"].read_text()
    assert sorted(f.name for f in tmp_path.iterdir()) == [
        "handout.html",
        "report.html",
        "report.pdf",
    ]


@pytest.mark.parametrize(
    ("flag", "name"),
    [
        ("--pdf", "missing/report.pdf"),
        ("--html", "report.txt"),
        ("--handout", "handout.docx"),
        ("--html", "."),
    ],
)
def test_cli_refuses_a_bad_report_path(tmp_path: Path, flag: str, name: str) -> None:
    example = str(ROOT / "examples" / "desk-worker.yaml")
    result = CliRunner().invoke(cli, ["assess", example, flag, str(tmp_path / name)])
    assert result.exit_code == 2
    assert flag in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_a_bad_date(tmp_path: Path) -> None:
    example = str(ROOT / "examples" / "desk-worker.yaml")
    out = str(tmp_path / "r.html")
    result = CliRunner().invoke(cli, ["assess", example, "--html", out, "--date", "14/03/2025"])
    assert result.exit_code == 2


def test_templates_are_found_and_the_environment_is_strict() -> None:
    env = report.environment()
    assert env is report.environment()
    assert (shipped.templates_directory() / "clinician.html.j2").is_file()
    assert env.from_string("{{ name }}").render(name="<b>") == "&lt;b&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_a_session_without_exercises_still_renders() -> None:
    p = _prescription("example:desk-worker")
    empty = p.model_copy(
        update={"sessions": [s.model_copy(update={"items": []}) for s in p.sessions], "daily": []}
    )
    kinds: tuple[Kind, ...] = ("clinician", "handout")
    for kind in kinds:
        html = report.render_html(_context(empty, kind))
        _check_html(html)
        assert 'class="item"' not in html
        assert not re.search(r'class="card( brief)?"', html)


def test_the_terminal_shows_the_client_s_advice() -> None:
    from rich.console import Console

    from backexpert.present import console

    p = _prescription("case:d02_hypertension_breathing")
    out = Console(width=200, record=True)
    console.render_prescription(PrescriptionView(p), out)
    text = out.export_text()
    assert "[safety net] Get help straight away: Stop and get medical help at once" in text
    assert "[advice] Breathing: Breathe out as you lift" in text
    assert "precautions.breathing_blood_pressure" in text


# --- printing: what every PDF shares -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "title"), [("handout", "Client handout"), ("clinician", "Clinician report")]
)
def test_the_running_header_is_on_every_page_but_the_first(kind: Kind, title: str) -> None:
    p = _prescription("example:desk-worker")
    pdf = report.render_pdf(report.render_html(_context(p, kind)))
    pages = [_squeezed(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1
    assert _squeezed(f"BackExpert · {title}") not in pages[0]
    assert all(_squeezed(f"BackExpert · {title}") in page for page in pages[1:])
    assert all(_squeezed(p.client.name) in page for page in pages[1:])


def test_the_shared_stylesheet_is_parsed_once_per_process() -> None:
    page = report.render_html(_context(_prescription("example:desk-worker"), "clinician"))
    report.render_pdf(page)
    before = report.shared_stylesheet.cache_info()
    report.render_pdf(page)
    after = report.shared_stylesheet.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    assert "<style data-shared>" in page  # the HTML stays whole: a browser needs its style


def test_fonts_are_loaded_once_per_thread() -> None:
    import threading

    mine = report.font_config()
    assert report.font_config() is mine
    other: list[object] = []
    worker = threading.Thread(target=lambda: other.append(report.font_config()))
    worker.start()
    worker.join()
    assert other and other[0] is not mine  # a font map is not shared between threads


def test_a_pdf_renders_the_same_the_second_time() -> None:
    page = report.render_html(_context(_prescription("example:desk-worker"), "handout"))
    first, second = (
        [_squeezed(p.extract_text()) for p in PdfReader(io.BytesIO(report.render_pdf(page))).pages]
        for _ in range(2)
    )
    assert first == second
