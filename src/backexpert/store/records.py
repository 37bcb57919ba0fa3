"""Records: what the store takes in and gives back, typed and validated.

An assessment record holds the validated intake and the prescription document it produced; a
client record (the export and import format) holds a client with all assessments and sessions.
Times are timezone-aware and written in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, Field, field_serializer

from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from ..model import Model
from ..progression.logbook import SessionLog


class ClientData(Model):
    uid: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=200)
    born: dt.date | None = None
    load_increment_kg: float | None = Field(default=None, gt=0, le=50)
    created_at: AwareDatetime

    @field_serializer("created_at")
    def _utc(self, v: dt.datetime) -> str:
        return iso(v)


class ClientInfo(Model):
    """A client as listed: the record plus counts."""

    id: int
    uid: str
    name: str
    born: dt.date | None
    load_increment_kg: float | None
    created_at: AwareDatetime
    assessments: int
    sessions: int
    last_session: dt.date | None


class AssessmentRecord(Model):
    """A stored assessment: the validated intake and the prescription it produced, as JSON."""

    uid: str = Field(min_length=1, max_length=36)
    created_at: AwareDatetime
    rulebook: str = Field(min_length=1, max_length=64)
    backexpert: str = Field(min_length=1, max_length=32)
    intake: Intake
    prescription: Prescription

    @field_serializer("created_at")
    def _utc(self, v: dt.datetime) -> str:
        return iso(v)


class SessionRecord(SessionLog):
    """A stored session log."""

    uid: str = Field(min_length=1, max_length=36)
    created_at: AwareDatetime

    @field_serializer("created_at")
    def _utc(self, v: dt.datetime) -> str:
        return iso(v)


class ClientRecord(Model):
    """A client's whole record: the export and import format (JSON)."""

    format: Literal["backexpert-client"] = "backexpert-client"
    version: Literal[1] = 1
    client: ClientData
    assessments: list[AssessmentRecord]
    sessions: list[SessionRecord]


def iso(v: dt.datetime) -> str:
    """An aware time as ISO 8601 in UTC, to the microsecond."""
    return v.astimezone(dt.UTC).isoformat(timespec="microseconds")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
