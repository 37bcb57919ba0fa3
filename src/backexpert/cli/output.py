"""What the command line writes: nothing a user typed reaches the terminal raw.

Text is refused with control characters on input (`model.Text`), but a database written by an
earlier version may still hold some, and an error message may quote a path or a value: every
control character, bidirectional override and lone surrogate is shown escaped (`\\x1b`,
`\\u202e`) before it is printed. Tables are rendered by rich from `Text` objects, never from
markup, and from documents whose strings were escaped the same way (`printable`). JSON is
written with those characters as `\\u` escapes (the same JSON), and all of it ASCII when the
output stream cannot encode the rest (`PYTHONIOENCODING=ascii`).
"""

from __future__ import annotations

import re
import sys
from typing import Any, TypeVar

from pydantic import BaseModel

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same characters as serialized JSON shows them (C0 controls escaped, the rest raw).
_UNSAFE_IN_JSON = re.compile(
    r"\\u00[01][0-9a-fA-F]|\\[bfr]|[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

M = TypeVar("M", bound=BaseModel)


def _escaped(ch: str) -> str:
    return repr(ch)[1:-1]  # '\\x1b', '\\u202e': every character here has an escaped repr


def visible(text: str) -> str:
    """The text with every control character and bidi override shown as an escape."""
    return _UNSAFE.sub(lambda m: _escaped(m.group()), text)


def _visible_data(data: Any) -> Any:
    if isinstance(data, str):
        return visible(data)
    if isinstance(data, list):
        return [_visible_data(v) for v in data]
    if isinstance(data, dict):
        return {visible(k) if isinstance(k, str) else k: _visible_data(v) for k, v in data.items()}
    return data


def printable(doc: M) -> M:
    """The same document with every string made `visible` (the document itself when clean)."""
    if not _UNSAFE_IN_JSON.search(doc.model_dump_json()):
        return doc
    from ..model import STORED

    return type(doc).model_validate(_visible_data(doc.model_dump(mode="json")), context=STORED)


def _u_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def can_encode(stream: Any, text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def write_json(text: str) -> None:
    """Write serialized JSON to stdout: unsafe characters as escapes, ASCII when it must be."""
    text = _UNSAFE_IN_JSON.sub(
        lambda m: m.group() if m.group().startswith("\\") else _u_escape(m), text
    )
    if not can_encode(sys.stdout, text):
        text = _NON_ASCII.sub(_u_escape, text)
    sys.stdout.write(text)


__all__ = ["can_encode", "printable", "visible", "write_json"]
