"""Byte-identical JSON across processes, whatever the hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("backexpert")


def _run(seed: str, intake: Path) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [str(CLI), "assess", str(intake), "--format", "json"],
        capture_output=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


def test_json_is_identical_across_processes_and_hash_seeds() -> None:
    for intake in sorted((ROOT / "examples").glob("*.yaml")):
        outputs = {_run(seed, intake) for seed in ("0", "1", "4242")}
        assert len(outputs) == 1, intake.name
        assert outputs.pop().startswith(b"{")
