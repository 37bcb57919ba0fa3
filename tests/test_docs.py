"""The hazard log names only rules and tests that exist, and covers every red-flag rule."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from backexpert import assessment
from backexpert.progression import evaluate as progression

ROOT = Path(__file__).resolve().parents[1]
LOG = (ROOT / "docs" / "safety" / "hazard-log.md").read_text(encoding="utf-8")
RULEBOOK = assessment.rule_base().rulebook
PROGRESSION = progression.rule_base().rulebook
ROWS = [line for line in LOG.splitlines() if re.match(r"\| H\d+ \|", line)]


def _tokens() -> list[str]:
    return re.findall(r"`([^`]+)`", LOG)


def test_every_named_rule_exists() -> None:
    books = (RULEBOOK, PROGRESSION)
    prefixes = {r.id.split(".")[0] for book in books for r in book}
    named = [t for t in _tokens() if t.split(".")[0] in prefixes]
    assert named
    assert [t for t in named if not any(t in book for book in books)] == []


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_every_named_test_exists() -> None:
    tests = [t for t in _tokens() if t.startswith("tests/")]
    assert tests
    for token in tests:
        file, _, name = token.partition("::")
        assert (ROOT / file).is_file(), token
        if name:
            assert name in _test_names(ROOT / file), token


def test_every_hazard_has_a_control_and_a_test() -> None:
    assert len(ROWS) >= 15
    for row in ROWS:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4, row
        assert "`" in cells[2] or "(" in cells[2], row
        assert "`tests/" in cells[3], row


def test_every_red_flag_rule_controls_a_hazard() -> None:
    red = [r.id for r in RULEBOOK if r.area == "red_flags"]
    assert red
    assert [r for r in red if f"`{r}`" not in LOG] == []
