"""Hand-written hypothesis strategies for valid intakes (pydantic v2 has no hypothesis plugin)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from backexpert.vocabulary import (
    ConditionCode,
    Equipment,
    Experience,
    Finding,
    Goal,
    Occupation,
    PainRegion,
    Severity,
    Sex,
)


def _subset(values: list[str], min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=min_size, unique=True).map(
        lambda xs: sorted(xs, key=values.index)
    )


@st.composite
def conditions(draw: st.DrawFn) -> list[dict[str, Any]]:
    codes = draw(_subset([c.value for c in ConditionCode]))
    out = []
    for code in codes:
        cond: dict[str, Any] = {"code": code}
        severity = draw(st.none() | st.sampled_from([s.value for s in Severity]))
        if severity is not None:
            cond["severity"] = severity
        weeks = draw(st.integers(0, 60))
        if code == ConditionCode.rotator_cuff_repair or draw(st.booleans()):
            cond["weeks_since"] = weeks
        out.append(cond)
    return out


@st.composite
def intakes(draw: st.DrawFn) -> dict[str, Any]:
    """Valid intake data, with no red flag answered yes (the rule base has no referral yet)."""
    now = draw(st.integers(0, 10))
    return {
        "client": {
            "name": "Generated Client",
            "age": draw(st.integers(10, 110)),
            "sex": draw(st.sampled_from([s.value for s in Sex])),
            "occupation": draw(st.sampled_from([o.value for o in Occupation])),
        },
        "training": {
            "experience": draw(st.sampled_from([e.value for e in Experience])),
            "sessions_per_week": draw(st.integers(1, 7)),
            "equipment": draw(_subset([e.value for e in Equipment])),
        },
        "goals": draw(_subset([g.value for g in Goal], min_size=1)),
        "findings": draw(_subset([f.value for f in Finding])),
        "conditions": draw(conditions()),
        "pain": {
            "region": draw(st.sampled_from([r.value for r in PainRegion])),
            "nprs_now": now,
            "nprs_worst_24h": draw(st.integers(now, 10)),
        },
        "red_flag_screen": {"saddle_anaesthesia": False},
    }
