"""Reading YAML and JSON documents while keeping where each value stood, for error messages.

Every document is untrusted: a hostile one is refused with a one-line `DocumentError` (exit 2)
before it costs much time or memory. The limits, and why:

- `MAX_BYTES` = 2 MiB, checked before parsing; `read` reads at most one byte more. Intakes, logs
  and rule files are a few kB (the largest, exercises.yaml, 19 kB). An exported client record
  takes ~80 kB an assessment and ~3 kB a session: 2 MiB holds 10 and 300; a caller expecting
  more passes `max_bytes`.
- No control character (C0 but tab, LF, CR; DEL; C1), lone surrogate, or bidirectional
  embedding, override or isolate (U+202A-202E, U+2066-2069: a name would display other than it is
  stored).
- Messages stay one line: an echoed value is cut at `ECHO_CHARS` = 60 characters (a 50 MB value
  would otherwise be printed whole), and `problems_from` gives at most `MAX_PROBLEMS` = 100
  problems.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import DocumentError, InputError, Problem

PathPart = str | int
M = TypeVar("M", bound=BaseModel)

MAX_BYTES = 2 * 1024 * 1024
ECHO_CHARS = 60
MAX_PROBLEMS = 100

_BAD_CHAR = re.compile("[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys: a repeated key would silently lose data."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True)
class Document:
    """Parsed data plus its node tree, so a field path can be turned into a line number."""

    source: str
    data: Any
    node: yaml.Node | None

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The 1-based line of the value at `path`, or of its nearest existing parent."""
        node = self.node
        if node is None:
            return None
        line: int = node.start_mark.line + 1
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == str(part):
                return value_node  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]  # type: ignore[no-any-return]
    return None


def parse(text: str, source: str, max_bytes: int = MAX_BYTES) -> Document:
    """Parse YAML or JSON text (JSON is read as YAML, which keeps line numbers)."""
    _check_text(text, source, max_bytes)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"not valid YAML or JSON: {exc.problem or exc.context}"
        raise DocumentError(source, [Problem("", message, line)]) from None
    except yaml.YAMLError as exc:
        raise DocumentError(source, [Problem("", f"not valid YAML or JSON: {exc}")]) from None
    finally:
        loader.dispose()
    return Document(source, data, node)


def _check_text(text: str, source: str, max_bytes: int) -> None:
    """Refuse text that is too big or holds a forbidden character."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise DocumentError(source, [Problem("", f"too large: more than {max_bytes:,} bytes")])
    if bad := _BAD_CHAR.search(text):
        before = text[: bad.start()]
        line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
        column = bad.start() - max(before.rfind("\n"), before.rfind("\r"))
        message = f"{_char_kind(bad.group())} at column {column}"
        raise DocumentError(source, [Problem("", message, line)])


def _char_kind(char: str) -> str:
    """Name a forbidden character for a message."""
    code = ord(char)
    kind = "control" if code < 0x202A else "bidirectional control" if code < 0xD800 else "surrogate"
    return f"{kind} character U+{code:04X}"


def read(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read a document from a file, or from standard input when the path is '-'."""
    source = "<stdin>" if str(path) == "-" else str(Path(path))
    if source == "<stdin>":
        stream: BinaryIO | None = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream stands in for stdin (tests, embedding)
            return parse(sys.stdin.read(max_bytes + 1), source, max_bytes)
        raw = stream.read(max_bytes + 1)
    else:
        try:
            with Path(path).open("rb") as f:
                raw = f.read(max_bytes + 1)
        except FileNotFoundError:
            raise DocumentError(source, [Problem("", "no such file")]) from None
        except IsADirectoryError:
            raise DocumentError(source, [Problem("", "is a directory, not a file")]) from None
        except OSError as exc:
            raise DocumentError(source, [Problem("", exc.strerror or str(exc))]) from None
    if len(raw) > max_bytes:
        raise DocumentError(source, [Problem("", f"too large: more than {max_bytes:,} bytes")])
    try:
        text = raw.decode("utf-8-sig")  # strict; a byte-order mark is dropped
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problem = Problem("", f"not UTF-8 text (byte 0x{raw[exc.start]:02X})", line)
        raise DocumentError(source, [problem]) from None
    return parse(text, source, max_bytes)


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


def _cut(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _echo(value: Any) -> str:
    """`repr` of a value a user gave, cut short so a huge input is never echoed whole."""
    try:  # cut a long string before repr, which would copy all of it
        return _cut(repr(value[: ECHO_CHARS + 1] if isinstance(value, str | bytes) else value))
    except ValueError:  # an int beyond Python's digit limit (0x... has 4,300 hex digits)
        return "a number too long to show"


def validate(model: type[M], doc: Document, error: type[InputError] = InputError) -> M:
    """Validate a document against a pydantic model, turning every failure into a Problem."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise error(doc.source, problems_from(exc, doc)) from None


def problems_from(
    exc: ValidationError, doc: Document, prefix: Sequence[PathPart] = (), limit: int = MAX_PROBLEMS
) -> list[Problem]:
    """One Problem per pydantic error (at most `limit`), with a readable path, message and line."""
    problems = []
    errors = exc.errors(include_url=False)
    for err in errors[:limit]:
        loc = [*prefix, *(p for p in err["loc"] if p != "[key]")]
        problems.append(Problem(format_path(loc), _message(err), doc.line_of(loc)))
    if len(errors) > limit:
        problems.append(Problem("", f"and {len(errors) - limit:,} more problems not shown"))
    return problems


def _message(err: ErrorDetails) -> str:
    """A pydantic error as a short message; the value the user gave is echoed cut short."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<="}.get(
            kind, "<"
        )
        bound = next(iter(ctx.values()), "?")
        return f"must be {sign} {bound} (got {_echo(got)})"
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if msg.startswith("Input should be "):
        msg = "must be " + msg.removeprefix("Input should be ")
        if not isinstance(got, dict | list):
            msg += f" (got {_echo(got)})"
    return _cut(msg, 1000)  # a validator's own message may quote a huge input
