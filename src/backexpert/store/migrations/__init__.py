"""Alembic migrations of the store, run by `store.migrate` (upgrade to head) on every open."""
