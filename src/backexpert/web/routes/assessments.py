"""The intake form, its scores, the unsigned result, signing, and a saved assessment's documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ... import services
from ...clinic_services import StaleError
from ...clinical.intake import Intake
from ...clinical.words import WEEK
from ...errors import Problem
from ...present.prescription_view import Kind, PrescriptionView
from .. import adjust_form, form_fields, form_text
from ..deps import CheckedForm, ClientDep, NotFoundError, SettingsDep, StoreDep, UserDep
from ..intake_form import DATED, SIDED, fields_for, output_id, prefill, scores, validate
from ..pages import page, render

router = APIRouter(include_in_schema=False)


def _labels(request: Request) -> form_fields.ItemLabels:
    labels: form_fields.ItemLabels = request.app.state.item_labels
    return labels


def _form_page(
    request: Request,
    client: Any,
    flat: form_text.Flat,
    draft_version: int,
    rows: dict[str, int] | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    filled = fields_for(Intake, flat, _labels(request), rows)
    loose = form_text.attach(filled.fields, filled.flat, problems or [])
    by_path, lines = scores(filled.flat, _labels(request))
    context = {"stale": None, "saved": None}
    context.update(extra)
    return page(
        request,
        "assess.html.j2",
        status=status,
        client=client,
        fields=filled.fields,
        draft_version=draft_version,
        problems_count=len(problems or []),
        loose=loose,
        scores=by_path,
        score_lines=lines,
        dated=DATED,
        sided=SIDED,
        **context,
    )


def _client(db: StoreDep, user: UserDep, client_id: int) -> Any:
    found = db.clinic_clients(user.clinic_id, client_id=client_id)
    if not found:
        raise NotFoundError
    return found[0]


@router.get("/clients/{client_id}/assess")
def intake_form(request: Request, client_id: ClientDep, db: StoreDep, user: UserDep) -> Response:
    client = _client(db, user, client_id)
    draft = db.draft(user.id, client_id)
    if draft is not None:
        flat: form_text.Flat = draft.data
        version = draft.version
    else:
        latest = db.latest_assessment(client_id)
        flat = prefill(latest.intake if latest else None, client.name, user.name, _labels(request))
        version = 0
    return _form_page(request, client, flat, version)


def _typed(form: list[tuple[str, str]]) -> tuple[form_text.Flat, dict[str, int], str, int]:
    action = next((v for k, v in form if k == "_action"), "assess")
    raw = next((v for k, v in form if k == "_draft_version"), "0")
    flat = form_text.from_form([(k, v) for k, v in form if k != "_draft_version"])
    rows = form_text.rows_of(flat)
    flat = form_text.apply_row_action(action, flat, rows)
    flat = {k: v for k, v in flat.items() if not k.startswith(form_text.ROWS)}
    flat.update({form_text.ROWS + k: str(n) for k, n in rows.items()})
    return flat, rows, action, max(form_text.whole(raw, 0), 0)


@router.post("/clients/{client_id}/assess")
def submit_intake(
    request: Request,
    client_id: ClientDep,
    form: CheckedForm,
    db: StoreDep,
    user: UserDep,
    s: SettingsDep,
) -> Response:
    client = _client(db, user, client_id)
    flat, rows, action, version = _typed(form)
    filled = fields_for(Intake, flat, _labels(request), rows)
    if action.startswith(("add:", "remove:")) or action == "score":
        return _form_page(request, client, filled.flat, version, rows)
    try:
        version = db.save_draft(user.id, client_id, filled.flat, version)
    except StaleError:
        current = db.draft(user.id, client_id)
        if current is not None and current.data == filled.flat:
            version = current.version  # saved already (by autosave): nothing would be lost
        else:
            return _form_page(
                request,
                client,
                filled.flat,
                current.version if current else 0,
                rows,
                status=409,
                stale="this draft was saved in another window or by "
                "another session since you opened it.",
            )
    db.audit(user.clinic_id, user.email, "edited", f"draft of client {client_id}", client_id)
    if action == "save":
        return _form_page(request, client, filled.flat, version, rows, saved=f"version {version}")
    intake, problems = _intake(filled, s.rules_dir)
    if problems:
        return _form_page(request, client, filled.flat, version, rows, problems, status=422)
    return _result_page(request, intake, client_id, version, [], user.name, s.rules_dir)


def _intake(filled: Any, rules_dir: str | None) -> tuple[Any, list[Problem]]:
    """The form's intake, validated like a file and checked against the rule base."""
    intake, problems = validate(Intake, form_text.collect(filled.fields, filled.flat), "intake")
    if not problems:
        problems = services.intake_problems(intake, rules_dir)
    return intake, problems


def _result_page(
    request: Request,
    intake: Intake,
    client_id: int,
    version: int,
    edits: list[dict[str, Any]],
    clinician: str,
    rules_dir: str | None,
    *,
    status: int = 200,
    message: str = "",
    refused: list[str] | None = None,
    problems: list[Problem] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    """The unsigned result, with the edits accepted so far and the controls to edit it."""
    outcome = services.try_adjustments(intake, {"clinician": clinician, "edits": edits}, rules_dir)
    if edits and not outcome.accepted:  # no longer accepted (the rules changed): start again
        refused = [*(refused or []), *outcome.refused, *map(str, outcome.problems)]
        edits = []
    result = outcome.prescription if edits else outcome.generated
    view = PrescriptionView(result, "clinician", None, intake.assessment.clinician)
    return page(
        request,
        "report.html.j2",
        status=status,
        ctx=view,
        client_id=client_id,
        signed=False,
        index=0,
        draft_version=version,
        edits=adjust_form.carried(edits),
        edit_count=len(edits),
        swap_choices=services.swap_choices(intake, rules_dir),
        free_days=[d for d in WEEK if d not in {x.day for x in result.sessions}],
        edit_message=message,
        edit_refused=refused or [],
        edit_problems=[str(x) for x in problems or []],
        typed=typed or {},  # a refused edit's form comes back filled
    )


def _draft_intake(
    request: Request,
    db: StoreDep,
    user: UserDep,
    client: Any,
    client_id: int,
    raw: str,
    rules_dir: str | None,
) -> Intake | Response:
    """The intake of the draft this result was shown for, or the page that says why not."""
    draft = db.draft(user.id, client_id)
    if draft is None or form_text.whole(raw) != draft.version:
        flat = draft.data if draft else {}
        return _form_page(
            request,
            client,
            flat,
            draft.version if draft else 0,
            status=409,
            stale="the intake changed since this result was shown: assess it again before signing.",
        )
    filled = fields_for(Intake, draft.data, _labels(request))
    intake, problems = _intake(filled, rules_dir)
    if problems or not isinstance(intake, Intake):
        return _form_page(request, client, filled.flat, draft.version, None, problems, status=422)
    return intake


@router.post("/clients/{client_id}/adjust")
def adjust(
    request: Request,
    client_id: ClientDep,
    form: CheckedForm,
    db: StoreDep,
    user: UserDep,
    s: SettingsDep,
) -> Response:
    """Add an edit to the unsigned result (or undo one); the safety check answers at once."""
    client = _client(db, user, client_id)
    fields = dict(form)
    version = fields.get("_draft_version", "")
    intake = _draft_intake(request, db, user, client, client_id, version, s.rules_dir)
    if not isinstance(intake, Intake):
        return intake
    edits = adjust_form.accepted(fields.get("_adjustments", ""))
    action = fields.get("_action", "")
    show = (request, intake, client_id, int(version), edits, user.name, s.rules_dir)
    n = form_text.whole(action[5:]) if action.startswith("undo:") else None
    if n is not None:
        kept = [e for k, e in enumerate(edits) if k != n]
        return _result_page(*show[:4], kept, user.name, s.rules_dir, message="Edit undone.")
    new = adjust_form.edit_from(fields, user.name)
    tried = services.try_adjustments(
        intake, {"clinician": user.name, "edits": [*edits, new]}, s.rules_dir
    )
    if not tried.accepted:
        return _result_page(
            *show, status=422, refused=tried.refused, problems=tried.problems, typed=fields
        )
    applied = tried.prescription.adjustments
    last = applied.edits[-1].summary if applied else str(new.get("kind"))
    overridden = (
        sorted({o.invariant for o in applied.overrides if o.edit == len(edits)}) if applied else []
    )
    db.audit(user.clinic_id, user.email, "edited", f"unsigned result: {last}", client_id)
    message = f"Edit accepted: {last}."
    if overridden:
        message += f" Overridden: {', '.join(overridden)}."
    return _result_page(*show[:4], [*edits, new], user.name, s.rules_dir, message=message)


@router.post("/clients/{client_id}/assess/scores")
def intake_scores(
    request: Request, client_id: ClientDep, form: CheckedForm, user: UserDep
) -> Response:
    flat, _, _, _ = _typed(form)
    by_path, lines = scores(flat, _labels(request))
    outputs = [(output_id(path), text) for path, text in by_path.items()]
    return HTMLResponse(render("scores.html.j2", score_lines=lines, outputs=outputs))


@router.post("/clients/{client_id}/assess/autosave")
def autosave(
    request: Request, client_id: ClientDep, form: CheckedForm, db: StoreDep, user: UserDep
) -> Response:
    """Save the draft as it is typed (htmx), and answer with its new version and the scores."""
    flat, rows, _, version = _typed(form)
    filled = fields_for(Intake, flat, _labels(request), rows)
    try:
        version = db.save_draft(user.id, client_id, filled.flat, version)
        message = f"Draft saved at {dt.datetime.now():%H:%M:%S} (version {version})."
    except StaleError:
        message = (
            "Not saved: this draft was changed in another window. Use Save draft to "
            "replace that version with yours."
        )
    by_path, lines = scores(filled.flat, _labels(request))
    outputs = [(output_id(path), text) for path, text in by_path.items()]
    saved = {"version": version, "message": message}
    return HTMLResponse(
        render("scores.html.j2", score_lines=lines, outputs=outputs, oob=True, saved=saved)
    )


@router.post("/clients/{client_id}/sign")
def sign(
    request: Request,
    client_id: ClientDep,
    form: CheckedForm,
    db: StoreDep,
    user: UserDep,
    s: SettingsDep,
) -> Response:
    client = _client(db, user, client_id)
    fields = dict(form)
    raw = fields.get("_draft_version", "")
    intake = _draft_intake(request, db, user, client, client_id, raw, s.rules_dir)
    if not isinstance(intake, Intake):
        return intake
    edits = adjust_form.accepted(fields.get("_adjustments", ""))
    doc = None
    if edits:  # checked again, whole: the page carried them
        tried = services.try_adjustments(
            intake, {"clinician": user.name, "edits": edits}, s.rules_dir
        )
        if not tried.accepted:
            return _result_page(
                request,
                intake,
                client_id,
                int(raw),
                [],
                user.name,
                s.rules_dir,
                status=422,
                refused=tried.refused,
                problems=tried.problems,
            )
        doc = tried.adjustments
    services.assess_and_save(
        intake, rules_dir=s.rules_dir, db=db, client_id=client_id, adjustments=doc
    )
    db.drop_draft(user.id, client_id)
    n = len(db.assessments(client_id))
    with_edits = f" with {len(edits)} clinician edit(s)" if edits else ""
    db.audit(user.clinic_id, user.email, "signed", f"assessment {n}{with_edits}", client_id)
    return RedirectResponse(f"/clients/{client_id}/assessments/{n}", status_code=303)


def _stored(db: StoreDep, client_id: int, n: int) -> Any:
    found = db.assessments(client_id)
    if not 1 <= n <= len(found):
        raise NotFoundError
    return found[n - 1]


@router.get("/clients/{client_id}/assessments/{n}")
def saved(request: Request, client_id: ClientDep, n: int, db: StoreDep, user: UserDep) -> Response:
    record = _stored(db, client_id, n)
    db.audit(user.clinic_id, user.email, "viewed", f"assessment {n}", client_id)
    view = PrescriptionView(
        record.prescription,
        "clinician",
        record.created_at.date(),
        record.intake.assessment.clinician,
    )
    return page(
        request,
        "report.html.j2",
        ctx=view,
        client_id=client_id,
        signed=True,
        index=n,
        draft_version=0,
    )


DOCUMENTS = {"clinician.pdf", "handout.pdf", "prescription.json", "clinician.html", "handout.html"}


@router.get("/clients/{client_id}/assessments/{n}/{name}")
def document(client_id: ClientDep, n: int, name: str, db: StoreDep, user: UserDep) -> Response:
    if name not in DOCUMENTS:
        raise NotFoundError
    record = _stored(db, client_id, n)
    p = record.prescription
    db.audit(user.clinic_id, user.email, "exported", f"assessment {n} {name}", client_id)
    filename = f"client-{client_id}-assessment-{n}-{name}"
    headers = {"content-disposition": f'attachment; filename="{filename}"'}
    if name == "prescription.json":
        return Response(
            p.model_dump_json(indent=2) + "\n", media_type="application/json", headers=headers
        )
    kind: Kind = "handout" if name.startswith("handout") else "clinician"
    html = services.render(p, kind, record.created_at.date(), record.intake.assessment.clinician)
    if name.endswith(".html"):
        return HTMLResponse(html, headers=headers)
    from ...present.html import render_pdf

    return Response(render_pdf(html), media_type="application/pdf", headers=headers)
