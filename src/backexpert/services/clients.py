"""A client's record: adding a client, and importing an exported record."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .. import documents
from ..errors import InputError, Problem
from .rules import catalogue
from .sessions import check_session_dates
from .storage import open_store

if TYPE_CHECKING:
    from ..store import ClientRecord, Store

# The largest client record `import` reads: an export of 3,000 sessions is about 5 MB, and the
# parsing layer allows 10,000 entries in one list (so 10,000 sessions, about 30 MB).
MAX_RECORD_BYTES = 32 * 1024 * 1024


def add_client(
    db: Store | str | None,
    name: str,
    born: dt.date | None = None,
    load_increment_kg: float | None = None,
    today: dt.date | None = None,
) -> int:
    """Store a new client; InputError names each field that does not validate.

    Everything is checked before the database is opened: `db` is an open store, or a database
    URL to open (None: the default database).
    """
    from ..store import Store
    from ..store.records import ClientData, now

    data = {"uid": "new", "name": name, "born": born, "load_increment_kg": load_increment_kg}
    client = documents.validate(
        ClientData, documents.Document("client", {**data, "created_at": now()}, None)
    )
    if client.born is not None and client.born > (today or dt.date.today()):
        raise InputError("client", [Problem("born", f"{client.born} is after today")])
    if isinstance(db, Store):
        return db.add_client(client.name, client.born, client.load_increment_kg)
    with open_store(db) as opened:
        return opened.add_client(client.name, client.born, client.load_increment_kg)


def read_record(
    path: str, rules_dir: str | None = None, today: dt.date | None = None
) -> ClientRecord:
    """Read and validate an exported client record; its logged exercises must be known.

    A record may be up to `MAX_RECORD_BYTES` (the parsing layer's default is for intakes and
    logs); its sessions may not be dated in the future, nor its client born after today.
    """
    from ..progression.logbook import check_exercises
    from ..store import ClientRecord

    doc = documents.read(path, max_bytes=MAX_RECORD_BYTES)
    record = documents.validate(ClientRecord, doc)
    check_exercises(record.sessions, catalogue(rules_dir), doc.source, doc)
    check_record_dates(record, doc.source, today)
    return record


def check_record_dates(record: ClientRecord, source: str, today: dt.date | None = None) -> None:
    """An imported record from the past: sessions not in the future, nothing created later."""
    day = today or dt.date.today()
    check_session_dates(record.sessions, source, day, prefix="sessions")
    problems = []
    if record.client.born is not None and record.client.born > day:
        problems.append(Problem("client.born", f"{record.client.born} is after today"))
    latest = dt.datetime.combine(day, dt.time.max, dt.UTC) + dt.timedelta(days=1)
    stamped = [("client", record.client.created_at)]
    stamped += [(f"assessments[{i}]", a.created_at) for i, a in enumerate(record.assessments)]
    stamped += [(f"sessions[{i}]", x.created_at) for i, x in enumerate(record.sessions)]
    for where, at in stamped:
        if at > latest:
            problems.append(Problem(f"{where}.created_at", f"{at.isoformat()} is in the future"))
    if problems:
        raise InputError(source, problems[:10])


def import_record(db: Store | str | None, record: ClientRecord) -> int:
    """Store an imported record as a new client; its id."""
    from ..store import Store

    if isinstance(db, Store):
        return db.import_record(record)
    with open_store(db) as opened:
        return opened.import_record(record)
