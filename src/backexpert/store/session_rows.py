"""Session logs as rows: written and read in bulk, a few statements for any number of sessions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..model import STORED
from .records import SessionRecord
from .rows import chunks, core_table, from_db, to_db
from .tables import EntryRow, SessionRow, SetRow


def session_by_key(s: Session, client_id: int, key: str) -> int | None:
    q = select(SessionRow.id).where(
        SessionRow.client_id == client_id, SessionRow.idempotency_key == key
    )
    return s.scalar(q)


def insert_sessions(
    s: Session, client_id: int, records: Sequence[SessionRecord], keys: Sequence[str | None]
) -> list[int]:
    """Insert sessions, their exercises and their sets: one batch per table; the session ids.

    Plain executemany (the driver's fast path) and the new ids read back by their unique keys
    (a session's uid, an exercise's session and position): RETURNING with its rows in order
    would cost SQLAlchemy one statement per row.
    """
    if not records:
        return []
    s.execute(
        insert(core_table(SessionRow)),
        [
            {
                "uid": r.uid,
                "client_id": client_id,
                "date": r.date,
                "time": r.time,
                "notes": r.notes,
                "created_at": to_db(r.created_at),
                "idempotency_key": key,
            }
            for r, key in zip(records, keys, strict=True)
        ],
    )
    by_uid: dict[str, int] = {}
    uids = [r.uid for r in records]
    for chunk in chunks(uids):
        q = select(SessionRow.uid, SessionRow.id).where(SessionRow.uid.in_(chunk))
        by_uid.update((uid, sid) for uid, sid in s.execute(q))
    session_ids = [by_uid[uid] for uid in uids]
    s.execute(
        insert(core_table(EntryRow)),
        [
            {
                "session_id": sid,
                "position": i,
                "exercise": e.exercise,
                "form": e.form,
                "pain_before": e.pain_before,
                "pain_after": e.pain_after,
                "target_reps": e.target_reps,
                "load_increment_kg": e.load_increment_kg,
                "notes": e.notes,
            }
            for sid, r in zip(session_ids, records, strict=True)
            for i, e in enumerate(r.exercises)
        ],
    )
    entry_ids: dict[tuple[int, int], int] = {}
    for chunk in chunks(session_ids):
        positions = select(EntryRow.session_id, EntryRow.position, EntryRow.id).where(
            EntryRow.session_id.in_(chunk)
        )
        entry_ids.update({(sid, pos): eid for sid, pos, eid in s.execute(positions)})
    s.execute(
        insert(core_table(SetRow)),
        [
            {
                "entry_id": entry_ids[(sid, i)],
                "position": k,
                "reps": x.reps,
                "load_kg": x.load_kg,
                "rpe": x.rpe,
                "rir": x.rir,
            }
            for sid, r in zip(session_ids, records, strict=True)
            for i, e in enumerate(r.exercises)
            for k, x in enumerate(e.sets)
        ],
    )
    return session_ids


def load_sessions(s: Session, client_id: int) -> list[SessionRecord]:
    """A client's sessions in three queries (sessions, exercises, sets), in training order."""
    sessions = s.execute(
        select(
            SessionRow.id,
            SessionRow.uid,
            SessionRow.date,
            SessionRow.time,
            SessionRow.notes,
            SessionRow.created_at,
        ).where(SessionRow.client_id == client_id)
    ).all()
    entry_q = (
        select(
            EntryRow.id,
            EntryRow.session_id,
            EntryRow.exercise,
            EntryRow.form,
            EntryRow.pain_before,
            EntryRow.pain_after,
            EntryRow.target_reps,
            EntryRow.load_increment_kg,
            EntryRow.notes,
        )
        .join(SessionRow, EntryRow.session_id == SessionRow.id)
        .where(SessionRow.client_id == client_id)
        .order_by(EntryRow.session_id, EntryRow.position)
    )
    set_q = (
        select(SetRow.entry_id, SetRow.reps, SetRow.load_kg, SetRow.rpe, SetRow.rir)
        .join(EntryRow, SetRow.entry_id == EntryRow.id)
        .join(SessionRow, EntryRow.session_id == SessionRow.id)
        .where(SessionRow.client_id == client_id)
        .order_by(SetRow.entry_id, SetRow.position)
    )
    sets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry_id, reps, load, rpe, rir in s.execute(set_q):
        sets[entry_id].append(_sparse(reps=reps, load_kg=load, rpe=rpe, rir=rir))
    entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in s.execute(entry_q):
        entries[e.session_id].append(
            _sparse(
                exercise=e.exercise,
                sets=sets.pop(e.id, []),
                form=e.form,
                pain_before=e.pain_before,
                pain_after=e.pain_after,
                target_reps=e.target_reps,
                load_increment_kg=e.load_increment_kg,
                notes=e.notes,
            )
        )
    ordered = sorted(sessions, key=lambda r: (r.date, r.time or dt.time.min, r.id))
    return [
        SessionRecord.model_validate(
            _sparse(
                uid=r.uid,
                created_at=from_db(r.created_at),
                date=r.date,
                time=r.time,
                notes=r.notes,
                exercises=entries.pop(r.id, []),
            ),
            context=STORED,
        )
        for r in ordered
    ]


def _sparse(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def session_row(client_id: int, r: SessionRecord) -> SessionRow:
    """One session as ORM rows (used by tests that hold a write open)."""
    return SessionRow(
        uid=r.uid,
        client_id=client_id,
        date=r.date,
        time=r.time,
        notes=r.notes,
        created_at=to_db(r.created_at),
        entries=[
            EntryRow(
                position=i,
                exercise=e.exercise,
                form=e.form,
                pain_before=e.pain_before,
                pain_after=e.pain_after,
                target_reps=e.target_reps,
                load_increment_kg=e.load_increment_kg,
                notes=e.notes,
                sets=[
                    SetRow(position=k, reps=x.reps, load_kg=x.load_kg, rpe=x.rpe, rir=x.rir)
                    for k, x in enumerate(e.sets)
                ],
            )
            for i, e in enumerate(r.exercises)
        ],
    )
