"""Screening results in words: each questionnaire's score, band and what the band means.

Band meanings follow the domain reference, section 1 (NPRS: McCaffery & Beebe 1993; STarT Back:
Hill et al. 2011; Oswestry: Fairbank & Pynsent 2000; PAR-Q+ 2023).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..clinical.instruments import Scores

PAIN_MEANING = {
    "none": "No pain.",
    "mild": "Mild pain (1-3 of 10).",
    "moderate": "Moderate pain (4-6 of 10).",
    "severe": "Severe pain (7-10 of 10).",
}
NPRS_CHANGE = "A change of 2 or more points is meaningful."
START_BACK_MEANING = {
    "low": "Low risk of a poor outcome: advice and self-management (Hill et al. 2011).",
    "medium": "Medium risk: physiotherapy (Hill et al. 2011).",
    "high": "High risk, psychosocial distress: psychologically informed physiotherapy "
    "(Hill et al. 2011).",
}
ODI_MEANING = {
    "minimal": "0-20%: minimal disability; copes with most daily activities.",
    "moderate": "21-40%: moderate disability; more pain and difficulty sitting, lifting and "
    "standing.",
    "severe": "41-60%: severe disability; pain is the main problem in daily life.",
    "crippled": "61-80%: back pain affects every part of daily life (Fairbank's 'crippled').",
    "bed_bound": "81-100%: bed-bound, or the symptoms are exaggerated.",
}
PARQ_MEANING = {
    "cleared": "All answers NO: cleared for physical activity; start slowly.",
    "cleared_low_to_moderate": "YES answers, follow-up questions all NO: cleared for "
    "low-to-moderate intensity; see a qualified exercise professional before vigorous work.",
    "follow_up_needed": "A YES answer: complete the follow-up pages 2-3 before progressing.",
    "clearance_required": "Medical clearance (ePARmed-X+ or a qualified exercise professional) "
    "is needed before vigorous or loaded work.",
    "medically_cleared": "Cleared by a medical professional.",
}


# What the generic meaning says that the scoring note for that outcome does not.
PARQ_ALSO = {
    "cleared_low_to_moderate": "Before vigorous work: a qualified exercise professional.",
}


def parq_meaning(outcome: str, note: str) -> str:
    """The PAR-Q+ outcome's meaning: the scoring note (specific: which questions, which
    clearance, until when) or, without one, the outcome's generic meaning; never both, which
    said the same thing twice in different words."""
    text = note.strip() or PARQ_MEANING.get(outcome, "")
    also = PARQ_ALSO.get(outcome, "")
    return f"{text} {also}" if also and also not in text else text


class ScoreRow(BaseModel):
    """One screening result: the instrument, its score, its band and what that means."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instrument: str
    score: str
    band: str
    meaning: str

    def line(self) -> str:
        """The row as one short line for the terminal."""
        band = "" if self.band in ("—", "") else f" ({self.band})"
        return f"{self.instrument}: {self.score}{band}"


def rows(sc: Scores) -> list[ScoreRow]:
    """Every questionnaire given, with its band and meaning; pain always."""
    out: list[ScoreRow] = []
    if sc.pain is not None:
        p = sc.pain
        out.append(
            ScoreRow(
                instrument="Pain (NPRS)",
                score=f"{p.nprs_now}/10 now, {p.nprs_worst_24h}/10 worst in 24 h",
                band=p.band,
                meaning=f"{PAIN_MEANING.get(p.band, '')} {NPRS_CHANGE}",
            )
        )
    if sc.start_back is not None:
        sb = sc.start_back
        out.append(
            ScoreRow(
                instrument="STarT Back",
                score=f"{sb.total}/9, distress subscale {sb.distress}/5",
                band=f"{sb.category} risk",
                meaning=START_BACK_MEANING.get(sb.category, ""),
            )
        )
    if sc.odi is not None:
        odi = sc.odi
        out.append(
            ScoreRow(
                instrument="Oswestry Disability Index",
                score=f"{odi.percent:g}% ({odi.sections_answered} of 10 sections)",
                band=odi.band.replace("_", "-"),
                meaning=ODI_MEANING.get(odi.band, "")
                + " A change of 10 points is beyond measurement error.",
            )
        )
    if sc.quickdash is not None:
        qd = sc.quickdash
        out.append(
            ScoreRow(
                instrument="QuickDASH (shoulder)",
                score=("no score" if qd.score is None else f"{qd.score:g}/100")
                + f" ({qd.items_answered} of 11 items)",
                band="—",
                meaning=qd.note
                or "0 = no disability of the arm, shoulder and hand; 100 = the most.",
            )
        )
    if sc.roland_morris is not None:
        out.append(
            ScoreRow(
                instrument="Roland-Morris",
                score=f"{sc.roland_morris.score}/24 statements ticked",
                band="—",
                meaning="Higher means more disability; a change of 2-3 points matters. "
                "Scores below 4 or above 20 sit at the floor or ceiling.",
            )
        )
    if sc.parq_plus is not None:
        parq = sc.parq_plus
        yes = ", ".join(f"Q{n}" for n in parq.yes_answers) or "none"
        until = f"; valid until {parq.clearance_valid_until}" if parq.clearance_valid_until else ""
        out.append(
            ScoreRow(
                instrument="PAR-Q+",
                score=f"YES answers: {yes}{until}",
                band=parq.outcome.replace("_", " "),
                meaning=parq_meaning(parq.outcome, parq.note),
            )
        )
    return out
