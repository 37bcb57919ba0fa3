"""Forms and API bodies sent by hand: odd numbers, a form sent twice, a way off the site."""

from __future__ import annotations

import html
import re
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backexpert import clinic_services
from backexpert.store.accounts import WebStore

from .conftest import Browser, csrf_of


def _no_crash(r: Any) -> None:
    assert r.status_code < 500, r.text
    assert "Something went wrong" not in r.text


# "²".isdigit() is true and int("²") fails; int() takes at most 4,300 digits.
ODD = ["\u00b2", "9" * 5000, "-1", "", "1e3", "\u0661"]


@pytest.mark.parametrize("odd", ODD)
def test_numbers_a_form_carries_are_read_or_ignored_never_a_crash(ana: Browser, odd: str) -> None:
    cid = ana.new_client()
    _no_crash(ana.post(f"/clients/{cid}/edit", {"name": "Alex Example", "version": odd}))
    assert ana.db.client(cid).name == "Alex Example"
    for action in ("save", "assess", "add:conditions", f"remove:conditions:{odd}"):
        _no_crash(ana.post(f"/clients/{cid}/assess", {"_action": action, "_draft_version": odd}))
    _no_crash(ana.post(f"/clients/{cid}/assess", {"_action": "save", "_rows.conditions": odd}))
    ticks = {"_action": "assess", "_draft_version": "0", "questionnaires.roland_morris": odd}
    _no_crash(ana.post(f"/clients/{cid}/assess", ticks))
    _no_crash(ana.post(f"/clients/{cid}/assess", {"_action": "assess", "pain.nprs_now": odd}))
    _no_crash(ana.post(f"/clients/{cid}/sign", {"_draft_version": odd}))
    _no_crash(ana.post(f"/clients/{cid}/adjust", {"_draft_version": odd, "_action": f"undo:{odd}"}))


@pytest.mark.parametrize("length", ["\u00b2", "9" * 5000, "-1", "1 0"])
def test_a_content_length_that_is_no_number_is_refused_413(client: TestClient, length: str) -> None:
    headers = {b"content-type": b"application/json", b"content-length": length.encode()}
    r = client.post("/api/assess", content=b"{}", headers=headers)
    assert r.status_code == 413 and r.json()["code"] == "http-error"


def test_a_birth_date_is_a_date_not_a_number(client: TestClient, web_db: WebStore) -> None:
    """pydantic reads 0 as 1970-01-01: the API took it as a birth date."""
    key = {"authorization": "Bearer " + clinic_services.create_api_key(web_db, "North Clinic", "t")}
    for born in (0, 10_000_000_000, "1899-12-31"):
        r = client.post("/api/clients", json={"name": "Bo", "born": born}, headers=key)
        assert r.status_code == 422 and r.json()["errors"][0]["path"] == "born", r.text
    assert client.post("/api/clients", json={"name": "Bo"}, headers=key).status_code == 201
    assert len(web_db.clinic_clients(1)) == 1


def test_a_new_client_form_sent_twice_at_once_adds_one_client(ana: Browser) -> None:
    answers: list[Any] = []

    def add() -> None:
        answers.append(ana.post("/clients", {"name": "Twin Click", "born": "1990-01-01"}))

    threads = [threading.Thread(target=add) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert len({str(r.url) for r in answers}) == 1  # each copy shows the one client
    twins = [c for c in ana.db.clinic_clients(1) if c.name == "Twin Click"]
    assert len(twins) == 1
    other = ana.post("/clients", {"name": "Twin Click", "born": "1991-01-01"})
    assert other.status_code == 200 and str(other.url) != str(answers[0].url)  # another client


def test_the_api_may_add_two_clients_of_one_name(client: TestClient, web_db: WebStore) -> None:
    key = {"authorization": "Bearer " + clinic_services.create_api_key(web_db, "North Clinic", "t")}
    ids = {client.post("/api/clients", json={"name": "John Smith"}, headers=key).json()["id"]}
    ids.add(client.post("/api/clients", json={"name": "John Smith"}, headers=key).json()["id"])
    assert len(ids) == 2


@pytest.mark.parametrize(
    "target", ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example"]
)
def test_after_signing_in_a_visitor_stays_on_the_site(ana: Browser, target: str) -> None:
    r = ana.c.get("/login", params={"next": target}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/clients"
    assert (
        ana.c.get("/login", params={"next": "/clients/1"}, follow_redirects=False).headers[
            "location"
        ]
        == "/clients/1"
    )


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("effort", "\u00b2", "effort: choose a number from 0 to 10"),
        ("pain", "9" * 5000, "pain: choose a number from 0 to 10"),
        ("date", "0001-01-01", "date: give a date from 1900-01-01 on"),
        ("note", "sore\x1b[2J", "note: character 5 is U+001B"),
        ("note", "fine \u202eenif", "note: character 6 is U+202E"),
    ],
)
def test_a_clients_report_is_refused_not_half_kept(
    ana: Browser, field: str, value: str, says: str
) -> None:
    """An odd number was a 500; an old date or a control character in the note kept the report
    but dropped its session log (the client was told it was recorded)."""
    cid = ana.new_client()
    ana.signed_assessment(cid)
    token, _ = clinic_services.create_link(ana.db, cid, "test", days=30)
    page = ana.get(f"/c/{token}")
    exercise = re.findall(r'name="exercises" value="([^"]+)"', page.text)[0]
    form = [("csrf_token", csrf_of(page.text)), ("done", "yes"), ("exercises", exercise)]
    r = ana.post(f"/c/{token}/report", [*form, (field, value)], csrf=False)
    assert r.status_code == 422 and says in html.unescape(r.text), r.text[-2000:]
    assert ana.db.client_reports(cid) == [] and ana.db.sessions(cid) == []
    r = ana.post(f"/c/{token}/report", [*form, ("note", "a little stiff")], csrf=False)
    assert r.status_code == 200 and len(ana.db.sessions(cid)) == 1  # the report makes its log
