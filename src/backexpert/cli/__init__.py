"""The `backexpert` command: a thin shell over the services, one small module per command group.

Exit codes: 0 success; 2 bad input (an intake, a file or a rule base that does not validate);
3 a prescription withheld because it broke a safety invariant; 1 an engine failure;
4 the database failed (nothing was stored; a session log is kept in a file to log again).
Each command imports what it needs when it runs, so `backexpert assess` never loads the store.

Every error is one message on stderr, never a traceback: BackExpert's own errors by their exit
code; output that cannot be written (a full disk behind stdout, a closed pipe) exits 1 with one
line; any other failure is a bug, reported in one line with exit code 1 (set BACKEXPERT_DEBUG=1
for the traceback).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from typing import Any, NoReturn

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
# An error shows at most this many lines of at most this many characters: a hostile file can
# have thousands of problems, or quote a megabyte-long value in one of them.
SHOWN_LINES = 20
SHOWN_WIDTH = 1000


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
            click.echo(shown(f"error: {exc}"), err=True)
            ctx.exit(exit_code(exc))


def shown(message: str) -> str:
    """An error message as the terminal gets it: escaped, and bounded in lines and width."""
    from .output import visible

    lines = visible(message).splitlines() or [""]
    out = [
        line if len(line) <= SHOWN_WIDTH else f"{line[: SHOWN_WIDTH - 205]} ... {line[-200:]}"
        for line in lines[:SHOWN_LINES]
    ]
    if len(lines) > SHOWN_LINES:
        out.append(f"  ... and {len(lines) - SHOWN_LINES} more line(s)")
    return "\n".join(out)


@click.group(cls=Shell)
@click.version_option(VERSION, prog_name="backexpert")
def cli() -> None:
    """BackExpert: an explained back-training prescription from a physiotherapist's intake."""


def _register() -> None:
    from . import assess, clients, explain, impact, rules, sessions, web

    for module in (assess, rules, clients, sessions, explain, impact, web):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def _streams() -> None:
    """Streams that cannot encode a character write an escape instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
        if reconfigure is not None and encoding not in ("utf-8", "utf8"):
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _fail(message: str, code: int) -> NoReturn:
    with contextlib.suppress(OSError):
        print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def main() -> None:
    """Console-script entry point."""
    _streams()
    try:
        try:
            cli(prog_name="backexpert")
        finally:
            sys.stdout.flush()
    except SystemExit:
        raise
    except BrokenPipeError:
        _silence_stdout()  # a reader that went away (`| head`): the conventional quiet exit
        sys.exit(1)
    except OSError as exc:
        _silence_stdout()
        if exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
            _fail(f"cannot write the output: {exc.strerror}", 1)
        _fail(shown(f"{exc.strerror or exc}"), 1)
    except Exception as exc:
        if os.environ.get("BACKEXPERT_DEBUG"):
            raise
        name = type(exc).__name__
        _fail(shown(f"internal error (a bug, please report it): {name}: {exc}"), 1)


__all__ = ["cli", "exit_code", "main", "shown"]
