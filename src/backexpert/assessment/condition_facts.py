"""The facts of the client's conditions: each one's presence, side, severity, clearance and age."""

from __future__ import annotations

from collections.abc import Callable

from ..clinical.words import ConditionCode, ConditionSeverity, Side
from ..knowledge.vocabulary import FactSpec, FactValue, enum_fact
from .subject import Read, Subject


def _of(read: Callable[[Subject, ConditionCode], FactValue | None], code: ConditionCode) -> Read:
    """A condition fact's extractor for one condition code."""
    return lambda s: read(s, code)


def _severity(s: Subject, code: ConditionCode) -> str:
    cond = s.condition(code)
    if cond is None:
        return ConditionSeverity.absent.value
    if cond.severity is None:
        return ConditionSeverity.unspecified.value
    return cond.severity.value


def weeks_since(s: Subject, code: ConditionCode) -> int | None:
    cond = s.condition(code)
    return None if cond is None else cond.weeks_since


def _side(s: Subject, code: ConditionCode) -> str:
    cond = s.condition(code)
    if cond is None:
        return "absent"
    return (cond.side or Side.both).value


def _cleared(s: Subject, code: ConditionCode) -> str:
    cond = s.condition(code)
    if cond is None:
        return "absent"
    return "not_recorded" if cond.cleared is None else ("yes" if cond.cleared else "no")


def condition_facts() -> list[FactSpec]:
    out: list[FactSpec] = []
    for code in ConditionCode:
        name = code.value
        out += [
            FactSpec(
                f"condition.{name}.side",
                "enum",
                f"the side of {name.replace('_', ' ')} (a missing side means both)",
                values=("absent", *(v.value for v in Side)),
                extract=_of(_side, code),
            ),
            FactSpec(
                f"condition.{name}",
                "bool",
                f"client has {name.replace('_', ' ')}",
                extract=_of(lambda s, c: s.condition(c) is not None, code),
            ),
            enum_fact(
                f"condition.{name}.severity",
                ConditionSeverity,
                f"{name.replace('_', ' ')} severity",
                extract=_of(_severity, code),
            ),
            FactSpec(
                f"condition.{name}.cleared",
                "enum",
                f"the surgeon or physician has cleared loading after {name.replace('_', ' ')}",
                values=("absent", "yes", "no", "not_recorded"),
                extract=_of(_cleared, code),
            ),
            FactSpec(
                f"condition.{name}.dated",
                "bool",
                f"when {name.replace('_', ' ')} began (or was operated) is recorded",
                extract=_of(lambda s, c: weeks_since(s, c) is not None, code),
            ),
            FactSpec(
                f"condition.{name}.weeks_since",
                "int",
                f"weeks since {name.replace('_', ' ')} began or was operated",
                low=0,
                high=1040,
                always_known=False,
                extract=_of(weeks_since, code),
            ),
        ]
    return out


def _slip_grade(s: Subject) -> str:
    """Meyerding I-II low, III-V high; the recorded grade wins over the severity word."""
    cond = s.condition(ConditionCode.spondylolisthesis)
    if cond is None:
        return "absent"
    if cond.grade is not None:
        return "high" if cond.grade >= 3 else "low"
    if cond.severity is None:
        return "not_recorded"
    return "high" if cond.severity.value == "severe" else "low"


def slip_grade_fact() -> FactSpec:
    return FactSpec(
        "spondylolisthesis.grade",
        "enum",
        "Meyerding grade band: low (I-II) or high (III-V, or recorded as severe)",
        values=("absent", "not_recorded", "low", "high"),
        extract=_slip_grade,
    )
