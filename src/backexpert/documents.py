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
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import DocumentError, InputError, Problem

PathPart = str | int
M = TypeVar("M", bound=BaseModel)

MAX_BYTES = 2 * 1024 * 1024
BYTES_PER_NODE = 10
MAX_ALIASES = 100
MAX_DEPTH = 64
MAX_ENTRIES = 10_000
MAX_DIGITS = 4_300
ECHO_CHARS = 60
MAX_PROBLEMS = 100

_BAD_CHAR = re.compile("[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_REFUSED_TAGS = {
    "tag:yaml.org,2002:binary": "binary values (!!binary) are not accepted",
    "tag:yaml.org,2002:merge": "merge keys (<<) are not supported",
    "tag:yaml.org,2002:value": "a bare = is not a value: quote it",
}


# Numbers as people write them. YAML 1.1 also reads 034 as octal 28, 0x1c, 0b11100, 2_8 and
# 1:2 (sexagesimal, 62): an age of 065 would silently become 53.
_NUMBER = {
    "tag:yaml.org,2002:int": re.compile(r"[-+]?(?:0|[1-9][0-9]*)"),
    "tag:yaml.org,2002:float": re.compile(
        r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    ),
}


def _not_decimal(value: str, tag: str) -> str:
    """Why a YAML number written otherwise than in decimal is refused."""
    # Named, never parsed again: a long base-60 integer takes quadratic time.
    bare = value.lstrip("+-").lower()
    how = (
        "base 60" if ":" in bare
        else "hexadecimal" if bare.startswith("0x")
        else "binary" if bare.startswith("0b")
        else "digit groups" if "_" in bare
        else "octal"
    )  # fmt: skip
    kind = "a whole number" if tag.endswith("int") else "a number"
    return f"write {kind} in decimal digits (YAML reads {_echo(value)} as {how})"


class _RefusedError(Exception):
    """A refused document: the problem, and the node at fault when its path is not known yet."""

    def __init__(self, problem: Problem, node: yaml.Node | None = None) -> None:
        self.problem, self.node = problem, node


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe construction that refuses duplicate keys (a repeated key would silently lose data)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Refuse a repeated key, then construct as PyYAML does."""
        seen: set[Any] = set()
        for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else ():
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:  # a list, mapping or set as a key
                problem = Problem("", "a key must be a plain value", _line(key_node))
                raise _RefusedError(problem, key_node) from None
            if repeated:
                message = f"not valid YAML or JSON: duplicate key {_echo(key)}"
                raise _RefusedError(Problem("", message, _line(key_node)), key_node)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct one value; a failure of any kind becomes a problem at that value."""
        try:
            return super().construct_object(node, deep=deep)
        except (_RefusedError, yaml.YAMLError):
            raise
        except Exception:  # ValueError, OverflowError, KeyError...: all the value's fault
            value = node.value if isinstance(node, yaml.ScalarNode) else ""
            kind = node.tag.rsplit(":", 1)[-1]
            if kind == "timestamp":
                kind = "date and time" if len(value.strip()) > 10 else "date"
            problem = Problem("", f"not a valid {kind}: {_cut(value)}", _line(node))
            raise _RefusedError(problem, node) from None


class _PureLoader(_Constructor, yaml.SafeLoader):
    """PyYAML's pure-Python parser: the fallback when libyaml is missing."""


if yaml.__with_libyaml__:

    class _CLoader(_Constructor, yaml.CSafeLoader):
        """libyaml's parser, with our construction."""

    _Loader: type[_PureLoader | _CLoader] = _CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PureLoader


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
    loader = _Loader(text)
    node: yaml.Node | None = None
    try:
        node = _Composer(loader, max(max_bytes // BYTES_PER_NODE, 1)).compose()
        data = loader.construct_document(node) if node is not None else None
    except _RefusedError as exc:
        problem = exc.problem
        if exc.node is not None and node is not None:
            problem = Problem(_show(_path_to(node, exc.node)), problem.message, problem.line)
        raise DocumentError(source, [problem]) from None
    except yaml.MarkedYAMLError as exc:
        message = f"not valid YAML or JSON: {_one_line(exc.problem or exc.context or '')}"
        if message.endswith("exceeded maximum nesting depth"):  # libyaml's own limit, 1,000
            message = f"nested more than {MAX_DEPTH} levels deep"
        line = _line(exc.problem_mark or exc.context_mark)
        raise DocumentError(source, [Problem("", message, line)]) from None
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        message = f"not valid YAML or JSON: {_one_line(str(exc))}"
        raise DocumentError(source, [Problem("", message)]) from None
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


@dataclass(slots=True)
class _Open:
    """A collection being composed: its node, its place in its parent, and what it holds."""

    node: yaml.CollectionNode
    part: PathPart
    anchor: str | None
    start: int  # values counted before it opened
    mapping: bool
    height: int = 1
    key: yaml.Node | None = None  # a mapping's key waiting for its value


class _Composer:
    """Builds the node tree from parser events, refusing a hostile shape as soon as it shows."""

    def __init__(self, loader: _PureLoader | _CLoader, max_nodes: int) -> None:
        self.loader, self.max_nodes = loader, max_nodes
        self.anchors: dict[str, tuple[yaml.Node, int, int] | None] = {}  # None: still open
        self.stack: list[_Open] = []
        self.count = self.aliases = 0
        self.root: yaml.Node | None = None

    def compose(self) -> yaml.Node | None:
        """The document's root node, or None for an empty stream."""
        get: Callable[[], Any] = self.loader.get_event
        get()  # stream start
        if isinstance(get(), yaml.StreamEndEvent):
            return None
        while not isinstance(event := get(), yaml.DocumentEndEvent):
            if isinstance(event, yaml.ScalarEvent):
                value, tag = event.value, self._tag(event, yaml.ScalarNode)
                if event.style == '"' and (bad := _BAD_CHAR.search(value)):
                    self._refuse(f"{_char_kind(bad.group())} (escaped)", event)
                if tag == "tag:yaml.org,2002:int" and len(value) > MAX_DIGITS:
                    self._refuse(f"number too long: {len(value):,} characters", event)
                implicit = event.tag in (None, "!")  # an explicit !!int is the author's own
                if implicit and tag in _NUMBER and not _NUMBER[tag].fullmatch(value):
                    self._refuse(_not_decimal(value, tag), event)
                start, end = event.start_mark, event.end_mark
                node = yaml.ScalarNode(tag, value, start, end, style=event.style)  # type: ignore[arg-type]
                if event.anchor is not None:
                    self.anchors[event.anchor] = (node, 1, 0)
                self._add(node, 1, 0, event)
            elif isinstance(event, yaml.CollectionEndEvent):
                top = self.stack.pop()
                top.node.end_mark = event.end_mark
                if top.anchor is not None:
                    self.anchors[top.anchor] = (top.node, self.count - top.start, top.height)
                self._add(top.node, 0, top.height, event)
            elif isinstance(event, yaml.AliasEvent):
                self._alias(event)
            else:
                self._start(event)
        if not isinstance(event := get(), yaml.StreamEndEvent):
            raise _RefusedError(Problem("", "more than one document (---)", _line(event)))
        return self.root

    def _start(self, event: yaml.CollectionStartEvent) -> None:
        """Open a sequence or mapping."""
        mapping = isinstance(event, yaml.MappingStartEvent)
        kind = yaml.MappingNode if mapping else yaml.SequenceNode
        tag = self._tag(event, kind)
        if len(self.stack) >= MAX_DEPTH:
            self._refuse(f"nested more than {MAX_DEPTH} levels deep", event)
        self._count(1, event)
        mark: Any = event.start_mark
        node = kind(tag, [], mark, None, flow_style=event.flow_style)
        if event.anchor is not None:
            self.anchors[event.anchor] = None
        part = self._place()
        start = self.count - 1
        self.stack.append(_Open(node, "?" if part is None else part, event.anchor, start, mapping))

    def _alias(self, event: yaml.AliasEvent) -> None:
        """Add the node an alias names, counting every value it repeats."""
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            self._refuse(f"more than {MAX_ALIASES} aliases (*name)", event)
        named = self.anchors.get(event.anchor or "", False)
        if not isinstance(named, tuple):
            why = "is not defined" if named is False else "names a collection around it"
            self._refuse(f"alias *{_cut(event.anchor or '')} {why}", event)
        node, size, height = named
        if len(self.stack) + height > MAX_DEPTH:
            self._refuse(f"nested more than {MAX_DEPTH} levels deep", event)
        self._add(node, size, height, event)

    def _tag(self, event: yaml.ScalarEvent | yaml.CollectionStartEvent, kind: type) -> str:
        """The node's tag, resolved when implicit; refuses a tag we do not construct."""
        if event.anchor in self.anchors:
            self._refuse(f"anchor &{_cut(event.anchor or '')} defined twice", event)
        tag = event.tag
        if tag is None or tag == "!":
            value = event.value if isinstance(event, yaml.ScalarEvent) else None
            tag = self.loader.resolve(kind, value, event.implicit)  # type: ignore[no-untyped-call]
        if tag in _REFUSED_TAGS or tag not in self.loader.yaml_constructors:
            self._refuse(_REFUSED_TAGS.get(tag, f"unknown tag {_echo(tag)}"), event)
        return tag

    def _count(self, size: int, event: yaml.Event) -> None:
        """Count values, refusing a document with too many."""
        self.count += size
        if self.count > self.max_nodes:
            self._refuse(f"more than {self.max_nodes:,} values (aliases included)", event)

    def _add(self, node: yaml.Node, size: int, height: int, event: yaml.Event) -> None:
        """Count a finished node and put it into the collection around it."""
        if size:
            self._count(size, event)
        if not self.stack:
            self.root = node
            return
        top = self.stack[-1]
        top.height = max(top.height, height + 1)
        if top.mapping and top.key is None:
            top.key = node
            return
        top.node.value.append(node if top.key is None else (top.key, node))
        top.key = None
        if len(top.node.value) > MAX_ENTRIES:
            path = _show([f.part for f in self.stack[1:]])
            problem = Problem(path, f"more than {MAX_ENTRIES:,} entries", _line(top.node))
            raise _RefusedError(problem)

    def _place(self) -> PathPart | None:
        """The path part of the next value in the innermost collection (None for a key)."""
        top = self.stack[-1] if self.stack else None
        if top is None or not top.mapping:
            return None if top is None else len(top.node.value)
        return None if top.key is None else _key_part(top.key)

    def _refuse(self, message: str, event: yaml.Event) -> NoReturn:
        """Refuse the document at the next value's place."""
        path = [f.part for f in self.stack[1:]] + [p for p in [self._place()] if p is not None]
        raise _RefusedError(Problem(_show(path), message, _line(event)))


def _key_part(key: yaml.Node) -> PathPart:
    """A mapping key as a path part."""
    return key.value if isinstance(key, yaml.ScalarNode) else "?"


def _line(item: Any) -> int | None:
    """The 1-based line of a node, event or mark."""
    mark = getattr(item, "start_mark", item)
    return mark.line + 1 if mark is not None else None


def _path_to(root: yaml.Node, target: yaml.Node) -> list[PathPart]:
    """The path of `target` under `root` (a key's path is its value's); [] when not found."""
    stack: list[tuple[yaml.Node, list[PathPart]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if isinstance(node, yaml.SequenceNode):
            stack += [(child, [*path, i]) for i, child in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += [(key, [*path, _key_part(key)]), (value, [*path, _key_part(key)])]
    return []


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


def _show(loc: Sequence[PathPart]) -> str:
    """A path for a message about a hostile document: long keys and long paths cut short."""
    return _cut(format_path([p if isinstance(p, int) else _cut(p, 40) for p in loc]), 120)


def _cut(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(text: str) -> str:
    """A parser's message on one line, cut short (it may quote the input)."""
    return _cut(" ".join(text.split()), 200)


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
