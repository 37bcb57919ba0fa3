"""The plan over weeks: its data file, how a template is chosen, and how the monitor checks it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from backexpert import assessment, shipped
from backexpert.assessment.pipeline import compile_rulebook, to_json
from backexpert.assessment.prescription import PlanPhase, Prescription
from backexpert.cli import cli
from backexpert.clinical.intake import Intake
from backexpert.clinical.plans import PlanBook
from backexpert.clinical.plans import load as load_plans
from backexpert.safety import violations
from factories import make_intake

RULES = assessment.rule_base()
PLAN = shipped.rules_directory() / shipped.PLAN_FILE


def _assess(intake: Intake) -> Prescription:
    return assessment.assess(intake, RULES)


def _cuff(weeks: int, **changes: object) -> Intake:
    return make_intake(
        conditions=[{"code": "rotator_cuff_repair", "side": "right", "weeks_since": weeks}],
        **changes,
    )


# --- the data file -------------------------------------------------------------------------


def _entries(book: PlanBook) -> list[tuple[str, str]]:
    return [(e.id, e.source) for e in book.entries().values()]


def test_every_entry_names_a_real_reference() -> None:
    """A source names a published reference or the domain reference, not an issue, a vignette
    or the seed alone."""
    book = load_plans(PLAN)
    for entry_id, source in _entries(book):
        assert not re.search(r"\bissue\b|#\d|vignette", source, re.I), (entry_id, source)
        assert re.sub(r"(?i)seed( article)?[;,. ]*", "", source).strip(), (entry_id, source)
        assert re.search(r"\d{4}|section \d+", source), (entry_id, source)


def _copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), root)
    return root


def test_rules_check_refuses_an_unknown_key_with_file_and_line(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    path = root / shipped.PLAN_FILE
    text = path.read_text()
    path.write_text(text.replace("    effort: [5, 6]\n", "    effort: [5, 6]\n    efort: 7\n", 1))
    line = text.splitlines().index("    effort: [5, 6]") + 2
    result = CliRunner().invoke(cli, ["rules", "check", "--rules", str(root)])
    assert result.exit_code == 2
    assert f"{path}:{line}: stages[2].efort" in result.stderr


def test_rules_check_refuses_an_unknown_stage_and_a_gap(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    path = root / shipped.PLAN_FILE
    text = path.read_text().replace(
        "stage: plan.walking\n        from_week: 0\n        to_week: 6",
        "stage: plan.walkin\n        from_week: 0\n        to_week: 5",
    )
    path.write_text(text)
    result = CliRunner().invoke(cli, ["rules", "check", "--rules", str(root)])
    assert result.exit_code == 2
    assert "unknown stage 'plan.walkin'" in result.stderr
    assert "must be the previous phase's to_week" in result.stderr


def test_editing_the_plan_file_changes_the_rulebook_version(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    before = compile_rulebook(root)[0].version
    path = root / shipped.PLAN_FILE
    path.write_text(
        path.read_text().replace("every: {intermediate: 6,", "every: {intermediate: 5,")
    )
    assert compile_rulebook(root)[0].version != before


def test_a_rule_base_without_plan_templates_is_refused(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    (root / shipped.PLAN_FILE).unlink()
    result = CliRunner().invoke(cli, ["rules", "check", "--rules", str(root)])
    assert result.exit_code == 2
    assert "no plan.yaml" in result.stderr


# --- choosing the template -----------------------------------------------------------------


def test_cuff_repair_at_week_4_starts_protected_and_names_the_overhead_week() -> None:
    plan = _assess(_cuff(4)).plan
    assert plan is not None
    assert [(p.name, p.first_week) for p in plan.phases][:3] == [
        ("protected shoulder", 1),
        ("active shoulder motion", 3),
        ("shoulder strengthening", 9),
    ]
    assert plan.basis["condition.rotator_cuff_repair.weeks_since"] == 4
    assert "shoulder.cuff_repair_passive_phase" in plan.because
    assert (plan.returns[0].activity, plan.returns[0].week) == (
        "overhead pulling (light pulldowns)",
        13,
    )


def test_a_repair_past_its_timeline_gets_the_default_path() -> None:
    plan = _assess(_cuff(40)).plan
    assert plan is not None
    assert plan.because[0] == "plan.default"
    assert plan.returns == []


def test_novices_progress_linearly_and_trained_clients_deload() -> None:
    def deloads(experience: str) -> list[int]:
        plan = _assess(make_intake(training={"experience": experience})).plan
        assert plan is not None
        return [w for p in plan.phases for w in p.deload_weeks]

    assert deloads("novice") == []
    assert deloads("intermediate") == [6]
    assert deloads("advanced") == [4, 8]


def test_low_load_level_starts_with_motor_control_capped() -> None:
    p = _assess(make_intake(pain={"region": "low_back", "nprs_now": 3, "nprs_worst_24h": 6}))
    assert p.load_level.level.value == "low"
    assert p.plan is not None
    first = p.plan.phases[0]
    assert first.name == "motor control"
    assert all(ph.effort is not None and ph.effort <= 5 for ph in p.plan.phases)
    assert "capped at RPE 5" in p.plan.phases[1].dose
    assert "load_level.low_caps" in p.plan.phases[1].because


def test_clearance_waits_and_promises_no_loaded_phase() -> None:
    p = _assess(make_intake(conditions=[{"code": "pregnancy", "weeks_since": 14}]))
    assert p.status == "clearance_required"
    assert p.plan is not None
    assert not any(ph.loaded for ph in p.plan.phases)
    assert "clearance" in p.plan.phases[0].milestones[0]
    assert p.plan.returns == []


def test_referral_has_no_plan() -> None:
    p = _assess(make_intake(red_flag_screen={"saddle_anaesthesia": True}))
    assert p.status == "referral" and p.plan is None


def test_the_plan_explains_itself() -> None:
    p = _assess(_cuff(14))
    assert p.plan is not None
    entries = {e.id for e in p.plan.entries}
    rules = {r.id for r in p.rules}
    for ph in p.plan.phases:
        assert ph.because and all(b in entries | rules for b in ph.because)


def test_the_same_intake_gives_byte_identical_json() -> None:
    assert to_json(_assess(_cuff(4))) == to_json(_assess(_cuff(4)))


# --- the monitor ---------------------------------------------------------------------------


def _with_phase(p: Prescription, **changes: object) -> Prescription:
    assert p.plan is not None
    first = p.plan.phases[0].model_copy(update=changes)
    plan = p.plan.model_copy(update={"phases": [first, *p.plan.phases[1:]]})
    return p.model_copy(update={"plan": plan})


@pytest.mark.parametrize(
    ("intake", "change", "invariant"),
    [
        (
            make_intake(pain={"region": "low_back", "nprs_now": 3, "nprs_worst_24h": 6}),
            {"effort": 7},
            "plan.effort",
        ),
        (
            make_intake(conditions=[{"code": "pregnancy", "weeks_since": 14}]),
            {"loaded": True},
            "plan.withheld",
        ),
        (make_intake(), {"first_week": 2}, "plan.contiguous"),
        (make_intake(), {"because": ["plan.nowhere"]}, "explained.known_rule"),
    ],
)
def test_the_monitor_refuses_a_plan_that_promises_too_much(
    intake: Intake, change: dict[str, object], invariant: str
) -> None:
    p = _assess(intake)
    assert violations(p, intake) == []
    found = {v.invariant for v in violations(_with_phase(p, **change), intake)}
    assert invariant in found


def test_the_monitor_wants_a_plan_for_every_program() -> None:
    intake = make_intake()
    p = _assess(intake).model_copy(update={"plan": None})
    assert {v.invariant for v in violations(p, intake)} == {"plan.present"}


def test_plan_phase_fields_are_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "output.md").read_text()
    for field in PlanPhase.model_fields:
        assert f"`{field}`" in doc, field
