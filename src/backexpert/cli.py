"""The `backexpert` command: a thin shell over the assessment path.

Exit codes: 0 success; 2 bad input (an intake, a file or a rule base that does not validate);
3 a prescription withheld because it broke a safety invariant; 1 an engine failure.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from . import assessment, console, engine, intake, report, rulebook
from .errors import (
    BackExpertError,
    InputError,
    ReportError,
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


@dataclass(frozen=True)
class _ReportRequest:
    """The report files `assess` was asked for, and what to print on them."""

    html: Path | None
    pdf: Path | None
    handout: Path | None
    clinician: str | None
    day: dt.date | None


def _report_options(command: Callable[..., None]) -> Callable[..., None]:
    """Adds --html, --pdf, --handout, --clinician and --date, passed on as one `reports`."""

    @functools.wraps(command)
    def gathered(
        *args: Any,
        html_path: Path | None,
        pdf_path: Path | None,
        handout_path: Path | None,
        clinician: str | None,
        report_date: dt.datetime | None,
        **kwargs: Any,
    ) -> None:
        day = report_date.date() if report_date is not None else None
        request = _ReportRequest(html_path, pdf_path, handout_path, clinician, day)
        command(*args, reports=request, **kwargs)

    options = [
        click.option(
            "--html",
            "html_path",
            metavar="PATH",
            callback=lambda ctx, param, value: _output_path(param, value, (".html", ".htm")),
            help="Write the clinician report as HTML.",
        ),
        click.option(
            "--pdf",
            "pdf_path",
            metavar="PATH",
            callback=lambda ctx, param, value: _output_path(param, value, (".pdf",)),
            help="Write the clinician report as PDF.",
        ),
        click.option(
            "--handout",
            "handout_path",
            metavar="PATH",
            callback=lambda ctx, param, value: _output_path(
                param, value, (".pdf", ".html", ".htm")
            ),
            help="Write the client handout (.pdf for PDF, .html for HTML).",
        ),
        click.option(
            "--clinician",
            metavar="NAME",
            help="Clinician named on the reports (default: the intake's assessment.clinician).",
        ),
        click.option(
            "--date",
            "report_date",
            metavar="YYYY-MM-DD",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="Report date, YYYY-MM-DD (default: today). Only the reports carry it.",
        ),
    ]
    for option in reversed(options):
        gathered = option(gathered)
    return gathered


def _exit_code(exc: BackExpertError) -> int:
    if isinstance(exc, InputError | RuleSetError):
        return EXIT_INPUT
    if isinstance(exc, ReportError) and exc.path is not None:
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
@_report_options
def assess(intake_file: str, fmt: str, rules_dir: str | None, reports: _ReportRequest) -> None:
    """Assess an intake (YAML or JSON file; '-' reads standard input)."""
    data = intake.load(intake_file)
    ev = assessment.default_engine(rules_dir)
    result = assessment.assess(data, ev)
    # Render every report before printing or writing anything: a failure leaves no partial set.
    rendered = _render_reports(result, ev.rulebook, reports, data.assessment.clinician)
    _print_result(result, fmt, ev.rulebook)
    for path, content in rendered:
        report.write(path, content)
        click.echo(f"wrote {path}", err=True)


def _render_reports(
    result: Prescription, rb: rulebook.Rulebook, request: _ReportRequest, clinician: str | None
) -> list[tuple[Path, str | bytes]]:
    """Every report asked for, rendered: (path, content) pairs ready to write."""
    day = request.day or dt.date.today()
    who = request.clinician or clinician

    def html_of(kind: report.Kind) -> str:
        return report.render_html(report.ReportContext.build(result, rb, kind, day, who))

    out: list[tuple[Path, str | bytes]] = []
    if request.html or request.pdf:
        clinician_html = html_of("clinician")
        if request.html:
            out.append((request.html, clinician_html))
        if request.pdf:
            out.append((request.pdf, report.render_pdf(clinician_html)))
    if request.handout:
        handout_html = html_of("handout")
        is_pdf = request.handout.suffix.lower() == ".pdf"
        out.append((request.handout, report.render_pdf(handout_html) if is_pdf else handout_html))
    return out


def _output_path(
    param: click.Parameter, value: str | None, suffixes: tuple[str, ...]
) -> Path | None:
    """A report path: known suffix, an existing writable directory, not a directory itself."""
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
