"""The monitor against edited rules: no edit to a copy of the rules yields an unsafe result.

Each edit the hardening review found unsafe (issue 10) and those of the clinical rules (issue 9)
is applied to a copy of `rules/`; every clinical case is assessed with it. Each result must be
either withheld by the safety monitor or pass the independent invariants of the property tests,
and every listed edit must be caught at least once (an edit nobody notices proves nothing). The
generated edits delete each safety rule in turn and drop each load tag of each exercise.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import casebook
from backexpert import assessment, shipped
from backexpert.assessment import RuleBase
from backexpert.clinical.catalogue import Catalogue
from backexpert.clinical.intake import Intake
from backexpert.errors import RuleSetError, SafetyError
from backexpert.knowledge.oracle import Oracle
from backexpert.progression import evaluate as progression
from backexpert.progression.logbook import SessionLog
from backexpert.safety import disagreements
from backexpert.safety import progress as progress_monitor
from judges import (
    invariant_a_red_flag_always_stops_or_unloads_the_program,
    invariant_doses_stay_within_caps,
    invariant_emergency_or_urgent_referral_has_no_sessions,
    invariant_intense_sessions_are_48_hours_apart_across_the_week,
    invariant_loaded_items_come_after_priming,
    invariant_no_item_is_contraindicated,
)

INTAKES = [casebook.load(p).intake for p in casebook.case_paths()]
JUDGES = (
    invariant_a_red_flag_always_stops_or_unloads_the_program,
    invariant_doses_stay_within_caps,
    invariant_emergency_or_urgent_referral_has_no_sessions,
    invariant_intense_sessions_are_48_hours_apart_across_the_week,
    invariant_loaded_items_come_after_priming,
    invariant_no_item_is_contraindicated,
)
Edit = Callable[[Path], None]


def _replace(file: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{file}: {old!r} not found (the edit is stale)"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _delete(*rule_ids: str) -> Edit:
    def edit(root: Path) -> None:
        for rule_id in rule_ids:
            for path in [*root.glob("*.yaml"), *root.glob("progression/*.yaml")]:
                text = path.read_text(encoding="utf-8")
                block = re.search(
                    rf"^  - id: {re.escape(rule_id)}\n.*?(?=^  - id: |\Z)", text, re.M | re.S
                )
                if block:
                    path.write_text(text[: block.start()] + text[block.end() :], encoding="utf-8")
                    break
            else:
                raise AssertionError(f"no rule {rule_id} (the edit is stale)")

    return edit


def _exercise(exercise: str, old: str, new: str) -> Edit:
    """Change one line of one exercise's entry in the catalogue."""

    def edit(root: Path) -> None:
        path = root / shipped.CATALOGUE_FILE
        text = path.read_text(encoding="utf-8")
        start = text.index(f"  - id: {exercise}\n")
        end = text.find("\n  - id: ", start + 1)
        entry = text[start:end]
        assert old in entry, f"{exercise}: {old!r} not found"
        path.write_text(text[:start] + entry.replace(old, new, 1) + text[end:], encoding="utf-8")

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(root: Path) -> None:
        for e in edits:
            e(root)

    return edit


# The edits of issue 10 (15 were unsafe and passed silently) and of the clinical rules.
EDITS: dict[str, Edit] = {
    "deadlift and trap bar marked unloaded": _both(
        _exercise("deadlift", "loaded: true", "loaded: false"),
        _exercise("trap_bar_deadlift", "loaded: true", "loaded: false"),
    ),
    "no PAR-Q+ clearance rule": _delete("screening.parq_clearance_needed"),
    "no Oswestry severe rule": _delete("screening.odi_severe"),
    "no QuickDASH rule": _delete("screening.quickdash_high"),
    "no STarT Back high rule": _delete("screening.start_back_high"),
    "no anti-rotation first": _delete("lumbar.anti_rotation_first"),
    "hyperextension with back pain": _delete("lumbar.back_pain_no_hyperextension"),
    "48 h for novices and older adults": _delete("schedule.novice_or_older_recovery"),
    "hinge cap 2 -> 4 sets": _replace(
        "lumbar.yaml",
        "cap: {pattern: hinge, loaded: true, sets: 2, effort: 7}",
        "cap: {pattern: hinge, loaded: true, sets: 4, effort: 7}",
    ),
    "no cancer-over-50 referral": _delete("red_flags.cancer_over_50"),
    "no load level none": _delete("load_level.none_caps"),
    "no load levels at all": _delete(
        "load_level.none_caps", "load_level.low_caps", "load_level.moderate_caps"
    ),
    "no pregnancy rules": _delete("pregnancy.always", "pregnancy.no_prone_from_20_weeks"),
    "no early cuff-repair protection": _delete("shoulder.young_repair_no_loaded_pulling"),
    "no fragile-bone rule": _delete("bone.spare_the_spine"),
    "no surgery timeline": _delete(
        "surgery.discectomy_first_weeks", "surgery.fusion_first_weeks", "surgery.fusion_early"
    ),
    "no youth rule": _delete("ageing.youth"),
    "deadlift loses its breath-hold tag": _exercise("deadlift", "breath_hold, ", ""),
    "resting 160/100 without its sets of 15": _replace(
        "general_health.yaml", '      - dose: {loaded: true, reps: "15"}\n', ""
    ),
}


def _copy_rules(tmp_path: Path, edit: Edit) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), root)
    edit(root)
    return root


def _outcomes(rules: RuleBase, intakes: list[Intake]) -> tuple[int, list[str]]:
    """How many results the monitor withheld, and every unsafe result it let through."""
    stopped, unsafe = 0, []
    for intake in intakes:
        try:
            p = assessment.assess(intake, rules)
        except SafetyError:
            stopped += 1
            continue
        for judge in JUDGES:
            try:
                judge(intake, p)
            except AssertionError as exc:
                unsafe.append(f"{intake.client.name}: {judge.__name__}: {exc}")
    return stopped, unsafe


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edit_never_yields_an_unsafe_program(tmp_path: Path, name: str) -> None:
    root = _copy_rules(tmp_path, EDITS[name])
    try:
        rules = assessment.rule_base(root)
    except RuleSetError:
        return  # the edit leaves a rule base that does not compile: nothing can run on it
    stopped, unsafe = _outcomes(rules, INTAKES)
    assert not unsafe, f"{name}: unsafe results passed the monitor:\n" + "\n".join(unsafe[:5])
    assert stopped, f"{name}: no case noticed the edit"


def test_urgency_turned_down_is_stopped(tmp_path: Path) -> None:
    root = _copy_rules(
        tmp_path,
        _replace(
            "red_flags.yaml",
            "          urgency: urgent\n          reason: Past cancer in a client over 50",
            "          urgency: before_exercise\n          reason: Past cancer in a client over 50",
        ),
    )
    stopped, unsafe = _outcomes(assessment.rule_base(root), INTAKES)
    assert stopped and not unsafe


def test_rules_check_refuses_a_catalogue_the_monitor_disagrees_with(tmp_path: Path) -> None:
    from backexpert import services

    root = _copy_rules(tmp_path, EDITS["deadlift and trap bar marked unloaded"])
    with pytest.raises(RuleSetError) as info:
        services.check_rules(str(root))
    assert "exercise deadlift: loaded is False, the safety monitor says True" in str(info.value)


# --- generated edits ---------------------------------------------------------------------

SAFETY_AREAS = {
    "red_flags",
    "screening",
    "load_level",
    "radicular",
    "surgery",
    "pars",
    "bone",
    "pregnancy",
    "ageing",
    "general_health",
    "shoulder",
    "lumbar",
    "schedule",
}


@pytest.fixture(scope="module")
def shipped_rules() -> RuleBase:
    return assessment.rule_base()


@pytest.fixture(scope="module")
def fired_in(shipped_rules: RuleBase) -> dict[str, list[Intake]]:
    out: dict[str, list[Intake]] = {}
    for intake in INTAKES:
        for rule_id in dict.fromkeys(
            t.rule for t in assessment.assess(intake, shipped_rules).trace
        ):
            out.setdefault(rule_id, []).append(intake)
    return out


def test_deleting_any_safety_rule_never_yields_an_unsafe_program(
    shipped_rules: RuleBase, fired_in: dict[str, list[Intake]]
) -> None:
    unsafe: list[str] = []
    for rule in shipped_rules.rulebook:
        if rule.area not in SAFETY_AREAS:
            continue
        mutant = shipped_rules.rulebook.without(rule.id)
        rules = shipped_rules.with_rulebook(mutant, Oracle(mutant))
        _, found = _outcomes(rules, fired_in.get(rule.id, []))
        unsafe += [f"without {rule.id}: {u}" for u in found]
    assert not unsafe, "\n".join(unsafe[:10])


def test_dropping_any_load_tag_never_yields_an_unsafe_program(
    shipped_rules: RuleBase,
) -> None:
    cat = shipped_rules.catalogue
    prescribed: dict[str, list[Intake]] = {}
    for intake in INTAKES:
        p = assessment.assess(intake, shipped_rules)
        ids = {i.exercise for s in p.sessions for i in s.items} | {x.exercise for x in p.excluded}
        for ex in ids:
            prescribed.setdefault(ex, []).append(intake)
    unsafe: list[str] = []
    checked = 0
    for e in cat:
        for tag in sorted(e.tags):
            fewer = e.model_copy(update={"tags": [t for t in e.tags if t != tag]})
            edited = Catalogue(tuple(fewer if x.id == e.id else x for x in cat))
            assert disagreements(edited), "rules check must notice a dropped tag"
            rules = replace(shipped_rules, catalogue=edited, shipped=False)
            _, found = _outcomes(rules, prescribed.get(e.id, [])[:6])
            checked += 1
            unsafe += [f"{e.id} without {tag.value}: {u}" for u in found]
    assert checked > 100
    assert not unsafe, "\n".join(unsafe[:10])


# --- progression -------------------------------------------------------------------------


def _deadlift(day: int, kg: float, pain_before: int, pain_after: int) -> SessionLog:
    return SessionLog.model_validate(
        {
            "date": f"2026-11-{day:02d}",
            "exercises": [
                {
                    "exercise": "deadlift",
                    "sets": [{"reps": 6, "load_kg": kg, "rpe": 6}] * 3,
                    "form": 4,
                    "pain_before": pain_before,
                    "pain_after": pain_after,
                    "target_reps": "4-6",
                }
            ],
        }
    )


def test_without_the_pain_rules_progress_is_still_stopped(tmp_path: Path) -> None:
    sessions = [_deadlift(2, 60, 2, 2), _deadlift(5, 60, 2, 2), _deadlift(9, 60, 2, 5)]
    shipped_result = progression.evaluate(sessions)
    assert {r.action.value for r in shipped_result.recommendations} != {"increase_load"}
    assert not progress_monitor.violations(shipped_result.recommendations, sessions, None)

    root = _copy_rules(tmp_path, _delete("progression.pain_regress", "progression.overreaching"))
    mutant = progression.evaluate(sessions, rules=progression.rule_base(root))
    steps = [r for r in mutant.recommendations if r.action.value == "increase_load"]
    assert steps, "the edit must turn the pain rise into an increase for this test to mean it"
    found = progress_monitor.violations(mutant.recommendations, sessions, None)
    assert [v.invariant for v in found] == ["progression.pain"]
