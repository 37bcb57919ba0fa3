"""Bad and hostile documents: a one-line DocumentError naming the field, bounded time and memory.

No test times anything: the inputs are big enough that losing a limit would make the suite hang
or visibly slow, and cheap while the limits hold. Memory is measured, with tracemalloc, where a
regression would show as a big allocation.
"""

from __future__ import annotations

import io
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner

from backexpert import documents, intake
from backexpert.cli import cli
from backexpert.errors import DocumentError, InputError, Problem
from factories import EXAMPLE

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
EXAMPLE_TEXT = EXAMPLE.read_text()
MB = 1024 * 1024


def _refused(text: str, **kwargs: Any) -> Problem:
    """The one problem `parse` finds in `text`; it must be one line."""
    with pytest.raises(DocumentError) as info:
        documents.parse(text, "hostile.yaml", **kwargs)
    (problem,) = info.value.problems
    assert "\n" not in str(problem)
    assert len(str(problem)) < 300
    return problem


def _read_refused(name: str) -> Problem:
    """The one problem `read` finds in a fixture file."""
    with pytest.raises(DocumentError) as info:
        documents.read(HOSTILE / name)
    (problem,) = info.value.problems
    assert "\n" not in str(problem)
    return problem


def _peak_mb(action: Callable[[], object]) -> float:
    """Peak memory Python allocated while `action` ran, in MB."""
    tracemalloc.start()
    try:
        action()
    except InputError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / MB


# --- 2. size ------------------------------------------------------------------------------------


def test_50_mb_of_comments_is_refused_before_parsing(tmp_path: Path) -> None:
    text = "# a comment\n" * (50 * MB // 12)
    problem = _refused(text)
    assert (problem.path, problem.message) == ("", "too large: more than 2,097,152 bytes")
    path = tmp_path / "comments.yaml"
    path.write_text(text)
    del text
    with pytest.raises(DocumentError, match="too large"):
        documents.read(path)
    assert _peak_mb(lambda: documents.read(path)) < 3  # reads the cap and one byte, no more


def test_the_size_cap_counts_utf8_bytes() -> None:
    text = "name: " + "é" * (MB + 1)  # fewer characters than the cap, more bytes
    assert len(text) < documents.MAX_BYTES
    assert _refused(text).message == "too large: more than 2,097,152 bytes"


def test_a_caller_may_allow_a_bigger_document() -> None:
    text = "note: " + "x" * (3 * MB)
    assert _refused(text).message.startswith("too large")
    assert documents.parse(text, "export.json", max_bytes=4 * MB).data["note"] == "x" * (3 * MB)
    assert _refused(text, max_bytes=MB).message == "too large: more than 1,048,576 bytes"


def test_stdin_is_read_as_bytes_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO(b"# comment\n" * (5 * MB))
    monkeypatch.setattr(sys, "stdin", mock.Mock(buffer=buffer))
    with pytest.raises(DocumentError) as info:
        documents.read("-")
    assert info.value.source == "<stdin>"
    assert str(info.value.problems[0]) == "(document): too large: more than 2,097,152 bytes"
    assert buffer.tell() == documents.MAX_BYTES + 1


def test_stdin_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", mock.Mock(buffer=io.BytesIO(EXAMPLE.read_bytes())))
    assert documents.read("-").data == documents.read(EXAMPLE).data


# --- 3. encoding --------------------------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_refused_from_a_file_and_from_stdin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = _read_refused("not-utf8.yaml")
    assert (problem.path, problem.message, problem.line) == ("", "not UTF-8 text (byte 0xFF)", 2)
    data = (HOSTILE / "not-utf8.yaml").read_bytes()
    monkeypatch.setattr(sys, "stdin", mock.Mock(buffer=io.BytesIO(data)))
    with pytest.raises(DocumentError) as info:
        documents.read("-")
    assert info.value.problems == (problem,)


def test_a_utf8_byte_order_mark_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    path = HOSTILE / "utf8-bom.yaml"
    assert documents.read(path).data == {"client": {"name": "Alex"}}
    assert documents.parse(path.read_text(encoding="utf-8"), "bom").data == {
        "client": {"name": "Alex"}
    }
    monkeypatch.setattr(sys, "stdin", mock.Mock(buffer=io.BytesIO(path.read_bytes())))
    assert documents.read("-").data == {"client": {"name": "Alex"}}


def test_a_lone_surrogate_is_refused() -> None:
    problem = _refused("name: Al\ud800ex\n")
    assert (problem.message, problem.line) == ("surrogate character U+D800 at column 9", 1)


# --- 4. control and bidirectional characters ---------------------------------------------------


def test_a_nul_in_the_text_is_refused_with_its_line() -> None:
    problem = _read_refused("control-character.yaml")
    assert (problem.path, problem.message, problem.line) == (
        "",
        "control character U+0000 at column 11",
        2,
    )


@pytest.mark.parametrize(
    ("char", "name"),
    [("\x07", "control character U+0007"), ("\x1b", "control character U+001B"),
     ("\x7f", "control character U+007F"), ("\x85", "control character U+0085"),
     ("\x9b", "control character U+009B"), ("\u202a", "bidirectional control character U+202A"),
     ("\u202e", "bidirectional control character U+202E"),
     ("\u2066", "bidirectional control character U+2066"),
     ("\u2069", "bidirectional control character U+2069")],
)  # fmt: skip
def test_control_and_bidirectional_characters_are_refused(char: str, name: str) -> None:
    for line_end in ["\n", "\r\n", "\r"]:
        problem = _refused(f"a: 1{line_end}b: [x, y]{line_end}c: ab{char}c{line_end}")
        assert (problem.message, problem.line) == (f"{name} at column 6", 3)


def test_tab_and_line_ends_are_fine() -> None:
    assert documents.parse("a: 'x\ty'\r\nb: \"\\t\"\r\n", "ok").data == {"a": "x\ty", "b": "\t"}


def test_a_bidirectional_override_is_refused_anywhere() -> None:
    problem = _read_refused("bidi-override.yaml")
    assert (problem.message, problem.line) == (
        "bidirectional control character U+202E at column 13",
        2,
    )


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


# --- the command line: exit 2, one line, no traceback ------------------------------------------


@pytest.mark.parametrize("name", ["control-character.yaml", "not-utf8.yaml"])
def test_the_command_line_refuses_hostile_stdin_with_exit_2(name: str) -> None:
    data = (HOSTILE / name).read_bytes()
    result = CliRunner().invoke(cli, ["assess", "-"], input=data)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: <stdin>: 1 problem(s)\n")
    assert len(result.stderr.splitlines()) == 2
    assert "Traceback" not in result.output
