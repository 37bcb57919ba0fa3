"""Progression cases as data: a log history and the expected recommendation, one file each.

Each `tests/cases/progression/*.yaml` has `sessions` (the session-log format), optional
`targets` (exercise -> reps and sets, as a saved assessment's prescription gives them) and
`client` (`load_increment_kg`), and `expect`: per exercise the action and any target fields
(`exercise`, `load_kg`, `reps`, `sets`), rule ids that must be in `because`, overruled actions;
the exact flag codes; the hours between intense sessions; rules that must not fire.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from backexpert.progression import evaluate as progress
from backexpert.progression.logbook import SessionLog
from backexpert.progression.plan import Plan

CASES = sorted((Path(__file__).parents[1] / "cases" / "progression").glob("*.yaml"))


def _plan(targets: dict[str, dict[str, Any]]) -> Plan:
    return Plan({k: (v["reps"], v["sets"]) for k, v in targets.items()})


@pytest.fixture(scope="module")
def rules() -> progress.RuleBase:
    return progress.rule_base()


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, rules: progress.RuleBase) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    sessions = [SessionLog.model_validate(s) for s in case["sessions"]]
    result = progress.evaluate(
        sessions,
        plan=_plan(case.get("targets", {})),
        client_increment_kg=case.get("client", {}).get("load_increment_kg"),
        rules=rules,
    )
    expect = case["expect"]
    recs = {r.exercise: r for r in result.recommendations}
    for exercise, want in expect.get("recommendations", {}).items():
        got = recs[exercise]
        assert got.action.value == want["action"], (got.action, got.because, got.notes)
        for field in ("exercise", "load_kg", "reps", "sets"):
            if field in want:
                assert getattr(got.target, field) == want[field], (field, got.target)
        assert set(want.get("because", [])) <= set(got.because), got.because
        if "overruled" in want:
            assert [o.action.value for o in got.overruled] == want["overruled"]
    if "flags" in expect:
        assert sorted(f.code.value for f in result.flags) == sorted(expect["flags"])
    if "gaps" in expect:
        assert [g.hours for g in result.recovery] == expect["gaps"]
    fired = {t.rule for t in result.trace}
    assert not fired & set(expect.get("not_fired", [])), fired
    assert {r.id for r in result.rules} == fired


def test_every_progression_rule_has_a_case() -> None:
    """Each rule of rules/progression/ is the expected reason in at least one case."""
    named: set[str] = set()
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        for want in case["expect"].get("recommendations", {}).values():
            named |= set(want.get("because", []))
    flagged = {"progression.recovery_window"}  # tested through its flag and gaps
    rules = {r.id for r in progress.rule_base().rulebook}
    assert rules - named - flagged == set()
