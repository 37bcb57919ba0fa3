"""Byte-identical JSON across processes, whatever the hash seed, wherever the rules live."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
# One child process assesses every example, so three processes cover three hash seeds.
CHILD = """
import sys
from backexpert import assessment
from backexpert.clinical import intake
rules = assessment.rule_base(sys.argv[1] if sys.argv[1] != "-" else None)
for path in sys.argv[2:]:
    sys.stdout.write(assessment.to_json(assessment.assess(intake.load(path), rules)))
"""


def _run(seed: str, rules: str = "-") -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, rules, *map(str, EXAMPLES)],
        capture_output=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


def test_json_is_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "rules"
    shutil.copytree(ROOT / "rules", copy)
    shipped = {_run("0"), _run("4242")}
    assert len(shipped) == 1, "the same intakes gave different JSON"
    out = shipped.pop()
    assert out.count(b'"backexpert"') == len(EXAMPLES)
    # The same rules from another directory: the same program, recorded as not shipped.
    elsewhere = _run("1", str(copy))
    marker = b'"rulebook_shipped": '
    assert elsewhere == out.replace(marker + b"true", marker + b"false")
