"""The app factory: settings, the store, the routers, the error pages and problem documents."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from .. import documents, shipped
from ..clinic_services import StaleError, WebStore
from ..errors import BackExpertError, InputError, IntakeError, Problem, SafetyError, StoreError
from . import item_texts
from .deps import ApiUnauthorizedError, ForbiddenError, NotFoundError, SignInRequiredError
from .pages import page
from .security import MAX_BODY, Edge, Passwords, Scope
from .settings import Settings

log = logging.getLogger("backexpert.web")
HTMX = Path("node_modules") / "htmx.org" / "dist" / "htmx.min.js"
PROBLEM_TYPE = "https://backexpert.invalid/problems/"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    code: str,
    errors: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An RFC 9457 problem document with BackExpert's `code` and field paths."""
    body = {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": [{"path": p.path, "message": p.message} for p in errors or []],
        "request_id": getattr(request.state, "request_id", ""),
    }
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _status(exc: BackExpertError) -> int:
    if isinstance(exc, StaleError):
        return 409
    if isinstance(exc, InputError | SafetyError):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 500


def _error_page(
    request: Request, status: int, title: str, message: str, problems: list[Problem] | None = None
) -> Response:
    if not hasattr(request.state, "web_session"):  # a page no route matched: who is it?
        from .deps import web_session

        try:
            web_session(request, request.app.state.store, request.app.state.settings)
        except BackExpertError:
            request.state.web_session = None
    return page(
        request,
        "error.html.j2",
        status=status,
        title=title,
        message=message,
        problems=problems or [],
    )


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequiredError)
    async def sign_in(request: Request, exc: SignInRequiredError) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        if request.method != "GET":
            target = "/clients"
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)

    @app.exception_handler(ForbiddenError)
    async def forbidden(request: Request, exc: ForbiddenError) -> Response:
        return _error_page(
            request,
            403,
            "The form has expired",
            "For your safety this form could not be accepted (its security token "
            "is missing or old). Go back, reload the page and submit it again.",
        )

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        if _is_api(request):
            return problem(request, 404, "Not found", "no such record for this clinic", "not-found")
        return _error_page(
            request,
            404,
            "Not found",
            "There is no such page, or the link has expired or been withdrawn.",
        )

    @app.exception_handler(ApiUnauthorizedError)
    async def unauthorized(request: Request, exc: ApiUnauthorizedError) -> Response:
        return problem(
            request,
            401,
            "Unauthorized",
            "give a valid API key: Authorization: Bearer <key>",
            "unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors():
            loc = [p for p in err.get("loc", ()) if p != "[key]"]
            if loc and loc[0] in ("body", "query", "path", "header"):
                loc = loc[1:]
            problems.append(Problem(documents.format_path(loc), documents._message(err)))
        if _is_api(request):
            intake = request.method == "POST" and request.url.path.endswith(
                ("/assess", "/assessments")
            )
            return problem(
                request,
                422,
                "Invalid intake" if intake else "Invalid input",
                f"{len(problems)} problem(s)",
                IntakeError.code if intake else InputError.code,
                problems,
            )
        return _error_page(
            request, 400, "Invalid request", "The request could not be read.", problems
        )

    @app.exception_handler(BackExpertError)
    async def backexpert_error(request: Request, exc: BackExpertError) -> Response:
        status = _status(exc)
        problems = list(getattr(exc, "problems", []) or [])
        if status >= 500:
            log.error("request %s: %s", getattr(request.state, "request_id", "?"), exc)
        detail = str(exc).splitlines()[0] if status < 500 else "the server could not do this now"
        if _is_api(request):
            return problem(request, status, type(exc).__name__, detail, exc.code, problems)
        return _error_page(request, status, "That did not work", detail, problems)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request):
            return problem(request, exc.status_code, "Error", str(exc.detail), "http-error")
        return _error_page(
            request,
            exc.status_code,
            "Not found" if exc.status_code == 404 else "Error",
            str(exc.detail) if exc.status_code != 404 else "There is no such page.",
        )


def _static(app: FastAPI, settings: Settings) -> None:
    templates = shipped.templates_directory()
    files = {
        "web.css": (templates / "web" / "web.css", "text/css"),
        "report.css": (templates / "report.css", "text/css"),
        "htmx.min.js": (settings.static_dir / HTMX, "text/javascript"),
    }
    cache: dict[str, bytes] = {}

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in files or not files[name][0].is_file():
            raise NotFoundError
        path, media = files[name]
        if name not in cache:
            cache[name] = path.read_bytes()
        return Response(
            cache[name], media_type=media, headers={"cache-control": "public, max-age=3600"}
        )

    app.state.htmx = (settings.static_dir / HTMX).is_file()


def _error_response(scope: Scope, request_id: str, status: int = 500) -> tuple[int, str, bytes]:
    """What the edge answers itself (a crash, 500; a body over the limit, 413): no stack trace."""
    # A problem document under /api/, else a page; both carry the request id to quote.
    import json

    too_large = status == 413
    if str(scope.get("path", "")).startswith("/api/"):
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE + ("http-error" if too_large else "internal"),
            "title": "Request too large" if too_large else "Internal error",
            "status": status,
            "detail": f"the request body is over {MAX_BODY:,} bytes (2 MiB); an intake is a few kB"
            if too_large
            else "the server failed; quote the request id",
            "code": "http-error" if too_large else "internal-error",
            "errors": [],
            "request_id": request_id,
        }
        return status, "application/problem+json", json.dumps(body).encode()
    from .pages import render

    html = render(
        "error.html.j2",
        user=None,
        csrf="",
        htmx=False,
        notice=None,
        path="",
        request_id=request_id,
        title="Too large" if too_large else "Something went wrong",
        message="What was sent is over 2 MiB, far more than any form here takes; nothing was "
        "saved. Go back and send less (an intake is a few kB)."
        if too_large
        else "The server could not finish this request. Nothing you typed was lost "
        "on our side; try again, and quote the request id if it happens again.",
        problems=[],
    )
    return status, "text/html; charset=utf-8", html.encode()


def create_app(settings: Settings | None = None, store: WebStore | None = None) -> FastAPI:
    """The web app (uvicorn's `--factory` target: `backexpert.web:create_app`)."""
    settings = settings or Settings.from_env()
    db = store or WebStore.open(settings.database)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if store is None:
            db.close()

    app = FastAPI(
        title="BackExpert API",
        version=shipped.VERSION,
        description="Assess intakes, store clients, assessments and session logs. "
        "Authenticate with a clinic's API key: `Authorization: Bearer <key>`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = db
    app.state.passwords = Passwords(settings)
    app.state.item_labels = item_texts.load(settings.item_texts)
    from .routes import api, assessments, auth, clients, portal, sessions

    for module in (auth, clients, assessments, sessions, portal, api):
        app.include_router(module.router)
    _static(app, settings)
    _handlers(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True}

    app.add_middleware(Edge, settings=settings, on_error=_error_response)
    return app
