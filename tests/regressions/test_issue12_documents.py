"""Issue 12: the documents, tried as a physiotherapist and as a client would.

Each test is one complaint of the issue, checked on the documents as rendered.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from functools import cache

from pypdf import PdfReader

from backexpert import assessment
from backexpert.assessment.prescription import Prescription
from backexpert.present import html as report
from backexpert.present.prescription_view import Kind, PrescriptionView
from factories import EXAMPLE, make_intake

DAY = dt.date(2025, 3, 14)
HIGH_RISK_ITEMS = [
    "agree",
    "disagree",
    "disagree",
    "disagree",
    "agree",
    "agree",
    "agree",
    "disagree",
]


@cache
def _desk_worker() -> Prescription:
    from backexpert.clinical import intake

    return assessment.assess(intake.load(str(EXAMPLE)))


def _page(p: Prescription, kind: Kind, trace: bool = True) -> str:
    return report.render_html(PrescriptionView(p, kind, DAY, "Sam Physio", trace=trace))


def _words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page[page.index("<body") :])).split())


def test_the_handout_carries_the_client_s_own_precautions() -> None:
    p = assessment.assess(
        make_intake(
            conditions=[
                {"code": "hypertension"},
                {"code": "osteoporosis"},
                {"code": "rotator_cuff_repair", "side": "left", "weeks_since": 8},
            ],
            pain={"region": "low_back_and_leg", "nprs_now": 3},
        )
    )
    words = _words(_page(p, "handout"))
    assert "Don't hold your breath" in words
    assert "bending and twisting at the same time" in words
    assert "LEFT arm" in words
    assert "Go to A&E straight away if you notice any of these:" in words


def test_a_high_risk_client_is_not_frightened() -> None:
    p = assessment.assess(
        make_intake(
            pain={"region": "low_back", "nprs_now": 5},
            questionnaires={
                "start_back": {
                    # Keele's worked example: 5/9, distress 4/5 -> high risk.
                    "items": HIGH_RISK_ITEMS,
                    "bothersomeness": "very_much",
                }
            },
        )
    )
    assert p.scores.start_back is not None and p.scores.start_back.category == "high"
    words = _words(_page(p, "handout"))
    assert "2 or more points" not in words
    assert "needs that long to recover" not in words
    assert "Hurt does not mean harm." in words
    assert "settled by next morning" in words


def test_the_referral_handout_speaks_to_the_client() -> None:
    from backexpert.clinical import intake

    p = assessment.assess(intake.load(str(EXAMPLE.parent / "cauda-equina-referral.yaml")))
    words = _words(_page(p, "handout"))
    assert "Send to A&E" not in words
    assert "Please go to A&E today" in words
    assert "At your appointment you told us about:" in words


def test_the_handout_has_pictures() -> None:
    page = _page(_desk_worker(), "handout")
    assert page.count('<img class="figure"') == len({i.exercise for _, i in _desk_worker().items()})


def test_the_clinician_report_is_short_and_explains_each_rule_once() -> None:
    page = _page(_desk_worker(), "clinician", trace=False)
    assert "applies to every client" not in page
    pages = len(PdfReader(io.BytesIO(report.render_pdf(page))).pages)
    assert pages <= 4


def test_the_bird_dog_stands_in_for_the_hyperextension() -> None:
    page = _page(_desk_worker(), "clinician")
    assert "Stands in for Controlled back raise (slow lowering)" in page
