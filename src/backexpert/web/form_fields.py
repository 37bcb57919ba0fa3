"""A form generated from a pydantic model: a tree of `Field`s, one per field of the model.

The tree is built by walking a model's fields, so a field added to `Intake` later appears in the
form without new form code. Each input is named by its field path (`conditions[1].weeks_since`,
`red_flag_screen.saddle_anaesthesia`), the same path a validation problem carries
(`documents.problems_from`), so every error is shown beside its field.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

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
