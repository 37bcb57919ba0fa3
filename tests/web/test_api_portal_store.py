"""The JSON API, the client's link, the web store on SQLite and PostgreSQL, and the commands."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from backexpert import clinic_services, services
from backexpert.cli import cli
from backexpert.errors import StoreError
from backexpert.store.accounts import WebStore
from backexpert.store.clinic_clients import StaleError

from .conftest import EXAMPLES, Browser, csrf_of, rules_dir

INTAKE = services.load_intake(str(EXAMPLES / "desk-worker.yaml")).model_dump(mode="json")


@pytest.fixture
def key(web_db: WebStore) -> dict[str, str]:
    return {
        "authorization": "Bearer " + clinic_services.create_api_key(web_db, "North Clinic", "t")
    }


def test_api_assess_creates_and_reads(client: TestClient, key: dict[str, str]) -> None:
    r = client.post("/api/assess", json=INTAKE, headers=key)
    assert r.status_code == 200 and r.json()["status"] == "program"
    cid = client.post("/api/clients", json={"name": "Api Client"}, headers=key).json()["id"]
    r = client.post(f"/api/clients/{cid}/assessments", json=INTAKE, headers=key)
    assert r.status_code == 201 and r.json()["number"] == 1
    assert client.get(f"/api/clients/{cid}/assessments/1", headers=key).json()["number"] == 1
    assert len(client.get(f"/api/clients/{cid}/assessments", headers=key).json()) == 1
    assert client.get(f"/api/clients/{cid}/assessments/2", headers=key).status_code == 404
    log = {"date": "2026-11-02", "exercises": [{"exercise": "deadlift", "sets": ["5x60kg@7"]}]}
    assert client.post(f"/api/clients/{cid}/sessions", json=log, headers=key).status_code == 201
    assert client.get(f"/api/clients/{cid}/sessions", headers=key).json()[0]["exercises"]
    assert client.get("/api/clients", params={"q": "api"}, headers=key).json()[0]["id"] == cid
    assert client.get(f"/api/clients/{cid}", headers=key).json()["assessments"] == 1


def test_api_errors_are_problem_documents_with_field_paths(
    client: TestClient, key: dict[str, str]
) -> None:
    bad = {**INTAKE, "conditions": [{"code": "rotator_cuff_repair"}], "pain": {"nprs_now": 11}}
    r = client.post("/api/assess", json=bad, headers=key)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    doc = r.json()
    assert {"type", "title", "status", "detail", "code", "errors"} <= set(doc)
    assert doc["code"] == "invalid-intake"
    paths = {e["path"]: e["message"] for e in doc["errors"]}
    assert paths["pain.nprs_now"] == "must be <= 10 (got 11)"
    assert "conditions[0]" in paths
    log = {"date": "2026-11-02", "exercises": [{"exercise": "deadlif", "sets": ["5x60kg"]}]}
    cid = client.post("/api/clients", json={"name": "X"}, headers=key).json()["id"]
    r = client.post(f"/api/clients/{cid}/sessions", json=log, headers=key)
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == "exercises[0].exercise"
    assert client.get("/api/nothing", headers=key).json()["status"] == 404


def test_the_openapi_document_lists_only_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/assess" in paths and all(p.startswith("/api/") for p in paths)


def test_the_client_reports_a_session_on_their_phone(ana: Browser) -> None:
    cid = ana.new_client()
    ana.signed_assessment(cid)
    token, _ = clinic_services.create_link(ana.db, cid, "test", days=30)
    page = ana.get(f"/c/{token}")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<svg" in page.text and "Report this session" in page.text
    exercises = re.findall(r'name="exercises" value="([^"]+)"', page.text)[:2]
    form = [
        ("csrf_token", csrf_of(page.text)),
        ("done", "yes"),
        ("effort", "6"),
        ("pain", "1"),
        *(("exercises", e) for e in exercises),
    ]
    r = ana.post(f"/c/{token}/report", form, csrf=False)
    assert "your session is recorded" in r.text and "What to do now" not in r.text
    log = ana.get(f"/clients/{cid}").text
    assert "client-reported" in log and "⚠ alert" not in ana.get("/clients").text
    # pain up by 2 or more: the safety net at once, and an alert on the clinician's list
    r = ana.post(f"/c/{token}/report", [*form[:3], ("pain", "4"), ("note", "stiff")], csrf=False)
    assert (
        "What to do now" in r.text and "A&amp;E" in r.text and "2 or more points higher" in r.text
    )
    assert "⚠ alert" in ana.get("/clients").text
    ana.post(f"/clients/{cid}/alerts/clear", {})
    assert "⚠ alert" not in ana.get("/clients").text
    r = ana.post(
        f"/c/{token}/report",
        [form[0], ("done", "no"), ("note", "I can't feel my groin")],
        csrf=False,
    )
    assert "numbness between the legs" in r.text
    entries = ana.db.audit_entries(ana.db.clinic_id("North Clinic") or 0, cid)
    assert any(e.detail == "alert raised" for e in entries)
    assert not [
        e for e in entries if "numb" in f"{e.target} {e.detail}" or "groin" in f"{e.detail}"
    ]
    assert ana.post(f"/c/{token}/report", [("done", "yes")], csrf=False).status_code == 403
    r = ana.post(f"/c/{token}/report", [form[0], ("done", "maybe"), ("pain", "12")], csrf=False)
    assert r.status_code == 422 and "choose a number from 0 to 10" in r.text
    weeks = clinic_services.adherence(ana.db, cid)
    assert weeks[-1].client_reported >= 1 and weeks[-1].planned >= 1
    report = services.progress_for_client(ana.db, cid, rules_dir())
    assert report.sessions  # client reports feed the progression rules


def test_the_web_store_on_both_databases(database_url: str) -> None:
    with WebStore.open(database_url) as db:
        db.add_user("North", "a@example.org", "A", "hash")
        clinic = db.clinic_id("North")
        assert clinic is not None
        cid = db.add_clinic_client(clinic, "Client 100% _x_")
        assert [c.id for c in db.clinic_clients(clinic, "100%")] == [cid]
        assert db.clinic_clients(clinic, "zz%") == []
        intake = services.load_intake(str(EXAMPLES / "desk-worker.yaml"))
        services.assess_and_save(intake, rules_dir=rules_dir(), db=db, client_id=cid)
        user = db.user_by_email("a@example.org")
        assert user is not None
        assert db.save_draft(user.id, cid, {"a": "1"}, 0) == 1
        with pytest.raises(StaleError):
            db.save_draft(user.id, cid, {"a": "2"}, 0)
        with pytest.raises((StoreError, SQLAlchemyError)), db._tx() as s:
            s.execute(text("DELETE FROM assessments"))  # only the erase path may delete
        with pytest.raises((StoreError, SQLAlchemyError)), db._tx() as s:
            s.execute(text("UPDATE assessments SET rulebook = 'x'"))
        link, link_id = clinic_services.create_link(db, cid, "test", 30)
        opened = clinic_services.open_link(db, link)
        assert opened is not None and opened.id == link_id
        latest = db.latest_assessment(cid)
        assert latest is not None
        form = clinic_services.ReportForm(
            date=dt.date(2026, 11, 2),
            done=True,
            exercises=["deadlift", "band_pull_apart"],
            effort=6,
            pain=2,
            note=None,
        )
        clinic_services.report_session(db, opened, form, latest.prescription)
        assert len(db.sessions(cid)) == 1 and len(db.client_reports(cid)) == 1
        db.erase_client(cid)
        assert clinic_services.open_link(db, link) is None
        assert db.clinic_clients(clinic) == [] and db.clinic_of(cid) is None
        with db._tx(read=True) as s:
            assert s.execute(text("SELECT count(*) FROM assessments")).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM erase_permits")).scalar() == 0


def test_the_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    run = CliRunner()
    r = run.invoke(
        cli,
        [
            "users",
            "add",
            "--clinic",
            "North Clinic",
            "--email",
            "Ana@Example.org",
            "--database",
            db,
        ],
        input="correct horse battery\ncorrect horse battery\n",
    )
    assert r.exit_code == 0, r.output
    r = run.invoke(
        cli,
        ["users", "add", "--clinic", "N", "--email", "b@example.org", "--database", db],
        input="short\n",
    )
    assert r.exit_code == 2 and "at least 12 characters" in r.output
    r = run.invoke(
        cli, ["keys", "add", "--clinic", "North Clinic", "--name", "ehr", "--database", db]
    )
    assert r.exit_code == 0 and r.output.startswith("bxk_")
    key = r.output.strip()
    assert run.invoke(cli, ["keys", "revoke", key, "--database", db]).exit_code == 0
    assert run.invoke(cli, ["keys", "revoke", key, "--database", db]).exit_code == 2
    r = run.invoke(cli, ["clients", "add", "--name", "Cli Client", "--database", db])
    cid = r.output.strip()
    r = run.invoke(cli, ["links", "create", cid, "--database", db])
    assert r.exit_code == 2 and "--clinic" in r.output
    r = run.invoke(cli, ["links", "create", cid, "--clinic", "North Clinic", "--database", db])
    assert r.exit_code == 0 and "/c/" in r.output
    link_id = r.output.split(":")[0].split()[1]
    assert run.invoke(cli, ["links", "revoke", link_id, "--database", db]).exit_code == 0
    assert run.invoke(cli, ["links", "revoke", "999", "--database", db]).exit_code == 2


def test_serve_runs_uvicorn_with_the_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    db = str(tmp_path / "serve.sqlite3")
    r = CliRunner().invoke(cli, ["serve", "--workers", "4", "--port", "8123", "--database", db])
    assert r.exit_code == 0, r.output
    assert seen["app"] == "backexpert.web:create_app" and seen["factory"] is True
    assert seen["workers"] == 4 and seen["port"] == 8123
