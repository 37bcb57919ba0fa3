"""Options several commands share: the rule directory, the database and output formats."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

RULES = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False),
    envvar="BACKEXPERT_RULES",
    help="Rule directory (default: the shipped rule base; env BACKEXPERT_RULES).",
)

DATABASE = click.option(
    "--database",
    "database",
    envvar="BACKEXPERT_DATABASE_URL",
    help="Database URL (postgresql://...) or SQLite file (default: the user data directory; "
    "env BACKEXPERT_DATABASE_URL).",
)


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for systems.",
)


def output_path(value: str | None, suffixes: tuple[str, ...]) -> Path | None:
    """A document path: known suffix, an existing writable directory, not a directory itself."""
    if value is None:
        return None
    from .output import visible

    path, shown = Path(value), visible(value)
    if path.suffix.lower() not in suffixes:
        raise click.BadParameter(f"{shown}: the file name must end in {' or '.join(suffixes)}")
    parent = path.parent
    if path.is_dir():
        raise click.BadParameter(f"{shown} is a directory")
    if not parent.is_dir():
        raise click.BadParameter(f"{shown}: directory {visible(str(parent))} does not exist")
    if not os.access(parent, os.W_OK):
        raise click.BadParameter(f"{shown}: directory {visible(str(parent))} is not writable")
    return path


def _same_file_key(path: str | Path) -> tuple[str, ...]:
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return ("path", os.path.normcase(os.path.realpath(p)))
    return ("inode", str(st.st_dev), str(st.st_ino))


def distinct_outputs(outputs: dict[str, Path | str | None], source: str | None = None) -> None:
    """Refuse two options that name the same output file, or an output that is the input.

    Two documents written to one file would leave only the last; a report written over the
    intake would destroy what the user typed.
    """
    from .output import visible

    seen: dict[tuple[str, ...], str] = {}
    if source is not None and source != "-":
        seen[_same_file_key(source)] = f"the input {visible(source)}"
    for option, value in outputs.items():
        if value is None:
            continue
        key, named = _same_file_key(value), f"{option} {visible(str(value))}"
        if key in seen:
            raise click.UsageError(f"{named} is the same file as {seen[key]}")
        seen[key] = named


def text_option(option: str, value: str | None) -> str | None:
    """A one-line text option (a name), checked like the same text in a document."""
    if value is None:
        return None
    from pydantic import TypeAdapter, ValidationError

    from ..errors import InputError, Problem
    from ..model import Name

    try:
        return TypeAdapter(Name).validate_python(value)
    except ValidationError as exc:
        message = str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
        raise InputError("command line", [Problem(option, message)]) from None


def report_day(option: str, value: dt.datetime | None) -> dt.date | None:
    """A report date: from 1900 to 2100, like every date a user gives."""
    from ..errors import InputError, Problem
    from ..model import EARLIEST, LATEST

    if value is None:
        return None
    if not EARLIEST <= value.date() <= LATEST:
        message = f"must be from {EARLIEST} to {LATEST} (got {value.date()})"
        raise InputError("command line", [Problem(option, message)])
    return value.date()
