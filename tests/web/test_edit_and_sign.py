"""Edit and sign (issue 13): the clinician's edits on the unsigned result, checked at once."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from .conftest import EXAMPLES, Browser, intake_items

ATHLETE = EXAMPLES / "strength-athlete.yaml"


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} in the page"
    return html.unescape(found[1])


def _result(ana: Browser) -> tuple[int, str]:
    cid = ana.new_client("Jordan Lifter")
    r = ana.post(
        f"/clients/{cid}/assess",
        [*intake_items(ATHLETE), ("_action", "assess"), ("_draft_version", "0")],
    )
    assert r.status_code == 200, r.text
    assert 'id="edit"' in r.text and "Edit before signing" in r.text
    return cid, r.text


def _edit(ana: Browser, cid: int, page: str, **fields: Any) -> Any:
    form = {
        "_draft_version": _hidden(page, "_draft_version"),
        "_adjustments": _hidden(page, "_adjustments"),
        **{k: str(v) for k, v in fields.items()},
    }
    return ana.post(f"/clients/{cid}/adjust", form)


def test_edits_are_checked_at_once_and_signing_stores_them(ana: Browser) -> None:
    cid, page = _result(ana)
    assert 'option value="trap_bar_deadlift"' in page  # the swap offers the usable catalogue
    r = _edit(
        ana,
        cid,
        page,
        kind="swap",
        item="fri|paused_deadlift",
        to="trap_bar_deadlift",
        reason="a lighter hinge before the weekend",
    )
    assert r.status_code == 200, r.text
    assert "Edit accepted: swap paused_deadlift for trap_bar_deadlift (fri)" in r.text
    assert "Chosen by the clinician" in r.text and "a lighter hinge before the weekend" in r.text
    page = r.text
    refused = _edit(
        ana, cid, page, kind="dose", item="mon|deadlift", sets="6", reason="more volume"
    )
    assert refused.status_code == 422
    assert "Edit refused" in refused.text and "[dose.sets]" in refused.text
    assert len(json.loads(_hidden(refused.text, "_adjustments"))) == 1  # nothing was changed
    assert 'value="more volume"' in refused.text and 'value="6"' in refused.text  # kept
    assert 'value="mon|deadlift" selected' in refused.text
    r = _edit(
        ana,
        cid,
        page,
        kind="dose",
        item="mon|deadlift",
        sets="5",
        reason="peaking block",
        override_reason="supervised peaking block before a meet",
    )
    assert r.status_code == 200, r.text
    assert "Overridden: dose.sets" in r.text
    assert "Overridden by the clinician" in r.text
    assert "supervised peaking block before a meet" in r.text
    page = r.text
    r = _edit(ana, cid, page, kind="move", day="sat", to_day="tue", reason="football on Saturday")
    assert r.status_code == 200, r.text
    page = r.text
    r = _edit(ana, cid, page, kind="remove", item="sun|band_face_pull", scope="all", reason="home")
    assert r.status_code == 200, r.text
    page = r.text
    assert "Sign and save with 4 edits" in page
    signed = ana.post(
        f"/clients/{cid}/sign",
        {
            "_draft_version": _hidden(page, "_draft_version"),
            "_adjustments": _hidden(page, "_adjustments"),
        },
    )
    assert signed.status_code == 200 and "/assessments/1" in str(signed.url), signed.text
    assert "Overridden by the clinician" in signed.text
    (record,) = ana.db.assessments(cid)
    assert record.adjustments is not None and len(record.adjustments.edits) == 4
    assert record.generated is not None and record.generated.adjustments is None
    applied = record.prescription.adjustments
    assert applied is not None
    assert [o.invariant for o in applied.overrides] == ["dose.sets"]
    assert applied.overrides[0].clinician == "Ana North"
    audit = ana.get("/audit").text
    assert "edited" in audit and "with 4 clinician edit(s)" in audit


def test_an_edit_can_be_undone(ana: Browser) -> None:
    cid, page = _result(ana)
    r = _edit(ana, cid, page, kind="remove", item="sat|band_face_pull", reason="home")
    assert json.loads(_hidden(r.text, "_adjustments"))
    r = _edit(ana, cid, r.text, _action="undo:0")
    assert r.status_code == 200 and "Edit undone." in r.text
    assert json.loads(_hidden(r.text, "_adjustments")) == []


def test_bad_edits_name_their_field(ana: Browser) -> None:
    cid, page = _result(ana)
    r = _edit(ana, cid, page, kind="dose", item="mon|deadlift", sets="many", reason="x")
    assert r.status_code == 422 and "edits[0].dose.dose.sets" in r.text
    r = _edit(ana, cid, page, kind="swap", item="mon|deadlift", to="zercher", reason="x")
    assert r.status_code == 422 and "edits[0].to" in r.text
    r = _edit(ana, cid, page, kind="remove", item="mon|deadlift", reason=" ")
    assert r.status_code == 422 and "reason" in r.text


def test_a_swap_the_form_does_not_offer_is_refused_for_its_equipment(ana: Browser) -> None:
    cid, page = _result(ana)
    assert 'value="kettlebell_deadlift"' not in page  # the athlete has no kettlebell
    r = _edit(
        ana, cid, page, kind="swap", item="mon|deadlift", to="kettlebell_deadlift", reason="x"
    )
    assert r.status_code == 422
    assert "edits[0].to" in r.text and "needs kettlebell, which the client does not have" in (
        html.unescape(r.text)
    )


def test_a_tampered_edit_is_refused_at_signing_and_nothing_is_saved(ana: Browser) -> None:
    cid, page = _result(ana)
    unsafe = [{"kind": "dose", "exercise": "deadlift", "dose": {"sets": 9}, "reason": "x"}]
    r = ana.post(
        f"/clients/{cid}/sign",
        {"_draft_version": _hidden(page, "_draft_version"), "_adjustments": json.dumps(unsafe)},
    )
    assert r.status_code == 422 and "[dose.sets]" in r.text
    assert ana.db.assessments(cid) == []


def test_a_referral_has_nothing_to_edit(ana: Browser) -> None:
    cid = ana.new_client()
    items = intake_items(EXAMPLES / "cauda-equina-referral.yaml")
    r = ana.post(f"/clients/{cid}/assess", [*items, ("_action", "assess"), ("_draft_version", "0")])
    assert 'id="edit"' not in r.text


def test_another_clinics_client_cannot_be_edited(ana: Browser, sam: Browser) -> None:
    cid, page = _result(ana)
    r = _edit(sam, cid, page, kind="remove", item="sat|band_face_pull", reason="x")
    assert r.status_code == 404


def test_carried_edits_that_are_no_edits_are_dropped_never_a_crash(ana: Browser) -> None:
    cid, page = _result(ana)
    version = _hidden(page, "_draft_version")
    for carried in ["[" * 100_000 + "]" * 100_000, "{", "7", '[1, "x", null]']:
        r = ana.post(f"/clients/{cid}/sign", {"_draft_version": version, "_adjustments": carried})
        assert r.status_code < 500, r.text
        assert "Something went wrong" not in r.text
    assert len(ana.db.assessments(cid)) == 1  # signed once, as generated: nothing carried
