"""Reading YAML and JSON documents while keeping where each value stood, for error messages.

Every document is untrusted: a hostile one is refused with a one-line `DocumentError` (exit 2)
before it costs much time or memory. The limits, and why:

- `MAX_BYTES` = 2 MiB, checked before parsing; `read` reads at most one byte more. Intakes, logs
  and rule files are a few kB (the largest, exercises.yaml, 19 kB). An exported client record
  takes ~80 kB an assessment and ~3 kB a session: 2 MiB holds 10 and 300; a caller expecting
  more passes `max_bytes`.
- One value (node) per `BYTES_PER_NODE` = 10 bytes of that cap (209,715 for 2 MiB), counting all
  that aliases repeat: a 342-byte alias bomb stands for 387 million values, and 2 MB of `[0,0,..]`
  for a million nodes (4 s, 300 MB). Exports take 20 bytes a value.
- `MAX_ALIASES` = 100 uses of `*name`; `MAX_DEPTH` = 64 levels of nesting (ours use under 10;
  PyYAML and pydantic recurse); `MAX_ENTRIES` = 10,000 entries in one list or mapping.
- `MAX_DIGITS` = 4,300 characters in an integer: Python's limit for decimal digits, and
  sexagesimal integers (`1:2:3`) take quadratic time.
- Numbers in decimal digits: YAML 1.1 reads `065` as octal 53, and also `0x41`, `0b1000001`,
  `6_5` and `1:05`; an age of 065 must not silently become 53.
- No control character (C0 but tab, LF, CR; DEL; C1), lone surrogate, or bidirectional
  embedding, override or isolate (U+202A-202E, U+2066-2069: a name would display other than it is
  stored), even escaped in a quoted string; so no `!!binary` either.
- Messages stay one line: an echoed value is cut at `ECHO_CHARS` = 60 characters, a parser's
  message at 200, and `problems_from` gives at most `MAX_PROBLEMS` = 100 problems.

The parser is libyaml's (`yaml.CSafeLoader`, 5 times faster) when PyYAML has it, else the
pure-Python `SafeLoader`. The node tree is composed here from the parser's events, without
recursion, so every limit is checked as the tree grows, before a Python object is built.

Here: `Document`, `parse`, `read` and `validate`. The parts: `limits` (the limits and what a
document may not hold), `loaders` (the parsers and the construction), `composer` (the node
tree) and `messages` (paths and echoed values in one-line messages).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import DocumentError, InputError, Problem
from . import loaders
from .composer import Composer, path_to
from .limits import (
    BAD_CHAR,
    BYTES_PER_NODE,
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_ENTRIES,
    char_kind,
)
from .loaders import RefusedError
from .messages import ECHO_CHARS, PathPart, cut, echo, format_path, line_number, one_line, show

__all__ = [
    "BYTES_PER_NODE",
    "ECHO_CHARS",
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_ENTRIES",
    "MAX_PROBLEMS",
    "Document",
    "PathPart",
    "format_path",
    "parse",
    "problems_from",
    "read",
    "validate",
]

M = TypeVar("M", bound=BaseModel)

MAX_PROBLEMS = 100


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
    """The child of a mapping or sequence node at one path part, if there is one."""
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
    loader = loaders.Loader(text)
    node: yaml.Node | None = None
    try:
        node = Composer(loader, max(max_bytes // BYTES_PER_NODE, 1)).compose()
        data = loader.construct_document(node) if node is not None else None
    except RefusedError as exc:
        problem = exc.problem
        if exc.node is not None and node is not None:
            problem = Problem(show(path_to(node, exc.node)), problem.message, problem.line)
        raise DocumentError(source, [problem]) from None
    except yaml.MarkedYAMLError as exc:
        message = f"not valid YAML or JSON: {one_line(exc.problem or exc.context or '')}"
        if message.endswith("exceeded maximum nesting depth"):  # libyaml's own limit, 1,000
            message = f"nested more than {MAX_DEPTH} levels deep"
        line = line_number(exc.problem_mark or exc.context_mark)
        raise DocumentError(source, [Problem("", message, line)]) from None
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        message = f"not valid YAML or JSON: {one_line(str(exc))}"
        raise DocumentError(source, [Problem("", message)]) from None
    finally:
        loader.dispose()
    return Document(source, data, node)


def _check_text(text: str, source: str, max_bytes: int) -> None:
    """Refuse text that is too big or holds a forbidden character."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise DocumentError(source, [Problem("", f"too large: more than {max_bytes:,} bytes")])
    if bad := BAD_CHAR.search(text):
        before = text[: bad.start()]
        line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
        column = bad.start() - max(before.rfind("\n"), before.rfind("\r"))
        message = f"{char_kind(bad.group())} at column {column}"
        raise DocumentError(source, [Problem("", message, line)])


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
        return f"must be {sign} {bound} (got {echo(got)})"
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if msg.startswith("Input should be "):
        msg = "must be " + msg.removeprefix("Input should be ")
        if not isinstance(got, dict | list):
            msg += f" (got {echo(got)})"
    return cut(msg, 1000)  # a validator's own message may quote a huge input
