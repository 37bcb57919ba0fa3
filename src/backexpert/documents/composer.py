"""The node tree composed from the parser's events, each limit checked as the tree grows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import yaml

from ..errors import Problem
from .limits import (
    BAD_CHAR,
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_ENTRIES,
    NUMBER,
    REFUSED_TAGS,
    char_kind,
    not_decimal,
)
from .loaders import RefusedError
from .messages import PathPart, cut, echo, line_number, show

if TYPE_CHECKING:
    from .loaders import CLoader, PureLoader


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


class Composer:
    """Builds the node tree from parser events, refusing a hostile shape as soon as it shows."""

    def __init__(self, loader: PureLoader | CLoader, max_nodes: int) -> None:
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
                if event.style == '"' and (bad := BAD_CHAR.search(value)):
                    self._refuse(f"{char_kind(bad.group())} (escaped)", event)
                if tag == "tag:yaml.org,2002:int" and len(value) > MAX_DIGITS:
                    self._refuse(f"number too long: {len(value):,} characters", event)
                implicit = event.tag in (None, "!")  # an explicit !!int is the author's own
                if implicit and tag in NUMBER and not NUMBER[tag].fullmatch(value):
                    self._refuse(not_decimal(value, tag), event)
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
            raise RefusedError(Problem("", "more than one document (---)", line_number(event)))
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
            self._refuse(f"alias *{cut(event.anchor or '')} {why}", event)
        node, size, height = named
        if len(self.stack) + height > MAX_DEPTH:
            self._refuse(f"nested more than {MAX_DEPTH} levels deep", event)
        self._add(node, size, height, event)

    def _tag(self, event: yaml.ScalarEvent | yaml.CollectionStartEvent, kind: type) -> str:
        """The node's tag, resolved when implicit; refuses a tag we do not construct."""
        if event.anchor in self.anchors:
            self._refuse(f"anchor &{cut(event.anchor or '')} defined twice", event)
        tag = event.tag
        if tag is None or tag == "!":
            value = event.value if isinstance(event, yaml.ScalarEvent) else None
            tag = self.loader.resolve(kind, value, event.implicit)  # type: ignore[no-untyped-call]
        if tag in REFUSED_TAGS or tag not in self.loader.yaml_constructors:
            self._refuse(REFUSED_TAGS.get(tag, f"unknown tag {echo(tag)}"), event)
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
            path = show([f.part for f in self.stack[1:]])
            problem = Problem(path, f"more than {MAX_ENTRIES:,} entries", line_number(top.node))
            raise RefusedError(problem)

    def _place(self) -> PathPart | None:
        """The path part of the next value in the innermost collection (None for a key)."""
        top = self.stack[-1] if self.stack else None
        if top is None or not top.mapping:
            return None if top is None else len(top.node.value)
        return None if top.key is None else _key_part(top.key)

    def _refuse(self, message: str, event: yaml.Event) -> NoReturn:
        """Refuse the document at the next value's place."""
        path = [f.part for f in self.stack[1:]] + [p for p in [self._place()] if p is not None]
        raise RefusedError(Problem(show(path), message, line_number(event)))


def _key_part(key: yaml.Node) -> PathPart:
    """A mapping key as a path part."""
    return key.value if isinstance(key, yaml.ScalarNode) else "?"


def path_to(root: yaml.Node, target: yaml.Node) -> list[PathPart]:
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
