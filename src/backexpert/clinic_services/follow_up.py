"""Following a client: their log of sessions and reports, adherence by week, alerts unseen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ..store import SessionRecord
from ..store.accounts import WebStore
from ..store.portal import ClientReport


@dataclass(frozen=True)
class LogRow:
    """One line of a client's log: a logged session or a report, who recorded it."""

    date: dt.date
    source: Literal["clinician", "client"]
    done: bool
    summary: str
    pain: int | None
    note: str | None
    alert: str | None


def client_log(db: WebStore, client_id: int) -> list[LogRow]:
    """Every session logged and every client report, newest first."""
    reports = db.client_reports(client_id)
    by_session = {r.session_uid: r for r in reports if r.session_uid}
    rows: list[LogRow] = []
    for s in db.sessions(client_id):
        r = by_session.get(s.uid)
        pains = [e.pain_after for e in s.exercises if e.pain_after is not None]
        rows.append(
            LogRow(
                date=s.date,
                source="client" if r else "clinician",
                done=True,
                summary=_summary(s),
                pain=max(pains) if pains else None,
                note=r.note if r else s.notes,
                alert=r.alert if r else None,
            )
        )
    for r in reports:
        if r.session_uid is None:
            rows.append(
                LogRow(
                    date=r.date,
                    source="client",
                    done=r.done,
                    summary="trained" if r.done else "did not train",
                    pain=r.pain,
                    note=r.note,
                    alert=r.alert,
                )
            )
    return sorted(rows, key=lambda x: x.date, reverse=True)


def _summary(s: SessionRecord) -> str:
    return ", ".join(
        f"{e.exercise.replace('_', ' ')} {' '.join(x.token() for x in e.sets)}" for e in s.exercises
    )


@dataclass(frozen=True)
class Week:
    monday: dt.date
    planned: int
    done: int
    client_reported: int


def adherence(
    db: WebStore, client_id: int, weeks: int = 8, today: dt.date | None = None
) -> list[Week]:
    """Sessions done against sessions planned, per week, since the first saved assessment."""
    latest = db.latest_assessment(client_id)
    if latest is None:
        return []
    today = today or dt.date.today()
    planned = len(latest.prescription.sessions)
    first = min(a.created_at.date() for a in db.assessments(client_id))
    start = max(first, today - dt.timedelta(weeks=weeks - 1))
    start -= dt.timedelta(days=start.weekday())
    reports = db.client_reports(client_id)
    client_sessions = {r.session_uid for r in reports if r.session_uid}
    done: dict[dt.date, list[bool]] = {}
    for s in db.sessions(client_id):
        monday = s.date - dt.timedelta(days=s.date.weekday())
        done.setdefault(monday, []).append(s.uid in client_sessions)
    for r in reports:
        if r.done and r.session_uid is None:
            monday = r.date - dt.timedelta(days=r.date.weekday())
            done.setdefault(monday, []).append(True)
    out = []
    monday = start
    while monday <= today:
        marks = done.get(monday, [])
        out.append(Week(monday, planned, len(marks), sum(marks)))
        monday += dt.timedelta(weeks=1)
    return out


def unreported(reports: list[ClientReport]) -> list[ClientReport]:
    """Reports whose alert the clinician has not yet seen."""
    return [r for r in reports if r.alert and r.alert_cleared_at is None]
