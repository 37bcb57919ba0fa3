"""The long fuzzing run's second half (`make fuzz`): hostile files through the real command.

Every committed hostile file, the large ones the tests make (3,000 sessions, a record over the
cap, YAML aliases, the billion laughs, deep nesting, bytes that are not UTF-8), and random
mutants of a real intake, session log and client record, each run by the installed
`backexpert` in its own process with a time limit and a memory bound. It prints what it ran and
exits 1 on any traceback, unexpected exit code, hang (over FUZZ_TIMEOUT seconds) or memory
blow-up (a process peaking over FUZZ_MAX_RSS_MB, measured with `resource.getrusage`).

    .venv/bin/python tests/fuzz/soak.py [MUTANTS]
"""

from __future__ import annotations

import copy
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

import hostile  # noqa: E402

SCRIPT = Path(sys.executable).parent / "backexpert"
TIMEOUT_S = float(os.environ.get("FUZZ_TIMEOUT", "60"))
MAX_RSS_MB = float(os.environ.get("FUZZ_MAX_RSS_MB", "1024"))
MUTANTS = 300


@dataclass(frozen=True)
class Case:
    name: str
    args: list[str]
    exits: frozenset[int]
    says: str = ""
    stdin: bytes | None = None


@dataclass
class Outcome:
    ran: int = 0
    failed: int = 0
    slowest: tuple[float, str] = (0.0, "")
    peak_mb: float = 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(case: Case, env: dict[str, str], outcome: Outcome) -> None:
    began = time.perf_counter()
    problem = ""
    try:
        done = subprocess.run(
            [str(SCRIPT), *case.args],
            input=case.stdin if case.stdin is not None else b"",
            capture_output=True,
            env=env,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        problem = f"hang: over {TIMEOUT_S:.0f} s"
    else:
        err = done.stderr.decode("utf-8", "replace")
        if "Traceback" in err:
            problem = "traceback:\n" + err[-3000:]
        elif done.returncode not in case.exits:
            problem = f"exit {done.returncode}, expected {sorted(case.exits)}: {err[-600:]}"
        elif case.says and case.says not in err:
            problem = f"stderr lacks {case.says!r}: {err[-600:]}"
        elif len(err.splitlines()) > hostile.MAX_STDERR_LINES:
            problem = f"{len(err.splitlines())} lines on stderr"
    elapsed = time.perf_counter() - began
    peak = _peak_mb()
    if peak > outcome.peak_mb:
        if peak > MAX_RSS_MB:
            problem = problem or f"memory: peaked at {peak:.0f} MB (bound {MAX_RSS_MB:.0f} MB)"
        outcome.peak_mb = peak
    outcome.ran += 1
    outcome.slowest = max(outcome.slowest, (elapsed, case.name))
    if problem:
        outcome.failed += 1
        print(f"FAIL {case.name}: {problem}", flush=True)


def fixture_cases() -> Iterator[Case]:
    for path, command, code, says in hostile.fixture_cases():
        yield Case(path.name, [*hostile.COMMANDS[command], str(path)], frozenset({code}), says)


def large_cases(folder: Path) -> Iterator[Case]:
    record = json.loads((hostile.FIXTURES / "record-prescription-nul.json").read_text())
    assessment = record["assessments"][0]
    assessment["prescription"]["facts"] = {}
    long = folder / "long-history.json"
    long.write_text(json.dumps(hostile.record_with_sessions(3000, assessment), indent=2))
    yield Case("import 3,000 sessions", ["import", str(long)], frozenset({0}))
    yield Case("progress --pdf of 3,000 sessions", ["progress", "2", "--pdf",
               str(folder / "p.pdf")], frozenset({0}))  # fmt: skip
    huge = folder / "huge.json"
    with huge.open("w") as f:
        f.write('{"notes": "' + "x" * (33 * 1024 * 1024) + '"}')
    yield Case("a 33 MB record", ["import", str(huge)], frozenset({2}), "too large: more than")
    bomb = folder / "alias-bomb.yaml"
    bomb.write_text(hostile.alias_bomb_record(assessment))
    yield Case("YAML aliases to a 100 MB row", ["import", str(bomb)], frozenset({2}), "is over")
    laughs = folder / "laughs.yaml"
    laughs.write_text(hostile.alias_bomb_intake())
    yield Case("the billion laughs", ["assess", str(laughs)], frozenset({2}))
    deep = folder / "deep.yaml"
    deep.write_text(hostile.deep_document())
    yield Case("nesting 5,000 deep", ["assess", str(deep)], frozenset({2}))
    for command in ("assess", "log", "import"):
        yield Case(
            f"non-UTF-8 bytes to {command}",
            [*hostile.COMMANDS[command], "-"],
            frozenset({2}),
            stdin=b"client: \xff\xfe\x80",
        )


def _scalar(rng: random.Random) -> Any:
    """A hostile value, drawn from the same lists as the hypothesis strategies (reproducibly)."""
    kind = rng.randrange(7)
    if kind == 0:
        return rng.choice(hostile.ODD_TEXT)
    if kind == 1:
        return "".join(rng.choice(["a", "Z", "ü", " ", *hostile.CONTROLS]) for _ in range(6))
    if kind == 2:
        return rng.choice(hostile.NUMBERS)
    if kind == 3:
        return rng.choice(hostile.DATES)
    if kind == 4:
        return rng.choice([None, True, False, 0, -1, 2**70, 1e308, float("nan"), [], {}])
    if kind == 5:
        return rng.choice([float("inf"), 0.001, 60.005, -0.0, 10**30])
    return rng.choice([["x"] * 50, {"x": 1}, "9999-12-31T23:59:59-05:00", [None]])


def _mutant(base: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(base)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(hostile._paths(doc))
        how = rng.choice(["replace", "replace", "replace", "delete", "add"])
        doc = hostile._apply(doc, path, how, _scalar(rng))
    return doc


def mutant_cases(folder: Path, count: int, seed: int) -> Iterator[Case]:
    bases: dict[str, Any] = {
        "assess": yaml.safe_load((hostile.ROOT / "examples" / "desk-worker.yaml").read_text()),
        "log": yaml.safe_load((hostile.ROOT / "examples/logs/session-log.yaml").read_text()),
        "import": json.loads((hostile.FIXTURES / "record-prescription-nul.json").read_text()),
    }
    bases["import"]["assessments"][0]["prescription"]["facts"] = {}
    rng = random.Random(seed)
    for n in range(count):
        command = rng.choice(sorted(bases))
        doc = _mutant(bases[command], rng)
        if command == "import" and isinstance(doc, dict) and isinstance(doc.get("client"), dict):
            doc["client"]["uid"] = f"mutant-{n}"
        as_json = rng.random() < 0.5
        path = folder / f"mutant-{n}.{'json' if as_json else 'yaml'}"
        path.write_bytes(hostile.serialized(doc, as_json))
        exits = frozenset({0, 2, 3}) if command == "assess" else frozenset({0, 2})
        yield Case(f"mutant {n} ({command})", [*hostile.COMMANDS[command], str(path)], exits)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else MUTANTS
    seed = int(os.environ.get("FUZZ_SEED", str(int(time.time()))))
    with tempfile.TemporaryDirectory(prefix="backexpert-fuzz-") as d:
        folder = Path(d)
        env = {
            **os.environ,
            "BACKEXPERT_DATABASE_URL": str(folder / "fuzz.sqlite3"),
            "XDG_DATA_HOME": str(folder / "data"),
        }
        subprocess.run([str(SCRIPT), "clients", "add", "--name", "Fuzz"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        groups = [
            ("committed hostile files", fixture_cases()),
            ("large hostile files", large_cases(folder)),
            (f"{count} random mutants (FUZZ_SEED={seed})", mutant_cases(folder, count, seed)),
        ]
        total = Outcome()
        for title, cases in groups:
            outcome = Outcome(peak_mb=total.peak_mb)
            for case in cases:
                run(case, env, outcome)
            print(
                f"{title}: {outcome.ran} run(s), {outcome.failed} failed; slowest "
                f"{outcome.slowest[0]:.1f} s ({outcome.slowest[1]}); peak so far "
                f"{outcome.peak_mb:.0f} MB",
                flush=True,
            )
            total.ran += outcome.ran
            total.failed += outcome.failed
            total.peak_mb = outcome.peak_mb
    print(f"soak: {total.ran} runs, {total.failed} failed, peak {total.peak_mb:.0f} MB")
    return 1 if total.failed else 0


if __name__ == "__main__":
    sys.exit(main())
