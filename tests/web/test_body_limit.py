"""The 2 MiB request limit holds on the bytes received, whatever the headers say (chunked too)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backexpert import clinic_services, services
from backexpert.store.accounts import WebStore
from backexpert.web.app import create_app
from backexpert.web.security import MAX_BODY
from backexpert.web.settings import Settings

from .conftest import EXAMPLES, Browser

INTAKE = services.load_intake(str(EXAMPLES / "desk-worker.yaml")).model_dump(mode="json")
CHUNK = 64 * 1024


@pytest.fixture
def key(web_db: WebStore) -> dict[str, str]:
    return {
        "authorization": "Bearer " + clinic_services.create_api_key(web_db, "North Clinic", "t")
    }


def _chunks(data: bytes) -> Iterator[bytes]:
    for i in range(0, len(data), CHUNK):
        yield data[i : i + CHUNK]


def test_a_chunked_body_over_2_mib_is_refused_as_a_problem_document(
    client: TestClient, key: dict[str, str]
) -> None:
    body = b'{"client": "' + b"x" * (MAX_BODY + 10) + b'"}'
    r = client.post(
        "/api/assess",
        content=_chunks(body),  # a generator: sent chunked, no Content-Length
        headers={**key, "content-type": "application/json"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 413 and problem["code"] == "http-error"
    assert "2 MiB" in problem["detail"] and problem["request_id"] == r.headers["x-request-id"]


def test_a_small_chunked_body_still_works(client: TestClient, key: dict[str, str]) -> None:
    body = json.dumps(INTAKE).encode()
    r = client.post(
        "/api/assess",
        content=_chunks(body),
        headers={**key, "content-type": "application/json"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "program"


def test_a_chunked_form_over_2_mib_is_refused_as_a_page(ana: Browser) -> None:
    cid = ana.new_client()
    form = f"csrf_token={ana.csrf}&client.notes=".encode() + b"x" * (MAX_BODY + 1)
    r = ana.c.post(
        f"/clients/{cid}/assess",
        content=_chunks(form),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")
    assert "Too large" in r.text and r.headers["x-request-id"] in r.text
    user = ana.db.user_by_email("ana@example.org")
    assert user is not None and ana.db.draft(user.id, cid) is None  # nothing of it was kept


def test_a_declared_length_over_2_mib_is_refused_unread(
    client: TestClient, key: dict[str, str]
) -> None:
    r = client.post(
        "/api/assess",
        content=b"x" * (MAX_BODY + 1),
        headers={**key, "content-type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["code"] == "http-error"


async def _send_endless(
    app: Any, headers: list[tuple[bytes, bytes]]
) -> tuple[int, int, list[dict[str, Any]]]:
    """POST an endless body to the app, CHUNK bytes at a time: the status, bytes taken, sent."""
    taken = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal taken
        taken += CHUNK
        if taken > 10 * MAX_BODY:  # the test's own guard: never loop forever
            raise AssertionError("the app kept reading past five times the limit")
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": "/api/assess",
        "raw_path": b"/api/assess",
        "root_path": "",
        "scheme": "http",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1, sent  # one answer, and nothing the app tried after it
    return starts[0]["status"], taken, sent


@pytest.mark.parametrize(
    "headers",
    [[], [(b"content-length", b"100")], [(b"transfer-encoding", b"chunked")]],
    ids=["no length", "a length that lies", "chunked"],
)
def test_the_edge_stops_reading_an_endless_body_at_the_limit(
    web_db: WebStore, app_settings: Settings, key: dict[str, str], headers: Any
) -> None:
    app = create_app(app_settings, web_db)
    auth = [(b"authorization", key["authorization"].encode())]
    status, taken, sent = asyncio.run(_send_endless(app, [*auth, *headers]))
    assert status == 413
    assert taken <= MAX_BODY + CHUNK  # never more than the limit (and the chunk that crossed it)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert json.loads(body)["code"] == "http-error"
