"""A client and their assessments as rows: inserted, found, and read back as records."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..errors import InputError, Problem
from ..model import STORED
from .records import AssessmentRecord, ClientData, ClientInfo, ClientRecord
from .rows import MAX_ID, chunks, core_table, from_db, to_db
from .tables import AssessmentRow, ClientRow, SessionRow


def no_client(client_id: int) -> NoReturn:
    raise InputError(
        f"client {client_id}",
        [Problem("client", f"no client with id {client_id} (see `backexpert clients list`)")],
    )


def client_row(s: Session, client_id: int) -> ClientRow:
    if not 1 <= client_id <= MAX_ID:  # the driver would overflow: no such client either way
        no_client(client_id)
    row = s.get(ClientRow, client_id)
    if row is None:
        no_client(client_id)
    return row


def insert_client(s: Session, c: ClientData) -> int:
    new: int = s.scalars(
        insert(core_table(ClientRow)).returning(core_table(ClientRow).c.id),
        [
            {
                "uid": c.uid,
                "name": c.name,
                "born": c.born,
                "load_increment_kg": c.load_increment_kg,
                "created_at": to_db(c.created_at),
            }
        ],
    ).one()
    return new


def refuse_stored_uids(s: Session, record: ClientRecord) -> None:
    """An import whose uids are already stored is bad input: each one named."""
    existing = s.scalar(select(ClientRow.id).where(ClientRow.uid == record.client.uid))
    if existing is not None:
        raise InputError(
            "import",
            [
                Problem(
                    "client.uid",
                    f"this client is already stored as client {existing} "
                    "(importing twice would duplicate every session)",
                )
            ],
        )
    problems = []
    for kind, table, uids in (
        ("assessments", AssessmentRow, [a.uid for a in record.assessments]),
        ("sessions", SessionRow, [x.uid for x in record.sessions]),
    ):
        index = {uid: i for i, uid in enumerate(uids)}
        for chunk in chunks(uids):
            q = select(table.uid, table.client_id).where(table.uid.in_(chunk))
            for uid, owner in s.execute(q).all():
                problems.append(
                    Problem(
                        f"{kind}[{index[uid]}].uid",
                        f"{uid} is already stored (for client {owner}): "
                        "a record is imported once; export it again to copy it",
                    )
                )
    if problems:
        problems.sort(key=lambda p: p.path)
        shown = problems[:10]
        if len(problems) > len(shown):
            shown.append(Problem("", f"and {len(problems) - len(shown)} more stored uids"))
        raise InputError("import", shown)


def client_info(c: ClientRow, assessments: int, sessions: int, last: dt.date | None) -> ClientInfo:
    return ClientInfo(
        id=c.id,
        uid=c.uid,
        name=c.name,
        born=c.born,
        load_increment_kg=c.load_increment_kg,
        created_at=from_db(c.created_at),
        assessments=assessments,
        sessions=sessions,
        last_session=last,
    )


def assessment_rows(s: Session, client_id: int) -> list[AssessmentRow]:
    q = select(AssessmentRow).where(AssessmentRow.client_id == client_id)
    return list(s.scalars(q.order_by(AssessmentRow.created_at, AssessmentRow.id)))


def assessment_by_fingerprint(s: Session, client_id: int, key: str) -> int | None:
    q = select(AssessmentRow.id).where(
        AssessmentRow.client_id == client_id, AssessmentRow.fingerprint == key
    )
    return s.scalar(q)


def assessment_record(r: AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord.model_validate(
        {
            "uid": r.uid,
            "created_at": from_db(r.created_at),
            "rulebook": r.rulebook,
            "backexpert": r.backexpert,
            "intake": r.intake,
            "prescription": r.prescription,
            "generated": r.generated,
            "adjustments": r.adjustments,
        },
        context=STORED,
    )
