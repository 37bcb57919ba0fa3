"""The clinician's adjustments: an assessment keeps the generated program and the edits.

`prescription` stays the result (what was signed); `generated` is the program as the rules made
it and `adjustments` the clinician's edits document, both NULL for an assessment saved without
edits (and for every row stored before this revision).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("generated", sa.JSON))
    op.add_column("assessments", sa.Column("adjustments", sa.JSON))


def downgrade() -> None:
    # Plain ALTER TABLE: SQLite (3.35+) drops a column in place, keeping the assessments' triggers.
    op.execute("ALTER TABLE assessments DROP COLUMN adjustments")
    op.execute("ALTER TABLE assessments DROP COLUMN generated")
