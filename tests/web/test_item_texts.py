"""Questionnaire item labels: neutral by default, a clinic's licensed texts from a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backexpert.errors import InputError
from backexpert.store.accounts import WebStore
from backexpert.web import item_texts
from backexpert.web.app import create_app

from .conftest import Browser, settings_for, sign_in


def test_neutral_labels_name_the_instrument_and_the_item(ana: Browser) -> None:
    cid = ana.new_client()
    page = ana.get(f"/clients/{cid}/assess").text
    assert "STarT Back item 1 (leg pain)" in page and "Oswestry section 3 (lifting)" in page
    assert (
        "Roland-Morris statement 24" in page
        and "PAR-Q+ item 7 (exercise only under supervision)" in page
    )


def test_a_clinic_loads_its_licensed_texts(tmp_path: Path, web_db: WebStore) -> None:
    texts = tmp_path / "texts.yaml"
    lines = "\n".join(f"  - Licensed ODI section {i} text" for i in range(1, 11))
    texts.write_text(f"questionnaires.odi:\n{lines}\n", encoding="utf-8")
    s = settings_for(str(web_db.url.database), item_texts=str(texts))
    with TestClient(create_app(s, web_db)) as c:
        r = sign_in(c, "ana@example.org")
        assert r.status_code == 200
        cid = web_db.add_clinic_client(web_db.clinic_id("North Clinic") or 0, "Licensed")
        page = c.get(f"/clients/{cid}/assess").text
        assert "Licensed ODI section 10 text" in page and "STarT Back item 1" in page


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- a list\n", "a mapping"),
        ("questionnaires.nothing: [a]\n", "not a questionnaire"),
        ("questionnaires.odi: [a, b]\n", "give 10 texts"),
        ("questionnaires.odi: [\n", "cannot read"),
    ],
)
def test_a_wrong_texts_file_is_refused_with_the_reason(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / f"bad-{abs(hash(text))}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        item_texts.load(str(path))
    assert problem in str(info.value)
