"""The facts of the scores: the pain band, STarT Back, Oswestry, QuickDASH, RMDQ and PAR-Q+."""

from __future__ import annotations

from typing import Any

from ..knowledge.vocabulary import FactSpec
from .subject import Subject


def score_facts() -> list[FactSpec]:
    def sb(s: Subject) -> Any:
        return s.scores.start_back

    def qd(s: Subject) -> int | None:
        q = s.scores.quickdash
        return None if q is None or q.score is None else round(q.score)

    return [
        FactSpec(
            "pain.band",
            "enum",
            "NPRS band of pain now",
            values=("none", "mild", "moderate", "severe"),
            extract=lambda s: s.scores.pain.band if s.scores.pain else None,
        ),
        FactSpec(
            "start_back.category",
            "enum",
            "STarT Back risk group",
            values=("low", "medium", "high", "not_given"),
            extract=lambda s: sb(s).category if sb(s) else "not_given",
        ),
        FactSpec(
            "start_back.total",
            "int",
            "STarT Back total (0-9)",
            high=9,
            always_known=False,
            extract=lambda s: sb(s).total if sb(s) else None,
        ),
        FactSpec(
            "start_back.distress",
            "int",
            "STarT Back distress subscale",
            high=5,
            always_known=False,
            extract=lambda s: sb(s).distress if sb(s) else None,
        ),
        FactSpec(
            "odi.band",
            "enum",
            "Oswestry disability band",
            values=("minimal", "moderate", "severe", "crippled", "bed_bound", "not_given"),
            extract=lambda s: s.scores.odi.band if s.scores.odi else "not_given",
        ),
        FactSpec(
            "odi.percent",
            "int",
            "Oswestry %, rounded",
            high=100,
            always_known=False,
            extract=lambda s: round(s.scores.odi.percent) if s.scores.odi else None,
        ),
        FactSpec(
            "quickdash.score", "int", "QuickDASH, rounded", high=100, always_known=False, extract=qd
        ),
        FactSpec(
            "roland_morris.score",
            "int",
            "RMDQ statements ticked",
            high=24,
            always_known=False,
            extract=lambda s: s.scores.roland_morris.score if s.scores.roland_morris else None,
        ),
        FactSpec(
            "parq.outcome",
            "enum",
            "PAR-Q+ outcome",
            values=(
                "not_given",
                "cleared",
                "cleared_low_to_moderate",
                "follow_up_needed",
                "clearance_required",
                "medically_cleared",
            ),
            extract=lambda s: s.scores.parq_plus.outcome if s.scores.parq_plus else "not_given",
        ),
    ]
