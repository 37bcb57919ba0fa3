"""How a document's problems are told: one line, with long paths and echoed values cut short."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PathPart = str | int

ECHO_CHARS = 60


def line_number(item: Any) -> int | None:
    """The 1-based line of a node, event or mark."""
    mark = getattr(item, "start_mark", item)
    return mark.line + 1 if mark is not None else None


def format_path(loc: Sequence[PathPart]) -> str:
    """Render a location as `conditions[1].weeks_since` (a key's control characters escaped)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = part if part.isprintable() else repr(part)[1:-1]
            out += f".{part}" if out else part
    return out


def show(loc: Sequence[PathPart]) -> str:
    """A path for a message about a hostile document: long keys and long paths cut short."""
    return cut(format_path([p if isinstance(p, int) else cut(p, 40) for p in loc]), 120)


def cut(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    """A parser's message on one line, cut short (it may quote the input)."""
    return cut(" ".join(text.split()), 200)


def echo(value: Any) -> str:
    """`repr` of a value a user gave, cut short so a huge input is never echoed whole."""
    try:  # cut a long string before repr, which would copy all of it
        return cut(repr(value[: ECHO_CHARS + 1] if isinstance(value, str | bytes) else value))
    except ValueError:  # an int beyond Python's digit limit (0x... has 4,300 hex digits)
        return "a number too long to show"
