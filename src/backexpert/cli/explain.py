"""`backexpert explain`: why an exercise is not prescribed, and what changes would do."""

from __future__ import annotations

import click

from . import options


@click.command()
@click.argument("intake_file", metavar="INTAKE")
@click.option(
    "--why-not",
    "why_not",
    metavar="EXERCISE|PATTERN",
    help="A catalogue exercise (deadlift) or movement pattern (vertical_pull): why it is not "
    "prescribed, and the smallest changes that would put it in.",
)
@click.option(
    "--what-if",
    "what_if",
    metavar="CHANGE",
    multiple=True,
    help="A change to the intake, repeatable: path=value (pain.nprs_now=7), -path "
    "(-conditions.lumbar_instability), +list.value (+findings.rounded_shoulders, "
    "+conditions.rotator_cuff_repair:weeks_since=8,side=right).",
)
@options.FORMAT
@options.RULES
def explain(
    intake_file: str, why_not: str | None, what_if: tuple[str, ...], fmt: str, rules_dir: str | None
) -> None:
    """Explain an assessment: --why-not EXERCISE, or --what-if CHANGE (repeatable)."""
    from .. import services

    if bool(why_not) == bool(what_if):
        raise click.UsageError("give --why-not EXERCISE|PATTERN, or one or more --what-if CHANGE")
    intake = services.load_intake(intake_file, rules_dir)
    if why_not:
        answer = services.why_not(intake, why_not, rules_dir)
        if fmt == "json":
            click.echo(answer.model_dump_json(indent=2))
            return
        from ..explain import render
        from ..present import console

        render.render_why_not(answer, console.terminal())
        return
    found = services.what_if(intake, list(what_if), rules_dir)
    if fmt == "json":
        click.echo(found.model_dump_json(indent=2))
        return
    from ..explain import render
    from ..present import console

    render.render_what_if(found, console.terminal())


COMMANDS = [explain]
