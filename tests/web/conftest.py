"""Web app fixtures: an app on a private database, signed-in clinicians of two clinics."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from backexpert import services, shipped
from backexpert.clinical.intake import Intake
from backexpert.errors import RuleSetError
from backexpert.store.accounts import WebStore
from backexpert.web import form_fields, form_text
from backexpert.web.app import create_app
from backexpert.web.security import Passwords
from backexpert.web.settings import Settings

PASSWORD = "correct horse battery"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@lru_cache(maxsize=1)
def rules_dir() -> str | None:
    """The shipped rule base, or a copy without files the compiler cannot read (poses.yaml)."""
    from backexpert.assessment import rule_base

    try:
        rule_base(None)
        return None
    except RuleSetError:
        import tempfile

        copy = Path(tempfile.mkdtemp(prefix="backexpert-rules-")) / "rules"
        shutil.copytree(shipped.rules_directory(), copy)
        (copy / "poses.yaml").unlink(missing_ok=True)
        return str(copy)


def settings_for(database: str, **changes: Any) -> Settings:
    base = {
        "database": database,
        "rules_dir": rules_dir(),
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "argon2_parallelism": 1,
    }
    return Settings(**{**base, **changes})


def intake_items(
    path: Path = EXAMPLES / "desk-worker.yaml", override: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """An example intake as the form's (name, value) pairs."""
    data = services.load_intake(str(path)).model_dump(mode="json", exclude_none=True)
    rows = form_text.row_counts(form_fields.build(Intake), data)
    flat = form_text.flatten(form_fields.build(Intake, "", {}, rows), data)
    flat.update(override or {})
    return [(k, x) for k, v in flat.items() for x in (v if isinstance(v, list) else [v])]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token in the page"
    return found[1]


@dataclass
class Browser:
    """A TestClient signed in as one clinician, with its CSRF token."""

    c: TestClient
    csrf: str
    db: WebStore

    def post(
        self,
        url: str,
        items: list[tuple[str, str]] | dict[str, str] | None = None,
        csrf: bool = True,
        **kw: Any,
    ) -> Any:
        pairs = list(items.items()) if isinstance(items, dict) else list(items or [])
        if csrf:
            pairs.append(("csrf_token", self.csrf))
        return self.c.post(
            url,
            content=urlencode(pairs),
            headers={"content-type": "application/x-www-form-urlencoded"},
            **kw,
        )

    def get(self, url: str, **kw: Any) -> Any:
        return self.c.get(url, **kw)

    def new_client(self, name: str = "Alex Example") -> int:
        r = self.post("/clients", {"name": name, "born": "1980-05-02"})
        assert r.status_code == 200, r.text
        return int(str(r.url).rsplit("/", 1)[1])

    def signed_assessment(self, client_id: int, items: list[tuple[str, str]] | None = None) -> int:
        form = self.get(f"/clients/{client_id}/assess").text
        current = re.search(r'name="_draft_version" value="(\d+)"', form)
        assert current
        r = self.post(
            f"/clients/{client_id}/assess",
            [*(items or intake_items()), ("_action", "assess"), ("_draft_version", current[1])],
        )
        assert r.status_code == 200, r.text
        version = re.search(r'name="_draft_version" value="(\d+)"', r.text)
        assert version
        r = self.post(f"/clients/{client_id}/sign", {"_draft_version": version[1]})
        assert r.status_code == 200 and "/assessments/" in str(r.url), r.text
        return int(str(r.url).rsplit("/", 1)[1])


def sign_in(c: TestClient, email: str, password: str = PASSWORD) -> Any:
    r = c.get("/login")
    return c.post(
        "/login", data={"csrf_token": csrf_of(r.text), "email": email, "password": password}
    )


@pytest.fixture
def web_db(tmp_path: Path) -> Iterator[WebStore]:
    db = WebStore.open(str(tmp_path / "web.sqlite3"))
    hashed = Passwords(settings_for("")).hash(PASSWORD)
    db.add_user("North Clinic", "ana@example.org", "Ana North", hashed)
    db.add_user("South Clinic", "sam@example.org", "Sam South", hashed)
    yield db
    db.close()


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return settings_for(str(tmp_path / "web.sqlite3"))


@pytest.fixture
def client(web_db: WebStore, app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, web_db), raise_server_exceptions=False) as c:
        yield c


def _browser(c: TestClient, db: WebStore, email: str) -> Browser:
    r = sign_in(c, email)
    assert r.status_code == 200 and str(r.url).endswith("/clients"), r.text
    return Browser(c, csrf_of(r.text), db)


@pytest.fixture
def ana(client: TestClient, web_db: WebStore) -> Browser:
    return _browser(client, web_db, "ana@example.org")


@pytest.fixture
def sam(web_db: WebStore, app_settings: Settings) -> Iterator[Browser]:
    with TestClient(create_app(app_settings, web_db), raise_server_exceptions=False) as c:
        yield _browser(c, web_db, "sam@example.org")
