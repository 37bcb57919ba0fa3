"""The web app's settings, from the environment (`BACKEXPERT_*`), with safe defaults.

| Variable | Default | Meaning |
|---|---|---|
| BACKEXPERT_DATABASE_URL | the user data directory's SQLite file | the store |
| BACKEXPERT_RULES | the shipped rule base | the rule directory |
| BACKEXPERT_SECURE_COOKIES | auto | `auto`: Secure over HTTPS; `true`, `false` |
| BACKEXPERT_TRUSTED_PROXIES | (none) | whose X-Forwarded-Proto/-For count |
| BACKEXPERT_SESSION_IDLE_MINUTES | 30 | a session ends after this long without a request |
| BACKEXPERT_SESSION_HOURS | 12 | and at the latest this long after signing in |
| BACKEXPERT_LINK_DAYS | 90 | how long a client link lives |
| BACKEXPERT_ITEM_TEXTS | (none) | a YAML file of licensed questionnaire item texts |
| BACKEXPERT_STATIC | `<venv>/share/backexpert` | where `make` installed htmx (npm) |
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ENV = "BACKEXPERT_"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(ENV + name, "").strip()
    # ASCII digits only ("²".isdigit() is true), and few enough for int() to take.
    return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) and int(raw) > 0 else default


def default_static() -> Path:
    """Where `make` installs the front-end packages: the virtual environment's share/."""
    return Path(sys.prefix) / "share" / "backexpert"


@dataclass(frozen=True)
class Settings:
    database: str | None = None
    rules_dir: str | None = None
    secure_cookies: Literal["auto", "true", "false"] = "auto"
    trusted_proxies: frozenset[str] = field(default_factory=frozenset)
    session_idle_minutes: int = 30
    session_hours: int = 12
    anonymous_minutes: int = 60
    link_days: int = 90
    item_texts: str | None = None
    static_dir: Path = field(default_factory=default_static)
    # Login throttling: per account, then per address, over a sliding window.
    lockout_failures: int = 5
    lockout_minutes: int = 15
    address_failures: int = 30
    # Argon2id cost (argon2-cffi's defaults: RFC 9106's second recommended option, 64 MiB).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4

    @classmethod
    def from_env(cls) -> Settings:
        secure = os.environ.get(ENV + "SECURE_COOKIES", "auto").strip().lower()
        proxies = os.environ.get(ENV + "TRUSTED_PROXIES", "")
        static = os.environ.get(ENV + "STATIC")
        return cls(
            database=os.environ.get(ENV + "DATABASE_URL") or None,
            rules_dir=os.environ.get(ENV + "RULES") or None,
            secure_cookies=secure if secure in ("true", "false") else "auto",  # type: ignore[arg-type]
            trusted_proxies=frozenset(p.strip() for p in proxies.split(",") if p.strip()),
            session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30),
            session_hours=_int("SESSION_HOURS", 12),
            link_days=_int("LINK_DAYS", 90),
            item_texts=os.environ.get(ENV + "ITEM_TEXTS") or None,
            static_dir=Path(static) if static else default_static(),
        )
