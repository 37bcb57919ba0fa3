"""`backexpert rules …`, `exercises` and `schema`: the rule base, the catalogue, the documents."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import options


@click.group()
def rules() -> None:
    """Inspect and validate the rule base."""


@rules.command("check")
@options.RULES
def rules_check(rules_dir: str | None) -> None:
    """Validate the rule base and the catalogue, and print a summary."""
    from .. import services

    for line in services.check_rules(rules_dir).lines:
        click.echo(line)


@rules.command("coverage")
@click.option(
    "--cases",
    "cases_dir",
    type=click.Path(file_okay=False, exists=True),
    default="tests/cases",
    show_default=True,
    help="Directory of clinical cases (YAML files with an `intake`).",
)
@options.RULES
def rules_coverage(cases_dir: str, rules_dir: str | None) -> None:
    """Run the clinical cases and report which rules never fired."""
    from .. import services
    from ..assessment import rule_base

    base = rule_base(rules_dir)
    files = sorted(Path(cases_dir).glob("*.yaml"))
    fired = services.rule_coverage(files, base)
    never = [rule_id for rule_id, cases in fired.items() if not cases]
    click.echo(f"{len(files)} cases; {len(fired) - len(never)} of {len(fired)} rules fired")
    for rule_id in never:
        click.echo(f"  never fired: {rule_id} ({base.rulebook[rule_id].file})")


@rules.command("list")
@options.RULES
def rules_list(rules_dir: str | None) -> None:
    """Rule ids, files and one-line rationale."""
    from ..assessment import rule_base
    from ..present import console

    console.render_rules(rule_base(rules_dir).rulebook, console.terminal())


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@options.RULES
def exercises(fmt: str, rules_dir: str | None) -> None:
    """The exercise catalogue."""
    from ..assessment import rule_base

    cat = rule_base(rules_dir).catalogue  # a catalogue is shown only with a valid rule base
    if fmt == "json":
        click.echo(json.dumps([e.model_dump(mode="json") for e in cat], indent=2))
    else:
        from ..present import console

        console.render_catalogue(cat, console.terminal())


@click.command()
@click.argument("document", type=click.Choice(["intake", "prescription", "adjustments"]))
def schema(document: str) -> None:
    """Print the JSON Schema of the intake, the prescription or the adjustments document."""
    from .. import services

    click.echo(json.dumps(services.schema(document), indent=2))  # type: ignore[arg-type]


COMMANDS = [rules, exercises, schema]
