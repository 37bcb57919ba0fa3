"""Signing in and out: a fresh session id at sign-in, the CSRF token in the session."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ... import clinic_services
from ..deps import (
    CheckedForm,
    SessionDep,
    SettingsDep,
    StoreDep,
    client_address,
    now,
    session_expiry,
)
from ..pages import page
from ..security import SESSION_COOKIE, new_token, token_hash
from ..settings import Settings

router = APIRouter(include_in_schema=False)


def start_session(
    request: Request, response: Response, db: StoreDep, s: Settings, user_id: int | None
) -> str:
    """A new server-side session and its cookie; the CSRF token it carries."""
    token, csrf, at = new_token(), new_token(), now()
    db.add_web_session(
        token_hash(token), user_id, csrf, at, session_expiry(s, at, at, user_id is not None)
    )
    secure = s.secure_cookies == "true" or (
        s.secure_cookies == "auto" and request.url.scheme == "https"
    )
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/"
    )
    return csrf


def _safe_next(target: str) -> str:
    """A path on this site to go back to, never another site."""
    # Not `//host`, `/\\host`, nor `/<tab>/host` (a browser drops the tab and reads `//host`).
    plain = all(" " < ch < "\x7f" for ch in target)
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if plain and local else "/clients"


@router.get("/login")
def login_form(
    request: Request, session: SessionDep, db: StoreDep, s: SettingsDep, next: str = "/clients"
) -> Response:
    if session is not None and session.user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    cookie = Response()
    csrf = (
        session.csrf_token if session is not None else start_session(request, cookie, db, s, None)
    )
    out = page(request, "login.html.j2", error=None, email="", next=_safe_next(next), csrf=csrf)
    out.raw_headers.extend(h for h in cookie.raw_headers if h[0] == b"set-cookie")
    return out


@router.post("/login")
def login(
    request: Request, form: CheckedForm, db: StoreDep, s: SettingsDep, session: SessionDep
) -> Response:
    fields = dict(form)
    email, password = fields.get("email", "")[:254], fields.get("password", "")[:1024]
    target = _safe_next(fields.get("next", "/clients"))
    result = clinic_services.sign_in(
        db,
        email,
        password,
        client_address(request),
        verify=request.app.state.passwords,
        lockout_failures=s.lockout_failures,
        lockout_minutes=s.lockout_minutes,
        address_failures=s.address_failures,
    )
    if result.user is None:
        status = 429 if "Too many" in (result.refused or "") else 401
        return page(
            request, "login.html.j2", status=status, error=result.refused, email=email, next=target
        )
    if session is not None:
        db.end_web_session(session.id)
    at = now()
    db.purge(at, at - dt.timedelta(days=1))  # expired sessions, day-old failures
    response = RedirectResponse(target, status_code=303)
    start_session(request, response, db, s, result.user.id)
    db.audit(result.user.clinic_id, result.user.email, "signed in", f"user {result.user.id}")
    return response


@router.post("/logout")
def logout(request: Request, form: CheckedForm, db: StoreDep, session: SessionDep) -> Response:
    if session is not None:
        db.end_web_session(session.id)
        if session.user is not None:
            db.audit(
                session.user.clinic_id, session.user.email, "signed out", f"user {session.user.id}"
            )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
