"""Impact runs: batches of clients several machines can claim, and results by rulebook pair.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "impact_runs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("pair", sa.String(64), nullable=False),
        sa.Column("before_rulebook", sa.String(200), nullable=False),
        sa.Column("after_rulebook", sa.String(200), nullable=False),
        sa.Column("backexpert", sa.String(32), nullable=False),
        sa.Column("snapshot", sa.Integer, nullable=False),
        sa.Column("clients", sa.Integer, nullable=False),
        sa.Column("batches", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_impact_runs"),
    )
    op.create_table(
        "impact_batches",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("first_client", sa.Integer, nullable=False),
        sa.Column("last_client", sa.Integer, nullable=False),
        sa.Column("clients", sa.Integer, nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("claimed_at", sa.DateTime),
        sa.Column("done_at", sa.DateTime),
        sa.PrimaryKeyConstraint("run_id", "batch", name="pk_impact_batches"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["impact_runs.id"], name="fk_impact_batches_run_id_impact_runs"
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'claimed', 'done')", name="ck_impact_batches_state"
        ),
    )
    op.create_index("ix_impact_batches_run_state", "impact_batches", ["run_id", "state"])
    op.create_table(
        "impact_results",
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.Column("assessment_uid", sa.String(36), nullable=False),
        sa.Column("pair", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("result", sa.JSON),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("client_id", "assessment_uid", "pair", name="pk_impact_results"),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_impact_results_client_id_clients"
        ),
        sa.CheckConstraint(
            "outcome IN ('unchanged', 'changed', 'failed')", name="ck_impact_results_outcome"
        ),
    )


def downgrade() -> None:
    op.drop_index("ix_impact_batches_run_state", table_name="impact_batches")
    for table in ("impact_results", "impact_batches", "impact_runs"):
        op.drop_table(table)
