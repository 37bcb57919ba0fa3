"""Web app numbers: requests per second and p50/p95 latency with 20 concurrent users, for
submitting an assessment (a signed-in clinician posts the intake form: the draft is saved, the
intake assessed and the result page rendered; and POST /api/assess) and for the client's page
(GET /c/{token}), against uvicorn in a subprocess (2 workers), on SQLite and on a
throwaway PostgreSQL (skipped, saying why, when it cannot start).

    .venv/bin/python benchmarks/web.py
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from backexpert import clinic_services, services  # noqa: E402

USERS = 20
WORKERS = 2
REQUESTS = {"assess (form)": 200, "assess (API)": 200, "client page": 400}
PASSWORD = "bench password 123"


def _rules() -> str | None:
    from web.conftest import rules_dir

    return rules_dir()


@dataclass
class Setup:
    key: str
    token: str
    intake: dict[str, object]
    form: list[tuple[str, str]]
    clients: list[int]  # one client per clinician


def prepare(url: str) -> Setup:
    """A clinic with an API key and USERS clinicians, each with a client; a client link."""
    from backexpert.web.security import Passwords
    from backexpert.web.settings import Settings
    from web.conftest import intake_items

    path = ROOT / "examples" / "desk-worker.yaml"
    intake = services.load_intake(str(path))
    hashed = Passwords(Settings()).hash(PASSWORD)
    with clinic_services.open_web_store(url) as db:
        clients = []
        for i in range(USERS):
            db.add_user("Bench Clinic", f"bench{i}@example.org", f"Bench {i}", hashed)
            clients.append(db.add_clinic_client(db.clinic_id("Bench Clinic") or 0, f"Client {i}"))
        key = clinic_services.create_api_key(db, "Bench Clinic", "bench")
        services.assess_and_save(intake, rules_dir=_rules(), db=db, client_id=clients[0])
        token, _ = clinic_services.create_link(db, clients[0], "bench", 30)
    return Setup(key, token, intake.model_dump(mode="json"), intake_items(path), clients)


def serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BACKEXPERT_DATABASE_URL": url}
    if _rules():
        env["BACKEXPERT_RULES"] = str(_rules())
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "backexpert.web:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            "--log-level",
            os.environ.get("BENCH_LOG", "warning"),
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    time.sleep(2)  # every worker up
    return proc, base


class User:
    """One clinician's browser: its cookie, CSRF token, client and draft version."""

    def __init__(self, base: str, n: int, client_id: int) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=120)
        self.n, self.client_id, self.csrf, self.version = n, client_id, "", "0"

    async def sign_in(self) -> None:
        page = await self.http.get("/login")
        self.csrf = _csrf(page.text)
        form = {
            "csrf_token": self.csrf,
            "email": f"bench{self.n}@example.org",
            "password": PASSWORD,
        }
        r = await self.http.post("/login", data=form, follow_redirects=True)
        assert r.status_code == 200, r.text[:300]
        self.csrf = _csrf(r.text)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:300]
    return found[1]


async def load(
    users: list[User], total: int, send: Callable[[User], Awaitable[httpx.Response]]
) -> tuple[float, list[float]]:
    """`total` requests by the users at once; (requests per second, latencies in ms)."""
    latencies: list[float] = []
    left = total

    async def run(user: User) -> None:
        nonlocal left
        while left > 0:
            left -= 1
            began = time.perf_counter()
            r = await send(user)
            latencies.append((time.perf_counter() - began) * 1000)
            assert r.status_code < 300, r.text[:300]

    began = time.perf_counter()
    await asyncio.gather(*(run(u) for u in users))
    return len(latencies) / (time.perf_counter() - began), latencies


async def bench(name: str, base: str, setup: Setup) -> None:
    users = [User(base, i, cid) for i, cid in enumerate(setup.clients)]
    for u in users:
        await u.sign_in()
    api = {"authorization": f"Bearer {setup.key}"}

    async def form(u: User) -> httpx.Response:
        items = [
            *setup.form,
            ("csrf_token", u.csrf),
            ("_action", "assess"),
            ("_draft_version", u.version),
        ]
        r = await u.http.post(
            f"/clients/{u.client_id}/assess",
            content=urlencode(items),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        found = re.search(r'name="_draft_version" value="(\d+)"', r.text)
        u.version = found[1] if found else u.version
        return r

    cases: dict[str, Callable[[User], Awaitable[httpx.Response]]] = {
        "assess (form)": form,
        "assess (API)": lambda u: u.http.post("/api/assess", json=setup.intake, headers=api),
        "client page": lambda u: u.http.get(f"/c/{setup.token}"),
    }
    for case, send in cases.items():
        await load(users, USERS, send)  # warm up every worker
        rps, lat = await load(users, REQUESTS[case], send)
        p = statistics.quantiles(lat, n=100)
        print(
            f"  {name:10} {case:14} {rps:6.1f} req/s  p50 {p[49]:5.0f} ms  p95 {p[94]:5.0f} ms"
            f"  ({len(lat)} requests, {USERS} users, {WORKERS} workers)"
        )
    for u in users:
        await u.http.aclose()


def run(name: str, url: str) -> None:
    setup = prepare(url)
    proc, base = serve(url)
    try:
        asyncio.run(bench(name, base, setup))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    print(f"web app: {USERS} concurrent users against uvicorn ({WORKERS} workers)")
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", str(Path(tmp) / "bench.sqlite3"))
    try:
        import pytest

        from conftest import PostgresServer, _fresh_pg_database
    except ImportError as exc:  # pragma: no cover
        print(f"  PostgreSQL skipped: {exc}")
        return
    try:
        server = PostgresServer()
        admin = server.start()
    except pytest.skip.Exception as exc:
        print(f"  PostgreSQL skipped: {exc}")
        return
    try:
        run("PostgreSQL", _fresh_pg_database(admin))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
