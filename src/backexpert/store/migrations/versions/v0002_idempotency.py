"""Idempotent writes: a session's idempotency key and an assessment's fingerprint.

A `log` retried after a crash between the commit and its reply finds the session it stored by
the key (a content hash of the session as typed, or the caller's `--idempotency-key`); saving the
same assessment again (the same intake and prescription) finds the one saved. Both are unique per
client; rows stored before this revision have neither (NULL, never equal to another).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("idempotency_key", sa.String(64)))
    op.create_index(
        "uq_sessions_idempotency_key", "sessions", ["client_id", "idempotency_key"], unique=True
    )
    op.add_column("assessments", sa.Column("fingerprint", sa.String(64)))
    op.create_index(
        "uq_assessments_fingerprint", "assessments", ["client_id", "fingerprint"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_assessments_fingerprint", "assessments")
    op.drop_index("uq_sessions_idempotency_key", "sessions")
    # Plain ALTER TABLE: SQLite (3.35+) drops a column in place, keeping the assessments' triggers.
    op.execute("ALTER TABLE assessments DROP COLUMN fingerprint")
    op.execute("ALTER TABLE sessions DROP COLUMN idempotency_key")
