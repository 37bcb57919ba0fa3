"""Questionnaire facts as intake edits: the answers nearest the client's that score the value."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, get_args

from pydantic import JsonValue

from ..clinical import instruments
from ..clinical.intake import Bothersomeness, Intake, ParqPlus, StartBack, StartBackAnswer
from ..knowledge.vocabulary import FactValue
from .field_edits import CannotSetError
from .models import IntakeEdit
from .syntax import remove_edit, set_edit


def start_back(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = intake.questionnaires.start_back
    if value == "not_given" or value is None:
        return [remove_edit("questionnaires.start_back")] if current is not None else []
    items0 = list(current.items) if current else ["disagree"] * 8
    bother0 = current.bothersomeness if current else "not_at_all"
    levels = get_args(Bothersomeness)
    best: tuple[int, list[StartBackAnswer], Bothersomeness] | None = None
    for mask, bother in itertools.product(range(256), levels):
        items: list[StartBackAnswer] = ["agree" if mask >> k & 1 else "disagree" for k in range(8)]
        score = instruments.start_back(
            StartBack.model_construct(items=items, bothersomeness=bother)
        )
        if getattr(score, rest, None) != value:
            continue
        distance = sum(a != b for a, b in zip(items, items0, strict=True)) + (bother != bother0)
        if best is None or distance < best[0]:
            best = (distance, items, bother)
    if best is None:
        raise CannotSetError(f"no STarT Back answers give {fact} = {value}")
    answers: dict[str, JsonValue] = {"items": list(best[1]), "bothersomeness": best[2]}
    return [set_edit("questionnaires.start_back", answers)]


def _by_total(
    current: list[int | None], low: int, high: int, good: Callable[[list[int | None]], bool]
) -> list[int | None] | None:
    """Answers as close to `current` as possible (total first) for which `good` holds.

    Skipped answers (None) stay skipped; a higher total raises the lowest answers first, a
    lower one lowers the highest first.
    """
    answered = {i: v for i, v in enumerate(current) if v is not None}
    total0 = sum(answered.values())
    totals = range(low * len(answered), high * len(answered) + 1)
    for total in sorted(totals, key=lambda t: (abs(t - total0), t)):
        values = dict(answered)
        step = 1 if total > total0 else -1
        for _ in range(abs(total - total0)):
            movable = [i for i, v in values.items() if low <= v + step <= high]
            i = min(movable, key=lambda k: (values[k] * step, k))
            values[i] += step
        candidate = [values.get(i) for i in range(len(current))]
        if good(candidate):
            return candidate
    return None


def odi(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = intake.questionnaires.odi
    if value == "not_given" or value is None:
        return [remove_edit("questionnaires.odi")] if current is not None else []

    def good(sections: list[int | None]) -> bool:
        score = instruments.odi(sections)
        return (score.band if rest == "band" else round(score.percent)) == value

    found = _by_total(list(current) if current else [0] * 10, 0, 5, good)
    if found is None:
        raise CannotSetError(f"no Oswestry answers give {fact} = {value}")
    return [set_edit("questionnaires.odi", list(found))]


def quickdash(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = intake.questionnaires.quickdash
    if value is None:
        return [remove_edit("questionnaires.quickdash")] if current is not None else []
    base: list[int | None] = list(current) if current else [1] * 11
    if instruments.quickdash(base).score is None:
        base = [1 if v is None else v for v in base]

    def good(items: list[int | None]) -> bool:
        score = instruments.quickdash(items).score
        return score is not None and round(score) == value

    found = _by_total(base, 1, 5, good)
    if found is None:
        raise CannotSetError(f"no QuickDASH answers give {fact} = {value}")
    return [set_edit("questionnaires.quickdash", list(found))]


def roland_morris(
    fact: str, rest: str, value: FactValue | None, intake: Intake
) -> list[IntakeEdit]:
    current = intake.questionnaires.roland_morris
    if value is None:
        return [remove_edit("questionnaires.roland_morris")] if current is not None else []
    if not isinstance(value, int) or not 0 <= value <= 24:
        raise CannotSetError(f"{value!r} is not 0..24 statements")
    ticks = list(current or [])
    ticks += [s for s in range(1, 25) if s not in ticks][: max(0, value - len(ticks))]
    chosen: list[JsonValue] = [*sorted(ticks[:value])]
    return [set_edit("questionnaires.roland_morris", chosen)]


def parq(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = intake.questionnaires.parq_plus
    if value == "not_given" or value is None:
        return [remove_edit("questionnaires.parq_plus")] if current is not None else []
    data: dict[str, Any] = current.model_dump(mode="json", exclude_none=True) if current else {}
    general = list(data.get("general") or [False] * 7)
    follow = dict(data.get("follow_up") or {})
    data.pop("medical_clearance", None)
    if value == "cleared":
        data["general"] = [False] * 7
    else:
        if not any(general):
            general[0] = True
        data["general"] = general
        if value == "follow_up_needed":
            data.pop("follow_up", None)
        elif value == "cleared_low_to_moderate":
            follow = {k: [False] * len(v) for k, v in follow.items()} or {
                "musculoskeletal": [False] * 3
            }
            data["follow_up"] = follow
        elif value == "clearance_required":
            if not any(a for v in follow.values() for a in v):
                follow["musculoskeletal"] = [True, False, False]
            data["follow_up"] = follow
        elif value == "medically_cleared":
            data["medical_clearance"] = {"date": instruments.assessed_on(intake).isoformat()}
    form = ParqPlus.model_validate(data)
    if instruments.parq(form, instruments.assessed_on(intake)).outcome != value:
        raise CannotSetError(f"no PAR-Q+ answers give {fact} = {value}")
    return [set_edit("questionnaires.parq_plus", form.model_dump(mode="json", exclude_none=True))]
