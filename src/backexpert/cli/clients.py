"""`backexpert clients …`, `export`, `import` and `report`: stored clients and their records."""

from __future__ import annotations

import datetime as dt
import json

import click

from ..errors import InputError, Problem
from . import options


@click.group()
def clients() -> None:
    """Stored clients."""


_CLIENT_OPTIONS = {"name": "--name", "born": "--born", "load_increment_kg": "--load-increment"}


@clients.command("add")
@click.option("--name", required=True, help="The client's name (1-200 characters).")
@click.option(
    "--born", type=click.DateTime(["%Y-%m-%d"]), help="Date of birth, YYYY-MM-DD (from 1900)."
)
@click.option(
    "--load-increment",
    "increment",
    type=float,
    help="Smallest load step the client can add, kg, above 0 and at most 50, 2 decimals "
    "(default: by equipment).",
)
@options.DATABASE
def clients_add(
    name: str, born: dt.datetime | None, increment: float | None, database: str | None
) -> None:
    """Add a client and print the new id."""
    from .. import services

    try:
        new = services.add_client(database, name, born.date() if born else None, increment)
    except InputError as exc:
        problems = [Problem(_CLIENT_OPTIONS.get(p.path, p.path), p.message) for p in exc.problems]
        raise InputError("command line", problems) from None
    click.echo(new)


@clients.command("list")
@options.FORMAT
@options.DATABASE
def clients_list(fmt: str, database: str | None) -> None:
    """Every client with counts of assessments and sessions."""
    from .. import services
    from .output import printable, write_json

    with services.open_store(database, write=False) as db:
        found = db.clients()
    if fmt == "json":
        write_json(json.dumps([c.model_dump(mode="json") for c in found], indent=2) + "\n")
        return
    from ..present import console

    console.render_clients([printable(c) for c in found], console.terminal())


@click.command()
@click.argument("client_id", metavar="CLIENT", type=int)
@options.DATABASE
def export(client_id: int, database: str | None) -> None:
    """Print a client's whole record as JSON (assessments and session logs)."""
    from .. import services
    from .output import write_json

    with services.open_store(database, write=False) as db:
        record = db.export(client_id)
    write_json(record.model_dump_json(indent=2) + "\n")


@click.command("import")
@click.argument("record_file", metavar="FILE")
@options.RULES
@options.DATABASE
def import_(record_file: str, rules_dir: str | None, database: str | None) -> None:
    """Import a client's record exported by `backexpert export`; print the new client id."""
    from .. import services

    record = services.read_record(record_file, rules_dir)
    click.echo(services.import_record(database, record))


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
    from .output import printable, visible, write_json

    if index == 0:
        raise InputError(
            "command line", [Problem("--assessment", "1 is the first assessment, -1 the latest")]
        )
    html_out, pdf_out, handout_out = (
        p if isinstance(p, Path) else None for p in (html_path, pdf_path, handout_path)
    )
    options.distinct_outputs({"--html": html_out, "--pdf": pdf_out, "--handout": handout_out})
    with services.open_store(database, write=False) as db:
        stored = services.stored_prescription(db, client_id, index - 1 if index > 0 else index)
    wanted = services.Documents(html_out, pdf_out, handout_out, trace=not no_trace)
    rendered = services.render_documents(stored, wanted)
    if not wanted.wanted():
        if fmt == "json":
            write_json(to_json(stored))
        else:
            from ..present import console
            from ..present.prescription_view import PrescriptionView

            console.render_prescription(PrescriptionView(printable(stored)), console.terminal())
    for path in services.write_documents(rendered):
        click.echo(f"wrote {visible(str(path))}", err=True)


COMMANDS = [clients, export, import_, report]
