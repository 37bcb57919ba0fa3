"""`backexpert rules impact`: which stored clients' programs change when the rules change.

Registered on the `rules` group of `cli/rules.py` when this module is imported.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import click

from . import options
from .rules import rules


@rules.command("impact")
@click.option(
    "--against",
    type=click.Path(file_okay=False, exists=True),
    help="The reference rule directory (before); the rules compared with it are --rules (after).",
)
@click.option(
    "--against-ref",
    metavar="GIT_REF",
    help="The reference rules as they are at a git ref (git archive of the rule directory).",
)
@click.option(
    "--without",
    metavar="RULE_ID",
    multiple=True,
    help="Compare with these rules deleted (repeatable); alone, against the rules as they are.",
)
@options.RULES
@options.DATABASE
@click.option("--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes on this machine.")  # fmt: skip
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=200, show_default=True,
              help="Clients per batch a worker or machine claims.")  # fmt: skip
@click.option("--limit", type=click.IntRange(0), default=20, show_default=True,
              help="Clients shown in detail in the table (the JSON has every one).")  # fmt: skip
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="A progress bar on standard error (default: on a terminal).")  # fmt: skip
@options.FORMAT
def rules_impact(
    against: str | None,
    against_ref: str | None,
    without: tuple[str, ...],
    rules_dir: str | None,
    database: str | None,
    jobs: int,
    batch_size: int,
    limit: int,
    show_progress: bool | None,
    fmt: str,
) -> None:
    """Re-assess every stored client under two rulebooks and report who changes, and how."""
    from .. import services
    from ..explain.impact import RuleSource

    if against and against_ref:
        raise click.UsageError("give --against DIR or --against-ref GIT_REF, not both")
    if not (against or against_ref or without):
        raise click.UsageError("give --against DIR, --against-ref GIT_REF or --without RULE_ID")
    cpus = os.cpu_count() or 1
    if jobs > cpus:
        # Each worker holds both rule bases: more workers than CPUs only cost memory.
        click.echo(f"--jobs {jobs}: this machine has {cpus} CPU(s); using {cpus}", err=True)
        jobs = cpus
    after = RuleSource(rules_dir, tuple(without))
    with _reference(against, against_ref, rules_dir) as reference:
        label = f"{against_ref} (git archive of the rule directory)" if against_ref else None
        before = (
            services.reference_rules(reference, rules_dir, label)
            if reference
            else RuleSource(rules_dir)
        )
        with services.open_store(database) as db, _bar(show_progress) as progress:
            report = services.rules_impact(
                db, before, after, jobs=jobs, batch_size=batch_size, progress=progress
            )
    if fmt == "json":
        click.echo(report.model_dump_json(indent=2))
        return
    from ..explain import render
    from ..present import console

    render.render_impact(report, console.terminal(), limit)


@contextlib.contextmanager
def _reference(against: str | None, ref: str | None, rules_dir: str | None) -> Iterator[str | None]:
    if ref:
        from .. import services

        with services.rules_at_ref(ref, rules_dir) as checked_out:
            yield checked_out
    else:
        yield against


@contextlib.contextmanager
def _bar(show: bool | None) -> Iterator[Any]:
    from rich.console import Console

    err = Console(stderr=True)
    if not (err.is_terminal if show is None else show):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("clients", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


COMMANDS: list[click.Command] = []  # `impact` is a subcommand of `rules`
