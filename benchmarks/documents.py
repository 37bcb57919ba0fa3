"""Document parsing speed: every rule file and the desk-worker example, before and after libyaml.

"Before" is the loader BackExpert used until the hardening issue (PyYAML's pure-Python
SafeLoader, refusing duplicate keys); "after" is `documents.parse` (libyaml's parser, our
composer with its limits). Also shown: `parse` on the pure-Python fallback, libyaml's own composer
for reference, and how long each hostile shape of the issue takes to be refused.

    .venv/bin/python benchmarks/documents.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from backexpert import documents
from backexpert.documents import loaders
from backexpert.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
RULES = sorted((ROOT / "rules").rglob("*.yaml"))
EXAMPLE = ROOT / "examples" / "desk-worker.yaml"


class OldLoader(yaml.SafeLoader):
    """The loader before the hardening issue."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, "duplicate key", None)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def old_parse(text: str, source: str) -> Any:
    loader = OldLoader(text)
    try:
        node = loader.get_single_node()
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def libyaml_only(text: str, source: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)


def pure_parse(text: str, source: str) -> Any:
    saved = loaders.Loader
    loaders.Loader = loaders.PureLoader  # type: ignore[assignment]
    try:
        return documents.parse(text, source)
    finally:
        loaders.Loader = saved


def best_of(parse: Callable[[str, str], Any], texts: list[tuple[str, str]], rounds: int) -> float:
    """The fastest of `rounds` passes over all texts, in milliseconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text, source in texts:
            parse(text, source)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def hostile() -> dict[str, str]:
    """The hostile shapes of the hardening issue (the big ones refused by size alone)."""
    bomb = ["a: &a [" + ",".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb_text = "\n".join(bomb) + "\n"
    return {
        f"alias bomb ({len(bomb_text)} bytes)": bomb_text,
        "600 levels of nesting": "a: " + "[" * 600 + "]" * 600,
        "50 MB of comments": "# comment\n" * 5_000_000,
        "NUL character": "a: 1\nb: x\x00y\n",
        "4,301-digit integer": "age: " + "1" * 4301,
        "date 2026-02-30": "date: 2026-02-30\n",
        "1M-entry list (2 MB)": "findings: [" + ",".join(["a"] * 999_990) + "]",
    }


def main() -> None:
    rules = [(p.read_text(encoding="utf-8"), str(p)) for p in RULES]
    example = [(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))]
    print(f"libyaml available: {yaml.__with_libyaml__}")
    for name, texts, rounds in [
        (f"rules/**/*.yaml ({len(rules)} files)", rules, 20),
        ("examples/desk-worker.yaml", example, 200),
    ]:
        before = best_of(old_parse, texts, rounds)
        after = best_of(documents.parse, texts, rounds)
        pure = best_of(pure_parse, texts, rounds)
        reference = best_of(libyaml_only, texts, rounds)
        print(f"{name}:")
        print(f"  before (pure-Python SafeLoader)  {before:8.2f} ms")
        ratio = before / after
        print(f"  after  (documents.parse, libyaml) {after:8.2f} ms   {ratio:5.1f}x faster")
        print(f"  parse on the pure-Python fallback {pure:8.2f} ms")
        print(f"  libyaml's own composer, no limits {reference:8.2f} ms")
    print("hostile input, time to refusal:")
    for name, text in hostile().items():
        start = time.perf_counter()
        try:
            documents.parse(text, "hostile")
            outcome = "ACCEPTED"
        except InputError as exc:
            outcome = str(exc.problems[0])
        print(f"  {name:24} {(time.perf_counter() - start) * 1000:8.2f} ms  {outcome[:70]}")


if __name__ == "__main__":
    main()
