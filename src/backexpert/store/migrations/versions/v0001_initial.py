"""Clients, assessments (never changed), session logs with exercises and sets.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

KG = sa.Numeric(7, 2, asdecimal=False)
IMMUTABLE = "assessments are never changed: add a new assessment instead"


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("born", sa.Date),
        sa.Column("load_increment_kg", KG),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clients"),
        sa.UniqueConstraint("uid", name="uq_clients_uid"),
        sa.CheckConstraint("load_increment_kg > 0", name="ck_clients_increment"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("rulebook", sa.String(64), nullable=False),
        sa.Column("backexpert", sa.String(32), nullable=False),
        sa.Column("intake", sa.JSON, nullable=False),
        sa.Column("prescription", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.UniqueConstraint("uid", name="uq_assessments_uid"),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_assessments_client_id_clients"
        ),
    )
    op.create_index("ix_assessments_client_id", "assessments", ["client_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("time", sa.Time),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("uid", name="uq_sessions_uid"),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_sessions_client_id_clients"
        ),
    )
    op.create_index("ix_sessions_client_id", "sessions", ["client_id"])
    op.create_table(
        "session_exercises",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("exercise", sa.String(64), nullable=False),
        sa.Column("form", sa.Integer),
        sa.Column("pain_before", sa.Integer),
        sa.Column("pain_after", sa.Integer),
        sa.Column("target_reps", sa.String(16)),
        sa.Column("load_increment_kg", KG),
        sa.Column("notes", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_session_exercises"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_session_exercises_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("session_id", "position", name="uq_session_exercises_position"),
        sa.CheckConstraint("form BETWEEN 1 AND 5", name="ck_session_exercises_form"),
        sa.CheckConstraint("pain_before BETWEEN 0 AND 10", name="ck_session_exercises_pain_before"),
        sa.CheckConstraint("pain_after BETWEEN 0 AND 10", name="ck_session_exercises_pain_after"),
        sa.CheckConstraint("load_increment_kg > 0", name="ck_session_exercises_increment"),
    )
    op.create_index("ix_session_exercises_session_id", "session_exercises", ["session_id"])
    op.create_table(
        "sets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("load_kg", KG),
        sa.Column("rpe", sa.Integer),
        sa.Column("rir", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_sets"),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["session_exercises.id"],
            name="fk_sets_entry_id_session_exercises",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("entry_id", "position", name="uq_sets_position"),
        sa.CheckConstraint("reps >= 0", name="ck_sets_reps"),
        sa.CheckConstraint("load_kg >= 0", name="ck_sets_load"),
        sa.CheckConstraint("rpe BETWEEN 1 AND 10", name="ck_sets_rpe"),
        sa.CheckConstraint("rir BETWEEN 0 AND 10", name="ck_sets_rir"),
        sa.CheckConstraint("rpe IS NULL OR rir IS NULL", name="ck_sets_one_effort_scale"),
    )
    op.create_index("ix_sets_entry_id", "sets", ["entry_id"])
    _forbid_assessment_changes()


def _forbid_assessment_changes() -> None:
    """A database guarantee, not only a code habit: assessments are added, never changed."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION backexpert_assessment_immutable() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{IMMUTABLE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER assessments_immutable BEFORE UPDATE OR DELETE ON assessments "
            "FOR EACH ROW EXECUTE FUNCTION backexpert_assessment_immutable()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER assessments_no_{verb.lower()} BEFORE {verb} ON assessments "
                f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER assessments_immutable ON assessments")
        op.execute("DROP FUNCTION backexpert_assessment_immutable()")
    for table in ("sets", "session_exercises", "sessions", "assessments", "clients"):
        op.drop_table(table)
