"""The intake edits for facts read from intake fields: list entries, answers, conditions, pain."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import JsonValue

from ..clinical import instruments
from ..clinical.intake import Condition, Intake
from ..clinical.words import CORE_RED_FLAG_SCREEN
from ..knowledge.vocabulary import FactValue
from .edits import intake_data
from .intake_facts import SPECS
from .intake_paths import Segment, kind, parse_path, path_annotations
from .models import IntakeEdit
from .syntax import add_edit, remove_edit, set_edit

YES_NO = frozenset({"yes", "no", "not_asked"})


class CannotSetError(Exception):
    """No intake edit gives the wanted value of a fact; the message says why."""


def _listed(path: str, item: str, present: bool, value: FactValue | None) -> list[IntakeEdit]:
    if not isinstance(value, bool):
        raise CannotSetError(f"{value!r} is not true or false")
    if value == present:
        return []
    return [add_edit(path, item)] if value else [remove_edit(f"{path}.{item}")]


def equipment(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    present = rest in {e.value for e in intake.training.equipment}
    return _listed("training.equipment", rest, present, value)


def goal(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    return _listed("goals", rest, rest in {g.value for g in intake.goals}, value)


def finding(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    return _listed("findings", rest, rest in {f.value for f in intake.findings}, value)


def _answer(path: str, value: FactValue | None, current: bool | None) -> list[IntakeEdit]:
    """A yes / no / not_asked fact as the intake's optional yes-no field."""
    if value == "not_asked" or value is None:
        return [] if current is None else [remove_edit(path)]
    if value not in ("yes", "no"):
        raise CannotSetError(f"{value!r} is not yes, no or not_asked")
    want = value == "yes"
    return [] if current == want else [set_edit(path, want)]


def red_flag(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = next((a for q, a in intake.red_flag_screen.items() if q.value == rest), None)
    return _answer(f"red_flag_screen.{rest}", value, current)


def screening(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    if fact != "screening.red_flags_complete" or value is not True:
        raise CannotSetError("only a complete screen can be asked for: answer every core question")
    asked = {q.value for q in intake.red_flag_screen}
    return [
        set_edit(f"red_flag_screen.{q.value}", False)
        for q in CORE_RED_FLAG_SCREEN
        if q.value not in asked
    ]


def generic(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    """A fact named after its intake field (`client.age`, `training.experience`, ...)."""
    try:
        segs = parse_path(fact)
        anns = path_annotations(segs)
    except ValueError:
        raise CannotSetError("no intake edit is known for this fact") from None
    if kind(anns[-1]) != "value":
        raise CannotSetError("no intake edit is known for this fact")
    spec = SPECS[fact]
    current = _get(intake_data(intake), segs)
    if spec.kind == "enum" and set(spec.values) == YES_NO:
        return _answer(fact, value, current if isinstance(current, bool) else None)
    if value is None:
        return [] if current is None else [remove_edit(fact)]
    return [] if current == value else [set_edit(fact, value)]


def _get(data: Any, segs: Sequence[Segment]) -> Any:
    for seg in segs:
        if isinstance(data, dict):
            data = data.get(str(seg))
        else:
            return None
    return data


def condition_edits(
    code: str, attrs: Mapping[str, FactValue | None], intake: Intake
) -> list[IntakeEdit]:
    if f"condition.{code}" not in SPECS:
        raise CannotSetError(f"{code!r} is not a condition code")
    item_fields = Condition.model_fields
    present = any(c.code.value == code for c in intake.conditions)
    if attrs.get("") is False or attrs.get("severity") == "absent" or attrs.get("side") == "absent":
        return [remove_edit(f"conditions.{code}")] if present else []
    wanted: dict[str, JsonValue] = {}
    for attr, value in attrs.items():
        if attr == "":
            continue
        if attr not in item_fields:
            raise CannotSetError(f"conditions have no field {attr!r}")
        wanted[attr] = None if attr == "severity" and value == "unspecified" else value
    if not present:
        entry: dict[str, JsonValue] = {"code": code}
        entry.update({k: v for k, v in wanted.items() if v is not None})
        return [add_edit("conditions", entry)]
    current = intake_data(intake)
    entry_now = next(c for c in current["conditions"] if c["code"] == code)
    out = []
    for attr, want in wanted.items():
        if want is None and attr in entry_now:
            out.append(remove_edit(f"conditions.{code}.{attr}"))
        elif want is not None and entry_now.get(attr) != want:
            out.append(set_edit(f"conditions.{code}.{attr}", want))
    return out


def _nearest(candidates: Iterable[int], to: int) -> int | None:
    return min(candidates, key=lambda v: (abs(v - to), v), default=None)


def pain_edits(pain: Mapping[str, FactValue | None], intake: Intake) -> list[IntakeEdit]:
    now, worst = intake.pain.nprs_now, intake.pain.nprs_worst_24h
    new_now = pain.get("pain.nprs_now")
    new_worst = pain.get("pain.nprs_worst_24h")
    band = pain.get("pain.band")
    if not isinstance(new_now, int) and isinstance(band, str):
        new_now = _nearest((v for v in range(11) if instruments.pain_band(v) == band), now)
    if not isinstance(new_now, int) and isinstance(new_worst, int) and new_worst < now:
        new_now = new_worst
    final_now = new_now if isinstance(new_now, int) else now
    final_worst = worst
    if isinstance(new_worst, int):
        final_worst = new_worst
    elif worst is not None and worst < final_now:
        final_worst = final_now
    out = []
    if final_now != now:
        out.append(set_edit("pain.nprs_now", final_now))
    if final_worst != worst and final_worst is not None:
        out.append(set_edit("pain.nprs_worst_24h", final_worst))
    return out
