"""What ships with BackExpert: its version, the rule base and the report templates.

From a source checkout they are the repository's `rules/` and the package's templates; from an
installed wheel, the copies inside the package (`_data/`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import RuleSetError

CATALOGUE_FILE = "exercises.yaml"
POSE_FILE = "poses.yaml"
PLAN_FILE = "plan.yaml"
# Data files beside the rule files: the rule compiler reads every other *.yaml as rules.
DATA_FILES = frozenset({CATALOGUE_FILE, POSE_FILE, PLAN_FILE})
PROGRESSION_DIR = "progression"
_HERE = Path(__file__).resolve().parent

# The release, as pyproject.toml states it (a test keeps the two equal); a constant, because
# reading package metadata costs a cold start 20 ms.
VERSION = "0.1.0"


@lru_cache(maxsize=1)
def rules_directory() -> Path:
    """The rule base shipped with BackExpert: the repository's `rules/`, or the wheel's copy."""
    for candidate in (_HERE.parents[1] / "rules", _HERE / "_data" / "rules"):
        if (candidate / CATALOGUE_FILE).is_file():
            return candidate
    raise RuleSetError([f"no rule base found next to {_HERE} (looked for rules/{CATALOGUE_FILE})"])


def catalogue_file(root: Path) -> Path:
    """The exercise catalogue of a rule directory, or RuleSetError when it has none."""
    # Checked before anything reads the directory: `--rules ~` must not hash a home first.
    found = root / CATALOGUE_FILE
    if not found.is_file():
        raise RuleSetError([f"{root}: no {CATALOGUE_FILE} (the exercise catalogue)"])
    return found


def is_shipped(directory: str | Path | None) -> bool:
    """Whether a rule directory is the shipped one (None means the shipped one)."""
    if directory is None:
        return True
    return Path(directory).resolve() == rules_directory().resolve()


def templates_directory() -> Path:
    """The report templates inside the package."""
    return _HERE / "present" / "templates"
