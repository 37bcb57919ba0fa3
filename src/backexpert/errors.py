"""The one exception tree of BackExpert.

    BackExpertError
    ├── InputError            bad data from a user: exit code 2, never a traceback
    │   ├── IntakeError       an intake file that does not validate
    │   └── DocumentError     a file that cannot be read or parsed at all
    ├── RuleSetError          a rule or catalogue file written wrongly (author error)
    ├── EngineError           the inference engine failed or lost a conclusion
    ├── SafetyError           a prescription broke a safety invariant: withheld, never shown
    │   └── EditRefusedError  a clinician's edit broke one, without an override that may lift it
    ├── StoreError            the database could not be opened, migrated, read or written
    └── ReportError           a report could not be rendered, or its file not written

Author errors (RuleSetError) are kept apart from data errors (InputError), as pydantic keeps
`PydanticUserError` apart from `ValidationError`. Every class has a stable `code` (kebab-case,
documented in docs/errors.md) that integrators and the web API can rely on; the command line
maps each to an exit code (`backexpert.cli.exit_code`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located by a field path (and a line when known)."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "(document)"
        at = f" (line {self.line})" if self.line else ""
        return f"{where}: {self.message}{at}"


class BackExpertError(Exception):
    """Root of every error BackExpert raises on purpose."""

    code: ClassVar[str] = "backexpert-error"


class InputError(BackExpertError):
    """Data a user supplied is wrong; the message names each field and problem."""

    code: ClassVar[str] = "invalid-input"

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


class IntakeError(InputError):
    """An intake that does not validate."""

    code: ClassVar[str] = "invalid-intake"


class DocumentError(InputError):
    """A file that cannot be read, or is not valid YAML or JSON."""

    code: ClassVar[str] = "unreadable-document"


class RuleSetError(BackExpertError):
    """A rule or catalogue file is wrong; each problem names the file, the rule id and the line."""

    code: ClassVar[str] = "invalid-rule-base"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("rule base is invalid:\n" + "\n".join(f"  {p}" for p in self.problems))


class EngineError(BackExpertError):
    """The inference engine failed, or an action inside it raised."""

    code: ClassVar[str] = "engine-failure"


class SafetyError(BackExpertError):
    """A prescription violated a safety invariant; it is withheld, never printed."""

    code: ClassVar[str] = "safety-withheld"

    def __init__(self, violations: Sequence[str]) -> None:
        self.violations = tuple(violations)
        super().__init__(
            "prescription withheld: safety invariant violated:\n"
            + "\n".join(f"  {v}" for v in self.violations)
        )


class EditRefusedError(SafetyError):
    """A clinician's edit broke a safety invariant and no override lifts it: nothing applied.

    Each line names the edit (`edits[1] (swap ...)`), the invariant and what is wrong, and
    whether an override would accept it or none can.
    """

    code: ClassVar[str] = "edit-refused"

    def __init__(self, violations: Sequence[str]) -> None:
        super().__init__(violations)
        self.args = (
            "adjustments refused: an edit breaks a safety invariant:\n"
            + "\n".join(f"  {v}" for v in self.violations),
        )


class StoreError(BackExpertError):
    """The database failed: it could not be opened, migrated, read or written.

    What the user asked for was not stored; the transaction was rolled back, so the database holds
    either all of it or none of it. A missing client or a duplicate import is bad input
    (`InputError`), not a `StoreError`.
    """

    code: ClassVar[str] = "store-failure"


class ReportError(BackExpertError):
    """A report could not be rendered or written; `path` is set when an output file is at fault."""

    code: ClassVar[str] = "report-failure"

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)
