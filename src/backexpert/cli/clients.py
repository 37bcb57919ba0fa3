"""`backexpert clients …`, `export`, `import` and `report`: stored clients and their records."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from . import options


@click.group()
def clients() -> None:
    """Stored clients."""


@clients.command("add")
@click.option("--name", required=True, help="The client's name.")
@click.option("--born", type=click.DateTime(["%Y-%m-%d"]), help="Date of birth, YYYY-MM-DD.")
@click.option(
    "--load-increment",
    "increment",
    type=click.FloatRange(min=0, min_open=True, max=50),
    help="Smallest load step the client can add, kg (default: by equipment).",
)
@options.DATABASE
def clients_add(
    name: str, born: dt.datetime | None, increment: float | None, database: str | None
) -> None:
    """Add a client and print the new id."""
    from .. import services

    with services.open_store(database) as db:
        new = db.add_client(name.strip() or name, born.date() if born else None, increment)
    click.echo(new)


@clients.command("list")
@options.FORMAT
@options.DATABASE
def clients_list(fmt: str, database: str | None) -> None:
    """Every client with counts of assessments and sessions."""
    from .. import services

    with services.open_store(database) as db:
        found = db.clients()
    if fmt == "json":
        click.echo(json.dumps([c.model_dump(mode="json") for c in found], indent=2))
        return
    from ..present import console

    console.render_clients(found, console.terminal())


@click.command()
@click.argument("client_id", metavar="CLIENT", type=int)
@options.DATABASE
def export(client_id: int, database: str | None) -> None:
    """Print a client's whole record as JSON (assessments and session logs)."""
    from .. import services

    with services.open_store(database) as db:
        record = db.export(client_id)
    sys.stdout.write(record.model_dump_json(indent=2) + "\n")


@click.command("import")
@click.argument("record_file", metavar="FILE")
@options.RULES
@options.DATABASE
def import_(record_file: str, rules_dir: str | None, database: str | None) -> None:
    """Import a client's record exported by `backexpert export`; print the new client id."""
    from .. import services

    record = services.read_record(record_file, rules_dir)
    with services.open_store(database) as db:
        new = db.import_record(record)
    click.echo(new)


@click.command()
@click.argument("client_id", metavar="CLIENT", type=int)
@click.option(
    "--assessment",
    "index",
    type=int,
    default=-1,
    show_default=True,
    help="Which saved assessment: 1 the first, -1 the latest.",
)
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
    help="Write the client handout (.pdf or .html).",
)
@click.option("--no-trace", is_flag=True, help="Leave the clinician report's appendix out.")
@options.FORMAT
@options.DATABASE
def report(
    client_id: int,
    index: int,
    html_path: object,
    pdf_path: object,
    handout_path: object,
    no_trace: bool,
    fmt: str,
    database: str | None,
) -> None:
    """Show a saved assessment as it was saved (its own rules, whatever the rule files say now)."""
    from pathlib import Path

    from .. import services
    from ..assessment import to_json

    with services.open_store(database) as db:
        stored = services.stored_prescription(db, client_id, index - 1 if index > 0 else index)
    html_out, pdf_out, handout_out = (
        p if isinstance(p, Path) else None for p in (html_path, pdf_path, handout_path)
    )
    wanted = services.Documents(html_out, pdf_out, handout_out, trace=not no_trace)
    rendered = services.render_documents(stored, wanted)
    if not wanted.wanted():
        if fmt == "json":
            sys.stdout.write(to_json(stored))
        else:
            from ..present import console
            from ..present.prescription_view import PrescriptionView

            console.render_prescription(PrescriptionView(stored), console.terminal())
    for path in services.write_documents(rendered):
        click.echo(f"wrote {path}", err=True)


COMMANDS = [clients, export, import_, report]
