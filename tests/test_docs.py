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


def test_every_error_class_is_documented_with_its_code_and_exit() -> None:
    from backexpert import errors
    from backexpert.cli import exit_code

    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    classes = [
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.BackExpertError)
    ]
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), "every error class has its own code"
    rows = {
        cells[1].strip("`"): cells
        for line in doc.splitlines()
        if line.startswith("| `")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    for cls in classes:
        row = rows.get(cls.__name__)
        assert row is not None, f"{cls.__name__} is not in docs/errors.md"
        assert row[0] == f"`{cls.code}`", cls.__name__
        if cls is not errors.ReportError and cls is not errors.BackExpertError:
            sample = cls.__new__(cls)
            assert row[2] == str(exit_code(sample)), cls.__name__


def _intake_schema_words() -> tuple[set[str], set[str], set[str]]:
    """The intake schema's top-level fields, every field name at any depth, every code."""
    from backexpert import services

    schema = services.schema("intake")
    names: set[str] = set()
    codes: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties") or {})
            codes.update(str(v) for v in node.get("enum") or [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return set(schema["properties"]), names, codes


def test_the_intake_doc_names_every_field_and_code() -> None:
    """docs/intake.md is the integrators' contract: every field of the schema, and every code."""
    doc = (ROOT / "docs" / "intake.md").read_text(encoding="utf-8")
    quoted = set(re.findall(r"`([^`]+)`", doc))
    top, names, codes = _intake_schema_words()
    assert {"client", "training", "questionnaires"} <= top
    assert sorted(f for f in top if f"| `{f}` |" not in doc) == [], "top-level fields"
    training = {"minutes_per_session", "available_days", "current_loads", "experience"}
    assert training <= names
    assert sorted(names - quoted) == [], "fields missing from docs/intake.md"
    assert sorted(codes - quoted) == [], "codes missing from docs/intake.md"


def test_the_intake_doc_states_the_training_defaults_and_ranges() -> None:
    from backexpert.clinical.intake import Training

    doc = (ROOT / "docs" / "intake.md").read_text(encoding="utf-8")
    minutes = Training.model_fields["minutes_per_session"]
    row = next(line for line in doc.splitlines() if line.startswith("| `minutes_per_session`"))
    assert f"`{minutes.default}`" in row
    bounds = {type(m).__name__: m for m in minutes.metadata}
    assert f"{bounds['Ge'].ge}–{bounds['Le'].le}" in row
    for name in Training.model_fields:
        assert any(line.startswith(f"| `{name}`") for line in doc.splitlines()), name
