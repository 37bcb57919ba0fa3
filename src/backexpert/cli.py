"""The `backexpert` command: a thin shell over the assessment path and the store.

Exit codes: 0 success; 2 bad input (an intake, a file or a rule base that does not validate);
3 a prescription withheld because it broke a safety invariant; 1 an engine failure;
4 the database failed (nothing was stored; a session log is kept in a file to log again).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.table import Table

from . import assessment, console, coverage, documents, engine, intake, logbook, report, rulebook
from . import catalogue as catalogue_mod
from . import store as store_mod
from .errors import (
    BackExpertError,
    InputError,
    Problem,
    ReportError,
    RuleSetError,
    SafetyError,
    StoreError,
)
from .prescription import Prescription

EXIT_INPUT = 2
EXIT_UNSAFE = 3
EXIT_ENGINE = 1
EXIT_STORE = 4

_DATABASE_OPTION = click.option(
    "--database",
    "database",
    envvar="BACKEXPERT_DATABASE_URL",
    help="Database URL (postgresql://...) or SQLite file (default: the user data directory; "
    "env BACKEXPERT_DATABASE_URL).",
)

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
    if isinstance(exc, StoreError):
        return EXIT_STORE
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
@click.option("--client", "client_id", type=int, help="The stored client this intake is for.")
@click.option("--save", is_flag=True, help="Store the assessment with the client (needs --client).")
@_DATABASE_OPTION
@_report_options
def assess(
    intake_file: str,
    fmt: str,
    rules_dir: str | None,
    client_id: int | None,
    save: bool,
    database: str | None,
    reports: _ReportRequest,
) -> None:
    """Assess an intake (YAML or JSON file; '-' reads standard input)."""
    if save != (client_id is not None):
        raise click.UsageError("--save and --client go together: --client ID --save")
    data = intake.load(intake_file)
    ev = assessment.default_engine(rules_dir)
    result = assessment.assess(data, ev)
    # Render every report before printing, storing or writing anything: a failure leaves no
    # partial set.
    rendered = _render_reports(result, ev.rulebook, reports, data.assessment.clinician)
    if client_id is not None:
        with _store(database) as db:
            db.client(client_id)  # an unknown client fails before anything is stored
            stored = db.add_assessment(
                client_id,
                data.model_dump(mode="json"),
                json.loads(assessment.to_json(result)),
                result.rulebook,
                result.backexpert,
            )
    _print_result(result, fmt, ev.rulebook)
    if client_id is not None:
        click.echo(f"saved assessment {stored} for client {client_id}", err=True)
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
    progression = Path(rb.directory) / rulebook.PROGRESSION_DIR
    if progression.is_dir():
        pb = rulebook.load_progression(rb.directory)
        engine.DurableEngine(pb)
        click.echo(f"progression rules {pb.version}: OK")
        click.echo(f"  {len(pb.rules)} rules, {len(pb.facts_used())} facts tested ({progression})")


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


# --- the store: clients, logs, progress (issue 5) ------------------------------------------


@contextmanager
def _store(database: str | None) -> Iterator[store_mod.Store]:
    db = store_mod.Store.open(database)
    try:
        yield db
    finally:
        db.close()


@cli.group()
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
@_DATABASE_OPTION
def clients_add(
    name: str, born: dt.datetime | None, increment: float | None, database: str | None
) -> None:
    """Add a client and print the new id."""
    with _store(database) as db:
        new = db.add_client(name.strip() or name, born.date() if born else None, increment)
    click.echo(new)


@clients.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_DATABASE_OPTION
def clients_list(fmt: str, database: str | None) -> None:
    """Every client with counts of assessments and sessions."""
    with _store(database) as db:
        found = db.clients()
    if fmt == "json":
        click.echo(json.dumps([c.model_dump(mode="json") for c in found], indent=2))
        return
    t = Table(box=box.SIMPLE)
    for col in ("Id", "Name", "Born", "Assessments", "Sessions", "Last session"):
        t.add_column(col)
    for c in found:
        t.add_row(
            str(c.id),
            c.name,
            str(c.born or "-"),
            str(c.assessments),
            str(c.sessions),
            str(c.last_session or "-"),
        )
    console.terminal().print(t)


_CLI_FIELDS = {"date": "--date", "time": "--time", "notes": "--notes"}
_CLI_ENTRY = {
    "exercise": "--exercise",
    "form": "--form",
    "pain_before": "--pain-before",
    "pain_after": "--pain",
    "target_reps": "--target-reps",
    "load_increment_kg": "--load-increment",
    "notes": "--exercise-notes",
}


def _option_problem(p: Problem, tokens: list[str]) -> Problem:
    """`exercises[0].sets[1].rpe` -> `--set '5x60kg@11'`: named by what the user typed."""
    path = p.path
    if path.startswith("exercises[0].sets["):
        i = int(path[len("exercises[0].sets[") : path.index("]", 13)])
        field = path.split("]", 2)[-1].lstrip(".")
        return Problem(f"--set {tokens[i]!r}", f"{field}: {p.message}" if field else p.message)
    if path.startswith("exercises[0]."):
        rest = path.removeprefix("exercises[0].")
        return Problem(_CLI_ENTRY.get(rest, rest), p.message)
    return Problem(_CLI_FIELDS.get(path, path or "command line"), p.message)


def _log_from_options(
    date: str | None, time: str | None, notes: str | None, entry: dict[str, Any], sets: list[str]
) -> logbook.SessionLog:
    session: dict[str, Any] = {"date": date or dt.date.today().isoformat(), "exercises": [entry]}
    if time is not None:
        session["time"] = time
    if notes is not None:
        session["notes"] = notes
    entry["sets"], tokens, problems = [], [], []
    for i, token in enumerate(sets):
        try:
            parsed = logbook.parse_set(token)
        except ValueError as exc:
            problems.append(Problem(f"--set #{i + 1}", str(exc)))
            continue
        entry["sets"] += parsed
        tokens += [token] * len(parsed)
    if problems:
        raise InputError("command line", problems)
    doc = documents.Document("command line", session, None)
    try:
        return documents.validate(logbook.SessionLog, doc)
    except InputError as exc:
        raise InputError(
            "command line", [_option_problem(p, tokens) for p in exc.problems]
        ) from None


def _keep_unsaved(client_id: int, log: logbook.SessionLog) -> Path | None:
    """When the database fails, the session the user typed is kept in a file to log again."""
    folder = store_mod.default_path().parent / "unsaved"
    path = folder / f"client-{client_id}-{dt.datetime.now():%Y%m%dT%H%M%S%f}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(log.model_dump_json(indent=2, exclude_none=True) + "\n", encoding="utf-8")
    except OSError:
        return None
    return path


@cli.command()
@click.argument("client_id", metavar="CLIENT", type=int)
@click.option("--file", "log_file", help="A session log file (YAML or JSON; '-' reads stdin).")
@click.option("--date", help="Session date, YYYY-MM-DD (default: today).")
@click.option("--time", help="Time of day, HH:MM (lets the recovery check count hours).")
@click.option("--exercise", help="Catalogue id of the exercise (see `backexpert exercises`).")
@click.option(
    "--set", "sets", multiple=True, help="A set: 5x60kg@7, 8x@8, 5x60kg@rir2, 3x5x60kg@7."
)
@click.option("--form", type=int, help="Form quality 1-5.")
@click.option("--pain", type=int, help="Pain after the exercise, 0-10.")
@click.option("--pain-before", type=int, help="Pain before the exercise, 0-10.")
@click.option("--target-reps", help="The rep target this session aimed at ('8' or '8-12').")
@click.option("--load-increment", type=float, help="Smallest load step for this exercise, kg.")
@click.option("--notes", help="Notes on the session.")
@click.option("--exercise-notes", help="Notes on the exercise.")
@_RULES_OPTION
@_DATABASE_OPTION
def log(
    client_id: int,
    log_file: str | None,
    date: str | None,
    time: str | None,
    exercise: str | None,
    sets: tuple[str, ...],
    form: int | None,
    pain: int | None,
    pain_before: int | None,
    target_reps: str | None,
    load_increment: float | None,
    notes: str | None,
    exercise_notes: str | None,
    rules_dir: str | None,
    database: str | None,
) -> None:
    """Log a session: from a file, or one exercise from the options."""
    given = {
        "exercise": exercise,
        "form": form,
        "pain_after": pain,
        "pain_before": pain_before,
        "target_reps": target_reps,
        "load_increment_kg": load_increment,
        "notes": exercise_notes,
    }
    entry = {k: v for k, v in given.items() if v is not None}
    root = Path(rules_dir) if rules_dir else rulebook.default_directory()
    cat = catalogue_mod.load(root / rulebook.CATALOGUE_FILE)
    if log_file is not None:
        if entry or sets or date or time or notes:
            raise click.UsageError("give either --file or the session options, not both")
        session = logbook.load(log_file, cat)
    else:
        if exercise is None or not sets:
            raise click.UsageError("give --file, or --exercise with at least one --set")
        session = _log_from_options(date, time, notes, entry, list(sets))
        try:
            logbook.check_exercises(session, cat, "command line")
        except InputError as exc:
            raise InputError(
                "command line", [Problem("--exercise", p.message) for p in exc.problems]
            ) from None
    try:
        with _store(database) as db:
            stored = db.add_session(client_id, session)
    except StoreError as exc:
        kept = _keep_unsaved(client_id, session)
        if kept is not None:
            raise StoreError(
                f"{exc}\nyour session is kept in {kept}: log it again with "
                f"backexpert log {client_id} --file {kept}"
            ) from exc
        raise
    n_sets = sum(len(e.sets) for e in session.exercises)
    click.echo(
        f"logged session {stored} for client {client_id}: {session.when()}, "
        f"{len(session.exercises)} exercise(s), {n_sets} set(s)"
    )


@cli.command()
@click.argument("client_id", metavar="CLIENT", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--html", "html_path", help="Write the progress report as HTML to this file.")
@click.option("--pdf", "pdf_path", help="Write the progress report as PDF to this file.")
@_RULES_OPTION
@_DATABASE_OPTION
def progress(
    client_id: int,
    fmt: str,
    html_path: str | None,
    pdf_path: str | None,
    rules_dir: str | None,
    database: str | None,
) -> None:
    """Trends, flags and the next-session recommendation for a client, explained."""
    from . import progress as progress_mod
    from . import progress_report

    with _store(database) as db:
        report = progress_mod.for_client(db, client_id, progress_mod.default_engine(rules_dir))
    if html_path:
        progress_report.write_html(report, html_path)
        click.echo(f"wrote {html_path}", err=True)
    if pdf_path:
        progress_report.write_pdf(report, pdf_path)
        click.echo(f"wrote {pdf_path}", err=True)
    if fmt == "json":
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        console.render_progress(report, console.terminal())


@cli.command()
@click.argument("client_id", metavar="CLIENT", type=int)
@_DATABASE_OPTION
def export(client_id: int, database: str | None) -> None:
    """Print a client's whole record as JSON (assessments and session logs)."""
    with _store(database) as db:
        record = db.export(client_id)
    sys.stdout.write(record.model_dump_json(indent=2) + "\n")


@cli.command("import")
@click.argument("record_file", metavar="FILE")
@_DATABASE_OPTION
def import_(record_file: str, database: str | None) -> None:
    """Import a client's record exported by `backexpert export`; print the new client id."""
    doc = documents.read(record_file)
    record = documents.validate(store_mod.ClientRecord, doc)
    cat = catalogue_mod.load(rulebook.default_directory() / rulebook.CATALOGUE_FILE)
    unknown = [
        Problem(f"sessions[{i}].exercises[{k}].exercise", f"unknown exercise {e.exercise!r}")
        for i, s in enumerate(record.sessions)
        for k, e in enumerate(s.exercises)
        if e.exercise not in cat
    ]
    if unknown:
        raise InputError(doc.source, unknown)
    with _store(database) as db:
        new = db.import_record(record)
    click.echo(new)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="backexpert")


__all__ = ["cli", "main"]
