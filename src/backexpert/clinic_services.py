"""The web app's use-cases: clinicians and their sign-in, client links, API keys, the client's
own session reports and their safety net, adherence, the log, export, erasure and the audit.

Like `services`, a thin layer the shells call (the web app and `backexpert users|links|keys`);
the store does each write in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .errors import InputError, Problem
from .store import SessionRecord
from .store.accounts import User, WebSession, WebStore
from .store.clinic_clients import StaleError
from .store.drafts import Draft
from .store.portal import ClientLink, ClientReport

if TYPE_CHECKING:
    from .assessment.prescription import Item, Prescription
    from .web.security import Passwords

__all__ = [
    "ClientLink",
    "ClientReport",
    "Draft",
    "SessionRecord",
    "StaleError",
    "User",
    "WebSession",
    "WebStore",
]


@contextmanager
def open_web_store(database: str | None = None) -> Iterator[WebStore]:
    """The web app's store (the database named by the argument or the environment), closed
    afterwards; opening it creates or migrates the tables."""
    db = WebStore.open(database)
    try:
        yield db
    finally:
        db.close()


# --- clinicians ----------------------------------------------------------------------------

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
MIN_PASSWORD = 12


def check_new_account(clinic: str, email: str, password: str, again: str) -> list[Problem]:
    """What is wrong with a new account's details (ASVS: passwords of at least 12 characters)."""
    problems = []
    if not clinic.strip():
        problems.append(Problem("clinic", "give the clinic's name"))
    if not EMAIL.match(email):
        problems.append(Problem("email", f"not an e-mail address: {email!r}"))
    if len(password) < MIN_PASSWORD:
        problems.append(Problem("password", f"use at least {MIN_PASSWORD} characters"))
    if len(password) > 1024:
        problems.append(Problem("password", "use at most 1024 characters"))
    if password != again:
        problems.append(Problem("password", "the two passwords differ"))
    return problems


@dataclass(frozen=True)
class SignIn:
    user: User | None
    refused: str | None


def sign_in(
    db: WebStore,
    email: str,
    password: str,
    address: str,
    *,
    verify: Passwords,
    lockout_failures: int,
    lockout_minutes: int,
    address_failures: int,
    at: dt.datetime | None = None,
) -> SignIn:
    """Check a password with throttling: an account locks after `lockout_failures` failures in
    `lockout_minutes`; an address is refused after `address_failures` failures in that window.
    The message never says whether the account exists."""
    at = at or dt.datetime.now(dt.UTC)
    email = email.strip().lower()
    window = at - dt.timedelta(minutes=lockout_minutes)
    if db.login_failures(window, address=address) >= address_failures:
        return SignIn(None, "Too many failed sign-ins from your network. Try again later.")
    user = db.user_by_email(email)
    locked = user is not None and user.locked_until is not None and user.locked_until > at
    ok = verify.verify(user.password_hash if user else None, password)
    if locked:
        return SignIn(
            None,
            "This account is locked after too many failed sign-ins. "
            f"Try again in {lockout_minutes} minutes.",
        )
    if not ok or user is None:
        db.record_login_failure(address, email, at)
        if user is not None and db.login_failures(window, email=email) >= lockout_failures:
            db.lock_user(user.id, at + dt.timedelta(minutes=lockout_minutes))
            db.audit(user.clinic_id, email, "locked", f"user {user.id}")
        return SignIn(None, "The e-mail or password is wrong.")
    db.clear_login_failures(email)
    if user.locked_until is not None:
        db.lock_user(user.id, None)
    if verify.needs_rehash(user.password_hash):
        db.set_password_hash(user.id, verify.hash(password))
    return SignIn(user, None)


# --- client links and API keys --------------------------------------------------------------


def create_link(db: WebStore, client_id: int, created_by: str, days: int) -> tuple[str, int]:
    """A new private link for a client: the token (shown once) and the link's id."""
    from .web.security import new_token, token_hash

    token = new_token()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    link_id = db.add_link(client_id, token_hash(token), created_by, expires)
    return token, link_id


def open_link(db: WebStore, token: str) -> ClientLink | None:
    """The link a token opens, when it is neither revoked nor expired."""
    from .web.security import token_hash

    if not 20 <= len(token) <= 100:
        return None
    link = db.link_by_hash(token_hash(token))
    if link is None or not link.usable(dt.datetime.now(dt.UTC)):
        return None
    return link


def create_api_key(db: WebStore, clinic: str, name: str) -> str:
    """A new API key for a clinic (shown once; only its hash is stored)."""
    from .web.security import new_api_key, token_hash

    clinic_id = db.clinic_id(clinic)
    if clinic_id is None:
        raise InputError("keys add", [Problem("clinic", f"no clinic named {clinic!r}")])
    key, prefix = new_api_key()
    db.add_api_key(clinic_id, name, prefix, token_hash(key))
    db.audit(clinic_id, "command line", "created", f"api key {prefix}", detail=name)
    return key


def api_clinic(db: WebStore, key: str) -> int | None:
    """The clinic an API key acts for, when the key is known and not revoked."""
    from .web.security import token_hash

    if not 20 <= len(key) <= 200:
        return None
    found = db.api_key_by_hash(token_hash(key))
    return None if found is None or found.revoked_at is not None else found.clinic_id


# --- the client's reports and the safety net -----------------------------------------------

# Domain reference 2, section 2 (the NHS cauda equina card), in plain words.
SAFETY_NET = (
    "Go to A&E (the emergency department) straight away, or call 999, if you have any of these: "
    "new numbness or tingling between your legs, around your genitals, back passage or "
    "buttocks, or on your inner thighs; a change in feeling when you wipe yourself; trouble "
    "starting, stopping or feeling when you pass urine; leaking urine or stool, or not being "
    "able to feel that your bladder is full; a change in erections, ejaculation or feeling in "
    "your genitals; weakness in both legs. Do not wait for your next appointment."
)
PAIN_UP = (
    "Your pain is 2 or more points higher than last time. Leave out the exercises that made it "
    "worse until your physiotherapist has looked at this: we have told them. Keep moving "
    "gently in ways that feel comfortable; walking is fine. Hurt does not mean harm, and a "
    "flare-up usually settles."
)

_BLADDER_BOWEL = re.compile(
    r"\b(bladder|bowels?|incontinen\w*|urin\w*|pee(ing)?|wee(ing)?|poo|stools?|faec\w*|fec\w*"
    r"|wet myself|soiled)\b"
)
_NUMB = re.compile(r"\b(numb\w*|tingl\w*|pins and needles|no feeling|can'?t feel|lost feeling)\b")
_SADDLE = re.compile(
    r"\b(between (my|the|your) legs|groin|genital\w*|saddle|crotch|buttocks?|bottom|back passage"
    r"|inner thighs?|privates?|private parts)\b"
)
_WEAK = re.compile(r"\b(weak\w*|gave way|giving way|give way|foot drop|dragging)\b")
_LEG = re.compile(r"\b(legs?|foot|feet|knees?)\b")


def note_warnings(note: str | None) -> list[str]:
    """What a client's note mentions that needs the safety net (plain English, any case)."""
    if not note:
        return []
    text = " ".join(note.lower().split())
    found = []
    if _BLADDER_BOWEL.search(text):
        found.append("bladder or bowel change")
    if _NUMB.search(text) and _SADDLE.search(text):
        found.append("numbness between the legs")
    if _WEAK.search(text) and _LEG.search(text):
        found.append("leg weakness")
    return found


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
    from .model import EARLIEST, describe, unsafe_character

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

    from .clinical.catalogue import rep_bounds
    from .progression.logbook import ExerciseLog, SessionLog, SetLog

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


# --- the log and adherence ------------------------------------------------------------------


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


# --- erasure ----------------------------------------------------------------------------------


def erase_client(db: WebStore, client_id: int, clinic_id: int, actor: str) -> None:
    """Erase a client on request: everything about them goes; the audit log says it happened."""
    db.erase_client(client_id)
    db.audit(
        clinic_id,
        actor,
        "erased",
        f"client {client_id}",
        client_id,
        "the client's record was erased on request",
    )
