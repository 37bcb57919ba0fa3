"""PyYAML's parsers, libyaml's or pure Python, with a construction that refuses bad values."""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import Problem
from .messages import cut, echo, line_number


class RefusedError(Exception):
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
                problem = Problem("", "a key must be a plain value", line_number(key_node))
                raise RefusedError(problem, key_node) from None
            if repeated:
                message = f"not valid YAML or JSON: duplicate key {echo(key)}"
                raise RefusedError(Problem("", message, line_number(key_node)), key_node)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct one value; a failure of any kind becomes a problem at that value."""
        try:
            return super().construct_object(node, deep=deep)
        except (RefusedError, yaml.YAMLError):
            raise
        except Exception:  # ValueError, OverflowError, KeyError...: all the value's fault
            value = node.value if isinstance(node, yaml.ScalarNode) else ""
            kind = node.tag.rsplit(":", 1)[-1]
            if kind == "timestamp":
                kind = "date and time" if len(value.strip()) > 10 else "date"
            problem = Problem("", f"not a valid {kind}: {cut(value)}", line_number(node))
            raise RefusedError(problem, node) from None


class PureLoader(_Constructor, yaml.SafeLoader):
    """PyYAML's pure-Python parser: the fallback when libyaml is missing."""


if yaml.__with_libyaml__:

    class CLoader(_Constructor, yaml.CSafeLoader):
        """libyaml's parser, with our construction."""

    Loader: type[PureLoader | CLoader] = CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    Loader = PureLoader
