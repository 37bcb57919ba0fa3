"""Every command maps every BackExpert error to its documented exit code, with its message.

The commands are found by walking `backexpert.cli.cli` (a new command is covered without being
listed here); each error class of `backexpert.errors` is raised from the command's body (its
callback replaced), and the exit code must be the one docs/errors.md gives. The same errors
raised from inside a use-case (the services function the command calls) give the same codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from backexpert import errors, services
from backexpert.cli import cli, shown

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
INTAKE = str(ROOT / "examples" / "desk-worker.yaml")
PROBLEMS = [errors.Problem("field", "is wrong", 3)]

SAMPLES: dict[type[errors.BackExpertError], list[errors.BackExpertError]] = {
    errors.BackExpertError: [errors.BackExpertError("something failed")],
    errors.InputError: [errors.InputError("input.yaml", PROBLEMS)],
    errors.IntakeError: [errors.IntakeError("intake.yaml", PROBLEMS)],
    errors.DocumentError: [errors.DocumentError("doc.yaml", PROBLEMS)],
    errors.RuleSetError: [errors.RuleSetError(["rules/x.yaml:1: rule x: wrong"])],
    errors.EngineError: [errors.EngineError("durable-rules failed")],
    errors.SafetyError: [errors.SafetyError(["[dose.max_sets] tue: 5 sets > 4"])],
    errors.EditRefusedError: [errors.EditRefusedError(["edits[0] (x): [dose.sets] 5 sets > 4"])],
    errors.StoreError: [errors.StoreError("database x: disk I/O error")],
    errors.ReportError: [
        errors.ReportError("cannot write r.pdf: No space left on device", "r.pdf"),
        errors.ReportError("template progress.html.j2 failed"),
    ],
}


def _documented_exits() -> dict[str, str]:
    rows = {}
    for line in DOC.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[1].strip("`")] = cells[2]
    return rows


def _expected(exc: errors.BackExpertError) -> int:
    documented = _documented_exits()[type(exc).__name__]
    if isinstance(exc, errors.ReportError):  # "2 or 1": a file at fault, or a template
        assert documented == "2 or 1"
        return 2 if exc.path is not None else 1
    return int(documented)


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


COMMANDS = list(_commands(cli))


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def _args(command: click.Command) -> list[str]:
    """The fewest arguments that get past click's parsing to the command's body."""
    args: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            args.append(_value(param))
        elif param.required:
            args += [param.opts[0], _value(param)]
        elif (
            isinstance(param.type, click.Path)
            and param.type.exists
            and isinstance(param.default, str)  # click's UNSET sentinel is no default
            and param.default
        ):
            args += [param.opts[0], str(ROOT / param.default)]
    if command.name == "impact":  # it needs something to compare with
        args += ["--without", "goals.progression_principle"]
    return args


def _value(param: click.Parameter) -> str:
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[0])
    if isinstance(param.type, click.types.IntParamType):
        return "1"
    return INTAKE


def test_every_error_class_has_a_sample() -> None:
    classes = {
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.BackExpertError)
    }
    assert classes == set(SAMPLES)


def test_the_walk_finds_every_command() -> None:
    assert {" ".join(c) for c in COMMANDS} >= {
        "assess", "clients add", "clients list", "export", "import", "report", "log",
        "progress", "rules check", "rules coverage", "rules list", "exercises", "schema",
    }  # fmt: skip


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_maps_every_error_to_its_exit_code(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    command = _command(path)
    for samples in SAMPLES.values():
        for exc in samples:

            def body(*args: Any, _exc: errors.BackExpertError = exc, **kwargs: Any) -> None:
                raise _exc

            monkeypatch.setattr(command, "callback", body)
            result = CliRunner().invoke(cli, [*path, *_args(command)])
            assert result.exit_code == _expected(exc), (path, exc, result.output)
            assert result.stderr == shown(f"error: {exc}") + "\n", (path, exc)
            assert result.stdout == ""


# The services function each command calls first: an error from inside a use-case.
USE_CASES = {
    ("assess",): "load_intake",
    ("clients", "add"): "add_client",
    ("clients", "list"): "open_store",
    ("export",): "open_store",
    ("import",): "read_record",
    ("report",): "open_store",
    ("log",): "session_from_fields",
    ("progress",): "open_store",
    ("rules", "check"): "check_rules",
    ("rules", "coverage"): "rule_coverage",
    ("schema",): "schema",
}
EXTRA_ARGS: dict[tuple[str, ...], list[str]] = {
    ("log",): ["--exercise", "deadlift", "--set", "5x60kg@7"]
}


@pytest.mark.parametrize("path", sorted(USE_CASES), ids=" ".join)
def test_an_error_inside_a_use_case_gives_the_same_code(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [*path, *_args(_command(path)), *EXTRA_ARGS.get(path, [])]
    for samples in SAMPLES.values():
        for exc in samples:

            def failing(*a: Any, _exc: errors.BackExpertError = exc, **k: Any) -> Any:
                raise _exc

            monkeypatch.setattr(services, USE_CASES[path], failing)
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == _expected(exc), (path, exc, result.output)
            assert "Traceback" not in result.output
