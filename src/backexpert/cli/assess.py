"""`backexpert assess`: an intake in, the explained prescription out (tables, JSON, documents)."""

from __future__ import annotations

import datetime as dt
import sys

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
    help="Report date, YYYY-MM-DD (default: today). Only the reports carry it.",
)
@click.option("--no-trace", is_flag=True, help="Leave the clinician report's appendix out.")
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
) -> None:
    """Assess an intake (YAML or JSON file; '-' reads standard input)."""
    from pathlib import Path

    from .. import services
    from ..assessment import to_json

    if save != (client_id is not None):
        raise click.UsageError("--save and --client go together: --client ID --save")
    html_out, pdf_out, handout_out = (
        p if isinstance(p, Path) else None for p in (html_path, pdf_path, handout_path)
    )
    wanted = services.Documents(
        html_out,
        pdf_out,
        handout_out,
        clinician=clinician,
        day=report_date.date() if report_date else None,
        trace=not no_trace,
    )
    intake = services.load_intake(intake_file)
    if client_id is None:
        done = services.assess_and_save(intake, rules_dir=rules_dir, wanted=wanted)
    else:
        with services.open_store(database) as db:
            db.client(client_id)  # an unknown client fails before anything is assessed
            done = services.assess_and_save(
                intake, rules_dir=rules_dir, db=db, client_id=client_id, wanted=wanted
            )
    if fmt == "json":
        sys.stdout.write(to_json(done.prescription))
    else:
        from ..present import console
        from ..present.prescription_view import PrescriptionView

        console.render_prescription(PrescriptionView(done.prescription), console.terminal())
    if done.saved_as is not None:
        click.echo(f"saved assessment {done.saved_as} for client {client_id}", err=True)
    for path in services.write_documents(done.documents):
        click.echo(f"wrote {path}", err=True)


COMMANDS = [assess]
