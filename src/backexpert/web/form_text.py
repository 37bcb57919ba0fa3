"""What was typed into a generated form, kept flat: turned into data, refilled from data.

What was typed is kept as a flat mapping path → text (or list of texts): it is what a draft
stores and what a form re-renders from, so nothing typed is lost on an error. `collect` turns
it into the nested data the model validates; empty inputs are left out, so an optional section
left blank is simply not given.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Any

from ..errors import Problem
from .form_fields import Field

Flat = dict[str, str | list[str]]
_WHOLE = re.compile(r"-?[0-9]{1,18}")  # ASCII only: "²".isdigit() is true, and int("²") fails
ROWS = "_rows."  # hidden inputs: how many rows a list of sections has
GIVEN = "_given."  # a checkbox list that was given with nothing ticked


def _text(flat: Mapping[str, Any], path: str) -> str:
    v = flat.get(path, "")
    if isinstance(v, list):
        v = v[-1] if v else ""
    return str(v).strip()


def _list(flat: Mapping[str, Any], path: str) -> list[str]:
    v = flat.get(path, [])
    return [str(x) for x in (v if isinstance(v, list) else [v]) if str(x).strip()]


class _Missing:
    pass


MISSING: Any = _Missing()


def _number(text: str, kind: str) -> Any:
    try:
        if kind == "int":
            return int(text)
        return float(text)
    except ValueError:
        return text  # the model refuses it, with its own message, at this path


def collect(fields: list[Field], flat: Mapping[str, Any]) -> dict[str, Any]:
    """The nested data of a form's typed text; blank inputs and empty sections left out."""
    out: dict[str, Any] = {}
    for f in fields:
        v = _value(f, flat)
        if v is not MISSING:
            out[f.name] = v
    return out


def _value(f: Field, flat: Mapping[str, Any]) -> Any:
    if f.kind == "group":
        data = collect(f.children, flat)
        # A required section left blank is validated empty, so each missing field is named.
        return data if data or f.required else MISSING
    if f.kind == "rows":
        rows = [collect(r.children, flat) for r in f.rows]
        rows = [r for r in rows if r]
        return rows if rows else MISSING
    if f.kind == "items":
        if all(c.name.isdigit() for c in f.children):
            values = [_value(c, flat) for c in f.children]
            if all(v is MISSING for v in values):
                return MISSING
            return [None if v is MISSING else v for v in values]
        keyed = {c.name: _value(c, flat) for c in f.children}
        keyed = {k: v for k, v in keyed.items() if v is not MISSING}
        return keyed if keyed else MISSING
    if f.kind in ("multi", "ticks"):
        got = _list(flat, f.path)
        if not got and (f.kind == "multi" or not _text(flat, GIVEN + f.path)):
            return MISSING
        return [whole(x, x) if f.kind == "ticks" else x for x in got]
    text = _text(flat, f.path)
    if not text:
        return MISSING
    if f.kind == "yesno":
        return {"yes": True, "no": False}.get(text, text)
    if f.kind in ("int", "float"):
        return _number(text, f.kind)
    if f.kind == "select" and f.options and all(_WHOLE.fullmatch(v) for v, _ in f.options):
        return whole(text, text)
    return text


def flatten(fields: list[Field], data: Any) -> Flat:
    """Typed text from data (a saved intake): the inverse of `collect`."""
    out: Flat = {}
    if not isinstance(data, dict):
        return out
    for f in fields:
        if f.name in data:
            _flatten(f, data[f.name], out)
    return out


def row_counts(fields: list[Field], data: Any, out: dict[str, int] | None = None) -> dict[str, int]:
    """How many rows each list of sections has in some data."""
    out = {} if out is None else out
    if not isinstance(data, dict):
        return out
    for f in fields:
        v = data.get(f.name)
        if f.kind == "rows" and isinstance(v, list):
            out[f.path] = len(v)
        elif f.kind == "group":
            row_counts(f.children, v, out)
    return out


def _flatten(f: Field, v: Any, out: Flat) -> None:
    if v is None:
        return
    if f.kind == "group":
        out.update(flatten(f.children, v))
    elif f.kind == "rows" and isinstance(v, list):
        for i, row in enumerate(v):
            shape = [_retarget(c, f"{f.path}[{i}]", f"{f.path}[]") for c in f.children]
            out.update(flatten(shape, row))
        out[ROWS + f.path] = str(len(v))
    elif f.kind == "items" and isinstance(v, list):
        for c, x in zip(f.children, v, strict=False):
            _flatten(c, x, out)
    elif f.kind == "items" and isinstance(v, dict):
        for c in f.children:
            if c.name in v:
                _flatten(c, v[c.name], out)
    elif f.kind in ("multi", "ticks") and isinstance(v, list):
        out[f.path] = [str(x) for x in v]
        out[GIVEN + f.path] = "1"
    elif f.kind == "yesno":
        out[f.path] = "yes" if v is True else "no" if v is False else str(v)
    else:
        out[f.path] = v if isinstance(v, str) else _num_text(v)


def _num_text(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _retarget(f: Field, new: str, old: str) -> Field:
    """A copy of a row-shape field with its path under row `new` instead of `old`."""
    g = Field(**{**f.__dict__, "children": [], "rows": []})
    g.path = new + f.path[len(old) :]
    g.children = [_retarget(c, new, old) for c in f.children]
    return g


def from_form(items: list[tuple[str, str]]) -> Flat:
    """The flat typed text of a submitted form (repeated names become lists; see `normalise`)."""
    multi: dict[str, list[str]] = {}
    for k, v in items:
        if k.startswith("_action") or k == "csrf_token":
            continue
        multi.setdefault(k, []).append(v)
    return {k: vs if len(vs) > 1 else vs[0] for k, vs in multi.items()}


def list_paths(fields: list[Field]) -> set[str]:
    return {f.path for top in fields for f in top.walk() if f.kind in ("multi", "ticks")}


def normalise(flat: Flat, fields: list[Field]) -> Flat:
    """Checkbox lists as lists even when one box was ticked."""
    lists = list_paths(fields)
    out: Flat = {}
    for k, v in flat.items():
        out[k] = ([v] if isinstance(v, str) else v) if k in lists else v
    return out


def attach(fields: list[Field], flat: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    """Put typed text and each problem on its field; the problems no field took."""
    by_path: dict[str, Field] = {}
    for top in fields:
        for f in top.walk():
            by_path.setdefault(f.path, f)
            if f.kind in ("multi", "ticks"):
                f.value = _list(flat, f.path)
                f.given = bool(_text(flat, GIVEN + f.path))
            elif f.kind not in ("group", "rows", "items"):
                f.value = _text(flat, f.path)
    left = []
    for p in problems:
        path = p.path
        while path and path not in by_path:
            path = _parent(path)
        if path:
            by_path[path].errors.append(p.message)
        else:
            left.append(p)
    return left


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rsplit(".", 1)[0] if "." in path else ""


def apply_row_action(action: str, flat: Flat, rows: dict[str, int]) -> Flat:
    """`add:conditions` adds a blank row; `remove:conditions[1]` removes that row's text."""
    verb, _, target = action.partition(":")
    if verb == "add":
        rows[target] = rows.get(target, 0) + 1
        return flat
    if verb == "remove" and target.endswith("]"):
        base = target[: target.rindex("[")]
        index = int(target[target.rindex("[") + 1 : -1])
        n = rows.get(base, 0)
        out: Flat = {}
        for k, v in flat.items():
            for prefix in (base + "[", GIVEN + base + "["):
                if k.startswith(prefix):
                    i = int(k[len(prefix) : k.index("]", len(prefix))])
                    if i == index:
                        break
                    if i > index:
                        k = f"{prefix}{i - 1}{k[k.index(']', len(prefix)) :]}"
                    out[k] = v
                    break
            else:
                out[k] = v
        rows[base] = max(0, n - 1)
        return out
    return flat


def rows_of(flat: Mapping[str, Any]) -> dict[str, int]:
    """The row counts a form carried in its hidden `_rows.` inputs."""
    out = {}
    for k, v in flat.items():
        if k.startswith(ROWS):
            n = whole(v[-1] if isinstance(v, list) else v)
            if n is not None and n >= 0:
                out[k[len(ROWS) :]] = min(n, 60)
    return out


T = typing.TypeVar("T")


@typing.overload
def whole(text: object) -> int | None: ...
@typing.overload
def whole(text: object, default: T) -> int | T: ...
def whole(text: object, default: object = None) -> object:
    """A whole number a form sent (at most 18 ASCII digits, a sign allowed), else `default`."""
    return int(text) if isinstance(text, str) and _WHOLE.fullmatch(text) else default
