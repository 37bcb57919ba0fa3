"""Options several commands share: the rule directory, the database and output formats."""

from __future__ import annotations

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
    path = Path(value)
    if path.suffix.lower() not in suffixes:
        raise click.BadParameter(f"{value}: the file name must end in {' or '.join(suffixes)}")
    parent = path.parent
    if path.is_dir():
        raise click.BadParameter(f"{value} is a directory")
    if not parent.is_dir():
        raise click.BadParameter(f"{value}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise click.BadParameter(f"{value}: directory {parent} is not writable")
    return path
