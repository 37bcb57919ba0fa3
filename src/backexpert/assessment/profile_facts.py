"""The client's profile: who they are, how they train, what they have and want, what was found."""

from __future__ import annotations

from ..clinical.words import Equipment, Experience, Finding, Goal, Occupation, Sex
from ..knowledge.vocabulary import FactSpec, enum_fact
from .subject import Family, flags

FLAGS: tuple[Family, ...] = (
    flags("equipment", Equipment, "{} is available", lambda s: s.intake.training.equipment),
    flags("goal", Goal, "the client's goals include {}", lambda s: s.intake.goals),
    flags("finding", Finding, "examination found {}", lambda s: s.intake.findings),
)


def profile_facts() -> list[FactSpec]:
    return [
        FactSpec(
            "client.age",
            "int",
            "age in years",
            low=10,
            high=110,
            extract=lambda s: s.intake.client.age,
        ),
        enum_fact("client.sex", Sex, "sex", extract=lambda s: s.intake.client.sex.value),
        enum_fact(
            "client.occupation",
            Occupation,
            "occupation",
            extract=lambda s: s.intake.client.occupation.value,
        ),
        enum_fact(
            "training.experience",
            Experience,
            "training experience",
            extract=lambda s: s.intake.training.experience.value,
        ),
        FactSpec(
            "training.sessions_per_week",
            "int",
            "sessions the client can do",
            low=1,
            high=7,
            extract=lambda s: s.intake.training.sessions_per_week,
        ),
        *(spec for family in FLAGS for spec in family.specs),
    ]
