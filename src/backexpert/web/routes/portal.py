"""The client's private link: their plan on a phone, and their session reports."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from ... import clinic_services
from ...clinic_services import ClientLink
from ...errors import InputError, Problem
from ...present.figures import card_figures
from ...present.prescription_view import PrescriptionView
from ..deps import FormDep, NotFoundError, StoreDep
from ..pages import page
from ..security import same, token_hash

router = APIRouter(include_in_schema=False)


def _link(db: StoreDep, token: str) -> ClientLink:
    link = clinic_services.open_link(db, token)
    if link is None:
        raise NotFoundError
    return link


@lru_cache(maxsize=512)
def _figure(exercise: str, name: str) -> Markup | None:
    """An exercise's pictures (deterministic SVG, so drawn once per process)."""
    try:
        # Safe: our own SVG, every text in it escaped by present/figures.
        return Markup(card_figures(exercise, name))  # noqa: S704
    except (KeyError, ValueError, OSError):
        return None


def _csrf(token: str) -> str:
    return token_hash(token + ":report")[:32]


def _page(
    request: Request,
    db: StoreDep,
    token: str,
    link: ClientLink,
    status: int = 200,
    reported: clinic_services.Reported | None = None,
    problems: list[Problem] | None = None,
) -> Response:
    latest = db.latest_assessment(link.client_id)
    view = None
    figures: dict[str, Markup | None] = {}
    todays = None
    if latest is not None:
        p = latest.prescription
        view = PrescriptionView(
            p, "handout", latest.created_at.date(), latest.intake.assessment.clinician
        )
        day = dt.date.today().strftime("%a").lower()
        todays = next(
            (g for g in view.session_groups() if any(d.value == day for d in g.days)), None
        )
        figures = {e: _figure(e, i.name) for e, i in clinic_services.program_items(p).items()}
    return page(
        request,
        "portal.html.j2",
        status=status,
        ctx=view,
        figures=figures,
        token=token,
        today=dt.date.today().isoformat(),
        reported=reported,
        todays=todays,
        problems=problems or [],
        safety_net=clinic_services.SAFETY_NET,
        pain_up=clinic_services.PAIN_UP,
        csrf=_csrf(token),
    )


@router.get("/c/{token}")
def portal(request: Request, token: str, db: StoreDep) -> Response:
    link = _link(db, token)
    db.audit(link.clinic_id, f"client link {link.id}", "viewed", "handout", link.client_id)
    return _page(request, db, token, link)


@router.post("/c/{token}/report")
def report(request: Request, token: str, form: FormDep, db: StoreDep) -> Response:
    link = _link(db, token)
    fields = dict(form)
    if not same(request.headers.get("x-csrf-token") or fields.get("csrf_token", ""), _csrf(token)):
        return page(
            request,
            "error.html.j2",
            status=403,
            title="Please try again",
            message="This form has expired. Open your link again.",
            problems=[],
        )
    latest = db.latest_assessment(link.client_id)
    known = set(clinic_services.program_items(latest.prescription)) if latest else set()
    try:
        parsed = clinic_services.check_report(
            fields.get("date", ""),
            fields.get("done", ""),
            [v for k, v in form if k == "exercises"],
            fields.get("effort", ""),
            fields.get("pain", ""),
            fields.get("note", ""),
            known,
        )
    except InputError as exc:
        return _page(request, db, token, link, status=422, problems=list(exc.problems))
    reported = clinic_services.report_session(
        db, link, parsed, latest.prescription if latest else None
    )
    return _page(request, db, token, link, reported=reported)
