"""The `backexpert` command: a thin shell over the services, one small module per command group.

Exit codes: 0 success; 2 bad input (an intake, a file or a rule base that does not validate);
3 a prescription withheld because it broke a safety invariant; 1 an engine failure;
4 the database failed (nothing was stored; a session log is kept in a file to log again).
Each command imports what it needs when it runs, so `backexpert assess` never loads the store.
"""

from __future__ import annotations

from typing import Any

import click

from ..errors import (
    BackExpertError,
    InputError,
    ReportError,
    RuleSetError,
    SafetyError,
    StoreError,
)
from ..shipped import VERSION

EXIT_INPUT = 2
EXIT_UNSAFE = 3
EXIT_ENGINE = 1
EXIT_STORE = 4


def exit_code(exc: BackExpertError) -> int:
    """The exit code of an error (see docs/errors.md)."""
    if isinstance(exc, InputError | RuleSetError):
        return EXIT_INPUT
    if isinstance(exc, ReportError) and exc.path is not None:
        return EXIT_INPUT
    if isinstance(exc, SafetyError):
        return EXIT_UNSAFE
    if isinstance(exc, StoreError):
        return EXIT_STORE
    return EXIT_ENGINE


class Shell(click.Group):
    """Turns BackExpert errors into a clear message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BackExpertError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exit_code(exc))


@click.group(cls=Shell)
@click.version_option(VERSION, prog_name="backexpert")
def cli() -> None:
    """BackExpert: an explained back-training prescription from a physiotherapist's intake."""


def _register() -> None:
    from . import assess, clients, explain, impact, rules, sessions

    for module in (assess, rules, clients, sessions, explain, impact):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="backexpert")


__all__ = ["cli", "exit_code", "main"]
