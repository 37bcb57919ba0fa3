"""Report rendering time per report, in process: HTML (Jinja2) and PDF (WeasyPrint), median of N.

HTML time covers building the view and rendering the template; PDF time is WeasyPrint turning
that HTML into a PDF, warm (fonts, templates and the figures' print images already made; the
first render of a process also rasterises each figure once, shown as "first"). CPU time is
shown too, and the load average before and after: on a busy machine CPU time is the fairer
number. The clinician report is measured with its appendix (rule texts, facts, trace) and
without it (`--no-trace`).

Targets on the 2-core reference machine, for the desk worker: handout PDF <= 300 ms, clinician
PDF <= 500 ms; HTML <= 20 ms for every report.
Usage: python benchmarks/report.py [--html-runs 50] [--pdf-runs 5] [INTAKE ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from backexpert import assessment
from backexpert.assessment.prescription import Prescription
from backexpert.clinical import intake
from backexpert.present import html as report
from backexpert.present.prescription_view import PrescriptionView

ROOT = Path(__file__).resolve().parents[1]
HTML_TARGET_MS = 20.0
PDF_TARGET_MS = {"clinician": 500.0, "handout": 300.0}  # the desk worker's, warm


def _median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of `runs` calls (CPU shows the cost on a busy box)."""
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("intakes", nargs="*", type=Path)
    parser.add_argument("--html-runs", type=int, default=50)
    parser.add_argument("--pdf-runs", type=int, default=5)
    args = parser.parse_args()
    files = args.intakes or sorted((ROOT / "examples").glob("*.yaml"))
    variants: tuple[tuple[report.Kind, bool], ...] = (
        ("clinician", True),
        ("clinician", False),
        ("handout", True),
    )
    worst_html = 0.0
    over: list[str] = []
    print(_load("before"))
    print(f"{'report':46} {'HTML ms':>8} {'first':>7} {'PDF ms':>7} {'PDF cpu':>8} {'pages':>6}")
    for path in files:
        prescription = assessment.assess(intake.load(str(path)))
        for kind, trace in variants:

            def html_of(
                k: report.Kind = kind, p: Prescription = prescription, t: bool = trace
            ) -> str:
                """Context and HTML: everything between a prescription and its report page."""
                return report.render_html(PrescriptionView(p, k, dt.date.today(), trace=t))

            html = html_of()
            first = time.perf_counter()
            pdf = report.render_pdf(html)  # warm-up: fonts, caches, figures' print images
            first_ms = (time.perf_counter() - first) * 1000
            html_ms, _ = _median_ms(html_of, args.html_runs)
            pdf_ms, pdf_cpu = _median_ms(lambda h=html: report.render_pdf(h), args.pdf_runs)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            worst_html = max(worst_html, html_ms)
            label = f"{path.stem} ({kind}{'' if trace else ', --no-trace'})"
            print(
                f"{label:46} {html_ms:8.1f} {first_ms:7.0f} {pdf_ms:7.0f} {pdf_cpu:8.0f} {pages:6}"
            )
            if path.stem == "desk-worker" and pdf_ms > PDF_TARGET_MS[kind]:
                over.append(f"{label} {pdf_ms:.0f} ms > {PDF_TARGET_MS[kind]:.0f}")
    ok_html = "ok" if worst_html <= HTML_TARGET_MS else "OVER"
    print(f"worst HTML {worst_html:.1f} ms (target {HTML_TARGET_MS:.0f}: {ok_html})")
    targets = ", ".join(f"{k} {v:.0f} ms" for k, v in PDF_TARGET_MS.items())
    print(f"desk-worker PDF targets ({targets}): " + ("; ".join(over) or "ok"))
    print(_load("after"))
    return 0


def _load(when: str) -> str:
    """The load average: other work on a shared machine slows every number here."""
    return f"load average {when}: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
