"""Bad and hostile documents: a one-line DocumentError naming the field, bounded time and memory.

Each hostile shape is run on libyaml's parser and on the pure-Python fallback. No test times
anything (benchmarks/documents.py does): the inputs are big enough that losing a limit would make
the suite hang or visibly slow, and cheap while the limits hold. Memory is measured, with
tracemalloc, where a regression would show as a big allocation.
"""

from __future__ import annotations

import io
import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from backexpert import documents
from backexpert.cli import cli
from backexpert.clinical import intake
from backexpert.documents import loaders, messages
from backexpert.errors import DocumentError, InputError, Problem
from factories import EXAMPLE

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
EXAMPLE_TEXT = EXAMPLE.read_text()
MB = 1024 * 1024


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each hostile shape runs on both parsers; the properties draw the parser themselves."""
    if metafunc.definition.get_closest_marker("property") is None:
        metafunc.parametrize("loader", ["libyaml", "pure"], indirect=True)


@pytest.fixture(autouse=True)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The parser a test runs on: libyaml's, or the pure-Python fallback."""
    name = str(getattr(request, "param", "libyaml"))
    if name == "pure":
        monkeypatch.setattr(loaders, "Loader", loaders.PureLoader)
    elif not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    return name


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


# --- 1. aliases and nesting -------------------------------------------------------------------


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    # nine levels of nine aliases: 387 million values once expanded
    problem = _read_refused("alias-bomb.yaml")
    assert problem.message == f"more than {2 * MB // 10:,} values (aliases included)"
    assert (problem.path, problem.line) == ("f[2]", 6)
    assert _peak_mb(lambda: documents.read(HOSTILE / "alias-bomb.yaml")) < 5


def test_too_many_aliases() -> None:
    text = "a: &x 1\nb: [" + ", ".join(["*x"] * 101) + "]\n"
    problem = _refused(text)
    assert (problem.path, problem.message, problem.line) == (
        "b[100]",
        "more than 100 aliases (*name)",
        2,
    )
    assert (
        documents.parse("a: &x 1\nb: [" + ", ".join(["*x"] * 100) + "]\n", "ok").data["b"][99] == 1
    )


def test_a_recursive_alias_is_refused() -> None:
    problem = _read_refused("recursive-alias.yaml")
    assert problem.path == "client.friend"
    assert problem.message == "alias *c names a collection around it"
    assert problem.line == 3


@pytest.mark.parametrize("levels", [65, 600, 100_000])
def test_deep_nesting_is_refused_without_recursion(levels: int) -> None:
    for text in [
        "client:\n  name: " + "[" * levels + "]" * levels,
        '{"client": {"name": ' + "[" * levels + "]" * levels + "}}",
        "".join(" " * i + "a:\n" for i in range(min(levels, 1000))),
    ]:
        problem = _refused(text)
        assert problem.message == "nested more than 64 levels deep"
        assert problem.line is not None
        # libyaml refuses 1,000 levels itself while it looks ahead, before any path is known
        assert problem.path.startswith(("client.name[0][0]", "a.a.a.a")) or levels >= 1000


def test_nesting_at_the_limit_is_accepted() -> None:
    doc = documents.parse("[" * 64 + "]" * 64, "ok")
    depth, data = 0, doc.data
    while isinstance(data, list):
        depth, data = depth + 1, data[0] if data else None
    assert depth == 64


def test_an_alias_cannot_nest_deeper_than_the_limit() -> None:
    text = "a: &a " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 5 + "*a" + "]" * 5 + "\n"
    problem = _refused(text)
    assert (problem.path, problem.message, problem.line) == (
        "b[0][0][0][0][0]",
        "nested more than 64 levels deep",
        2,
    )


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


@pytest.mark.parametrize(
    ("name", "message"),
    [("bidi-escaped.json", "bidirectional control character U+202E (escaped)"),
     ("nul-escaped.json", "control character U+0000 (escaped)")],
)  # fmt: skip
def test_escaped_control_characters_are_refused_too(name: str, message: str) -> None:
    problem = _read_refused(name)
    assert (problem.path, problem.message) == ("client.name", message)
    assert problem.line == (2 if name == "nul-escaped.json" else 1)
    assert _refused('name: "Al\\x00ex"').message == "control character U+0000 (escaped)"


def test_binary_values_are_refused() -> None:
    problem = _refused("client:\n  name: !!binary AAEC\n")
    assert (problem.path, problem.message, problem.line) == (
        "client.name",
        "binary values (!!binary) are not accepted",
        2,
    )


# --- 5. numbers and any other failure to construct ---------------------------------------------


@pytest.mark.parametrize("name", ["big-integer.yaml", "big-integer.json"])
def test_a_4301_digit_integer_names_its_field(name: str) -> None:
    problem = _read_refused(name)
    assert (problem.path, problem.message) == ("client.age", "number too long: 4,301 characters")
    assert problem.line == (2 if name.endswith(".yaml") else 1)


def test_long_sexagesimal_integers_are_refused_before_their_quadratic_conversion() -> None:
    problem = _refused("age: 1" + ":59" * 300_000)
    assert (problem.path, problem.message) == ("age", "number too long: 900,001 characters")


def test_a_huge_hexadecimal_number_is_not_echoed() -> None:
    text = EXAMPLE_TEXT.replace("age: 45", "age: 0x" + "f" * 4000)
    with pytest.raises(InputError) as info:
        intake.parse(text, "client.yaml")
    (problem,) = info.value.problems
    assert problem.path == "client.age" and len(str(problem)) < 200
    assert problem.message.endswith("… as hexadecimal)")


@pytest.mark.parametrize(
    ("written", "how"),
    [("065", "octal"), ("-065", "octal"), ("0x41", "hexadecimal"), ("0b1000001", "binary"),
     ("6_5", "digit groups"), ("1:05", "base 60")],
)  # fmt: skip
def test_a_number_is_written_in_decimal(written: str, how: str) -> None:
    """YAML 1.1 reads 065 as octal 53: an age of 65 would silently become 53 (less caution)."""
    text = EXAMPLE_TEXT.replace("age: 45", f"age: {written}")
    with pytest.raises(InputError) as info:
        intake.parse(text, "client.yaml")
    (problem,) = info.value.problems
    assert problem.path == "client.age"
    assert problem.message == (
        f"write a whole number in decimal digits (YAML reads {written!r} as {how})"
    )
    with pytest.raises(InputError, match=r"write a number in decimal digits"):
        documents.parse("x: 1_00.5\n", "f.yaml")
    assert documents.parse("a: +45\nb: -0.5\nc: 1.5e+3\nd: .5\ne: 0\n", "f").data == {
        "a": 45,
        "b": -0.5,
        "c": 1500.0,
        "d": 0.5,
        "e": 0,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [("x: !!float abc", "not a valid float: abc"), ("x: !!bool maybe", "not a valid bool: maybe"),
     ("x: !!int 12z", "not a valid int: 12z"), ("x: !!timestamp soon", "not a valid date: soon"),
     ("x: !!set [a]", "not valid YAML or JSON: expected a mapping node, but found sequence"),
     ("x: !!python/object:os.system ls", "unknown tag 'tag:yaml.org,2002:python/object:os.system'"),
     ("x: !mine 1", "unknown tag '!mine'"), ("x: =", "a bare = is not a value: quote it"),
     ("x: &a {b: 1}\ny: {<<: *a}", "merge keys (<<) are not supported"),
     ("? [a, b]\n: 1", "a key must be a plain value"),
     ("x: *nothing", "alias *nothing is not defined"),
     ("x: &a 1\ny: &a 2", "anchor &a defined twice"),
     ("x: 1\n---\nx: 2", "more than one document (---)")],
)  # fmt: skip
def test_any_failure_to_construct_is_a_document_error(text: str, message: str) -> None:
    assert _refused(text).message == message


# --- 6. impossible dates and times -------------------------------------------------------------


def test_an_impossible_date_is_reported_with_its_field_and_line() -> None:
    problem = _read_refused("impossible-date.yaml")
    assert str(problem) == "sessions[0].date: not a valid date: 2026-02-30 (line 3)"


@pytest.mark.parametrize(
    "stamp", ["2026-02-28 25:61:00", "2026-02-28T10:00:00+99:00", "2026-13-01t00:00:00Z"]
)
def test_an_impossible_time_is_reported(stamp: str) -> None:
    problem = _refused(f"logged_at: {stamp}\n")
    assert (problem.path, problem.message, problem.line) == (
        "logged_at",
        f"not a valid date and time: {stamp}",
        1,
    )
    assert _read_refused("impossible-time.yaml").message.startswith("not a valid date and time")


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
    assert messages.echo("a\x00b\u202ec") == "'a\\x00b\\u202ec'"
    assert messages.echo("y" * 1000) == "'" + "y" * 58 + "…"
    assert messages.echo(b"\x00" * 100).startswith("b'\\x00\\x00")


def test_a_key_with_control_characters_is_shown_escaped_in_a_path() -> None:
    assert documents.format_path(["client", "a\nb\u202e", 1]) == "client.a\\nb\\u202e[1]"


def test_at_most_100_problems_are_reported() -> None:
    unknown = "".join(f"  unknown_{i}: 1\n" for i in range(500))
    text = EXAMPLE_TEXT.replace("client: {", "vitals:\n" + unknown + "client: {", 1)
    with pytest.raises(InputError) as info:
        intake.parse(text, "c.yaml")
    problems = info.value.problems
    assert len(problems) == 101
    assert problems[-1] == Problem("", "and 400 more problems not shown")


# --- 8. duplicate keys -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "line"), [("duplicate-key.yaml", 4), ("duplicate-key.json", 2)])
def test_duplicate_keys_are_refused(name: str, line: int) -> None:
    problem = _read_refused(name)
    assert (problem.path, problem.message, problem.line) == (
        "client.name",
        "not valid YAML or JSON: duplicate key 'name'",
        line,
    )


# --- 9. huge lists and mappings ----------------------------------------------------------------


def test_a_list_of_a_million_entries_is_refused_at_10001() -> None:
    yaml_text = "findings: [" + ",".join(["a"] * 1_000_000) + "]\n"
    json_text = json.dumps({"client": {"findings": ["a"] * 500_000}}, separators=(",", ":"))
    for text, path in [(yaml_text, "findings"), (json_text, "client.findings")]:
        assert len(text) < documents.MAX_BYTES
        problem = _refused(text)
        assert (problem.path, problem.message, problem.line) == (
            path,
            "more than 10,000 entries",
            1,
        )
    assert _peak_mb(lambda: documents.parse(yaml_text, "x")) < 30


def test_a_mapping_of_too_many_entries_is_refused() -> None:
    text = "client:\n  x: 1\nitems:\n" + "".join(f"  k{i}: {i}\n" for i in range(10_001))
    problem = _refused(text)
    assert (problem.path, problem.message, problem.line) == ("items", "more than 10,000 entries", 4)
    assert len(documents.parse(text.rsplit("  k10000", 1)[0], "ok").data["items"]) == 10_000


def test_too_many_values_in_all() -> None:
    # one value per 10 bytes of the cap (209,715 for 2 MiB); lists are values too
    text = "\n".join("- [" + ",".join(["0"] * 500) + "]" for _ in range(21))
    problem = _refused(text, max_bytes=100_000)
    assert (problem.path, problem.message) == (
        "[19][479]",
        "more than 10,000 values (aliases included)",
    )
    assert documents.parse(text, "ok", max_bytes=200_000).data[20][499] == 0


# --- the command line: exit 2, one line, no traceback ------------------------------------------


@pytest.mark.parametrize(
    "name", ["alias-bomb.yaml", "control-character.yaml", "big-integer.json", "not-utf8.yaml"]
)
def test_the_command_line_refuses_hostile_stdin_with_exit_2(name: str) -> None:
    data = (HOSTILE / name).read_bytes()
    result = CliRunner().invoke(cli, ["assess", "-"], input=data)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: <stdin>: 1 problem(s)\n")
    assert len(result.stderr.splitlines()) == 2
    assert "Traceback" not in result.output


# --- properties: any input gives a Document or an InputError, nothing else ---------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),  # surrogates: see texts
    st.sampled_from(["2026-02-30", "2026-02-28 25:00", "1:59:59", "0x1F", "=", "<<", "~", "yes"]),
)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)
TOKENS = [
    "[", "]", "{", "}", ", ", ": ", "- ", "? ", "\n", "  ", "\t", "#", "&a ", "*a", "&b ", "*b",
    "!!binary ", "!!timestamp ", "!!int ", "!!set ", "!foo ", "<<: ", "---\n", "...\n", "'", '"',
    "\\u0000", "\\x85", "|\n", ">\n", "%YAML 1.1\n", "2026-02-30", "1" * 4301, "0x", ":59", "key",
    "\x00", "\x85", "\u202e", "\ufeff", "\r", "é",
]  # fmt: skip
texts = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.text(st.characters(exclude_categories=()), max_size=5)),
    max_size=40,
).map("".join)


def _parse_or_input_error(text: str, pure: bool) -> None:
    """`parse` gives a Document or raises InputError (with one-line problems), nothing else."""
    with mock.patch.object(loaders, "Loader", loaders.PureLoader if pure else loaders.Loader):
        try:
            result: object = documents.parse(text, "generated")
        except InputError as exc:
            result = exc
    if isinstance(result, InputError):
        assert result.problems
        assert all("\n" not in str(p) for p in result.problems)
    else:
        assert isinstance(result, documents.Document)


@pytest.mark.property
@given(tree=trees, as_json=st.booleans(), pure=st.booleans())
def test_generated_documents_parse_or_fail_cleanly(tree: Any, as_json: bool, pure: bool) -> None:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = json.dumps(tree, ensure_ascii=False) if as_json else yaml.dump(tree, Dumper=dumper)
    _parse_or_input_error(text, pure)


@pytest.mark.property
@given(text=texts, pure=st.booleans())
def test_generated_text_parses_or_fails_cleanly(text: str, pure: bool) -> None:
    _parse_or_input_error(text, pure)


@pytest.mark.property
@given(data=st.binary(max_size=200), pure=st.booleans())
def test_generated_bytes_on_stdin_read_or_fail_cleanly(data: bytes, pure: bool) -> None:
    loader = loaders.PureLoader if pure else loaders.Loader
    with (
        mock.patch.object(sys, "stdin", mock.Mock(buffer=io.BytesIO(data))),
        mock.patch.object(loaders, "Loader", loader),
    ):
        try:
            result: object = documents.read("-")
        except InputError as exc:
            result = exc
    assert isinstance(result, documents.Document | InputError)
