"""A client's own report of a session: the form checked, stored, and logged as a session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InputError, Problem
from ..store.accounts import WebStore
from ..store.portal import ClientLink
from .safety_net import note_warnings

if TYPE_CHECKING:
    from ..assessment.prescription import Item, Prescription


@dataclass(frozen=True)
class ReportForm:
    """What a client reports of one session (validated by `check_report`)."""

    date: dt.date
    done: bool
    exercises: list[str]
    effort: int | None
    pain: int | None
    note: str | None


@dataclass(frozen=True)
class Reported:
    report_id: int
    alert: str | None
    safety_net: bool
    pain_up: bool
    warnings: list[str] = field(default_factory=list)


def check_report(
    date: str, done: str, exercises: list[str], effort: str, pain: str, note: str, known: set[str]
) -> ReportForm:
    """Parse a client's report form; InputError with field paths when it is wrong."""
    from ..model import EARLIEST, describe, unsafe_character

    problems = []
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        day = dt.date.today()
        problems.append(Problem("date", "give the date as YYYY-MM-DD"))
    if day > dt.date.today() + dt.timedelta(days=1):
        problems.append(Problem("date", "the date is in the future"))
    if day < EARLIEST:  # a session log is never dated before 1900: it would be dropped
        problems.append(Problem("date", f"give a date from {EARLIEST} on"))

    def scale(name: str, raw: str) -> int | None:
        if not raw.strip():
            return None
        text = raw.strip()
        # ASCII digits only: "²".isdigit() is true and int("²") fails.
        if not (text.isascii() and text.isdigit() and len(text) <= 2 and int(text) <= 10):
            problems.append(Problem(name, "choose a number from 0 to 10"))
            return None
        return int(text)

    effort_v, pain_v = scale("effort", effort), scale("pain", pain)
    unknown = [e for e in exercises if e not in known]
    if unknown:
        problems.append(Problem("exercises", "not an exercise of your plan"))
    if len(note) > 2000:
        problems.append(Problem("note", "at most 2000 characters"))
    elif (bad := unsafe_character(note)) is not None:
        at, ch = bad  # the session log would refuse it, and the session be lost
        problems.append(Problem("note", f"character {at + 1} is {describe(ch)}: not allowed"))
    if done not in ("yes", "no"):
        problems.append(Problem("done", "say whether you trained"))
    if problems:
        raise InputError("report", problems)
    return ReportForm(
        date=day,
        done=done == "yes",
        exercises=list(dict.fromkeys(exercises)) if done == "yes" else [],
        effort=effort_v,
        pain=pain_v,
        note=note.strip() or None,
    )


def _last_pain(db: WebStore, client_id: int) -> int | None:
    """The most recent pain the client recorded: a report, a logged session, or the intake."""
    reports = [
        (r.date, r.created_at, r.pain) for r in db.client_reports(client_id) if r.pain is not None
    ]
    sessions = [
        (s.date, s.created_at, max(pains))
        for s in db.sessions(client_id)
        if (pains := [e.pain_after for e in s.exercises if e.pain_after is not None])
    ]
    found = sorted(reports + sessions, key=lambda t: (t[0], t[1]))
    if found:
        return found[-1][2]
    latest = db.latest_assessment(client_id)
    return latest.intake.pain.nprs_now if latest is not None else None


def program_items(p: Prescription) -> dict[str, Item]:
    """Each exercise of a program once, as first prescribed."""
    out: dict[str, Item] = {}
    for _, item in p.items():
        out.setdefault(item.exercise, item)
    return out


def report_session(
    db: WebStore, link: ClientLink, form: ReportForm, prescription: Prescription | None
) -> Reported:
    """Store a client's report; when they trained, as a session log the progression rules read.

    Each exercise ticked is logged as done as prescribed: the prescribed sets at the bottom of
    the rep range, the load of its last logged set (none if never logged), the reported effort
    as RPE and the reported pain as pain after. A pain 2 or more above the last recorded pain,
    or a note that mentions bladder or bowel change, numbness between the legs or leg weakness,
    raises an alert for the clinician and shows the client the safety net.
    """
    from pydantic import ValidationError

    from ..clinical.catalogue import rep_bounds
    from ..progression.logbook import ExerciseLog, SessionLog, SetLog

    before = _last_pain(db, link.client_id)
    pain_up = form.pain is not None and before is not None and form.pain - before >= 2
    warnings = note_warnings(form.note)
    reasons = ([f"pain {before} → {form.pain}"] if pain_up else []) + warnings
    alert = "; ".join(reasons) or None
    log = None
    items = program_items(prescription) if prescription is not None else {}
    done = [e for e in form.exercises if e in items]
    if form.done and done:
        last_load: dict[str, float | None] = {}
        for s in db.sessions(link.client_id):
            for e in s.exercises:
                last_load[e.exercise] = e.sets[-1].load_kg
        rpe = form.effort if form.effort else None
        try:
            log = SessionLog(
                date=form.date,
                time=dt.datetime.now().time().replace(second=0, microsecond=0),
                notes="client-reported" + (f": {form.note}" if form.note else ""),
                exercises=[
                    ExerciseLog(
                        exercise=e,
                        sets=[
                            SetLog(
                                reps=rep_bounds(items[e].reps)[0], load_kg=last_load.get(e), rpe=rpe
                            )
                        ]
                        * items[e].sets,
                        pain_after=form.pain,
                        target_reps=items[e].reps,
                        notes="client-reported: done as prescribed",
                    )
                    for e in done
                ],
            )
        except (ValidationError, ValueError):
            log = None  # kept as a report only: the clinician still sees it in the log
    report_id = db.add_client_report(
        link.client_id,
        link.id,
        {
            "date": form.date,
            "done": form.done,
            "exercises": done,
            "effort": form.effort,
            "pain": form.pain,
            "note": form.note,
            "alert": alert,
        },
        log,
    )
    db.audit(
        link.clinic_id,
        f"client link {link.id}",
        "reported",
        f"report {report_id}",
        link.client_id,
        "alert raised" if alert else None,  # the audit log holds no clinical content
    )
    return Reported(report_id, alert, bool(alert), pain_up, warnings)
