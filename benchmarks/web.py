"""Web app numbers: requests per second and p50/p95 latency with 20 concurrent users, for
submitting an assessment (POST /api/clients/{id}/assessments: assessed and stored) and for the
client's page (GET /c/{token}), against uvicorn in a subprocess (2 workers), on SQLite and on a
throwaway PostgreSQL (skipped, saying why, when it cannot start).

    .venv/bin/python benchmarks/web.py
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from backexpert import clinic_services, services  # noqa: E402
from backexpert.store.accounts import WebStore  # noqa: E402

USERS = 20
WORKERS = 2
REQUESTS = {"assessment": 200, "client page": 400}


def _rules() -> str | None:
    from web.conftest import rules_dir

    return rules_dir()


def prepare(url: str) -> tuple[str, int, str, dict[str, object]]:
    """A clinic with an API key, a client with a signed assessment and a link."""
    intake = services.load_intake(str(ROOT / "examples" / "desk-worker.yaml"))
    with WebStore.open(url) as db:
        db.add_user("Bench Clinic", "bench@example.org", "Bench", "unused")
        key = clinic_services.create_api_key(db, "Bench Clinic", "bench")
        cid = db.add_clinic_client(db.clinic_id("Bench Clinic") or 0, "Bench Client")
        services.assess_and_save(intake, rules_dir=_rules(), db=db, client_id=cid)
        token, _ = clinic_services.create_link(db, cid, "bench", 30)
    return key, cid, token, intake.model_dump(mode="json")


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
            "warning",
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
    return proc, base


async def load(
    base: str, total: int, send: Callable[[httpx.AsyncClient], object]
) -> tuple[float, list[float]]:
    """`total` requests by USERS concurrent users; (requests per second, latencies in ms)."""
    latencies: list[float] = []
    left = total

    async def user(client: httpx.AsyncClient) -> None:
        nonlocal left
        while left > 0:
            left -= 1
            began = time.perf_counter()
            r = await send(client)  # type: ignore[misc]
            latencies.append((time.perf_counter() - began) * 1000)
            assert r.status_code < 300, r.text[:300]

    limits = httpx.Limits(max_connections=USERS)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        began = time.perf_counter()
        await asyncio.gather(*(user(client) for _ in range(USERS)))
        elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, latencies


def run(name: str, url: str) -> None:
    key, cid, token, intake = prepare(url)
    proc, base = serve(url)
    headers = {"authorization": f"Bearer {key}"}
    try:
        cases = {
            "assessment": lambda c: c.post(
                f"/api/clients/{cid}/assessments", json=intake, headers=headers
            ),
            "client page": lambda c: c.get(f"/c/{token}"),
        }
        for case, send in cases.items():
            asyncio.run(load(base, 20, send))  # warm up every worker
            rps, lat = asyncio.run(load(base, REQUESTS[case], send))
            p = statistics.quantiles(lat, n=100)
            print(
                f"  {name:10} {case:12} {rps:7.1f} req/s  p50 {p[49]:5.0f} ms  p95 {p[94]:5.0f} ms"
                f"   ({len(lat)} requests, {USERS} users, {WORKERS} workers)"
            )
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
