"""Rendering pages with the one Jinja2 environment (`present.html.environment`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..clinic_services import WebSession
from ..present.html import environment

TEMPLATES = "web/"


def render(name: str, **context: Any) -> str:
    return environment().get_template(TEMPLATES + name).render(**context)


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page with what every page shows: who is signed in, the CSRF token, the request id."""
    session: WebSession | None = getattr(request.state, "web_session", None)
    base = {
        "user": session.user if session else None,
        "csrf": session.csrf_token if session else "",
        "request_id": request.state.request_id if hasattr(request.state, "request_id") else "",
        "htmx": bool(getattr(request.app.state, "htmx", None)),
        "notice": None,
        "path": request.url.path,
    }
    return HTMLResponse(render(name, **{**base, **context}), status_code=status)
