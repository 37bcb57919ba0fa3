"""The "Edit and sign" forms: what the clinician typed, as an edit of the adjustments document.

Only parsing lives here: the edit is validated by the `Adjustments` model and applied and
checked by the services (`services.try_adjustments`), so the web shows the CLI's field paths
and the safety monitor's answer. The edits accepted so far travel with the page as JSON in a
hidden field and are checked again, whole, on every submit and when the result is signed.
"""

from __future__ import annotations

import json
from typing import Any

DOSE_FIELDS = ("sets", "reps", "effort", "rest_s", "tempo", "load_kg")
_INTEGERS = frozenset({"sets", "effort", "rest_s"})
MAX_EDITS_JSON = 256 * 1024  # as an adjustments file


def accepted(raw: str) -> list[dict[str, Any]]:
    """The edits accepted so far, from the page's hidden field (anything else: none)."""
    if not raw or len(raw) > MAX_EDITS_JSON:
        return []
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: `[[[…` a thousand deep
        return []
    return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []


def carried(edits: list[dict[str, Any]]) -> str:
    """The edits as the hidden field carries them."""
    return json.dumps(edits, separators=(",", ":"), sort_keys=True)


def _number(name: str, text: str) -> Any:
    text = text.strip()
    try:
        return int(text) if name in _INTEGERS else float(text)
    except ValueError:
        return text  # the model says what is wrong with it, at its field path


def edit_from(fields: dict[str, str], clinician: str) -> dict[str, Any]:
    """One edit from a submitted form; an override is the signed-in clinician's."""
    kind = fields.get("kind", "")
    edit: dict[str, Any] = {"kind": kind, "reason": fields.get("reason", "")}
    if kind in ("remove", "swap", "dose"):
        place, _, exercise = fields.get("item", "").partition("|")
        edit["exercise"] = exercise
        if fields.get("scope", "day") != "all":
            edit["day"] = place
    if kind == "swap":
        edit["to"] = fields.get("to", "")
    if kind == "dose":
        dose: dict[str, Any] = {}
        for name in DOSE_FIELDS:
            value = fields.get(name, "").strip()
            if value:
                dose[name] = value if name in ("reps", "tempo") else _number(name, value)
        edit["dose"] = dose
    if kind == "move":
        edit["day"] = fields.get("day", "")
        edit["to"] = fields.get("to_day", "")
    why = fields.get("override_reason", "").strip()
    if why:
        edit["override"] = {"reason": why, "clinician": clinician}
    return edit
