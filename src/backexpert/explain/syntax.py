"""The what-if syntax: a change to an intake written as `path=value`, `-path` or `+list.value`.

Syntax (one change per `--what-if`):

- `path=value` sets a field; the value is read as a YAML scalar (`7`, `yes`, `moderate`) or a
  flow list (`[barbell, bench]`). `pain.nprs_now=7`, `training.experience=intermediate`,
  `conditions.lumbar_instability.severity=moderate` (a list of coded entries is addressed by
  code; an entry that is not there yet is created), `conditions[0].weeks_since=8`.
- `-path` removes what the path names: a list entry by code or value
  (`-conditions.lumbar_instability`, `-findings.rounded_shoulders`,
  `-training.equipment.barbell`), a red-flag answer (`-red_flag_screen.constant_night_pain`:
  not asked), or an optional field (`-pain.nprs_worst_24h`).
- `+list.value` adds a list entry (`+findings.rounded_shoulders`, `+goals.strength`,
  `+conditions.osteoporosis`, `+conditions.rotator_cuff_repair:weeks_since=8,side=right`);
  `+red_flag_screen.q` answers that question yes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import yaml
from pydantic import JsonValue

from .. import documents
from ..errors import InputError, Problem
from .intake_paths import located, parse_path, path_annotations
from .models import IntakeEdit

SOURCE = "what-if"


def _yaml(value: JsonValue) -> str:
    """A value as the what-if syntax writes it (YAML flow style, one line)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _jsonable(value: Any) -> JsonValue:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value  # type: ignore[no-any-return]


def _scalar(raw: str, change: str) -> JsonValue:
    if not raw.strip():
        return None
    try:
        return _jsonable(documents.parse(raw, SOURCE).data)
    except InputError as exc:
        raise _problem(change, exc.problems[0].message) from None


def set_edit(path: str, value: JsonValue) -> IntakeEdit:
    return IntakeEdit(op="set", path=path, value=value, change=f"{path}={_yaml(value)}")


def remove_edit(path: str) -> IntakeEdit:
    return IntakeEdit(op="remove", path=path, change=f"-{path}")


def add_edit(path: str, item: JsonValue) -> IntakeEdit:
    if isinstance(item, dict):
        fields = {k: v for k, v in item.items() if k != "code"}
        change = f"+{path}.{item['code']}"
        if fields:
            change += ":" + ",".join(f"{k}={_yaml(v)}" for k, v in fields.items())
    else:
        change = f"+{path}.{item}"
    return IntakeEdit(op="add", path=path, value=item, change=change)


def parse_change(text: str) -> IntakeEdit:
    """One change in the what-if syntax (see the module docstring)."""
    t = text.strip()
    if t.startswith("+"):
        head, sep, fields = t[1:].partition(":")
        path, _, key = head.rpartition(".")
        if not path or not key:
            raise _problem(t, "+ adds a list entry: +list.value, e.g. +findings.rounded_shoulders")
        _check_path(path, t)
        item: JsonValue = key
        if sep:
            parsed: dict[str, JsonValue] = {"code": key}
            for pair in fields.split(","):
                name, eq, raw = pair.partition("=")
                if not eq or not name.strip():
                    raise _problem(t, f"{pair!r}: fields after ':' are name=value, comma-separated")
                parsed[name.strip()] = _scalar(raw, t)
            item = parsed
        return IntakeEdit(op="add", path=path, value=item, change=t)
    if t.startswith("-"):
        _check_path(t[1:], t)
        return IntakeEdit(op="remove", path=t[1:].strip(), change=t)
    path, eq, raw = t.partition("=")
    if not eq or not path.strip():
        raise _problem(t or "(empty)", "a change is path=value, +list.value or -path")
    _check_path(path, t)
    return IntakeEdit(op="set", path=path.strip(), value=_scalar(raw, t), change=t)


def parse_changes(texts: Iterable[str]) -> list[IntakeEdit]:
    """Every change parsed; all problems reported together."""
    out: list[IntakeEdit] = []
    problems: list[Problem] = []
    for text in texts:
        try:
            out.append(parse_change(text))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(SOURCE, problems)
    return out


def _problem(path: str, message: str) -> InputError:
    return InputError(SOURCE, [Problem(path, message)])


def _check_path(path: str, change: str) -> None:
    try:
        path_annotations(parse_path(path))
    except ValueError as exc:
        raise InputError(SOURCE, [located(exc, change)]) from None


__all__ = ["add_edit", "parse_change", "parse_changes", "remove_edit", "set_edit"]
