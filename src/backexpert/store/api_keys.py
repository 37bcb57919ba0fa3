"""API keys: a clinic's keys for the JSON API, stored as a public prefix and a hash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from .records import now
from .rows import aware, from_db, to_db
from .store import Store
from .web_tables import ApiKeyRow


@dataclass(frozen=True)
class ApiKey:
    id: int
    clinic_id: int
    name: str
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def _key(r: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=r.id,
        clinic_id=r.clinic_id,
        name=r.name,
        prefix=r.prefix,
        created_at=from_db(r.created_at),
        revoked_at=aware(r.revoked_at),
    )


class ApiKeyStore(Store):
    """The store's API keys (a part of `WebStore`)."""

    def add_api_key(self, clinic_id: int, name: str, prefix: str, key_hash: str) -> int:
        with self._tx() as s:
            row = ApiKeyRow(
                clinic_id=clinic_id,
                name=name,
                prefix=prefix,
                key_hash=key_hash,
                created_at=to_db(now()),
            )
            s.add(row)
            s.flush()
            return row.id

    def api_key_by_hash(self, key_hash: str) -> ApiKey | None:
        with self._tx(read=True) as s:
            row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
            return None if row is None else _key(row)

    def api_keys(self, clinic_id: int | None = None) -> list[ApiKey]:
        with self._tx(read=True) as s:
            q = select(ApiKeyRow).order_by(ApiKeyRow.id)
            if clinic_id is not None:
                q = q.where(ApiKeyRow.clinic_id == clinic_id)
            return [_key(r) for r in s.scalars(q)]

    def revoke_api_key(self, prefix: str) -> bool:
        """Revoke the key with this public prefix; whether there was one still active."""
        with self._tx() as s:
            done = s.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=to_db(now()))
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]
