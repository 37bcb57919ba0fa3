"""Bad and hostile documents: a one-line DocumentError naming the field, bounded time and memory."""

from __future__ import annotations

import pytest

from backexpert import documents, intake
from backexpert.errors import InputError, Problem
from factories import EXAMPLE

EXAMPLE_TEXT = EXAMPLE.read_text()
MB = 1024 * 1024


def test_a_huge_hexadecimal_number_is_not_echoed() -> None:
    text = EXAMPLE_TEXT.replace("age: 45", "age: 0x" + "f" * 4000)
    with pytest.raises(InputError) as info:
        intake.parse(text, "client.yaml")
    (problem,) = info.value.problems
    assert str(problem) == "client.age: must be <= 110 (got a number too long to show) (line 1)"


# --- 7. long values are not echoed whole -------------------------------------------------------


def test_a_huge_wrong_typed_value_is_echoed_cut_short() -> None:
    text = EXAMPLE_TEXT.replace("age: 45", 'age: "' + "x" * (2 * MB - 2000) + '"')
    with pytest.raises(InputError) as info:
        intake.parse(text, "client.yaml")
    (problem,) = info.value.problems
    assert problem.path == "client.age"
    assert problem.message == "must be a valid integer (got '" + "x" * 58 + "…)"
    assert len(str(info.value)) < 200


def test_an_echoed_value_shows_control_characters_escaped() -> None:
    assert documents._echo("a\x00b\u202ec") == "'a\\x00b\\u202ec'"
    assert documents._echo("y" * 1000) == "'" + "y" * 58 + "…"
    assert documents._echo(b"\x00" * 100).startswith("b'\\x00\\x00")


def test_a_key_with_control_characters_is_shown_escaped_in_a_path() -> None:
    assert documents.format_path(["client", "a\nb\u202e", 1]) == "client.a\\nb\\u202e[1]"


def test_at_most_100_problems_are_reported() -> None:
    findings = ", ".join(["not_a_finding"] * 500)
    with pytest.raises(InputError) as info:
        intake.parse(EXAMPLE_TEXT.replace("findings: [", f"findings: [{findings}, "), "c.yaml")
    problems = info.value.problems
    assert len(problems) == 101
    assert problems[-1] == Problem("", "and 400 more problems not shown")
