"""The `backexpert` command: a thin shell over the assessment path.

Exit codes: 0 success; 2 bad input (an intake, a file or a rule base that does not validate);
3 a prescription withheld because it broke a safety invariant; 1 an engine failure.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from . import assessment, console, coverage, engine, intake, rulebook
from .errors import (
    BackExpertError,
    InputError,
    RuleSetError,
    SafetyError,
)
from .prescription import Prescription

EXIT_INPUT = 2
EXIT_UNSAFE = 3
EXIT_ENGINE = 1

_RULES_OPTION = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False),
    envvar="BACKEXPERT_RULES",
    help="Rule directory (default: the shipped rule base; env BACKEXPERT_RULES).",
)


def _exit_code(exc: BackExpertError) -> int:
    if isinstance(exc, InputError | RuleSetError):
        return EXIT_INPUT
    if isinstance(exc, SafetyError):
        return EXIT_UNSAFE
    return EXIT_ENGINE


class _Shell(click.Group):
    """Turns BackExpert errors into a clear message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BackExpertError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(_exit_code(exc))


@click.group(cls=_Shell)
@click.version_option(assessment.VERSION, prog_name="backexpert")
def cli() -> None:
    """BackExpert: an explained back-training prescription from a physiotherapist's intake."""


@cli.command()
@click.argument("intake_file", metavar="INTAKE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for systems.",
)
@_RULES_OPTION
def assess(intake_file: str, fmt: str, rules_dir: str | None) -> None:
    """Assess an intake (YAML or JSON file; '-' reads standard input)."""
    data = intake.load(intake_file)
    ev = assessment.default_engine(rules_dir)
    result = assessment.assess(data, ev)
    _print_result(result, fmt, ev.rulebook)


def _print_result(result: Prescription, fmt: str, rb: rulebook.Rulebook) -> None:
    if fmt == "json":
        sys.stdout.write(assessment.to_json(result))
    else:
        console.render_prescription(result, rb, console.terminal())


@cli.group()
def rules() -> None:
    """Inspect and validate the rule base."""


@rules.command("check")
@_RULES_OPTION
def rules_check(rules_dir: str | None) -> None:
    """Validate the rule base and the catalogue, and print a summary."""
    rb = rulebook.load(rules_dir)
    engine.check_limits(rb)
    engine.DurableEngine(rb)  # proves durable-rules accepts the compiled ruleset
    actions = Counter(c.kind for r in rb for c in r.conclusions)
    files = sorted({r.file for r in rb})
    click.echo(f"rule base {rb.version}: OK")
    click.echo(f"  {len(rb.rules)} rules in {len(files)} files ({rb.directory})")
    click.echo(f"  {len(rb.catalogue.exercises)} exercises in the catalogue")
    click.echo(
        f"  {len(rb.facts_used())} facts tested; conclusions: "
        + ", ".join(f"{k} {n}" for k, n in sorted(actions.items()))
    )


@rules.command("coverage")
@click.option(
    "--cases",
    "cases_dir",
    type=click.Path(file_okay=False, exists=True),
    default="tests/cases",
    show_default=True,
    help="Directory of clinical cases (YAML files with an `intake`).",
)
@_RULES_OPTION
def rules_coverage(cases_dir: str, rules_dir: str | None) -> None:
    """Run the clinical cases and report which rules never fired."""
    ev = assessment.default_engine(rules_dir)
    files = sorted(Path(cases_dir).glob("*.yaml"))
    fired = coverage.rule_coverage(files, ev)
    never = [rule_id for rule_id, cases in fired.items() if not cases]
    click.echo(f"{len(files)} cases; {len(fired) - len(never)} of {len(fired)} rules fired")
    for rule_id in never:
        click.echo(f"  never fired: {rule_id} ({ev.rulebook[rule_id].file})")


@rules.command("list")
@_RULES_OPTION
def rules_list(rules_dir: str | None) -> None:
    """Rule ids, files and one-line rationale."""
    console.render_rules(rulebook.load(rules_dir), console.terminal())


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_RULES_OPTION
def exercises(fmt: str, rules_dir: str | None) -> None:
    """The exercise catalogue."""
    rb = rulebook.load(rules_dir)
    if fmt == "json":
        click.echo(json.dumps([e.model_dump(mode="json") for e in rb.catalogue], indent=2))
    else:
        console.render_catalogue(rb.catalogue, console.terminal())


@cli.command()
@click.argument("document", type=click.Choice(["intake", "prescription"]))
def schema(document: str) -> None:
    """Print the JSON Schema of the intake or of the prescription document."""
    model = intake.Intake if document == "intake" else Prescription
    click.echo(json.dumps(model.model_json_schema(), indent=2))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="backexpert")


__all__ = ["cli", "main"]
