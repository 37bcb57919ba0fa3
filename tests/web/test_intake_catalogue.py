"""The web form and the API refuse a current load of an unknown exercise, naming its field."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from backexpert import clinic_services, services
from backexpert.store.accounts import WebStore

from .conftest import EXAMPLES, Browser, intake_items

ATHLETE = EXAMPLES / "strength-athlete.yaml"
PATH = "training.current_loads[2].exercise"
TYPO = {"exercise": "deadlfit", "load_kg": 100, "reps": 5}


def data_with(*extra: dict[str, Any]) -> dict[str, Any]:
    """The athlete's intake with more current loads (after its two)."""
    data = services.load_intake(str(ATHLETE)).model_dump(mode="json", exclude_none=True)
    data["training"]["current_loads"] += list(extra)
    return data


def test_the_api_answers_422_with_the_field_path(client: TestClient, web_db: WebStore) -> None:
    key = {"authorization": "Bearer " + clinic_services.create_api_key(web_db, "North Clinic", "t")}
    r = client.post("/api/assess", json=data_with(TYPO), headers=key)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "invalid-intake"
    assert problem["errors"][0]["path"] == PATH
    assert "did you mean 'deadlift'?" in problem["errors"][0]["message"]
    cid = client.post("/api/clients", json={"name": "Api Client"}, headers=key).json()["id"]
    r = client.post(f"/api/clients/{cid}/assessments", json=data_with(TYPO), headers=key)
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == PATH
    assert client.get(f"/api/clients/{cid}/assessments", headers=key).json() == []


def test_the_web_form_shows_it_beside_the_field(ana: Browser) -> None:
    cid = ana.new_client()
    items = intake_items(ATHLETE, {"training.current_loads[1].exercise": "barbel_row"})
    form = ana.get(f"/clients/{cid}/assess").text
    version = re.search(r'name="_draft_version" value="(\d+)"', form)
    assert version
    r = ana.post(
        f"/clients/{cid}/assess", [*items, ("_action", "assess"), ("_draft_version", version[1])]
    )
    assert r.status_code == 422, r.text
    assert "unknown exercise &#39;barbel_row&#39; (did you mean &#39;barbell_row&#39;?)" in r.text
    user = ana.db.user_by_email("ana@example.org")
    assert user is not None
    draft = ana.db.draft(user.id, cid)
    assert draft is not None and draft.data["training.current_loads[1].exercise"] == "barbel_row"
