"""Logging a session (the clinician's form, generated from `SessionLog`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ... import services
from ...errors import InputError, Problem
from ...progression.logbook import SessionLog
from .. import form_text
from ..deps import CheckedForm, ClientDep, SettingsDep, StoreDep, UserDep
from ..intake_form import fields_for, validate
from ..pages import page

router = APIRouter(include_in_schema=False)


def _fields(
    flat: form_text.Flat, rows: dict[str, int] | None, exercises: list[tuple[str, str]]
) -> Any:
    filled = fields_for(SessionLog, flat, {}, rows)
    for top in filled.fields:
        for f in top.walk():
            if f.name == "exercise":
                f.kind, f.options = "select", exercises
    return filled


def _exercises(s: SettingsDep) -> list[tuple[str, str]]:
    return [(e.id, e.name) for e in services.catalogue(s.rules_dir)]


def _page(
    request: Request,
    client: Any,
    flat: form_text.Flat,
    rows: dict[str, int] | None,
    s: SettingsDep,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    filled = _fields(flat, rows, _exercises(s))
    loose = form_text.attach(filled.fields, filled.flat, problems or [])
    return page(
        request,
        "session_form.html.j2",
        status=status,
        client=client,
        fields=filled.fields,
        problems_count=len(problems or []),
        loose=loose,
    )


@router.get("/clients/{client_id}/sessions/new")
def session_form(
    request: Request, client_id: ClientDep, db: StoreDep, user: UserDep, s: SettingsDep
) -> Response:
    client = db.clinic_clients(user.clinic_id, client_id=client_id)[0]
    today = dt.date.today()
    flat: form_text.Flat = {"date": today.isoformat()}
    latest = db.latest_assessment(client_id)
    rows: dict[str, int] = {"exercises": 1}
    if latest is not None and latest.prescription.sessions:
        p = latest.prescription
        day = next(
            (x for x in p.sessions if x.day.value == today.strftime("%a").lower()), p.sessions[0]
        )
        for i, item in enumerate(day.items):
            flat[f"exercises[{i}].exercise"] = item.exercise
            flat[f"exercises[{i}].target_reps"] = item.reps
            rows[f"exercises[{i}].sets"] = item.sets
        rows["exercises"] = max(1, len(day.items))
    return _page(request, client, flat, rows, s)


@router.post("/clients/{client_id}/sessions/new")
def log_session(
    request: Request,
    client_id: ClientDep,
    form: CheckedForm,
    db: StoreDep,
    user: UserDep,
    s: SettingsDep,
) -> Response:
    client = db.clinic_clients(user.clinic_id, client_id=client_id)[0]
    action = next((v for k, v in form if k == "_action"), "log")
    flat = form_text.from_form(form)
    rows = form_text.rows_of(flat)
    flat = form_text.apply_row_action(action, flat, rows)
    if action != "log":
        return _page(request, client, flat, rows, s)
    filled = _fields(flat, rows, _exercises(s))
    data = form_text.collect(filled.fields, filled.flat)
    # An exercise row without a set typed was not done: leave it out.
    data["exercises"] = [e for e in data.get("exercises", []) if e.get("sets")]
    log, problems = validate(SessionLog, data, "session")
    if not problems:
        try:
            services.log_session(db, client_id, log, s.rules_dir)
        except InputError as exc:
            problems = list(exc.problems)
    if problems:
        return _page(request, client, flat, rows, s, problems, status=422)
    db.audit(user.clinic_id, user.email, "created", f"session {log.date}", client_id)
    return RedirectResponse(f"/clients/{client_id}#log", status_code=303)
