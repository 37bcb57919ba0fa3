"""The JSON API for clinics that integrate: OpenAPI at /openapi.json, per-clinic API keys, and
errors as problem documents (RFC 9457) with BackExpert's stable `code` and field paths."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from ... import services
from ...assessment.prescription import Prescription
from ...clinic_services import SessionRecord
from ...clinical.intake import Intake
from ...model import CalendarDate
from ...progression.logbook import SessionLog
from ..deps import ApiClientDep, ApiClinicDep, NotFoundError, SettingsDep, StoreDep

router = APIRouter(prefix="/api", tags=["api"])


class ProblemDoc(BaseModel):
    """An error (RFC 9457) with BackExpert's stable code and one entry per field problem."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, str]] = Field(default_factory=list)
    request_id: str = ""


PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"model": ProblemDoc, "description": "no valid API key"},
    404: {"model": ProblemDoc, "description": "no such record for this clinic"},
    422: {"model": ProblemDoc, "description": "invalid input, with field paths"},
}


class NewClient(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    born: CalendarDate | None = Field(
        default=None, description="YYYY-MM-DD (a number is refused: it is not a date)"
    )


class ClientOut(BaseModel):
    id: int
    name: str
    born: dt.date | None
    assessments: int
    sessions: int


class AssessmentOut(BaseModel):
    number: int
    created_at: dt.datetime
    prescription: Prescription


def _actor(request: Request) -> str:
    return f"api key {getattr(request.state, 'api_key', '?')}"


@router.post("/assess", responses=PROBLEMS, response_model=Prescription)
def assess(intake: Annotated[Intake, Body()], clinic: ApiClinicDep, s: SettingsDep) -> Any:
    """Assess an intake without storing it: the explained prescription."""
    return services.assess_and_save(intake, rules_dir=s.rules_dir).prescription


@router.get("/clients", responses=PROBLEMS)
def list_clients(clinic: ApiClinicDep, db: StoreDep, q: str = "") -> list[ClientOut]:
    """The clinic's clients (a search matches any part of the name)."""
    return [
        ClientOut(id=c.id, name=c.name, born=c.born, assessments=c.assessments, sessions=c.sessions)
        for c in db.clinic_clients(clinic, q[:200])
    ]


@router.post("/clients", status_code=201, responses=PROBLEMS)
def create_client(
    body: NewClient, request: Request, clinic: ApiClinicDep, db: StoreDep
) -> ClientOut:
    """Create a client of the clinic."""
    name = " ".join(body.name.split()) or body.name
    client_id = db.add_clinic_client(clinic, name, body.born)
    db.audit(clinic, _actor(request), "created", f"client {client_id}", client_id)
    return ClientOut(id=client_id, name=name, born=body.born, assessments=0, sessions=0)


@router.get("/clients/{client_id}", responses=PROBLEMS)
def get_client(client_id: ApiClientDep, clinic: ApiClinicDep, db: StoreDep) -> ClientOut:
    (c,) = db.clinic_clients(clinic, client_id=client_id)
    return ClientOut(
        id=c.id, name=c.name, born=c.born, assessments=c.assessments, sessions=c.sessions
    )


@router.post("/clients/{client_id}/assessments", status_code=201, responses=PROBLEMS)
def create_assessment(
    intake: Annotated[Intake, Body()],
    client_id: ApiClientDep,
    request: Request,
    clinic: ApiClinicDep,
    db: StoreDep,
    s: SettingsDep,
) -> AssessmentOut:
    """Assess an intake and store it with the client."""
    services.assess_and_save(intake, rules_dir=s.rules_dir, db=db, client_id=client_id)
    found = db.assessments(client_id)
    db.audit(clinic, _actor(request), "signed", f"assessment {len(found)}", client_id)
    return AssessmentOut(
        number=len(found), created_at=found[-1].created_at, prescription=found[-1].prescription
    )


@router.get("/clients/{client_id}/assessments", responses=PROBLEMS)
def list_assessments(
    client_id: ApiClientDep, request: Request, clinic: ApiClinicDep, db: StoreDep
) -> list[AssessmentOut]:
    db.audit(clinic, _actor(request), "viewed", "assessments", client_id)
    return [
        AssessmentOut(number=i + 1, created_at=a.created_at, prescription=a.prescription)
        for i, a in enumerate(db.assessments(client_id))
    ]


@router.get("/clients/{client_id}/assessments/{number}", responses=PROBLEMS)
def get_assessment(
    client_id: ApiClientDep, number: int, request: Request, clinic: ApiClinicDep, db: StoreDep
) -> AssessmentOut:
    found = db.assessments(client_id)
    if not 1 <= number <= len(found):
        raise NotFoundError
    db.audit(clinic, _actor(request), "viewed", f"assessment {number}", client_id)
    a = found[number - 1]
    return AssessmentOut(number=number, created_at=a.created_at, prescription=a.prescription)


@router.get("/clients/{client_id}/sessions", responses=PROBLEMS)
def list_sessions(
    client_id: ApiClientDep, request: Request, clinic: ApiClinicDep, db: StoreDep
) -> list[SessionRecord]:
    """The client's session logs in training order (client-reported ones say so in `notes`)."""
    db.audit(clinic, _actor(request), "viewed", "sessions", client_id)
    return db.sessions(client_id)


@router.post("/clients/{client_id}/sessions", status_code=201, responses=PROBLEMS)
def create_session(
    log: Annotated[SessionLog, Body()],
    client_id: ApiClientDep,
    request: Request,
    clinic: ApiClinicDep,
    db: StoreDep,
    s: SettingsDep,
) -> dict[str, int]:
    """Log one session; its exercises must be catalogue ids."""
    services.log_session(db, client_id, log, s.rules_dir)
    db.audit(clinic, _actor(request), "created", f"session {log.date}", client_id)
    return {"sessions": len(db.sessions(client_id))}
