"""Validated questionnaires and how they are scored (domain reference, section 1).

- STarT Back (Keele, 9 items): total 0-9; distress subscale = items 5-9; item 9 scores 1 only
  for "very much" or "extremely". Low: total 0-3. High: subscale 4-5. Otherwise medium.
- Oswestry Disability Index: sum ÷ (5 × sections answered) × 100. Rounding rule (ours): one
  decimal, half up (16/45 = 35.56 → 35.6). Bands on the exact value: ≤20 minimal, ≤40 moderate,
  ≤60 severe, ≤80 crippled, above 80 bed-bound. At most 2 of the 10 sections may be skipped
  (no source sets a limit; ours keeps the denominator at 40 or more).
- QuickDASH: ((sum ÷ n) − 1) × 25 over the n items answered, one decimal half up; no score when
  more than 1 of the 11 items is missing.
- Roland-Morris: the number of statements ticked (0-24).
- Numeric pain rating (NPRS, McCaffery & Beebe cut-offs): 0 none, 1-3 mild, 4-6 moderate,
  7-10 severe; a change of 2 points is meaningful.
- PAR-Q+ 2023: all seven general answers NO → cleared; any YES → the follow-up pages; follow-ups
  all NO → cleared for low-to-moderate intensity; any follow-up YES → ePARmed-X+ or a qualified
  exercise professional first. A clearance lasts at most 12 months (ours: until the day before
  the same date a year later).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from pydantic import SerializerFunctionWrapHandler, model_serializer

from ..model import Model
from .intake import Intake, Pain, ParqPlus, StartBack

ODI_MAX_SKIPPED = 2
QUICKDASH_MAX_MISSING = 1
CLEARANCE_MONTHS = 12


class StartBackScore(Model):
    total: int
    distress: int
    category: Literal["low", "medium", "high"]


class OdiScore(Model):
    percent: float
    band: Literal["minimal", "moderate", "severe", "crippled", "bed_bound"]
    sections_answered: int


class QuickDashScore(Model):
    score: float | None
    items_answered: int
    note: str | None


class RolandMorrisScore(Model):
    score: int


class PainScore(Model):
    nprs_now: int
    nprs_worst_24h: int
    band: Literal["none", "mild", "moderate", "severe"]


ParqOutcome = Literal[
    "cleared",
    "cleared_low_to_moderate",
    "follow_up_needed",
    "clearance_required",
    "medically_cleared",
]


class ParqScore(Model):
    outcome: ParqOutcome
    yes_answers: list[int]
    clearance_valid_until: dt.date | None
    note: str


class Scores(Model):
    """Questionnaire scores; a questionnaire that was not given has no entry."""

    pain: PainScore | None = None
    start_back: StartBackScore | None = None
    odi: OdiScore | None = None
    quickdash: QuickDashScore | None = None
    roland_morris: RolandMorrisScore | None = None
    parq_plus: ParqScore | None = None

    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None}


def _one_decimal(x: Fraction) -> float:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return float(d.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def start_back(sb: StartBack) -> StartBackScore:
    items = [1 if a == "agree" else 0 for a in sb.items]
    item9 = 1 if sb.bothersomeness in ("very_much", "extremely") else 0
    total = sum(items) + item9
    distress = sum(items[4:8]) + item9
    category: Literal["low", "medium", "high"]
    if distress >= 4:
        category = "high"
    elif total <= 3:
        category = "low"
    else:
        category = "medium"
    return StartBackScore(total=total, distress=distress, category=category)


def odi(sections: list[int | None]) -> OdiScore:
    answered = [s for s in sections if s is not None]
    exact = Fraction(sum(answered) * 100, 5 * len(answered))
    band: Literal["minimal", "moderate", "severe", "crippled", "bed_bound"]
    if exact <= 20:
        band = "minimal"
    elif exact <= 40:
        band = "moderate"
    elif exact <= 60:
        band = "severe"
    elif exact <= 80:
        band = "crippled"
    else:
        band = "bed_bound"
    return OdiScore(percent=_one_decimal(exact), band=band, sections_answered=len(answered))


def quickdash(items: list[int | None]) -> QuickDashScore:
    answered = [i for i in items if i is not None]
    missing = len(items) - len(answered)
    if missing > QUICKDASH_MAX_MISSING:
        return QuickDashScore(
            score=None,
            items_answered=len(answered),
            note=f"{missing} items missing: no score (at most {QUICKDASH_MAX_MISSING} may be)",
        )
    exact = (Fraction(sum(answered), len(answered)) - 1) * 25
    return QuickDashScore(score=_one_decimal(exact), items_answered=len(answered), note=None)


def roland_morris(ticked: list[int]) -> RolandMorrisScore:
    return RolandMorrisScore(score=len(ticked))


def pain_band(nprs: int) -> Literal["none", "mild", "moderate", "severe"]:
    if nprs == 0:
        return "none"
    if nprs <= 3:
        return "mild"
    return "moderate" if nprs <= 6 else "severe"


def pain(p: Pain) -> PainScore:
    return PainScore(nprs_now=p.nprs_now, nprs_worst_24h=p.worst, band=pain_band(p.nprs_now))


def valid_until(start: dt.date) -> dt.date:
    """The last day a clearance given on `start` is valid (12 months).

    Total: the same day a year later (the month's last day when it has no such day, as for
    29 February), minus one day; a clearance given in the last representable year is valid to
    `date.max`. Never loops, never raises.
    """
    year, month = divmod(start.month - 1 + CLEARANCE_MONTHS, 12)
    end_year, end_month = start.year + year, month + 1
    if end_year > dt.MAXYEAR:
        return dt.date.max
    day = min(start.day, calendar.monthrange(end_year, end_month)[1])
    return dt.date(end_year, end_month, day) - dt.timedelta(days=1)


def parq(form: ParqPlus, on: dt.date) -> ParqScore:
    yes = [i + 1 for i, a in enumerate(form.general) if a]
    clearance = form.medical_clearance
    if clearance is not None and clearance.date <= on <= valid_until(clearance.date):
        until = valid_until(clearance.date)
        by = f" by {clearance.by}" if clearance.by else ""
        return ParqScore(
            outcome="medically_cleared",
            yes_answers=yes,
            clearance_valid_until=until,
            note=f"Medical clearance{by} on {clearance.date.isoformat()}, valid to {until}.",
        )
    expired = (
        f" The medical clearance of {clearance.date.isoformat()} is not valid on {on.isoformat()}."
        if clearance is not None
        else ""
    )
    if not yes:
        return ParqScore(
            outcome="cleared",
            yes_answers=[],
            clearance_valid_until=valid_until(on),
            note="All seven answers NO: cleared to become more active; start slowly." + expired,
        )
    answered = form.follow_up.answered() if form.follow_up is not None else {}
    if not answered:
        return ParqScore(
            outcome="follow_up_needed",
            yes_answers=yes,
            clearance_valid_until=None,
            note=(
                f"YES to question(s) {', '.join(map(str, yes))}: complete PAR-Q+ pages 2-3 "
                "(follow-up questions) before any loaded exercise." + expired
            ),
        )
    follow_yes = [f"{k} {i + 1}" for k, v in answered.items() for i, a in enumerate(v) if a]
    if follow_yes:
        return ParqScore(
            outcome="clearance_required",
            yes_answers=yes,
            clearance_valid_until=None,
            note=(
                f"Follow-up YES ({', '.join(follow_yes)}): ePARmed-X+ or a qualified exercise "
                "professional, and medical clearance, before progressing." + expired
            ),
        )
    return ParqScore(
        outcome="cleared_low_to_moderate",
        yes_answers=yes,
        clearance_valid_until=valid_until(on),
        note=(
            "Follow-ups all NO: cleared for low-to-moderate intensity "
            "(20-60 min, 3-5 days a week)." + expired
        ),
    )


def assessed_on(intake: Intake, today: dt.date | None = None) -> dt.date:
    """The assessment date: the intake's, or today's."""
    return intake.assessment.date or today or dt.date.today()


def score(intake: Intake, on: dt.date) -> Scores:
    """Every questionnaire the intake carries, scored."""
    q = intake.questionnaires
    return Scores(
        pain=pain(intake.pain),
        start_back=start_back(q.start_back) if q.start_back else None,
        odi=odi(q.odi) if q.odi else None,
        quickdash=quickdash(q.quickdash) if q.quickdash else None,
        roland_morris=roland_morris(q.roland_morris) if q.roland_morris is not None else None,
        parq_plus=parq(q.parq_plus, on) if q.parq_plus else None,
    )
