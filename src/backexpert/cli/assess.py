"""`backexpert assess`: an intake in, the explained prescription out (tables, JSON, documents)."""

from __future__ import annotations

import datetime as dt

import click

from . import options


@click.command()
@click.argument("intake_file", metavar="INTAKE")
@options.FORMAT
@options.RULES
@click.option("--client", "client_id", type=int, help="The stored client this intake is for.")
@click.option("--save", is_flag=True, help="Store the assessment with the client (needs --client).")
@options.DATABASE
@click.option(
    "--html",
    "html_path",
    metavar="PATH",
    callback=lambda ctx, param, value: options.output_path(value, (".html", ".htm")),
    help="Write the clinician report as HTML.",
)
@click.option(
    "--pdf",
    "pdf_path",
    metavar="PATH",
    callback=lambda ctx, param, value: options.output_path(value, (".pdf",)),
    help="Write the clinician report as PDF.",
)
@click.option(
    "--handout",
    "handout_path",
    metavar="PATH",
    callback=lambda ctx, param, value: options.output_path(value, (".pdf", ".html", ".htm")),
    help="Write the client handout (.pdf for PDF, .html for HTML).",
)
@click.option(
    "--clinician",
    metavar="NAME",
    help="Clinician named on the reports (default: the intake's assessment.clinician).",
)
@click.option(
    "--date",
    "report_date",
    metavar="YYYY-MM-DD",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Report date, YYYY-MM-DD, 1900 to 2100 (default: today). Only the reports carry it.",
)
@click.option("--no-trace", is_flag=True, help="Leave the clinician report's appendix out.")
@click.option(
    "--adjust",
    "adjust_file",
    metavar="ADJUSTMENTS",
    help="Apply a clinician's edits (YAML or JSON; `backexpert schema adjustments`); the "
    "safety monitor checks the edited program.",
)
def assess(
    intake_file: str,
    fmt: str,
    rules_dir: str | None,
    client_id: int | None,
    save: bool,
    database: str | None,
    html_path: object,
    pdf_path: object,
    handout_path: object,
    clinician: str | None,
    report_date: dt.datetime | None,
    no_trace: bool,
    adjust_file: str | None,
) -> None:
    """Assess an intake (YAML or JSON file; '-' reads standard input).

    With --client ID --save the documents are written first and the assessment saved last, once:
    saving the same intake again finds the saved assessment instead of adding a copy.
    With --adjust the clinician's edits are applied and checked (an edit that breaks a safety
    invariant without an override is refused, exit 3); a saved assessment keeps the generated
    program and the edits beside the result.
    """
    from pathlib import Path

    from .. import services
    from ..assessment import to_json
    from .output import printable, visible, write_json

    if save != (client_id is not None):
        raise click.UsageError("--save and --client go together: --client ID --save")
    html_out, pdf_out, handout_out = (
        p if isinstance(p, Path) else None for p in (html_path, pdf_path, handout_path)
    )
    options.distinct_outputs(
        {"--html": html_out, "--pdf": pdf_out, "--handout": handout_out}, intake_file
    )
    wanted = services.Documents(
        html_out,
        pdf_out,
        handout_out,
        clinician=options.text_option("--clinician", clinician),
        day=options.report_day("--date", report_date),
        trace=not no_trace,
    )
    if adjust_file is not None and adjust_file == intake_file:
        raise click.UsageError("the intake and the adjustments are two files")
    intake = services.load_intake(intake_file, rules_dir)
    edits = services.load_adjustments(adjust_file) if adjust_file is not None else None
    warn_if_not_shipped(rules_dir)
    done = services.assess_and_save(
        intake,
        rules_dir=rules_dir,
        client_id=client_id,
        wanted=wanted,
        database=database,
        write=True,
        adjustments=edits,
        adjustments_source=adjust_file or "adjustments",
    )
    if fmt == "json":
        write_json(to_json(done.prescription))
    else:
        from ..present import console
        from ..present.prescription_view import PrescriptionView

        view = PrescriptionView(printable(done.prescription))
        console.render_prescription(view, console.terminal())
    if done.saved_as is not None:
        if done.already_saved:
            click.echo(
                f"assessment {done.saved_as} of client {client_id} is this one: already saved",
                err=True,
            )
        else:
            click.echo(f"saved assessment {done.saved_as} for client {client_id}", err=True)
    for path in done.written:
        click.echo(f"wrote {visible(str(path))}", err=True)


def warn_if_not_shipped(rules_dir: str | None) -> None:
    """Announce on stderr a rule base that is not the one shipped with this version."""
    from ..assessment import rule_base

    base = rule_base(rules_dir)
    if not base.shipped:
        click.echo(
            f"warning: rule base {base.rulebook.version} from {rules_dir} is not the one shipped "
            "with BackExpert: its results are not the released clinical rules",
            err=True,
        )


COMMANDS = [assess]
