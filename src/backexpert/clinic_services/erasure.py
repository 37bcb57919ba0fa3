"""Erasing a client on request."""

from __future__ import annotations

from ..store.accounts import WebStore


def erase_client(db: WebStore, client_id: int, clinic_id: int, actor: str) -> None:
    """Erase a client on request: everything about them goes; the audit log says it happened."""
    db.erase_client(client_id)
    db.audit(
        clinic_id,
        actor,
        "erased",
        f"client {client_id}",
        client_id,
        "the client's record was erased on request",
    )
