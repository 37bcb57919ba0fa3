"""Dependencies of the routes, as `Annotated` aliases: the store, the settings, the signed-in
clinician, the CSRF check, the tenancy check of a client id, and the API key's clinic."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Request

from ..clinic_services import User, WebSession, WebStore
from .security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, same, token_hash
from .settings import Settings


class SignInRequiredError(Exception):
    """No signed-in clinician: the handler sends the browser to /login."""


class ForbiddenError(Exception):
    """A CSRF token missing or wrong: the request is refused (403)."""


class NotFoundError(Exception):
    """No such page, or a record of another clinic (never told apart: 404)."""


class ApiUnauthorizedError(Exception):
    """No API key, or a revoked or unknown one (401 problem document)."""


def store(request: Request) -> WebStore:
    db: WebStore = request.app.state.store
    return db


def settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


StoreDep = Annotated[WebStore, Depends(store)]
SettingsDep = Annotated[Settings, Depends(settings)]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def session_expiry(
    s: Settings, created: dt.datetime, at: dt.datetime, signed_in: bool
) -> dt.datetime:
    if not signed_in:
        return at + dt.timedelta(minutes=s.anonymous_minutes)
    return min(
        at + dt.timedelta(minutes=s.session_idle_minutes),
        created + dt.timedelta(hours=s.session_hours),
    )


def web_session(request: Request, db: StoreDep, s: SettingsDep) -> WebSession | None:
    """The browser's session when it is valid; its idle expiry is pushed on (once a minute)."""
    if hasattr(request.state, "web_session"):
        found: WebSession | None = request.state.web_session
        return found
    token = request.cookies.get(SESSION_COOKIE, "")
    found = db.web_session(token_hash(token)) if 20 <= len(token) <= 100 else None
    at = now()
    if found is not None and found.expires_at <= at:
        db.end_web_session(found.id)
        found = None
    if found is not None and (at - found.last_seen_at).total_seconds() > 60:
        db.touch_web_session(
            found.id, at, session_expiry(s, found.created_at, at, found.user is not None)
        )
    request.state.web_session = found
    return found


SessionDep = Annotated[WebSession | None, Depends(web_session)]


def signed_in(session: SessionDep) -> User:
    if session is None or session.user is None:
        raise SignInRequiredError
    return session.user


UserDep = Annotated[User, Depends(signed_in)]


async def form_data(request: Request) -> list[tuple[str, str]]:
    """A submitted form as (name, value) pairs; files are refused."""
    form = await request.form(max_files=0, max_fields=3000)
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


FormDep = Annotated[list[tuple[str, str]], Depends(form_data)]


def csrf_ok(request: Request, session: WebSession | None, form: list[tuple[str, str]]) -> None:
    """The synchronizer token: the form's `csrf_token` (or htmx's header) equals the session's."""
    sent = request.headers.get(CSRF_HEADER) or next((v for k, v in form if k == CSRF_FIELD), "")
    if session is None or not sent or not same(sent, session.csrf_token):
        raise ForbiddenError


def checked_form(request: Request, session: SessionDep, form: FormDep) -> list[tuple[str, str]]:
    csrf_ok(request, session, form)
    return form


CheckedForm = Annotated[list[tuple[str, str]], Depends(checked_form)]


MAX_ID = 2**31 - 1  # a database integer: anything larger names no record


def owned_client(client_id: int, user: UserDep, db: StoreDep) -> int:
    """A client id of the signed-in clinician's clinic (anything else is 404)."""
    if not 0 < client_id <= MAX_ID or db.clinic_of(client_id) != user.clinic_id:
        raise NotFoundError
    return client_id


ClientDep = Annotated[int, Depends(owned_client)]


def api_clinic(request: Request, db: StoreDep) -> int:
    """The clinic of the API key in `Authorization: Bearer …` or `X-API-Key`."""
    from .. import clinic_services

    auth = request.headers.get("authorization", "")
    key = (
        auth[7:].strip()
        if auth.lower().startswith("bearer ")
        else request.headers.get("x-api-key", "")
    )
    clinic = clinic_services.api_clinic(db, key) if key else None
    if clinic is None:
        raise ApiUnauthorizedError
    request.state.api_key = key.split("_")[1] if key.count("_") >= 2 else "?"
    return clinic


ApiClinicDep = Annotated[int, Depends(api_clinic)]


def api_client(client_id: int, clinic: ApiClinicDep, db: StoreDep) -> int:
    if not 0 < client_id <= MAX_ID or db.clinic_of(client_id) != clinic:
        raise NotFoundError
    return client_id


ApiClientDep = Annotated[int, Depends(api_client)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def actor(user: User) -> str:
    return user.email


def as_dict(x: Any) -> dict[str, Any]:
    return dict(x)
