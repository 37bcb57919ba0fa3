"""Alembic environment: runs on the connection `database.migrate` hands over, in its transaction.

PostgreSQL: a transaction-scoped advisory lock makes processes that open a new database at the
same moment migrate one after the other. SQLite: the transaction began with BEGIN IMMEDIATE,
which does the same.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from backexpert.store import web_tables  # noqa: F401  (the web app's tables, same metadata)
from backexpert.store.tables import Base

MIGRATION_LOCK = 0x6261636B  # "back": the advisory-lock key of BackExpert's migrations

connection = context.config.attributes["connection"]
assert isinstance(connection, Connection)
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    context.run_migrations()
