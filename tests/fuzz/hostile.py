"""Hostile input for the fuzzing suite: hand-written strategies, and running the CLI on them.

Option values a user might type by mistake or on purpose (control characters, bidi overrides,
NaN, numbers beyond any integer type, dates in year 1 or 9999), and documents (intake, session
log, client record) with a few of their values replaced by such things, keys removed or added.
`invoke` runs one command line with click's CliRunner and checks what every run must do: exit
with a documented code, say at most a few lines on stderr and never a traceback, and be quick.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from hypothesis import strategies as st

from backexpert.cli import SHOWN_LINES, cli

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "hostile"
EXITS = {0, 1, 2, 3, 4}
MAX_STDERR_LINES = SHOWN_LINES + 5  # the error's lines, "... and N more", or click's usage
MAX_SECONDS = float(os.environ.get("FUZZ_MAX_SECONDS", "15"))  # per command, on a busy machine

_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
# CLI runs cost tens of milliseconds each: fewer examples than the pure properties.
EXAMPLES = int(
    os.environ.get("FUZZ_EXAMPLES") or {"default": 20, "ci": 100, "soak": 2000}.get(_PROFILE, 20)
)

# --- values ---------------------------------------------------------------------------------

CONTROLS = [
    "\x00", "\x01", "\x07", "\x08", "\t", "\n", "\r", "\x0b", "\x1b", "\x1b[2J", "\x1b]0;x\x07",
    "\x1b[31m", "\x7f", "\x85", "\x9b", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\ufeff", "\u2028", "\ud800", "\udfff",
]  # fmt: skip
ODD_TEXT = [
    "", " ", "  \t ", "a" * 200, "a" * 201, "x" * 5000, "[bold]x[/]", "<script>x</script>",
    "%s%n{}", "../../etc/passwd", "-", "--help", "0", "nan", "Zoë ☃ 𝄞 שלום", "NULL", "'; --",
]  # fmt: skip
NUMBERS = [
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400", "-0", "0",
    "0.001", "0.005", "0.01", "2.5", "50", "50.01", "1000", "1000.01", "99999.995",
    "9" * 40, str(2**31), str(2**63), str(2**64), str(-(2**63)), " 1 ", "1_000", "0x10",
    "٣", "", "1,5", "+3",
]  # fmt: skip
DATES = [
    "", "0", "-1", "1700000000", "1970-01-01", "0001-01-01", "1899-12-31", "1900-01-01",
    "2026-02-30", "2026-13-01", "2100-12-31", "2101-01-01", "2062-01-01", "9999-03-01",
    "9999-12-31", "today", "2026-11-02T10:00", " 2026-11-02 ", "2026-1-2", "２０２６-１１-０２",
]  # fmt: skip
CLIENT_IDS = [
    "1", "2", "0", "-1", str(2**31 - 1), str(2**31), str(2**63), str(2**64), "9" * 40, "x", "",
]  # fmt: skip
EXERCISES = ["deadlift", "bird_dog", "lat_pulldown", "deadlfit", "", "x" * 65, "DEADLIFT"]
SET_TOKENS = [
    "5x60kg@7", "8x@8", "5x60kg@rir2", "3x5x60kg@7", "5x60.001kg@7", "5x60.5kg@7", "0x@1",
    "101x@7", "5x1001kg@7", "11x5x60kg@7", "5x60kg@11", "5x60kg@0", "5x60kg@rir11", "x",
    "5x", "@7", "", "5x60kg@7@8", "5 x 60 kg @ 7", "٥x60kg@7", "9" * 30 + "x@7",
]  # fmt: skip


def text() -> st.SearchStrategy[str]:
    """Text a user might type: ordinary, odd, or with a control character somewhere."""
    return st.one_of(
        st.text(max_size=20),
        st.sampled_from(ODD_TEXT),
        st.builds(
            lambda a, c, b: a + c + b,
            st.text(max_size=8),
            st.sampled_from(CONTROLS),
            st.text(max_size=8),
        ),
    )


def number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-(10**30), 10**30).map(str),
    )


def date() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(DATES),
        st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
    )


def scalar() -> st.SearchStrategy[Any]:
    """A value to put where a document expects something else."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        text(),
        st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
        st.sampled_from(
            [[], {}, [None], {"x": 1}, "9999-12-31T23:59:59-05:00", "1e400", ["a"] * 50]
        ),
    )


# --- documents ------------------------------------------------------------------------------


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _apply(doc: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    if not path:
        return value if how == "replace" else doc
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif how == "add" and isinstance(parent, dict):
        parent[f"unknown_{str(value)[:10]}"] = value
    elif how == "add" and isinstance(parent, list):
        parent.append(value)
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: Any, max_changes: int = 3) -> Any:
    """The document with 1 to `max_changes` values replaced, removed or added."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, max_changes))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add"]))
        doc = _apply(doc, path, how, draw(scalar()))
    return doc


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def serialized(doc: Any, as_json: bool) -> bytes:
    """A document as a file holds it: JSON (NaN allowed) or YAML; lone surrogates kept raw."""
    if as_json:
        text_ = json.dumps(_json_safe(doc), ensure_ascii=False, allow_nan=True, indent=1)
    else:
        text_ = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    return text_.encode("utf-8", "surrogatepass")


# --- running --------------------------------------------------------------------------------


def invoke(args: Sequence[str], expected: set[int] = EXITS, stdin: bytes | None = None) -> Result:
    """Run one command line; every run exits with a documented code, tersely and quickly."""
    began = time.perf_counter()
    result = CliRunner().invoke(cli, list(args), input=stdin)
    elapsed = time.perf_counter() - began
    shown = [a if len(a) < 60 else a[:57] + "..." for a in args]
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        shown,
        repr(result.exception),
    )
    assert result.exit_code in expected, (shown, result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output, shown
    assert len(result.stderr.splitlines()) <= MAX_STDERR_LINES, (shown, result.stderr[-2000:])
    assert elapsed < MAX_SECONDS, (shown, elapsed)
    return result


# --- hostile files --------------------------------------------------------------------------

COMMANDS = {"assess": ["assess"], "log": ["log", "1", "--file"], "import": ["import"]}


def fixture_cases() -> list[tuple[Path, str, int, str]]:
    """The committed hostile files with what each must give (tests/fixtures/hostile/)."""
    expected = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
    return [
        (FIXTURES / name, case["command"], case["exit"], case["says"])
        for name, case in sorted(expected.items())
    ]


def record_with_sessions(count: int, assessment: dict[str, Any] | None = None) -> dict[str, Any]:
    """A client record with `count` daily sessions up to yesterday (the import benchmark's)."""
    last = dt.date.today() - dt.timedelta(days=1)
    sessions = []
    for n in range(count):
        day = last - dt.timedelta(days=count - 1 - n)
        load = 40 + 2.5 * (n % 40)
        sessions.append(
            {
                "uid": f"long-history-{n}",
                "created_at": f"{day.isoformat()}T19:00:00+00:00",
                "date": day.isoformat(),
                "time": "18:00:00",
                "notes": f"Session {n}: slept well.",
                "exercises": [
                    {"exercise": "bird_dog", "sets": [{"reps": 6, "rpe": 4}] * 2},
                    {
                        "exercise": "trap_bar_deadlift",
                        "sets": [{"reps": 5, "load_kg": load, "rpe": 7}] * 3,
                        "form": 4,
                        "pain_after": 2,
                    },
                    {"exercise": "lat_pulldown", "sets": [{"reps": 10, "load_kg": 45.0}] * 3},
                    {"exercise": "seated_cable_row", "sets": [{"reps": 10, "load_kg": 40.0}] * 3},
                ],
            }
        )
    first = last - dt.timedelta(days=count)
    return {
        "format": "backexpert-client",
        "version": 1,
        "client": {
            "uid": f"long-history-{count}",
            "name": "Long History",
            "created_at": f"{first.isoformat()}T09:00:00+00:00",
        },
        "assessments": [assessment] if assessment else [],
        "sessions": sessions,
    }


def alias_bomb_record(assessment: dict[str, Any], entries: int = 100) -> str:
    """A 120 kB YAML record whose aliases make its prescription 10 MB of JSON once expanded.

    The first trace entry (a hundred facts of 1,000 characters) is anchored; the other entries
    are aliases of it: within the parsing layer's limits (100 aliases, one value per 10 bytes
    of the record cap), accepted by validation, and refused by the store's cap on a stored
    document (once, such a record became a 195 MB row).
    """
    facts = ", ".join(f"fact_{i}: {'x' * 1000}" for i in range(100))
    entry = f"&entry {{rule: r, conclusions: [], matched: {{{facts}}}}}"
    prescription = dict(assessment["prescription"], trace=["TRACE"] * entries)
    record = {
        "format": "backexpert-client",
        "version": 1,
        "client": {"uid": "alias-bomb", "name": "Bomb", "created_at": "2026-01-01T00:00:00+00:00"},
        "assessments": [dict(assessment, uid="alias-bomb-a", prescription=prescription)],
        "sessions": [],
    }
    text = yaml.safe_dump(record, sort_keys=False, width=10**6)
    return text.replace("- TRACE", f"- {entry}", 1).replace("- TRACE", "- *entry")


def alias_bomb_intake() -> str:
    """The billion laughs in an intake: 10^9 strings if expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\nclient: *a8\n"


def deep_document(depth: int = 5000) -> str:
    return "[" * depth + "]" * depth + "\n"
