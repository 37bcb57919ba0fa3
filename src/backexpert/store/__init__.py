"""The store: clients, assessments and session logs in SQLite or PostgreSQL."""

from __future__ import annotations

from .records import AssessmentRecord, ClientData, ClientInfo, ClientRecord, SessionRecord
from .store import Store

__all__ = [
    "AssessmentRecord",
    "ClientData",
    "ClientInfo",
    "ClientRecord",
    "SessionRecord",
    "Store",
]
