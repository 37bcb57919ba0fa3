"""Route tests: the clinician's pages end to end with the TestClient."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from .conftest import EXAMPLES, Browser, intake_items


def test_signing_in_lands_on_the_clients_and_signing_out_ends_the_session(ana: Browser) -> None:
    assert "Clients" in ana.get("/clients").text
    r = ana.post("/logout")
    assert str(r.url).endswith("/login")
    r = ana.get("/clients")
    assert str(r.url).startswith("http://testserver/login?next=/clients")


def test_the_login_form_carries_a_csrf_token(client: TestClient) -> None:
    page = client.get("/login").text
    assert re.search(r'<input type="hidden" name="csrf_token" value="[\w-]{30,}">', page)


def test_clients_list_and_search(ana: Browser) -> None:
    ana.new_client("Alex Example")
    ana.new_client("Bea Other")
    listed = ana.get("/clients").text
    assert "Alex Example" in listed and "Bea Other" in listed
    found = ana.get("/clients", params={"q": "alex"}).text
    assert "Alex Example" in found and "Bea Other" not in found
    assert "No client matches" in ana.get("/clients", params={"q": "%_zz"}).text


def test_a_new_client_needs_a_name(ana: Browser) -> None:
    r = ana.post("/clients", {"name": "  ", "born": "not a date"})
    assert r.status_code == 422
    assert "give a name" in r.text and "not a date" in r.text


def test_intake_errors_stand_beside_their_fields_and_nothing_typed_is_lost(ana: Browser) -> None:
    cid = ana.new_client()
    items = [
        (k, v)
        for k, v in intake_items()
        if not k.startswith("_rows.conditions") and not k.startswith("conditions[")
    ]
    items += [
        ("_rows.conditions", "1"),
        ("conditions[0].code", "rotator_cuff_repair"),
        ("client.notes", "Prefers mornings; keep this text"),
        ("pain.nprs_now", "11"),
    ]
    r = ana.post(f"/clients/{cid}/assess", [*items, ("_action", "assess"), ("_draft_version", "0")])
    assert r.status_code == 422
    assert "conditions[0]: weeks_since is required for rotator_cuff_repair" in r.text
    assert "pain.nprs_now: must be &lt;= 10 (got 11)" in r.text
    assert "Prefers mornings; keep this text" in r.text  # the form came back filled
    assert 'value="11"' in r.text


def test_condition_rows_are_added_and_removed_without_javascript(ana: Browser) -> None:
    cid = ana.new_client()
    base = [
        ("_draft_version", "0"),
        ("client.name", "Alex"),
        ("_rows.conditions", "2"),
        ("conditions[0].code", "osteoporosis"),
        ("conditions[1].code", "other"),
        ("conditions[1].note", "gout"),
    ]
    r = ana.post(f"/clients/{cid}/assess", [*base, ("_action", "add:conditions")])
    assert 'name="_rows.conditions" value="3"' in r.text
    r = ana.post(f"/clients/{cid}/assess", [*base, ("_action", "remove:conditions[0]")])
    assert 'name="_rows.conditions" value="1"' in r.text
    assert 'name="conditions[0].note"' in r.text and ">gout</textarea>" in r.text


def test_drafts_are_saved_and_a_stale_save_is_refused_with_the_typing_kept(ana: Browser) -> None:
    cid = ana.new_client()
    r = ana.post(
        f"/clients/{cid}/assess",
        [("client.name", "First"), ("_action", "save"), ("_draft_version", "0")],
    )
    assert "Draft saved (version 1)" in r.text
    assert 'value="First"' in ana.get(f"/clients/{cid}/assess").text
    r = ana.post(
        f"/clients/{cid}/assess",
        [("client.name", "Second"), ("_action", "save"), ("_draft_version", "0")],
    )
    assert r.status_code == 409
    assert "Not saved" in r.text and 'value="Second"' in r.text
    assert 'name="_draft_version" value="1"' in r.text  # saving again replaces on purpose


def test_assess_sign_and_read_the_saved_report_and_its_documents(ana: Browser) -> None:
    cid = ana.new_client()
    r = ana.post(
        f"/clients/{cid}/assess", [*intake_items(), ("_action", "assess"), ("_draft_version", "0")]
    )
    assert "Not signed: nothing is saved yet" in r.text
    assert "Considered and not prescribed" in r.text and '<details class="trace"' in r.text
    assert ana.db.assessments(cid) == []
    n = ana.signed_assessment(cid)
    page = ana.get(f"/clients/{cid}/assessments/{n}").text
    assert "Signed and saved" in page
    pdf = ana.get(f"/clients/{cid}/assessments/{n}/clinician.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    doc = ana.get(f"/clients/{cid}/assessments/{n}/prescription.json").json()
    assert doc["client"]["name"]
    assert ana.get(f"/clients/{cid}/assessments/9").status_code == 404
    assert ana.get(f"/clients/{cid}/assessments/{n}/other.txt").status_code == 404


def test_a_referral_shows_a_critical_banner_and_no_program(ana: Browser) -> None:
    cid = ana.new_client()
    items = intake_items(EXAMPLES / "cauda-equina-referral.yaml")
    r = ana.post(f"/clients/{cid}/assess", [*items, ("_action", "assess"), ("_draft_version", "0")])
    assert 'class="referral-banner"' in r.text and "Emergency referral" in r.text
    assert 'id="week"' not in r.text and "No exercise program is issued" in r.text


def test_scores_are_computed_on_the_server_as_the_items_are_answered(ana: Browser) -> None:
    cid = ana.new_client()
    items = [("questionnaires.odi[0]", "2"), ("questionnaires.odi[1]", "3")]
    r = ana.post(f"/clients/{cid}/assess/scores", items)
    assert "2 of 10 answered" in r.text
    items = [(f"questionnaires.odi[{i}]", "1") for i in range(10)]
    r = ana.post(f"/clients/{cid}/assess/scores", items)
    assert "Oswestry</b>: 20% (minimal)" in r.text
    items = [
        *((f"questionnaires.start_back.items[{i}]", "agree") for i in range(8)),
        ("questionnaires.start_back.bothersomeness", "extremely"),
    ]
    assert "total 9, distress 5: high risk" in ana.post(f"/clients/{cid}/assess/scores", items).text


def test_a_session_is_logged_and_the_next_session_recommended(ana: Browser) -> None:
    cid = ana.new_client()
    ana.signed_assessment(cid)
    form = ana.get(f"/clients/{cid}/sessions/new").text
    assert 'name="exercises[0].sets[0].reps"' in form
    items = [
        ("date", "2026-11-02"),
        ("_rows.exercises", "1"),
        ("exercises[0].exercise", "deadlift"),
        ("_rows.exercises[0].sets", "2"),
        ("exercises[0].sets[0].reps", "5"),
        ("exercises[0].sets[0].load_kg", "60"),
        ("exercises[0].sets[0].rpe", "7"),
        ("exercises[0].sets[1].reps", "5"),
        ("exercises[0].sets[1].load_kg", "60"),
        ("exercises[0].form", "4"),
        ("exercises[0].pain_after", "2"),
        ("_action", "log"),
    ]
    r = ana.post(f"/clients/{cid}/sessions/new", items)
    assert r.status_code == 200, r.text
    page = r.text
    assert "deadlift 5x60kg@7 5x60kg" in page and "Next session" in page
    bad = [(k, "11" if k.endswith("rpe") else v) for k, v in items]
    r = ana.post(f"/clients/{cid}/sessions/new", bad)
    assert r.status_code == 422 and "exercises[0].sets[0].rpe: must be &lt;= 10" in r.text


def test_editing_a_client_uses_optimistic_concurrency(ana: Browser) -> None:
    cid = ana.new_client()
    ok = ana.post(f"/clients/{cid}/edit", {"name": "Alex Renamed", "born": "", "version": "1"})
    assert "Alex Renamed" in ok.text
    stale = ana.post(f"/clients/{cid}/edit", {"name": "Typed Late", "born": "", "version": "1"})
    assert stale.status_code == 409
    assert "someone else changed this client" in stale.text and 'value="Typed Late"' in stale.text


def test_export_and_erase_leave_only_the_audit_entry(ana: Browser) -> None:
    cid = ana.new_client("Erin Erase")
    ana.signed_assessment(cid)
    record = json.loads(ana.get(f"/clients/{cid}/export").content)
    assert record["format"] == "backexpert-client" and len(record["assessments"]) == 1
    wrong = ana.post(f"/clients/{cid}/erase", {"confirm": "someone"})
    assert wrong.status_code == 422
    r = ana.post(f"/clients/{cid}/erase", {"confirm": "Erin Erase"})
    assert "Client erased" in r.text
    assert ana.get(f"/clients/{cid}").status_code == 404
    audit = ana.get("/audit").text
    assert "erased" in audit and "Erin Erase" not in audit
    actions = {e.action for e in ana.db.audit_entries(ana.db.clinic_id("North Clinic") or 0)}
    assert {"created", "signed", "exported", "erased", "viewed"} <= actions


def test_static_files_and_health(client: TestClient) -> None:
    assert client.get("/static/web.css").status_code == 200
    assert client.get("/static/nothing.js").status_code == 404
    assert client.get("/healthz").json() == {"ok": True}
    assert client.get("/").status_code == 200  # redirected to sign in


def test_the_draft_is_saved_as_it_is_typed(ana: Browser) -> None:
    cid = ana.new_client()
    items = [("client.name", "Typed"), ("questionnaires.odi[0]", "2"), ("_draft_version", "0")]
    r = ana.post(f"/clients/{cid}/assess/autosave", items)
    assert 'id="draft-version" name="_draft_version" value="1" hx-swap-oob="true"' in r.text
    assert "Draft saved at" in r.text and "1 of 10 answered" in r.text
    assert ana.db.draft(ana.db.user_by_email("ana@example.org").id, cid) is not None  # type: ignore[union-attr]
    r = ana.post(
        f"/clients/{cid}/assess/autosave", [("client.name", "Other"), ("_draft_version", "0")]
    )
    assert "Not saved" in r.text
    # A submit racing its own autosave: the same text was saved already, so nothing is refused.
    r = ana.post(
        f"/clients/{cid}/assess", [*items[:2], ("_action", "save"), ("_draft_version", "0")]
    )
    assert r.status_code == 200 and "Draft saved (version 1)" in r.text


def test_an_unknown_page_keeps_the_navigation_of_the_signed_in(ana: Browser) -> None:
    r = ana.get("/no/such/page")
    assert r.status_code == 404 and "Sign out" in r.text and "Request id" in r.text
