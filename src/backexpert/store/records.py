"""Records: what the store takes in and gives back, typed and validated.

An assessment record holds the validated intake and the prescription document it produced; a
client record (the export and import format) holds a client with all assessments and sessions.
Times are timezone-aware and written in UTC.

Every limit is checked here, before anything is written, so SQLite and PostgreSQL hold the same
data: text without control characters (`model.Text`, `model.Name`), dates from 1900 to 2100,
loads with at most 2 decimals, uids of printable ASCII, and stored JSON documents of at most
`MAX_DOCUMENT_BYTES` each (`check_storable`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StringConstraints, field_serializer, model_validator

from .. import documents
from ..assessment.edits import Adjustments
from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from ..errors import InputError, Problem
from ..model import CalendarDate, Kilograms, Model, Moment, Name, describe, unsafe_character
from ..progression.logbook import SessionLog

# A uid names a record across databases: printable ASCII without spaces (a UUID when we make it).
Uid = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,36}$")]
Version = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,32}$")]
Rulebook = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,64}$")]

MAX_DOCUMENT_BYTES = 1_000_000  # one stored intake or prescription, as JSON (a real one: ~60 kB)
MAX_SESSIONS = documents.MAX_ENTRIES  # sessions in one record (10,000: 27 years of daily sessions)
MAX_ASSESSMENTS = 1_000


class ClientData(Model):
    uid: Uid
    name: Name
    born: CalendarDate | None = None
    load_increment_kg: Kilograms | None = Field(default=None, gt=0, le=50)
    created_at: Moment

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

    uid: Uid
    created_at: Moment
    rulebook: Rulebook
    backexpert: Version
    intake: Intake
    prescription: Prescription
    generated: Prescription | None = Field(
        default=None, description="the program as the rules made it, when a clinician edited it"
    )
    adjustments: Adjustments | None = Field(
        default=None, description="the clinician's edits that made `prescription` from it"
    )

    @field_serializer("created_at")
    def _utc(self, v: dt.datetime) -> str:
        return iso(v)


class SessionRecord(SessionLog):
    """A stored session log."""

    uid: Uid
    created_at: Moment

    @field_serializer("created_at")
    def _utc(self, v: dt.datetime) -> str:
        return iso(v)


class ClientRecord(Model):
    """A client's whole record: the export and import format (JSON)."""

    format: Literal["backexpert-client"] = "backexpert-client"
    version: Literal[1] = 1
    client: ClientData
    assessments: list[AssessmentRecord] = Field(max_length=MAX_ASSESSMENTS)
    sessions: list[SessionRecord] = Field(max_length=MAX_SESSIONS)

    @model_validator(mode="after")
    def _uids_once(self) -> ClientRecord:
        for kind, uids in (
            ("assessments", [a.uid for a in self.assessments]),
            ("sessions", [s.uid for s in self.sessions]),
        ):
            seen: set[str] = set()
            for i, uid in enumerate(uids):
                if uid in seen:
                    raise ValueError(f"{kind}[{i}].uid {uid!r} is used twice in this record")
                seen.add(uid)
        return self


def iso(v: dt.datetime) -> str:
    """An aware time as ISO 8601 in UTC, to the microsecond."""
    return v.astimezone(dt.UTC).isoformat(timespec="microseconds")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- what may be stored --------------------------------------------------------------------


def document_json(doc: Intake | Prescription | Adjustments) -> dict[str, Any]:
    """A document as the JSON the store keeps."""
    return doc.model_dump(mode="json")


def check_storable(where: str, name: str, data: dict[str, Any]) -> None:
    """A JSON document the store may keep: bounded in size, every string plain text.

    The typed fields of an intake are checked as they are validated; a prescription carries
    free strings (fact names, notes, the client's name) that are checked here, keys included.
    The size is counted while walking, and the walk stops at the cap: a document that YAML
    aliases blew up to hundreds of megabytes is refused without ever being serialized.
    """
    size = 0
    stack: list[tuple[str, Any]] = [(name, data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            size += 2 + 2 * len(value)
            for k, v in value.items():
                key = str(k)
                size += _checked_size(where, f"{path}.{key}", key)
                stack.append((f"{path}.{key}", v))
        elif isinstance(value, list):
            size += 2 + len(value)
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
        elif isinstance(value, str):
            size += _checked_size(where, path, value)
        else:
            size += len(json.dumps(value))
        if size > MAX_DOCUMENT_BYTES:
            message = f"is over {MAX_DOCUMENT_BYTES:,} bytes as JSON: at most that is stored"
            raise InputError(where, [Problem(name, message)])


def _checked_size(where: str, path: str, text: str) -> int:
    bad = unsafe_character(text)
    if bad is not None:
        at, ch = bad
        message = f"character {at + 1} is {describe(ch)}: not allowed in text"
        raise InputError(where, [Problem(path, message)])
    return len(text.encode("utf-8", "surrogatepass")) + 2


def fingerprint(data: Any) -> str:
    """A content hash: the same document (keys in any order) gives the same hex digest."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
