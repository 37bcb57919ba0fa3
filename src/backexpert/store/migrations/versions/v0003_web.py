"""The web app: clinics, users, sessions, drafts, client links, API keys, client reports, audit.

Also replaces the assessment trigger of 0001: an assessment is still never updated, and is
deleted only by the explicit erase of its client, which writes a row to `erase_permits` for that
client and removes it again in the same transaction (`store.accounts.WebStore.erase_client`).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

IMMUTABLE = "assessments are never changed: add a new assessment instead"


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clinics"),
        sa.UniqueConstraint("name", name="uq_clinics_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("clinic_id", sa.Integer, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("locked_until", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], name="fk_users_clinic_id_clinics"),
    )
    op.create_index("ix_users_clinic_id", "users", ["clinic_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    for col in ("at", "address", "email"):
        op.create_index(f"ix_login_failures_{col}", "login_failures", [col])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_web_sessions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])
    op.create_table(
        "clinic_clients",
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.Column("clinic_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("client_id", name="pk_clinic_clients"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name="fk_clinic_clients_client_id_clients",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name="fk_clinic_clients_clinic_id_clinics"
        ),
    )
    op.create_index("ix_clinic_clients_clinic_id", "clinic_clients", ["clinic_id"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_drafts"),
        sa.UniqueConstraint("user_id", "client_id", name="uq_drafts_user_client"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_drafts_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_drafts_client_id_clients", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_drafts_client_id", "drafts", ["client_id"])
    op.create_table(
        "client_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_client_links"),
        sa.UniqueConstraint("token_hash", name="uq_client_links_token_hash"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name="fk_client_links_client_id_clients",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_client_links_client_id", "client_links", ["client_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("clinic_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name="fk_api_keys_clinic_id_clinics"
        ),
    )
    op.create_index("ix_api_keys_clinic_id", "api_keys", ["clinic_id"])
    op.create_table(
        "client_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.Column("link_id", sa.Integer),
        sa.Column("session_id", sa.Integer),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("exercises", sa.JSON, nullable=False),
        sa.Column("effort", sa.Integer),
        sa.Column("pain", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("alert", sa.Text),
        sa.Column("alert_cleared_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_client_reports"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name="fk_client_reports_client_id_clients",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["client_links.id"],
            name="fk_client_reports_link_id_client_links",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_client_reports_session_id_sessions",
            ondelete="SET NULL",
        ),
        sa.CheckConstraint("effort BETWEEN 0 AND 10", name="ck_client_reports_effort"),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name="ck_client_reports_pain"),
    )
    op.create_index("ix_client_reports_client_id", "client_reports", ["client_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("clinic_id", sa.Integer),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("client_id", sa.Integer),
        sa.Column("detail", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    for col in ("at", "clinic_id", "client_id"):
        op.create_index(f"ix_audit_log_{col}", "audit_log", [col])
    op.create_table(
        "erase_permits",
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("client_id", name="pk_erase_permits"),
    )
    _delete_only_by_erase()


def _delete_only_by_erase() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION backexpert_assessment_immutable() RETURNS trigger AS $$ "
            "BEGIN "
            "IF TG_OP = 'DELETE' AND EXISTS "
            "(SELECT 1 FROM erase_permits WHERE client_id = OLD.client_id) THEN RETURN OLD; "
            "END IF; "
            "RAISE EXCEPTION 'assessments are never changed: add a new assessment instead'; "
            "END; $$ LANGUAGE plpgsql"
        )
    else:
        op.execute("DROP TRIGGER assessments_no_delete")
        op.execute(
            "CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments "
            "WHEN NOT EXISTS (SELECT 1 FROM erase_permits WHERE client_id = OLD.client_id) "
            "BEGIN SELECT RAISE(ABORT, 'assessments are never changed: add a new assessment "
            "instead; an assessment is deleted only by erasing its client'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION backexpert_assessment_immutable() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{IMMUTABLE}'; END; $$ LANGUAGE plpgsql"
        )
    else:
        op.execute("DROP TRIGGER assessments_no_delete")
        op.execute(
            "CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments "
            f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END"
        )
    for table in (
        "erase_permits",
        "audit_log",
        "client_reports",
        "api_keys",
        "client_links",
        "drafts",
        "clinic_clients",
        "web_sessions",
        "login_failures",
        "users",
        "clinics",
    ):
        op.drop_table(table)
