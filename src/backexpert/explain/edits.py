"""Intake edits applied: the intake's data edited path by path, then validated again.

Paths are checked against the intake model as they are walked, and the edited intake is
validated again (`documents.validate(Intake, ...)`), so every problem names its field path the
way an intake file's problems do: `pain.nprs_now: must be <= 10 (got 11)`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from .. import documents
from ..clinical.intake import Intake
from ..errors import InputError, IntakeError, Problem
from .intake_paths import PathError, Segment, is_coded, kind, located, parse_path, path_annotations
from .models import IntakeEdit
from .syntax import SOURCE, set_edit

Data = dict[str, Any]


def intake_data(intake: Intake) -> Data:
    """The intake as data, the shape an intake file has (unset optional fields left out)."""
    return intake.model_dump(mode="json", exclude_none=True)


def _find(items: list[Any], seg: Segment, coded: bool) -> int | None:
    if isinstance(seg, int):
        return seg if -len(items) <= seg < len(items) else None
    for i, item in enumerate(items):
        if (item.get("code") == seg) if coded and isinstance(item, dict) else item == seg:
            return i
    return None


def _descend(data: Data, segs: Sequence[Segment], anns: list[Any], create: bool) -> Any:
    """The container a path names (creating sections on the way when asked), or None."""
    cur: Any = data
    for i, seg in enumerate(segs):
        where = documents.format_path(segs[: i + 1])
        nxt = anns[i + 1]
        if isinstance(cur, dict):
            if cur.get(str(seg)) is None:
                if not create:
                    return None
                cur[str(seg)] = [] if kind(nxt) == "list" else {}
            cur = cur[str(seg)]
        elif isinstance(cur, list):
            coded = is_coded(anns[i])
            at = _find(cur, seg, coded)
            if at is None:
                if not (create and coded and isinstance(seg, str)):
                    if not create:
                        return None
                    raise PathError(where, "no such entry")
                cur.append({"code": seg})
                at = len(cur) - 1
            cur = cur[at]
        else:
            raise PathError(where, "is a value, not a section")
    return cur


def _apply_one(data: Data, edit: IntakeEdit) -> None:
    segs = parse_path(edit.path)
    anns = path_annotations(segs)
    here = documents.format_path(segs)
    if edit.op == "add":
        container = _descend(data, segs, anns, create=True)
        if isinstance(container, dict):  # a mapping of answers: +red_flag_screen.q answers yes
            container[str(edit.value)] = True
            return
        if not isinstance(container, list):
            raise PathError(here, f"is not a list; use {here}=value")
        item = edit.value
        if is_coded(anns[-1]):
            item = item if isinstance(item, dict) else {"code": item}
            container.append(item)
        elif item not in container:
            container.append(item)
        return
    parent = _descend(data, segs[:-1], anns[:-1], create=edit.op == "set")
    last = segs[-1]
    if edit.op == "set":
        if isinstance(parent, dict):
            parent[str(last)] = edit.value
        elif (
            isinstance(parent, list)
            and isinstance(last, int)
            and _find(parent, last, False) is not None
        ):
            parent[last] = edit.value
        else:
            raise PathError(here, "cannot be set; add list entries with +")
        return
    found = None
    if isinstance(parent, dict) and str(last) in parent:
        del parent[str(last)]
        found = True
    elif isinstance(parent, list):
        coded = is_coded(anns[-2])
        keep = [x for k, x in enumerate(parent) if not _matches(x, k, last, coded)]
        found = len(keep) < len(parent)
        parent[:] = keep
    if not found:
        raise PathError(here, "not in the intake, nothing to remove")


def _matches(item: Any, index: int, seg: Segment, coded: bool) -> bool:
    if isinstance(seg, int):
        return index == seg
    return item.get("code") == seg if coded and isinstance(item, dict) else item == seg


def apply(data: Data, edits: Iterable[IntakeEdit]) -> Data:
    """A copy of intake data with the edits applied in order; path problems all reported."""
    out = copy.deepcopy(data)
    problems: list[Problem] = []
    for edit in edits:
        try:
            _apply_one(out, edit)
        except ValueError as exc:
            problems.append(located(exc, edit.change))
    if problems:
        raise InputError(SOURCE, problems)
    return out


def edited(intake: Intake, edits: Iterable[IntakeEdit]) -> Intake:
    """The intake with the edits applied, validated again (problems name their field paths)."""
    data = apply(intake_data(intake), edits)
    return documents.validate(Intake, documents.Document(SOURCE, data, None), IntakeError)


def follow_ups(intake: Intake, edits: Sequence[IntakeEdit]) -> list[IntakeEdit]:
    """Edits that follow from the given ones for the intake to stay coherent.

    Raising pain now above the worst pain of the last 24 h raises the worst with it (the worst
    is never below now), unless an edit sets the worst too.
    """
    touched = {e.path for e in edits}
    if "pain.nprs_now" not in touched or "pain.nprs_worst_24h" in touched:
        return []
    try:
        data = apply(intake_data(intake), edits)
    except InputError:
        return []
    pain = data.get("pain")
    if not isinstance(pain, dict):
        return []
    now, worst = pain.get("nprs_now"), pain.get("nprs_worst_24h")
    if isinstance(now, int) and isinstance(worst, int) and worst < now <= 10:
        follow = set_edit("pain.nprs_worst_24h", now)
        note = "follows from pain.nprs_now: the worst pain in 24 h is never below pain now"
        return [follow.model_copy(update={"note": note})]
    return []


__all__ = ["apply", "edited", "intake_data"]
