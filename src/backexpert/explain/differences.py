"""The differences between two prescriptions: their kinds, most important first, and values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, get_args

from pydantic import BaseModel, JsonValue

from .models import Difference, DifferenceKind, PrescriptionDiff

KIND_ORDER: dict[str, int] = {k: i for i, k in enumerate(get_args(DifferenceKind))}
PROGRAM_KINDS = frozenset(
    {"status", "referral", "withheld", "load_level", "exercise_added", "exercise_removed"}
    | {"dose", "day", "order", "phase", "substitution", "schedule", "limitation"}
)


def difference(
    kind: DifferenceKind,
    subject: str,
    text: str,
    before: Any = None,
    after: Any = None,
    where: Iterable[str] = (),
    because: Iterable[str] = (),
    edits: Iterable[str] = (),
) -> Difference:
    return Difference(
        kind=kind,
        subject=subject,
        text=text,
        before=_json(before),
        after=_json(after),
        where=list(where),
        because=list(because),
        edits=list(edits),
    )


def _json(value: Any) -> JsonValue:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return getattr(value, "value", value)  # type: ignore[no-any-return]


def most_important_first(diffs: list[Difference]) -> list[Difference]:
    return sorted(diffs, key=lambda d: KIND_ORDER.get(d.kind, len(KIND_ORDER)))


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    return str(getattr(value, "value", value))


def program_changed(diff: PrescriptionDiff) -> bool:
    """Whether the program itself differs (not only its explanation)."""
    return any(d.kind in PROGRAM_KINDS for d in diff.differences)
