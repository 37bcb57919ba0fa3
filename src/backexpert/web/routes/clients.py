"""A clinic's clients: the list with search, a client's page, details, links, export, erasure."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ... import clinic_services, services
from ...clinic_services import StaleError
from ...errors import BackExpertError, Problem
from ...present.progress_view import ProgressView
from .. import form_text
from ..deps import CheckedForm, ClientDep, NotFoundError, SettingsDep, StoreDep, UserDep, now
from ..pages import page

router = APIRouter(include_in_schema=False)
# A new-client form sent again this soon with the same name and birth date is the same client
# (a double click, a reload): no second record. The API has no such rule: an import may hold
# two clients of one name.
SAME_CLIENT = dt.timedelta(seconds=30)


@router.get("/")
def home() -> Response:
    return RedirectResponse("/clients", status_code=303)


def _clients_page(
    request: Request,
    db: StoreDep,
    user: UserDep,
    q: str = "",
    status: int = 200,
    problems: list[Problem] | None = None,
    name: str = "",
    born: str = "",
) -> Response:
    found = db.clinic_clients(user.clinic_id, q[:200])
    return page(
        request,
        "clients.html.j2",
        status=status,
        clients=found,
        q=q,
        problems=problems or [],
        new_name=name,
        new_born=born,
    )


@router.get("/clients")
def clients(request: Request, db: StoreDep, user: UserDep, q: str = "") -> Response:
    return _clients_page(request, db, user, q)


def _date(raw: str, path: str, problems: list[Problem]) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        d = dt.date.fromisoformat(raw.strip())
    except ValueError:
        problems.append(Problem(path, f"not a date (YYYY-MM-DD): {raw!r}"))
        return None
    if not dt.date(1900, 1, 1) <= d <= dt.date.today():
        problems.append(Problem(path, "must be between 1900 and today"))
    return d


@router.post("/clients")
def add_client(request: Request, form: CheckedForm, db: StoreDep, user: UserDep) -> Response:
    fields = dict(form)
    name, born_raw = " ".join(fields.get("name", "").split()), fields.get("born", "")
    problems: list[Problem] = []
    if not 1 <= len(name) <= 200:
        problems.append(Problem("name", "give a name of 1 to 200 characters"))
    born = _date(born_raw, "born", problems)
    if problems:
        return _clients_page(
            request, db, user, status=422, problems=problems, name=name, born=born_raw
        )
    client_id = db.add_clinic_client(user.clinic_id, name, born, same_within=SAME_CLIENT)
    db.audit(user.clinic_id, user.email, "created", f"client {client_id}", client_id)
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


def client_page(
    request: Request,
    db: StoreDep,
    user: UserDep,
    s: SettingsDep,
    client_id: int,
    status: int = 200,
    **extra: object,
) -> Response:
    found = db.clinic_clients(user.clinic_id, client_id=client_id)
    if not found:
        raise NotFoundError
    client = found[0]
    assessments = db.assessments(client_id)
    progress = None
    if assessments or client.sessions:
        try:
            progress = ProgressView(services.progress_for_client(db, client_id, s.rules_dir))
        except BackExpertError:
            progress = None
    context: dict[str, object] = {
        "client": client,
        "version": client.version,
        "edit_name": client.name,
        "edit_born": client.born.isoformat() if client.born else "",
        "problems": [],
        "assessments": assessments,
        "draft": db.draft(user.id, client_id),
        "links": db.links(client_id),
        "new_link": None,
        "link_days": s.link_days,
        "now": now(),
        "alerts": clinic_services.unreported(db.client_reports(client_id)),
        "weeks": clinic_services.adherence(db, client_id),
        "progress": progress,
        "log": clinic_services.client_log(db, client_id),
    }
    context.update(extra)
    return page(request, "client.html.j2", status=status, **context)


@router.get("/clients/{client_id}")
def client(
    request: Request, client_id: ClientDep, db: StoreDep, user: UserDep, s: SettingsDep
) -> Response:
    db.audit(user.clinic_id, user.email, "viewed", f"client {client_id}", client_id)
    return client_page(request, db, user, s, client_id)


@router.post("/clients/{client_id}/edit")
def edit_client(
    request: Request,
    client_id: ClientDep,
    form: CheckedForm,
    db: StoreDep,
    user: UserDep,
    s: SettingsDep,
) -> Response:
    fields = dict(form)
    name, born_raw = " ".join(fields.get("name", "").split()), fields.get("born", "")
    version = max(form_text.whole(fields.get("version", ""), 0), 0)
    problems: list[Problem] = []
    if not 1 <= len(name) <= 200:
        problems.append(Problem("name", "give a name of 1 to 200 characters"))
    born = _date(born_raw, "born", problems)
    if not problems:
        try:
            db.update_client(client_id, version, name, born)
        except StaleError as exc:
            problems = [
                Problem(
                    p.path,
                    p.message + ": your text is kept below; reload to see "
                    "theirs, or save again to replace it",
                )
                for p in exc.problems
            ]
            current = db.clinic_clients(user.clinic_id, client_id=client_id)[0]
            return client_page(
                request,
                db,
                user,
                s,
                client_id,
                status=409,
                problems=problems,
                edit_name=name,
                edit_born=born_raw,
                version=current.version,
            )
        db.audit(user.clinic_id, user.email, "edited", f"client {client_id}", client_id)
        return RedirectResponse(f"/clients/{client_id}", status_code=303)
    return client_page(
        request,
        db,
        user,
        s,
        client_id,
        status=422,
        problems=problems,
        edit_name=name,
        edit_born=born_raw,
        version=version,
    )


@router.post("/clients/{client_id}/links")
def create_link(
    request: Request,
    client_id: ClientDep,
    form: CheckedForm,
    db: StoreDep,
    user: UserDep,
    s: SettingsDep,
) -> Response:
    token, link_id = clinic_services.create_link(db, client_id, user.email, s.link_days)
    db.audit(user.clinic_id, user.email, "created", f"client link {link_id}", client_id)
    url = str(request.base_url).rstrip("/") + f"/c/{token}"
    return client_page(request, db, user, s, client_id, new_link=url)


@router.post("/clients/{client_id}/links/{link_id}/revoke")
def revoke_link(
    client_id: ClientDep, link_id: int, form: CheckedForm, db: StoreDep, user: UserDep
) -> Response:
    link = db.link(link_id) if 0 < link_id <= 2**31 - 1 else None
    if link is None or link.client_id != client_id:
        raise NotFoundError
    db.revoke_link(link_id)
    db.audit(user.clinic_id, user.email, "revoked", f"client link {link_id}", client_id)
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


@router.post("/clients/{client_id}/alerts/clear")
def clear_alerts(client_id: ClientDep, form: CheckedForm, db: StoreDep, user: UserDep) -> Response:
    n = db.clear_alerts(client_id)
    db.audit(user.clinic_id, user.email, "acknowledged", f"{n} alert(s)", client_id)
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


@router.get("/clients/{client_id}/export")
def export(client_id: ClientDep, db: StoreDep, user: UserDep) -> Response:
    record = db.export(client_id)
    db.audit(
        user.clinic_id, user.email, "exported", f"client {client_id}", client_id, "whole record"
    )
    return Response(
        record.model_dump_json(indent=2) + "\n",
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="client-{client_id}.json"'},
    )


@router.post("/clients/{client_id}/erase")
def erase(
    request: Request,
    client_id: ClientDep,
    form: CheckedForm,
    db: StoreDep,
    user: UserDep,
    s: SettingsDep,
) -> Response:
    (client,) = db.clinic_clients(user.clinic_id, client_id=client_id)
    if " ".join(dict(form).get("confirm", "").split()) != client.name:
        return client_page(
            request,
            db,
            user,
            s,
            client_id,
            status=422,
            problems=[Problem("confirm", "type the client's name exactly to erase")],
        )
    clinic_services.erase_client(db, client_id, user.clinic_id, user.email)
    return page(
        request,
        "error.html.j2",
        title="Client erased",
        message=f"Client {client_id} and everything recorded about them were erased. "
        "The audit log keeps an entry that this happened.",
        problems=[],
    )


@router.get("/audit")
def audit(request: Request, db: StoreDep, user: UserDep, client: int | None = None) -> Response:
    entries = db.audit_entries(user.clinic_id, client)
    return page(request, "audit.html.j2", entries=entries, client_id=client)
