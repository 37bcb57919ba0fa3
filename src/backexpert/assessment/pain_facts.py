"""The facts of the client's pain: where, how much now and at worst, how long, how irritable."""

from __future__ import annotations

from ..clinical.words import ConditionCode, Irritability, PainRegion
from ..knowledge.vocabulary import FactSpec, enum_fact
from .condition_facts import weeks_since
from .subject import Subject


def _course(s: Subject) -> str:
    """acute under 6 weeks, subacute 6-12, persistent over 12; unknown when not recorded.

    Without a pain duration, a radiculopathy's weeks since onset date the symptoms [choice].
    """
    weeks = s.intake.pain.duration_weeks
    if weeks is None:
        weeks = weeks_since(s, ConditionCode.radiculopathy)
    if weeks is None:
        return "unknown"
    return "acute" if weeks < 6 else "subacute" if weeks <= 12 else "persistent"


def pain_facts() -> list[FactSpec]:
    return [
        enum_fact(
            "pain.region",
            PainRegion,
            "where the pain is",
            extract=lambda s: s.intake.pain.region.value,
        ),
        FactSpec(
            "pain.nprs_now",
            "int",
            "pain now, 0-10 numeric rating scale",
            low=0,
            high=10,
            extract=lambda s: s.intake.pain.nprs_now,
        ),
        FactSpec(
            "pain.nprs_worst_24h",
            "int",
            "worst pain in the last 24 h (0-10)",
            low=0,
            high=10,
            extract=lambda s: s.intake.pain.worst,
        ),
        FactSpec(
            "pain.duration_weeks",
            "int",
            "how long the symptoms have lasted, in weeks (known only when recorded)",
            low=0,
            high=1040,
            always_known=False,
            extract=lambda s: s.intake.pain.duration_weeks,
        ),
        FactSpec(
            "pain.course",
            "enum",
            "symptom duration: acute under 6 weeks, subacute 6-12, persistent over 12",
            values=("acute", "subacute", "persistent", "unknown"),
            extract=_course,
        ),
        FactSpec(
            "pain.irritability",
            "enum",
            "how easily the pain is provoked and how long it takes to settle",
            values=(*(i.value for i in Irritability), "unknown"),
            extract=lambda s: (
                s.intake.pain.irritability.value if s.intake.pain.irritability else "unknown"
            ),
        ),
    ]
