"""End to end in a real browser: Debian's Chromium driven by Playwright, against uvicorn.

Skipped, saying why, when Chromium is missing (`make system-deps` installs it). Screenshots of
every page go to $BACKEXPERT_SHOTS (default /tmp/backexpert-shots), not into the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backexpert.store.accounts import WebStore
from backexpert.web.security import Passwords

from .conftest import EXAMPLES, PASSWORD, rules_dir, settings_for

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HTMX = Path(sys.prefix) / "share/backexpert/node_modules/htmx.org/dist/htmx.min.js"
SHOTS = Path(os.environ.get("BACKEXPERT_SHOTS", "/tmp/backexpert-shots"))

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason="Chromium is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e")
    db_url = str(folder / "e2e.sqlite3")
    with WebStore.open(db_url) as db:
        db.add_user(
            "North Clinic",
            "ana@example.org",
            "Ana North",
            Passwords(settings_for("")).hash(PASSWORD),
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BACKEXPERT_DATABASE_URL": db_url}
    if rules_dir():
        env["BACKEXPERT_RULES"] = str(rules_dir())
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
            "--log-level",
            "warning",
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_a_clinician_and_a_client_in_a_real_browser(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from backexpert import services

    SHOTS.mkdir(parents=True, exist_ok=True)
    intake = services.load_intake(str(EXAMPLES / "desk-worker.yaml"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/clients")
        page.screenshot(path=str(SHOTS / "01-login.png"))
        page.fill("#email", "ana@example.org")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.fill("#new-name", "Alex Example")
        page.click("text=Add client")
        assert page.url.startswith(server + "/clients/")
        client_url = page.url
        page.click("text=New assessment")
        # The intake, typed in as a physiotherapist would (the rest as the example).
        page.fill("#f-client-age", str(intake.client.age))
        page.select_option("#f-client-sex", intake.client.sex.value)
        page.select_option("#f-client-occupation", intake.client.occupation.value)
        page.fill("#f-client-notes", "Works at a desk; <b>likes</b> mornings")
        page.select_option("#f-training-experience", intake.training.experience.value)
        page.fill("#f-training-sessions-per-week", str(intake.training.sessions_per_week))
        for e in intake.training.equipment:
            page.check(f"input[name='training.equipment'][value='{e.value}']")
        for g in intake.goals:
            page.check(f"input[name='goals'][value='{g.value}']")
        for f in intake.findings:
            page.check(f"input[name='findings'][value='{f.value}']")
        page.fill("#f-pain-nprs-now", str(intake.pain.nprs_now))
        for q, a in intake.red_flag_screen.items():
            page.check(f"input[name='red_flag_screen.{q.value}'][value='{'yes' if a else 'no'}']")
        for i in range(10):
            page.select_option(f"#f-questionnaires-odi-{i}-", "1")
        if HTMX.is_file():  # saved as typed; the score beside the questionnaire, live
            expect(page.locator("#score-f-questionnaires-odi")).to_contain_text("20%")
            expect(page.locator("#autosave")).to_contain_text("Draft saved at")
        page.screenshot(path=str(SHOTS / "02-intake.png"), full_page=True)
        page.click("button[value=assess]")
        page.wait_for_load_state()
        problems = page.locator(".error-summary")
        assert problems.count() == 0, problems.inner_text() + " ".join(
            page.locator(".field-error").all_inner_texts()
        )
        page.screenshot(path=str(SHOTS / "03-result.png"), full_page=True)
        # Edit and sign: the safety check refuses a fifth set, then accepts it overridden.
        dose = page.locator("#edit-dose")
        dose.locator("input[name=sets]").fill("5")
        dose.locator("input[name=reason]").fill("more volume")
        dose.locator("button[type=submit]").click()
        page.wait_for_selector("#edit-refused")
        page.locator("#edit").screenshot(path=str(SHOTS / "03b-edit-refused.png"))
        dose = page.locator("#edit-dose")
        dose.locator("input[name=sets]").fill("5")
        dose.locator("input[name=reason]").fill("more volume")
        dose.locator("input[name=override_reason]").fill("supervised; tolerates the volume")
        dose.locator("button[type=submit]").click()
        page.wait_for_selector("#overrides")
        page.screenshot(path=str(SHOTS / "03c-edit-overridden.png"), full_page=True)
        page.click("text=Sign and save")
        page.wait_for_selector("text=Signed and saved")
        assert page.locator("#overrides").count() == 1
        with page.expect_download() as d:
            page.click("text=Clinician PDF")
        assert Path(d.value.path()).read_bytes().startswith(b"%PDF")
        with page.expect_download() as d:
            page.click("text=Handout PDF")
        assert Path(d.value.path()).read_bytes().startswith(b"%PDF")
        page.goto(client_url)
        page.click("text=Create a client link")
        link = page.input_value("input[aria-label='The new client link']")
        page.screenshot(path=str(SHOTS / "04-client.png"), full_page=True)
        # The client, on a phone.
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        p = phone.new_page()
        p.goto(link)
        p.screenshot(path=str(SHOTS / "05-phone-plan.png"), full_page=True)
        form = p.locator("form.report-form").first
        form.locator("select[name=effort]").select_option("6")
        form.locator("select[name=pain]").select_option("5")
        form.locator("textarea[name=note]").fill("Some numbness between my legs this evening")
        form.locator("button[type=submit]").click()
        p.wait_for_selector("#what-to-do-now")
        p.screenshot(path=str(SHOTS / "06-phone-safety-net.png"), full_page=False)
        phone.close()
        page.goto(server + "/clients")
        assert page.locator("text=⚠ alert").count() == 1
        page.screenshot(path=str(SHOTS / "07-clients-alert.png"), full_page=True)
        page.goto(client_url)
        assert page.locator("text=client-reported").count() >= 1
        page.screenshot(path=str(SHOTS / "08-client-log.png"), full_page=True)
        page.click("text=Log a session")
        page.screenshot(path=str(SHOTS / "09-session-form.png"), full_page=True)
        page.goto(server + "/audit")
        page.screenshot(path=str(SHOTS / "10-audit.png"), full_page=True)
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert re.match(r"http://127\.0\.0\.1:\d+/c/[\w-]{40,}", link)
    assert shutil.which("chromium") or Path(CHROMIUM).is_file()
