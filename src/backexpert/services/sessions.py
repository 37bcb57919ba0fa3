"""Logging a client's sessions (from a file or typed-in fields), and following their progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import documents, shipped
from ..assessment import assess, rule_base
from ..errors import InputError, Problem, StoreError
from .rules import catalogue
from .storage import keep_unsaved, open_store

if TYPE_CHECKING:
    from ..progression.logbook import SessionLog
    from ..progression.report import ProgressReport
    from ..store import Store
    from ..store.store import Stored

# How far ahead of today a session may be dated: a session logged just after midnight, or from
# a time zone ahead of this machine's, is dated tomorrow; anything later is a typo (a session
# dated 2062 would hide the recommendations of every session before it).
SESSION_DAYS_AHEAD = 1


def session_key(log: SessionLog, idempotency_key: str | None = None) -> str:
    """The idempotency key of a session: the caller's key, or a hash of the session as typed.

    Both are SHA-256 hex digests, kept apart by a prefix, so a key a caller chose never equals
    the hash of some session's content.
    """
    from ..store.records import fingerprint

    if idempotency_key is not None:
        return fingerprint({"key": idempotency_key})
    return fingerprint({"session": log.model_dump(mode="json", exclude_none=True)})


def log_session(
    db: Store | str | None,
    client_id: int,
    log: SessionLog,
    rules_dir: str | None = None,
    *,
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Stored:
    """Store one session (once), its exercises and date checked; the id and whether it is new.

    `db` is an open store, or a database URL to open (None: the default database). The same
    session logged again for the same client (a retry after a crash between the commit and the
    reply) is found, not stored twice (`Stored.created` is False); `idempotency_key` replaces
    the content hash when the caller has its own key. When the database fails, even to open,
    what the user entered is kept in a file, and the error says how to log it again.
    """
    from ..store import Store

    check_session(log, rules_dir, today=today)
    key = session_key(log, idempotency_key)
    try:
        if isinstance(db, Store):
            return db.save_session(client_id, log, key)
        with open_store(db) as opened:
            return opened.save_session(client_id, log, key)
    except StoreError as exc:
        kept = keep_unsaved(client_id, log)
        if kept is None:
            raise
        raise StoreError(
            f"{exc}\nyour session is kept in {kept}: log it again with "
            f"backexpert log {client_id} --file {kept}"
        ) from exc


def check_session(
    log: SessionLog,
    rules_dir: str | None = None,
    source: str = "session",
    today: dt.date | None = None,
) -> None:
    """A session that may be stored: every exercise in the catalogue, a date not in the future.

    A session may be dated at most `SESSION_DAYS_AHEAD` day after today (see its comment).
    """
    from ..progression.logbook import check_exercises

    check_exercises(log, catalogue(rules_dir), source)
    check_session_dates([log], source, today)


def check_session_dates(
    logs: Sequence[SessionLog],
    source: str,
    today: dt.date | None = None,
    prefix: str | None = None,
) -> None:
    """No session dated more than `SESSION_DAYS_AHEAD` day after today; each one named."""
    latest = (today or dt.date.today()) + dt.timedelta(days=SESSION_DAYS_AHEAD)
    problems = [
        Problem(
            f"{prefix}[{i}].date" if prefix else "date",
            f"{log.date} is in the future: a session is dated at most {latest}",
        )
        for i, log in enumerate(logs)
        if log.date > latest
    ]
    if problems:
        raise InputError(source, problems[:10])


def load_session(path: str, rules_dir: str | None = None) -> SessionLog:
    """Read and validate a session log file, its exercises checked against the catalogue."""
    from ..progression.logbook import SessionLog, check_exercises

    doc = documents.read(path)
    log = documents.validate(SessionLog, doc)
    check_exercises(log, catalogue(rules_dir), doc.source, doc)
    check_session_dates([log], doc.source)
    return log


def session_from_fields(
    date: str | None,
    time: str | None,
    notes: str | None,
    entry: dict[str, Any],
    sets: Sequence[str],
    source: str = "command line",
) -> SessionLog:
    """One exercise of a session from typed-in fields and set tokens (`5x60kg@7`).

    Problems name the field paths of the session log (`exercises[0].sets[1].rpe`); a problem
    with a set token is at `sets#N` (the N-th token given).
    """
    from ..progression.logbook import SessionLog, parse_set

    # An empty --date is refused like any other bad date: only a missing one means today.
    day = dt.date.today().isoformat() if date is None else date
    session: dict[str, Any] = {"date": day, "exercises": [entry]}
    if time is not None:
        session["time"] = time
    if notes is not None:
        session["notes"] = notes
    entry["sets"], problems = [], []
    for i, token in enumerate(sets):
        try:
            entry["sets"] += parse_set(token)
        except ValueError as exc:
            problems.append(Problem(f"sets#{i + 1}", str(exc)))
    if problems:
        raise InputError(source, problems)
    return documents.validate(SessionLog, documents.Document(source, session, None))


def progress_for_client(db: Store, client_id: int, rules_dir: str | None = None) -> ProgressReport:
    """A stored client's logs evaluated against their latest assessment's plan."""
    from ..progression import evaluate as progression
    from ..progression.plan import Plan
    from ..progression.report import AssessmentRef, ClientRef
    from ..safety import progress as second_opinion

    client = db.client(client_id)
    latest = db.latest_assessment(client_id)
    sessions = db.sessions(client_id)
    plan = Plan()
    if latest is not None:
        # The signed plan, held to what today's rules give the same intake as well.
        current = assess(latest.intake, rule_base(rules_dir))
        plan = Plan.of(latest.prescription).with_current(Plan.of(current))
    result = progression.evaluate(
        sessions,
        plan=plan,
        client_increment_kg=client.load_increment_kg,
        rules=progression.rule_base(rules_dir),
    )
    report = progression.report(
        result,
        ClientRef(id=client.id, name=client.name, born=client.born),
        AssessmentRef(created_at=latest.created_at, rulebook=latest.rulebook) if latest else None,
        progression.rule_base(rules_dir).rulebook,
        shipped.VERSION,
    )
    # Never trust the progression rules: the monitor rechecks from the logs and the intake.
    second_opinion.check(report, sessions, latest.intake if latest else None)
    return report
