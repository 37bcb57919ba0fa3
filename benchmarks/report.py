"""Report rendering time per report, in process: HTML (Jinja2) and PDF (WeasyPrint), median of N.

HTML time covers building the view and rendering the template; PDF time is WeasyPrint
turning that HTML into a PDF. CPU time is shown too: on a busy machine it is the fairer number.

Targets on the 2-core reference machine: HTML <= 20 ms, PDF <= 1 s for the example reports.
Usage: python benchmarks/report.py [--html-runs 50] [--pdf-runs 5] [INTAKE ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
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
PDF_TARGET_MS = 1000.0


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
    kinds: tuple[report.Kind, ...] = ("clinician", "handout")
    worst_html = worst_pdf = 0.0
    print(f"{'report':44} {'HTML ms':>9} {'PDF ms':>8} {'PDF cpu':>8} {'pages':>6}")
    for path in files:
        prescription = assessment.assess(intake.load(str(path)))
        for kind in kinds:

            def html_of(k: report.Kind = kind, p: Prescription = prescription) -> str:
                """Context and HTML: everything between a prescription and its report page."""
                return report.render_html(PrescriptionView(p, k, dt.date.today()))

            html = html_of()
            pdf = report.render_pdf(html)  # warm-up: fonts, caches and template compilation
            html_ms, _ = _median_ms(html_of, args.html_runs)
            pdf_ms, pdf_cpu = _median_ms(lambda h=html: report.render_pdf(h), args.pdf_runs)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            worst_html, worst_pdf = max(worst_html, html_ms), max(worst_pdf, pdf_ms)
            label = f"{path.stem} ({kind})"
            print(f"{label:44} {html_ms:9.1f} {pdf_ms:8.0f} {pdf_cpu:8.0f} {pages:6}")
    ok_html = "ok" if worst_html <= HTML_TARGET_MS else "OVER"
    ok_pdf = "ok" if worst_pdf <= PDF_TARGET_MS else "OVER"
    print(
        f"worst: HTML {worst_html:.1f} ms (target {HTML_TARGET_MS:.0f}: {ok_html}); "
        f"PDF {worst_pdf:.0f} ms (target {PDF_TARGET_MS:.0f}: {ok_pdf})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
