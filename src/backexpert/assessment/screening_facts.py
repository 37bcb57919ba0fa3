"""The screening facts: blood pressure, PAR-Q+, pregnancy, red flags and vigorous effort."""

from __future__ import annotations

from ..clinical.words import CORE_RED_FLAG_SCREEN, Answer, RedFlagQuestion
from ..knowledge.vocabulary import FactSpec, enum_fact
from .subject import Family, Read, Subject


def _bp_band(s: Subject) -> str:
    """Resting blood pressure by the higher of its two bands (domain reference 2, section 9)."""
    v = s.intake.vitals
    if v.resting_systolic is None and v.resting_diastolic is None:
        return "not_recorded"
    sys_, dia = v.resting_systolic or 0, v.resting_diastolic or 0
    if sys_ >= 180 or dia >= 110:
        return "very_high"
    if sys_ >= 160 or dia >= 100:
        return "high"
    return "below_160_100"


def _parq_q1(s: Subject) -> str:
    form = s.intake.questionnaires.parq_plus
    if form is None:
        return "not_given"
    return "yes" if form.general[0] else "no"


def _parq_q3(s: Subject) -> str:
    form = s.intake.questionnaires.parq_plus
    if form is None:
        return "not_given"
    return "yes" if form.general[2] else "no"


def _parq_hypertension(s: Subject) -> str:
    form = s.intake.questionnaires.parq_plus
    answers = form.follow_up.hypertension if form and form.follow_up else None
    if answers is None:
        return "not_answered"
    return "any_yes" if any(answers) else "all_no"


def _pregnancy_screen(s: Subject) -> str:
    screen = s.intake.questionnaires.pregnancy
    if screen is None:
        return "not_given"
    if any(screen.absolute):
        return "absolute"
    return "relative" if any(screen.relative) else "clear"


def _answer(answer: bool | None) -> str:
    return (Answer.not_asked if answer is None else Answer.yes if answer else Answer.no).value


def _question(q: RedFlagQuestion) -> Read:
    return lambda s: _answer(s.intake.red_flag_screen.get(q))


def _red_flags() -> Family:
    names = {q: f"red_flag.{q.value}" for q in RedFlagQuestion}
    specs = tuple(
        enum_fact(names[q], Answer, f"red-flag screen: {q.value}", extract=_question(q))
        for q in RedFlagQuestion
    )
    return Family(
        specs,
        absent={name: _answer(None) for name in names.values()},
        recorded=lambda s: [(names[q], _answer(a)) for q, a in s.intake.red_flag_screen.items()],
    )


RED_FLAGS = _red_flags()


def _vigorous(s: Subject) -> str:
    v = s.intake.training.accustomed_to_vigorous_effort
    return "not_asked" if v is None else ("yes" if v else "no")


def blood_pressure_fact() -> FactSpec:
    return FactSpec(
        "vitals.blood_pressure",
        "enum",
        "resting blood pressure band (mmHg)",
        values=("not_recorded", "below_160_100", "high", "very_high"),
        extract=_bp_band,
    )


def screening_facts() -> list[FactSpec]:
    return [
        FactSpec(
            "parq.heart_or_blood_pressure",
            "enum",
            "PAR-Q+ question 1: a heart condition or high blood pressure",
            values=("yes", "no", "not_given"),
            extract=_parq_q1,
        ),
        FactSpec(
            "parq.dizziness_or_fainting",
            "enum",
            "PAR-Q+ question 3: lost balance from dizziness or lost consciousness in the past year",
            values=("yes", "no", "not_given"),
            extract=_parq_q3,
        ),
        FactSpec(
            "parq.hypertension_follow_up",
            "enum",
            "PAR-Q+ follow-up on high blood pressure (pages 2-3)",
            values=("not_answered", "all_no", "any_yes"),
            extract=_parq_hypertension,
        ),
        FactSpec(
            "pregnancy.screen",
            "enum",
            "pregnancy contraindication screen: absolute, relative, clear or not given",
            values=("not_given", "clear", "relative", "absolute"),
            extract=_pregnancy_screen,
        ),
        *RED_FLAGS.specs,
        FactSpec(
            "screening.red_flags_complete",
            "bool",
            "all ten core red-flag questions were answered",
            extract=lambda s: all(q in s.intake.red_flag_screen for q in CORE_RED_FLAG_SCREEN),
        ),
        FactSpec(
            "training.accustomed_to_vigorous_effort",
            "enum",
            "used to vigorous or maximal effort",
            values=("yes", "no", "not_asked"),
            extract=_vigorous,
        ),
    ]
