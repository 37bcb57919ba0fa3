"""Facts, rule conclusions and the composer's reasons as short lines of text."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from ..assessment.vocabulary import FACTS
from ..knowledge.vocabulary import FactValue

_SPECS = {s.name: s for s in FACTS}


def is_derived(name: str) -> bool:
    """Whether a fact is one the assessment rules derive."""
    spec = _SPECS.get(name)
    return spec is not None and spec.derived


def fact_text(name: str, value: FactValue) -> str:
    """A fact in plain words: `examination found rounded shoulders`, `age in years: 45`."""
    spec = _SPECS.get(name)
    desc = spec.description if spec is not None else name
    desc = re.sub(r"\s*\([^)]*\)", "", desc).replace("_", " ").strip()
    if isinstance(value, bool):
        return desc if value else f"{desc}: no"
    shown = value.replace("_", " ") if isinstance(value, str) else str(value)
    return f"{desc}: {shown}"


def plain_reason(reason: str) -> str:
    """A composer's reason without what the report says elsewhere (rule ids, the stand-in).

    `needs foam_roller, not available; replaced by Thoracic open book` → `needs foam roller
    (not available)`; `excluded by a.b; no safe alternative is available` → `no safe
    alternative is available`.
    """
    out = []
    for part in reason.split("; "):
        if part.startswith(("replaced by ", "excluded by ")):
            continue
        if part.startswith("loaded work withheld"):
            part = "loaded work is withheld while the program is limited"
        elif part.startswith("needs ") and part.endswith(", not available"):
            part = part.removesuffix(", not available").replace("_", " ") + " (not available)"
        out.append(part)
    return "; ".join(out)


def conclusion_text(conclusion: BaseModel) -> str:
    """A trace conclusion as one short line: `cap hinge loaded: sets 2, effort 7`."""
    c: dict[str, Any] = conclusion.model_dump(mode="json", exclude_none=True)
    kind = str(c.get("kind", "?"))
    rest = {k: v for k, v in c.items() if k != "kind"}
    if kind == "add":
        sessions = ", ".join(rest.get("sessions", []))
        return f"add {rest.get('exercise')} ({rest.get('phase')}; {sessions})"
    if kind == "derive":
        return f"derive {rest.get('fact')} = {value_text(rest.get('value'))}"
    if kind == "before":
        return f"{_selector(rest.get('first', {}))} before {_selector(rest.get('then', {}))}"
    if kind == "flag":
        return f"flag {rest.get('indicator', 'info')} {rest.get('code')}"
    if kind == "refer":
        return f"refer {rest.get('urgency')}: {rest.get('reason')}"
    if kind == "advise":  # its words are in the report's advice section, with this rule
        return f"advise {rest.get('topic')}" + (" (urgent)" if rest.get("urgent") else "")
    selector: dict[str, Any] = {
        k: rest.pop(k) for k in ("exercise", "pattern", "tag", "loaded") if k in rest
    }
    head = f"{kind} {_selector(selector)}" if selector else kind
    details = ", ".join(f"{k} {value_text(v)}" for k, v in rest.items())
    return f"{head}: {details}" if details else head


def _selector(sel: dict[str, Any]) -> str:
    parts = []
    if "loaded" in sel:
        parts.append("loaded" if sel["loaded"] else "unloaded")
    parts += [str(sel[k]) for k in ("pattern", "tag", "exercise") if k in sel]
    return " ".join(parts) or "all"


def value_text(v: Any) -> str:
    """A fact or conclusion value as text: `true`, `a, b`, whitespace collapsed."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, list):
        return ", ".join(map(value_text, v))
    return " ".join(str(v).split())
