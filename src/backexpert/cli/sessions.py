"""`backexpert log` and `progress`: what a client did, and what the next session should be."""

from __future__ import annotations

import click

from ..errors import InputError, Problem
from . import options

# Where each field of a session log is typed on the command line, for error messages.
_FIELDS = {"date": "--date", "time": "--time", "notes": "--notes"}
_ENTRY = {
    "exercise": "--exercise",
    "form": "--form",
    "pain_before": "--pain-before",
    "pain_after": "--pain",
    "target_reps": "--target-reps",
    "load_increment_kg": "--load-increment",
    "notes": "--exercise-notes",
}


def _set_tokens(sets: tuple[str, ...]) -> list[str]:
    """The token each parsed set came from (`3x5x60kg@7` gives three sets)."""
    from ..progression.logbook import parse_set

    out: list[str] = []
    for token in sets:
        try:
            out += [token] * len(parse_set(token))
        except ValueError:
            out.append(token)
    return out


def _option_problem(p: Problem, sets: tuple[str, ...]) -> Problem:
    """`exercises[0].sets[1].rpe` -> `--set '5x60kg@11'`: named by what the user typed."""
    path = p.path
    if path.startswith("sets#"):
        return Problem(f"--set #{path[5:]}", p.message)
    if path.startswith("exercises[0].sets["):
        i = int(path[len("exercises[0].sets[") : path.index("]", 13)])
        tokens = _set_tokens(sets)
        field = path.split("]", 2)[-1].lstrip(".")
        token = tokens[i] if i < len(tokens) else str(i)
        return Problem(f"--set {token!r}", f"{field}: {p.message}" if field else p.message)
    if path.startswith("exercises[0]."):
        rest = path.removeprefix("exercises[0].")
        return Problem(_ENTRY.get(rest, rest), p.message)
    return Problem(_FIELDS.get(path, path or "command line"), p.message)


@click.command()
@click.argument("client_id", metavar="CLIENT", type=int)
@click.option("--file", "log_file", help="A session log file (YAML or JSON; '-' reads stdin).")
@click.option(
    "--date", help="Session date, YYYY-MM-DD, at most tomorrow (default: today; '' is refused)."
)
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
@click.option(
    "--idempotency-key",
    metavar="KEY",
    help="Your key for this session: logging it again with the same key stores nothing "
    "(default: the session's content, so an identical session is stored once).",
)
@options.RULES
@options.DATABASE
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
    idempotency_key: str | None,
    rules_dir: str | None,
    database: str | None,
) -> None:
    """Log a session: from a file, or one exercise from the options.

    A session is stored once: logging the same session again for the client (a retry after a
    crash) reports the stored one. Give --time, or your own --idempotency-key, to log a second
    identical session on the same day.
    """
    from .. import services

    key = options.text_option("--idempotency-key", idempotency_key)

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
    if log_file is not None:
        if entry or sets or date or time or notes:
            raise click.UsageError("give either --file or the session options, not both")
        session = services.load_session(log_file, rules_dir)
    else:
        if exercise is None or not sets:
            raise click.UsageError("give --file, or --exercise with at least one --set")
        try:
            session = services.session_from_fields(date, time, notes, entry, sets)
            services.check_session(session, rules_dir)
        except InputError as exc:
            problems = [_option_problem(p, sets) for p in exc.problems]
            raise InputError("command line", problems) from None
    stored = services.log_session(database, client_id, session, rules_dir, idempotency_key=key)
    n_sets = sum(len(e.sets) for e in session.exercises)
    what = f"{session.when()}, {len(session.exercises)} exercise(s), {n_sets} set(s)"
    if stored.created:
        click.echo(f"logged session {stored.id} for client {client_id}: {what}")
    else:
        click.echo(
            f"session {stored.id} of client {client_id} is this one, already stored: {what} "
            "(not logged twice)"
        )


@click.command()
@click.argument("client_id", metavar="CLIENT", type=int)
@options.FORMAT
@click.option(
    "--html",
    "html_path",
    metavar="PATH",
    callback=lambda ctx, param, value: options.output_path(value, (".html", ".htm")),
    help="Write the progress report as HTML to this file.",
)
@click.option(
    "--pdf",
    "pdf_path",
    metavar="PATH",
    callback=lambda ctx, param, value: options.output_path(value, (".pdf",)),
    help="Write the progress report as PDF to this file.",
)
@options.RULES
@options.DATABASE
def progress(
    client_id: int,
    fmt: str,
    html_path: object,
    pdf_path: object,
    rules_dir: str | None,
    database: str | None,
) -> None:
    """Trends, flags and the next-session recommendation for a client, explained."""
    from pathlib import Path

    from .. import services
    from ..present import html
    from ..present.progress_view import ProgressView
    from .output import printable, visible, write_json

    html_out, pdf_out = (p if isinstance(p, Path) else None for p in (html_path, pdf_path))
    options.distinct_outputs({"--html": html_out, "--pdf": pdf_out})
    with services.open_store(database, write=False) as db:
        report = services.progress_for_client(db, client_id, rules_dir)
    if html_out or pdf_out:
        page = html.render("progress.html.j2", ProgressView(report))
        if html_out:
            html.write(html_out, page)
            click.echo(f"wrote {visible(str(html_out))}", err=True)
        if pdf_out:
            html.write(pdf_out, html.render_pdf(page))
            click.echo(f"wrote {visible(str(pdf_out))}", err=True)
    if fmt == "json":
        write_json(report.model_dump_json(indent=2) + "\n")
    else:
        from ..present import console

        console.render_progress(ProgressView(printable(report)), console.terminal())


COMMANDS = [log, progress]
