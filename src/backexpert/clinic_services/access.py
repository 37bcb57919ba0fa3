"""Access without a password: a client's private link and a clinic's API key, kept as hashes."""

from __future__ import annotations

import datetime as dt

from ..errors import InputError, Problem
from ..store.accounts import WebStore
from ..store.portal import ClientLink


def create_link(db: WebStore, client_id: int, created_by: str, days: int) -> tuple[str, int]:
    """A new private link for a client: the token (shown once) and the link's id."""
    from ..web.security import new_token, token_hash

    token = new_token()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    link_id = db.add_link(client_id, token_hash(token), created_by, expires)
    return token, link_id


def open_link(db: WebStore, token: str) -> ClientLink | None:
    """The link a token opens, when it is neither revoked nor expired."""
    from ..web.security import token_hash

    if not 20 <= len(token) <= 100:
        return None
    link = db.link_by_hash(token_hash(token))
    if link is None or not link.usable(dt.datetime.now(dt.UTC)):
        return None
    return link


def create_api_key(db: WebStore, clinic: str, name: str) -> str:
    """A new API key for a clinic (shown once; only its hash is stored)."""
    from ..web.security import new_api_key, token_hash

    clinic_id = db.clinic_id(clinic)
    if clinic_id is None:
        raise InputError("keys add", [Problem("clinic", f"no clinic named {clinic!r}")])
    key, prefix = new_api_key()
    db.add_api_key(clinic_id, name, prefix, token_hash(key))
    db.audit(clinic_id, "command line", "created", f"api key {prefix}", detail=name)
    return key


def api_clinic(db: WebStore, key: str) -> int | None:
    """The clinic an API key acts for, when the key is known and not revoked."""
    from ..web.security import token_hash

    if not 20 <= len(key) <= 200:
        return None
    found = db.api_key_by_hash(token_hash(key))
    return None if found is None or found.revoked_at is not None else found.clinic_id
