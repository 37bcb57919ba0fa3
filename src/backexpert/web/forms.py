"""Forms generated from the pydantic models: the intake and the session log.

A form is a tree of `Field`s built by walking a model's fields, so a field added to `Intake`
later appears in the form without new form code. Each input is named by its field path
(`conditions[1].weeks_since`, `red_flag_screen.saddle_anaesthesia`), the same path a validation
problem carries (`documents.problems_from`), so every error is shown beside its field.

What was typed is kept as a flat mapping path → text (or list of texts): it is what a draft
stores and what a form re-renders from, so nothing typed is lost on an error. `collect` turns
it into the nested data the model validates; empty inputs are left out, so an optional section
left blank is simply not given.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..errors import Problem

Flat = dict[str, str | list[str]]
_WHOLE = re.compile(r"-?[0-9]{1,18}")  # ASCII only: "²".isdigit() is true, and int("²") fails
ROWS = "_rows."  # hidden inputs: how many rows a list of sections has
GIVEN = "_given."  # a checkbox list that was given with nothing ticked

Kind = Literal[
    "text",
    "textarea",
    "int",
    "float",
    "date",
    "time",
    "select",
    "multi",
    "yesno",
    "ticks",
    "group",
    "rows",
    "items",
]


@dataclass
class Field:
    """One input, or a group of them, of a generated form."""

    path: str
    name: str
    label: str
    kind: Kind
    required: bool = False
    help: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    low: float | None = None
    high: float | None = None
    children: list[Field] = field(default_factory=list)
    rows: list[Field] = field(default_factory=list)  # rows: one group per row
    value: str | list[str] = ""
    errors: list[str] = field(default_factory=list)
    min_rows: int = 0
    max_rows: int = 0
    given: bool = False
    one: str = ""

    @property
    def id(self) -> str:
        return "f-" + "".join(c if c.isalnum() else "-" for c in self.path)

    def walk(self) -> typing.Iterator[Field]:
        yield self
        for c in [*self.children, *self.rows]:
            yield from c.walk()


# Labels: field names in words, with overrides where the name alone is unclear.
LABELS: dict[str, str] = {
    "nprs_now": "Pain now (0-10)",
    "nprs_worst_24h": "Worst pain in 24 h (0-10)",
    "duration_weeks": "Duration (weeks)",
    "weeks_since": "Weeks since",
    "load_kg": "Load (kg)",
    "rpe": "RPE",
    "rir": "RIR",
    "parq_plus": "PAR-Q+",
    "odi": "Oswestry Disability Index",
    "quickdash": "QuickDASH",
    "roland_morris": "Roland-Morris (statements ticked)",
    "start_back": "STarT Back",
    "resting_systolic": "Resting systolic (mmHg)",
    "resting_diastolic": "Resting diastolic (mmHg)",
    "accustomed_to_vigorous_effort": "Accustomed to vigorous effort",
    "pain_before": "Pain before (0-10)",
    "pain_after": "Pain after (0-10)",
    "form": "Form (1-5)",
    "load_increment_kg": "Load increment (kg)",
    "medical_clearance": "Medical clearance",
    "follow_up": "Follow-up questions (pages 2-3)",
    "pregnancy": "Pregnancy screen",
    "red_flag_screen": "Red-flag screen",
    "bothersomeness": "STarT Back item 9 (bothersomeness)",
}


def words(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def one(name: str) -> str:
    """The label of one row of a list: `conditions` → `Condition`, `sets` → `Set`."""
    label = words(name)
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label


def _unwrap(tp: Any) -> tuple[Any, bool, list[Any]]:
    """(the type, whether None is allowed, the Annotated metadata)."""
    optional = False
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            args = typing.get_args(tp)
            tp, meta = args[0], [*meta, *args[1:]]
        elif origin in (Union, types.UnionType):
            kept = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = optional or len(kept) < len(typing.get_args(tp))
            tp = kept[0] if len(kept) == 1 else tp
            if len(kept) != 1:
                return tp, optional, meta
        else:
            return tp, optional, meta


def _bounds(meta: list[Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for m in meta:
        inner = m.metadata if isinstance(m, FieldInfo) else [m]
        for x in inner:
            for attr in ("ge", "gt", "le", "lt", "min_length", "max_length"):
                v = getattr(x, attr, None)
                if isinstance(v, int | float) and not isinstance(v, bool):
                    out[attr] = v
            if isinstance(x, annotated_types.Len):
                out["min_length"] = x.min_length
                if x.max_length is not None:
                    out["max_length"] = x.max_length
    return out


def _options(tp: Any) -> list[tuple[str, str]] | None:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return [(str(m.value), str(m.value).replace("_", " ")) for m in tp]
    if typing.get_origin(tp) is Literal:
        return [(str(v), str(v).replace("_", " ")) for v in typing.get_args(tp)]
    return None


ItemLabels = Mapping[str, list[str]]

# The models' types and constraints never change while the app runs: analyse each once.
_ANALYSED: dict[tuple[int, ...], tuple[Any, dict[str, float], tuple[Any, ...]]] = {}


def _analysed(annotation: Any, meta: list[Any]) -> tuple[Any, dict[str, float]]:
    key = (id(annotation), *(id(m) for m in meta))
    found = _ANALYSED.get(key)
    if found is None or found[2] != (annotation, *meta):
        tp, _optional, inner = _unwrap(annotation)
        found = (tp, _bounds([*meta, *inner]), (annotation, *meta))
        _ANALYSED[key] = found
    return found[0], found[1]


def build(
    model: type[BaseModel],
    prefix: str = "",
    labels: ItemLabels | None = None,
    rows: Mapping[str, int] | None = None,
) -> list[Field]:
    """The fields of a model, for the form under `prefix`."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        out.append(
            _field(
                path,
                name,
                info.annotation,
                [info, *info.metadata],
                info.is_required(),
                info.description or "",
                labels or {},
                rows or {},
            )
        )
    return out


def _field(
    path: str,
    name: str,
    annotation: Any,
    meta: list[Any],
    required: bool,
    help_text: str,
    labels: ItemLabels,
    rows: Mapping[str, int],
) -> Field:
    tp, b = _analysed(annotation, meta)
    f = Field(
        path=path, name=name, label=words(name), kind="text", required=required, help=help_text
    )
    opts = _options(tp)
    origin = typing.get_origin(tp)
    if opts is not None:
        f.kind, f.options = "select", opts
    elif tp is bool:
        f.kind = "yesno"
    elif tp is int:
        f.kind, f.low, f.high = "int", b.get("ge", b.get("gt")), b.get("le", b.get("lt"))
    elif tp is float:
        f.kind, f.low, f.high = "float", b.get("ge", b.get("gt")), b.get("le", b.get("lt"))
    elif tp is dt.date:
        f.kind = "date"
    elif tp is dt.time:
        f.kind = "time"
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        f.kind, f.children = "group", build(tp, path, labels, rows)
    elif origin is dict:
        key, value = typing.get_args(tp)
        f.kind = "items"
        f.children = [
            _field(f"{path}.{k.value}", k.value, value, [], False, "", labels, rows) for k in key
        ]
        for c in f.children:
            c.label = str(c.name).replace("_", " ").capitalize()
    elif origin is list:
        (item,) = typing.get_args(tp)
        item_tp, _, item_meta = _unwrap(item)
        ib = _bounds(item_meta)
        item_opts = _options(item_tp)
        fixed = b.get("min_length") == b.get("max_length") and "max_length" in b
        if item_opts is not None and not fixed:
            f.kind, f.options = "multi", item_opts
        elif isinstance(item_tp, type) and issubclass(item_tp, BaseModel):
            f.kind = "rows"
            f.one = one(name).lower()
            f.min_rows = int(b.get("min_length", 0))
            f.max_rows = int(b.get("max_length", 50))
            n = max(rows.get(path, 0), f.min_rows)
            f.children = build(item_tp, f"{path}[]", labels, rows)  # the row's shape
            f.rows = [
                Field(
                    path=f"{path}[{i}]",
                    name=str(i),
                    label=f"{one(name)} {i + 1}",
                    kind="group",
                    children=build(item_tp, f"{path}[{i}]", labels, rows),
                )
                for i in range(n)
            ]
        elif fixed:
            n = int(b["max_length"])
            f.kind = "items"
            names = list(labels.get(path, []))
            for i in range(n):
                label = names[i] if i < len(names) else f"{words(name)} item {i + 1}"
                child = _field(f"{path}[{i}]", str(i), item, [], False, "", labels, rows)
                child.label = label
                if child.kind == "int" and child.low is not None and child.high is not None:
                    low, high = int(child.low), int(child.high)
                    child.kind, child.options = (
                        "select",
                        [(str(v), str(v)) for v in range(low, high + 1)],
                    )
                f.children.append(child)
        elif item_tp is int:
            f.kind = "ticks"
            low, high = int(ib.get("ge", 1)), int(ib.get("le", 24))
            names = list(labels.get(path, []))
            f.options = [
                (str(v), names[v - low] if v - low < len(names) else f"Statement {v}")
                for v in range(low, high + 1)
            ]
        else:  # pragma: no cover - no such field in the models today
            f.kind = "text"
    elif tp is str and b.get("max_length", 0) > 300:
        f.kind = "textarea"
    return f


# --- from typed text to data, and back ----------------------------------------------------------


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
