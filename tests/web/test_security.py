"""Security: CSRF, headers, tenancy, escaping, throttling, links, keys, sessions, errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from backexpert import clinic_services
from backexpert.store.accounts import WebStore
from backexpert.web.app import create_app
from backexpert.web.settings import Settings

from .conftest import Browser, intake_items, settings_for, sign_in

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "{{7*7}}",
]


def test_every_state_changing_form_needs_the_csrf_token(ana: Browser) -> None:
    cid = ana.new_client()
    for url in [
        "/clients",
        f"/clients/{cid}/edit",
        f"/clients/{cid}/assess",
        f"/clients/{cid}/sign",
        f"/clients/{cid}/links",
        f"/clients/{cid}/erase",
        f"/clients/{cid}/alerts/clear",
        f"/clients/{cid}/sessions/new",
        f"/clients/{cid}/assess/scores",
        "/logout",
    ]:
        r = ana.post(url, {"name": "x", "confirm": "Alex Example"}, csrf=False)
        assert r.status_code == 403, url
        r = ana.post(url, {"name": "x", "csrf_token": "forged"}, csrf=False)
        assert r.status_code == 403, url
    assert ana.db.client(cid).name == "Alex Example"


def test_login_itself_needs_the_token(client: TestClient) -> None:
    r = client.post(
        "/login", data={"email": "ana@example.org", "password": "correct horse battery"}
    )
    assert r.status_code == 403


def test_security_headers_on_pages_and_api(ana: Browser) -> None:
    for url in ["/clients", "/login", "/openapi.json", "/api/clients", "/nowhere"]:
        h = ana.get(url).headers
        assert "script-src 'self'" in h["content-security-policy"], url
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert (
            "unsafe-inline" not in h["content-security-policy"].split("script-src")[1].split(";")[0]
        )
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] in ("same-origin", "no-referrer")
        assert re.fullmatch(r"[0-9a-f]{12}", h["x-request-id"])


def test_session_cookie_flags_and_secure_behind_a_trusted_proxy(
    web_db: WebStore, tmp_path: object
) -> None:
    s = settings_for(str(web_db.url.database), trusted_proxies=frozenset({"testclient"}))
    with TestClient(create_app(s, web_db)) as c:
        r = c.get("/login")
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        r = c.get("/login", headers={"x-forwarded-proto": "https"})
        c.cookies.clear()
        r = c.get("/login", headers={"x-forwarded-proto": "https"})
        assert "secure" in r.headers["set-cookie"].lower()
        assert "strict-transport-security" in r.headers
    with TestClient(create_app(settings_for(str(web_db.url.database)), web_db)) as c:
        r = c.get("/login", headers={"x-forwarded-proto": "https"})
        assert "secure" not in r.headers["set-cookie"].lower()  # an untrusted peer's header


def test_a_clinician_sees_only_their_clinic(ana: Browser, sam: Browser) -> None:
    cid = ana.new_client("North Only")
    n = ana.signed_assessment(cid)
    assert "North Only" not in sam.get("/clients").text
    for url in [
        f"/clients/{cid}",
        f"/clients/{cid}/assess",
        f"/clients/{cid}/assessments/{n}",
        f"/clients/{cid}/assessments/{n}/clinician.pdf",
        f"/clients/{cid}/export",
        f"/clients/{cid}/sessions/new",
    ]:
        assert sam.get(url).status_code == 404, url
    for url in [
        f"/clients/{cid}/edit",
        f"/clients/{cid}/links",
        f"/clients/{cid}/erase",
        f"/clients/{cid}/sign",
        f"/clients/{cid}/assess",
    ]:
        assert sam.post(url, {"name": "x", "confirm": "North Only"}).status_code == 404, url
    assert ana.get(f"/clients/{cid}").status_code == 200
    assert sam.get("/clients/999999").status_code == 404


def test_typed_text_is_escaped_everywhere(ana: Browser) -> None:
    for payload in XSS:
        cid = ana.new_client(payload)
        items = intake_items(
            override={
                "client.name": payload,
                "client.notes": payload,
                "assessment.clinician": payload,
            }
        )
        ana.signed_assessment(cid, items)
        ana.post(
            f"/clients/{cid}/sessions/new",
            [
                ("date", "2026-11-02"),
                ("_rows.exercises", "1"),
                ("exercises[0].exercise", "deadlift"),
                ("_rows.exercises[0].sets", "1"),
                ("exercises[0].sets[0].reps", "5"),
                ("exercises[0].notes", payload),
                ("notes", payload),
                ("_action", "log"),
            ],
        )
        pages = [
            ana.get("/clients").text,
            ana.get(f"/clients/{cid}").text,
            ana.get(f"/clients/{cid}/assess").text,
            ana.get(f"/clients/{cid}/assessments/1").text,
            ana.get("/clients", params={"q": payload}).text,
            ana.get("/audit").text,
        ]
        for page in pages:
            assert "<script>alert" not in page and "<img src=x" not in page
            assert "<svg onload" not in page
        r = ana.post(f"/clients/{cid}/links", {})
        link = re.search(r'value="(http://testserver/c/[^"]+)"', r.text)
        assert link
        portal = ana.get(link[1]).text
        assert "<script>alert" not in portal and "<img src=x" not in portal


def test_login_is_throttled_and_an_account_locks(client: TestClient) -> None:
    for _ in range(5):
        r = sign_in(client, "ana@example.org", "wrong password")
        assert r.status_code == 401 and "e-mail or password is wrong" in r.text
    r = sign_in(client, "ana@example.org")  # the right password, but locked now
    assert r.status_code == 401 and "locked" in r.text
    r = sign_in(client, "nobody@example.org", "x")
    assert r.status_code == 401 and "e-mail or password is wrong" in r.text


def test_too_many_failures_from_one_address_are_refused(web_db: WebStore) -> None:
    s = settings_for(str(web_db.url.database), address_failures=3)
    with TestClient(create_app(s, web_db)) as c:
        for i in range(3):
            sign_in(c, f"nobody{i}@example.org", "x")
        r = sign_in(c, "sam@example.org")
        assert r.status_code == 429 and "Too many" in r.text


def test_a_session_expires_when_idle(web_db: WebStore) -> None:
    s = settings_for(str(web_db.url.database), session_idle_minutes=1)
    with TestClient(create_app(s, web_db)) as c:
        r = sign_in(c, "ana@example.org")
        assert str(r.url).endswith("/clients")
        with web_db._tx() as tx:
            from sqlalchemy import text

            tx.execute(text("UPDATE web_sessions SET expires_at = '2000-01-01 00:00:00'"))
        assert "/login" in str(c.get("/clients").url)


def test_the_session_id_changes_at_sign_in(client: TestClient) -> None:
    client.get("/login")
    before = client.cookies.get("backexpert_session")
    sign_in(client, "ana@example.org")
    assert client.cookies.get("backexpert_session") not in (None, before)


def test_client_links_expire_and_can_be_revoked(ana: Browser) -> None:
    cid = ana.new_client()
    ana.signed_assessment(cid)
    token, link_id = clinic_services.create_link(ana.db, cid, "test", days=30)
    assert ana.get(f"/c/{token}").status_code == 200
    ana.post(f"/clients/{cid}/links/{link_id}/revoke", {})
    assert ana.get(f"/c/{token}").status_code == 404
    old, old_id = clinic_services.create_link(ana.db, cid, "test", days=30)
    with ana.db._tx() as tx:
        from sqlalchemy import text

        tx.execute(
            text("UPDATE client_links SET expires_at = '2000-01-01 00:00:00' WHERE id = :i"),
            {"i": old_id},
        )
    assert ana.get(f"/c/{old}").status_code == 404
    assert ana.get("/c/" + "x" * 43).status_code == 404
    r = ana.post(f"/c/{old}/report", {"done": "yes"})
    assert r.status_code == 404


def test_a_link_of_another_clinic_cannot_be_revoked(ana: Browser, sam: Browser) -> None:
    cid = ana.new_client()
    _, link_id = clinic_services.create_link(ana.db, cid, "test", days=30)
    other = sam.new_client()
    assert sam.post(f"/clients/{other}/links/{link_id}/revoke", {}).status_code == 404


def test_api_keys_are_per_clinic_and_revocable(client: TestClient, web_db: WebStore) -> None:
    north = clinic_services.create_api_key(web_db, "North Clinic", "ehr")
    south = clinic_services.create_api_key(web_db, "South Clinic", "ehr")
    h = {"authorization": f"Bearer {north}"}
    cid = client.post("/api/clients", json={"name": "Via API"}, headers=h).json()["id"]
    assert client.get(f"/api/clients/{cid}", headers={"x-api-key": south}).status_code == 404
    assert (
        client.get(f"/api/clients/{cid}/sessions", headers={"x-api-key": south}).status_code == 404
    )
    assert web_db.revoke_api_key(north.split("_")[1])
    r = client.get("/api/clients", headers=h)
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "unauthorized"


def test_a_crash_shows_no_stack_trace_but_a_request_id(
    web_db: WebStore, app_settings: Settings
) -> None:
    app = create_app(app_settings, web_db)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/api/boom")
    def api_boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
        assert r.status_code == 500 and "secret internals" not in r.text
        assert r.headers["x-request-id"] in r.text and "Traceback" not in r.text
        r = c.get("/api/boom")
        assert r.status_code == 500 and r.json()["request_id"] == r.headers["x-request-id"]


@pytest.mark.parametrize(
    "note",
    [
        "I wet myself on the way home",
        "Numb between my legs since Tuesday",
        "new WEAKNESS in my left leg",
        "my bowels are not right",
    ],
)
def test_notes_that_need_the_safety_net_are_recognised(note: str) -> None:
    assert clinic_services.note_warnings(note)


@pytest.mark.parametrize("note", ["felt great", "legs tired after walking", "numb fingers", None])
def test_ordinary_notes_raise_no_alarm(note: str | None) -> None:
    assert clinic_services.note_warnings(note) == []


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKEXPERT_SECURE_COOKIES", "true")
    monkeypatch.setenv("BACKEXPERT_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2")
    monkeypatch.setenv("BACKEXPERT_SESSION_IDLE_MINUTES", "45")
    s = Settings.from_env()
    assert s.secure_cookies == "true" and s.trusted_proxies == {"10.0.0.1", "10.0.0.2"}
    assert s.session_idle_minutes == 45 and s.link_days == 90
    assert dt.timedelta(minutes=s.session_idle_minutes) < dt.timedelta(hours=s.session_hours)


def test_a_request_body_over_2_mib_is_refused_unread(client: TestClient) -> None:
    r = client.post(
        "/api/assess",
        content=b"x" * (2 * 1024 * 1024 + 1),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
