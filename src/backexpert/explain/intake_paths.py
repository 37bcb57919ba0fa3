"""Field paths of the intake (`conditions[0].severity`), walked through the intake model.

Each step is checked against the model as the path is walked, so a path that does not fit the
intake is a `PathError` naming the step where it stops fitting.
"""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from .. import documents
from ..clinical.intake import Intake
from ..errors import Problem
from ..knowledge.conditions import did_you_mean

Segment = str | int


_PART = re.compile(r"([A-Za-z0-9_]+)((?:\[\d+\])*)")


def parse_path(text: str) -> list[Segment]:
    """`conditions[0].severity` → ['conditions', 0, 'severity']; numbers are list positions."""
    out: list[Segment] = []
    for part in text.strip().split("."):
        m = _PART.fullmatch(part)
        if m is None:
            raise ValueError(f"{text!r} is not a field path (names joined by dots)")
        out.append(int(m[1]) if m[1].isdigit() else m[1])
        out += [int(i) for i in re.findall(r"\[(\d+)\]", m[2])]
    return out


class PathError(ValueError):
    """A path that does not fit the intake: where (a field path) and what is wrong."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def located(exc: ValueError, change: str) -> Problem:
    if isinstance(exc, PathError):
        return Problem(exc.where, exc.message)
    return Problem(change, str(exc))


def _unwrap(ann: Any) -> Any:
    while True:
        origin = get_origin(ann)
        if origin is Annotated:
            ann = get_args(ann)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            if len(args) != 1:
                return ann
            ann = args[0]
        else:
            return ann


def _is_model(ann: Any) -> bool:
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def _child(ann: Any, seg: Segment, where: str) -> Any:
    ann = _unwrap(ann)
    if _is_model(ann):
        fields = ann.model_fields
        if not isinstance(seg, str) or seg not in fields:
            raise PathError(where, "unknown field" + did_you_mean(str(seg), fields))
        return fields[seg].annotation
    origin = get_origin(ann)
    if origin is list:
        return get_args(ann)[0]
    if origin is dict:
        return get_args(ann)[1]
    raise PathError(where, "is a value, not a section")


def path_annotations(segs: Sequence[Segment]) -> list[Any]:
    """The model annotation at each step of a path (index 0: the intake itself)."""
    out: list[Any] = [Intake]
    for i, seg in enumerate(segs):
        out.append(_child(out[-1], seg, documents.format_path(segs[: i + 1])))
    return out


def is_coded(list_ann: Any) -> bool:
    """Whether a list holds models addressed by their `code` (conditions)."""
    ann = _unwrap(list_ann)
    if get_origin(ann) is not list:
        return False
    item = _unwrap(get_args(ann)[0])
    return _is_model(item) and "code" in item.model_fields


def kind(ann: Any) -> str:
    ann = _unwrap(ann)
    if _is_model(ann):
        return "model"
    origin = get_origin(ann)
    return "list" if origin is list else "dict" if origin is dict else "value"


__all__ = ["parse_path"]
