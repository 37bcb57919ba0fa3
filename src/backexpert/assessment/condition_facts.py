"""The facts of the client's conditions: each one's presence, side, severity, clearance and age."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..clinical.intake import Condition
from ..clinical.words import ConditionCode, ConditionSeverity, Side
from ..knowledge.vocabulary import FactSpec, FactValue, enum_fact
from .subject import Family, Read, Subject

ReadCondition = Callable[[Condition | None], FactValue | None]


def _of(read: ReadCondition, code: ConditionCode) -> Read:
    """A condition fact's extractor for one condition code."""
    return lambda s: read(s.condition(code))


def _side(cond: Condition | None) -> str:
    if cond is None:
        return "absent"
    return (cond.side or Side.both).value


def _present(cond: Condition | None) -> bool:
    return cond is not None


def _severity(cond: Condition | None) -> str:
    if cond is None:
        return ConditionSeverity.absent.value
    if cond.severity is None:
        return ConditionSeverity.unspecified.value
    return cond.severity.value


def _cleared(cond: Condition | None) -> str:
    if cond is None:
        return "absent"
    return "not_recorded" if cond.cleared is None else ("yes" if cond.cleared else "no")


def _dated(cond: Condition | None) -> bool:
    return _weeks(cond) is not None


def _weeks(cond: Condition | None) -> int | None:
    return None if cond is None else cond.weeks_since


def weeks_since(s: Subject, code: ConditionCode) -> int | None:
    return _weeks(s.condition(code))


# Each code's facts in vocabulary order, each read from the code's record (None: not recorded).
READS: tuple[ReadCondition, ...] = (_side, _present, _severity, _cleared, _dated, _weeks)


def _specs(code: ConditionCode) -> list[FactSpec]:
    name = code.value
    return [
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
            extract=_of(_present, code),
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
            extract=_of(_dated, code),
        ),
        FactSpec(
            f"condition.{name}.weeks_since",
            "int",
            f"weeks since {name.replace('_', ' ')} began or was operated",
            low=0,
            high=1040,
            always_known=False,
            extract=_of(_weeks, code),
        ),
    ]


def _family() -> Family:
    specs = {code: _specs(code) for code in ConditionCode}
    names = {code: [spec.name for spec in group] for code, group in specs.items()}

    def recorded(s: Subject) -> Iterable[tuple[str, FactValue | None]]:
        return [
            (name, read(cond))
            for code, cond in s.conditions().items()
            for name, read in zip(names[code], READS, strict=True)
        ]

    absent = {
        name: read(None)
        for group in names.values()
        for name, read in zip(group, READS, strict=True)
    }
    return Family(tuple(s for group in specs.values() for s in group), absent, recorded)


CONDITIONS = _family()


def condition_facts() -> list[FactSpec]:
    return list(CONDITIONS.specs)


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
