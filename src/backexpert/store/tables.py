"""The database tables: clients, assessments, session logs with their exercises and sets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


_KG = Numeric(7, 2, asdecimal=False)


class ClientRow(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    born: Mapped[dt.date | None] = mapped_column(Date)
    load_increment_kg: Mapped[float | None] = mapped_column(_KG)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    rulebook: Mapped[str] = mapped_column(String(64))
    backexpert: Mapped[str] = mapped_column(String(32))
    intake: Mapped[dict[str, Any]] = mapped_column(JSON)
    prescription: Mapped[dict[str, Any]] = mapped_column(JSON)
    # With a clinician's edits: the program as the rules made it, and the edits (migration 0005).
    generated: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    adjustments: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The content hash of (intake, prescription): saving the same assessment twice stores it once.
    fingerprint: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("uq_assessments_fingerprint", "client_id", "fingerprint", unique=True),)


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    time: Mapped[dt.time | None] = mapped_column(Time)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # What makes a retried `log` find the session it stored (a content hash, or the caller's key).
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    entries: Mapped[list[EntryRow]] = relationship(
        order_by="EntryRow.position", cascade="all, delete-orphan", lazy="raise"
    )

    __table_args__ = (
        Index("uq_sessions_idempotency_key", "client_id", "idempotency_key", unique=True),
    )


class EntryRow(Base):
    __tablename__ = "session_exercises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    exercise: Mapped[str] = mapped_column(String(64))
    form: Mapped[int | None] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    target_reps: Mapped[str | None] = mapped_column(String(16))
    load_increment_kg: Mapped[float | None] = mapped_column(_KG)
    notes: Mapped[str | None] = mapped_column(Text)
    sets: Mapped[list[SetRow]] = relationship(
        order_by="SetRow.position", cascade="all, delete-orphan", lazy="raise"
    )


class SetRow(Base):
    __tablename__ = "sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("session_exercises.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer)
    load_kg: Mapped[float | None] = mapped_column(_KG)
    rpe: Mapped[int | None] = mapped_column(Integer)
    rir: Mapped[int | None] = mapped_column(Integer)
