"""The clinical cases in `tests/cases/*.yaml`: each intake assessed and held to its expectation.

Besides running every case, this module proves the cases can fail: the case format refuses
unknown keys and unknown names, and each rule of the shipped rule base, deleted on its own, makes
at least one case fail (a case that cannot fail is a defect).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import casebook
from backexpert import assessment
from backexpert.assessment import RuleBase
from backexpert.assessment.prescription import Prescription
from backexpert.errors import BackExpertError, InputError, IntakeError

PATHS = casebook.case_paths()

# Rules whose deletion no case can notice, each with the reason. The test below also proves each
# entry still has no effect, so the list cannot go stale when a case learns to notice one.
UNPROVABLE = {
    "experience.novice_no_bent_over_row": (
        "a guard: the bent-over row is only ever added for intermediate and advanced lifters "
        "(goals.strength_deadlift_progression), so no novice program can contain it"
    ),
    "posture.rounded_shoulders_sequence": (
        "its order (scapular push-up, band pull-apart, face pull) already follows from phase and "
        "catalogue order; its only other effect drops the face pull when no band pull-apart is "
        "prescribed, which is not behaviour to pin in a case"
    ),
    "pars.no_press_up_without_preference": (
        "a guard: the prone press-up (the catalogue's only end-range extension drill) is only "
        "added by an extension directional preference, which this rule lets through"
    ),
    "pregnancy.third_trimester_balance": (
        "a guard: only the 65-and-over balance block adds high-balance work (single-leg stance), "
        "so no pregnant client's program can hold it"
    ),
    "shoulder.both_arms_no_arm_load": (
        "a guard: one-armed work is only added for the free arm (shoulder.other_arm_works), "
        "which no client with both arms protected has"
    ),
    "schedule.intermediate_frequency": (
        "it restates the default of 2 intense sessions; only schedule.because and the trace change"
    ),
}


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return assessment.rule_base()


def test_there_are_enough_cases() -> None:
    assert len(PATHS) >= 12, f"only {len(PATHS)} cases in {casebook.CASES_DIR}"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_case(path: Path, rules: RuleBase) -> None:
    case = casebook.load(path)
    prescription = assessment.assess(case.intake)
    failures = casebook.unknown_names(case.expect, rules)
    failures += casebook.check(case.expect, prescription)
    assert not failures, f"{path.name} ({case.name}):\n  " + "\n  ".join(failures)


def test_every_seed_rule_fires_in_some_case(rules: RuleBase) -> None:
    fired = {t.rule for p in PATHS for t in assessment.assess(casebook.load(p).intake).trace}
    never = [r.id for r in rules.rulebook if r.id not in fired]
    assert not never, f"rules no case exercises: {never}"


def _cases_failing(rules: RuleBase, cases: list[casebook.Case]) -> list[str]:
    failing = []
    for case in cases:
        try:
            p = assessment.assess(case.intake, rules)
        except BackExpertError as exc:  # e.g. the safety check withholds the program
            failing.append(f"{case.id}: {type(exc).__name__}")
            continue
        # `fired: [x]` fails trivially once x is gone and proves no behaviour: leave it out.
        if casebook.check(case.expect, p, skip=casebook.TRACE_KEYS):
            failing.append(case.id)
    return failing


def test_deleting_any_rule_fails_some_case(rules: RuleBase) -> None:
    # Only cases that pass on the shipped rule base can witness a deletion (test_case reports
    # the others); a deleted rule can only change the cases it fired in, so only those run.
    cases = [casebook.load(p) for p in PATHS]
    fired_in: dict[str, list[casebook.Case]] = {}
    for c in cases:
        p = assessment.assess(c.intake, rules)
        if casebook.check(c.expect, p):
            continue
        for rule_id in dict.fromkeys(t.rule for t in p.trace):
            fired_in.setdefault(rule_id, []).append(c)
    unproven, stale = [], []
    for rule in rules.rulebook:
        mutant = rules.with_rulebook(rules.rulebook.without(rule.id))
        failing = _cases_failing(mutant, fired_in.get(rule.id, []))
        if rule.id in UNPROVABLE and failing:
            stale.append(f"{rule.id} (now proven by {failing[0]})")
        elif rule.id not in UNPROVABLE and not failing:
            unproven.append(rule.id)
    assert not unproven, f"deleting these rules fails no case: {unproven}"
    assert not stale, f"remove from UNPROVABLE, a case proves them now: {stale}"
    assert set(UNPROVABLE) <= {r.id for r in rules.rulebook}, "UNPROVABLE names a rule that is gone"


# --- the case format itself -----------------------------------------------------------------

MINIMAL_INTAKE = """\
intake:
  client: {name: "Format Check", age: 30, sex: male, occupation: other}
  training: {experience: intermediate, sessions_per_week: 2, equipment: [barbell]}
  goals: [general_fitness]
  pain: {region: none, nprs_now: 0}
"""


def _write_case(tmp_path: Path, expect: str, intake: str = MINIMAL_INTAKE) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(f"name: format check\nabout: checks the case format\n{intake}{expect}")
    return path


def test_unknown_expectation_key_is_refused(tmp_path: Path) -> None:
    path = _write_case(tmp_path, "expect:\n  presnt: [deadlift]\n")
    with pytest.raises(InputError) as info:
        casebook.load(path)
    assert "expect.presnt: unknown field" in str(info.value)


def test_unknown_schedule_key_is_refused(tmp_path: Path) -> None:
    path = _write_case(tmp_path, "expect:\n  schedule: {min_gap: 48}\n")
    with pytest.raises(InputError, match=r"expect\.schedule\.min_gap: unknown field"):
        casebook.load(path)


def test_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    path = _write_case(tmp_path, "expect: {}\nexpected: {}\n")
    with pytest.raises(InputError, match="expected: unknown field"):
        casebook.load(path)


def test_wrong_type_in_expectation_is_refused() -> None:
    with pytest.raises(ValidationError):
        casebook.Expect.model_validate({"max_sets": {"deadlift": "3"}})


def test_bad_intake_in_a_case_names_the_case_file_line(tmp_path: Path) -> None:
    bad = MINIMAL_INTAKE.replace("age: 30", "age: 300")
    path = _write_case(tmp_path, "expect: {}\n", intake=bad)
    with pytest.raises(IntakeError) as info:
        casebook.load(path)
    problem = info.value.problems[0]
    assert problem.path == "client.age"
    assert problem.line == 4, "the line is the case file's line, not the intake's"


def test_misspelt_names_in_expectations_are_reported(rules: RuleBase) -> None:
    expect = casebook.Expect.model_validate(
        {
            "absent": ["pull_up_nuetral_grip"],
            "not_fired": ["lumbar.hinge_regresion"],
            "flags": ["technique"],
        }
    )
    assert casebook.unknown_names(expect, rules) == [
        "unknown exercise id 'pull_up_nuetral_grip'",
        "unknown rule id 'lumbar.hinge_regresion'",
        "unknown flag code 'technique'",
    ]


@pytest.fixture(scope="module")
def trained_client() -> Prescription:
    """Case 01: an intermediate lifter with 4 sessions, no findings (2 intense, 2 light)."""
    return assessment.assess(
        casebook.load(casebook.CASES_DIR / "01-priming-before-loading.yaml").intake
    )


@pytest.mark.parametrize(
    ("expect", "fragment"),
    [
        ({"status": "referral"}, "status: expected 'referral'"),
        ({"present": ["lat_pulldown"]}, "present: lat_pulldown is in no intense session"),
        ({"absent": ["deadlift"]}, "absent: deadlift is prescribed on"),
        ({"excluded": ["deadlift"]}, "excluded: deadlift is not listed"),
        ({"substituted": {"deadlift": "trap_bar_deadlift"}}, "substituted: deadlift"),
        ({"order": [["deadlift", "scapular_push_up"]]}, "comes before deadlift"),
        ({"order": [["deadlift", "lat_pulldown"]]}, "no session holds both"),
        ({"max_sets": {"deadlift": 2}}, "max_sets: deadlift has 3 sets"),
        ({"max_sets": {"lat_pulldown": 2}}, "lat_pulldown is in no session or daily drill"),
        ({"sets": {"deadlift": 4}}, "sets: deadlift has 3 sets"),
        ({"reps": {"deadlift": "8-12"}}, "reps: deadlift is dosed 4-6 reps"),
        ({"max_effort": {"deadlift": 7}}, "max_effort: deadlift at RPE 8"),
        ({"all_max_sets": 2}, "all_max_sets: deadlift has 3 sets"),
        ({"flags": ["technique_focus"]}, "flags: technique_focus not raised"),
        ({"fired": ["lumbar.hinge_regression"]}, "fired: lumbar.hinge_regression did not fire"),
        ({"not_fired": ["selection.hinge_deadlift"]}, "not_fired: selection.hinge_deadlift"),
        ({"daily": ["wall_slide"]}, "daily: wall_slide not among the daily drills"),
        ({"schedule": {"intense_sessions": 3}}, "schedule: 2 intense sessions, expected 3"),
        ({"schedule": {"light_sessions": 0}}, "schedule: 2 light sessions, expected 0"),
        ({"schedule": {"min_gap_hours": 72}}, "intense gaps [48, 120] h, expected at least 72"),
        ({"schedule": {"days": {"mon": "intense"}}}, "schedule: mon is light, expected intense"),
        ({"plan_phases": ["motor control"]}, "plan_phases: expected ['motor control']"),
        ({"plan_starts": {"strength": 2}}, "plan_starts: strength starts at week 1, expected 2"),
        ({"plan_weeks": 4}, "plan_weeks: expected 4, got 10"),
        ({"plan_deloads": []}, "plan_deloads: expected [], got [6]"),
        ({"plan_unloaded": True}, "plan_unloaded: phase strength is loaded"),
        ({"plan_max_effort": 6}, "plan_max_effort: phase strength at RPE 8 > 6"),
        ({"overhead_pull_returns_week": 3}, "overhead_pull_returns_week: expected 3, got []"),
    ],
)
def test_each_expectation_can_fail(
    expect: dict[str, object], fragment: str, trained_client: Prescription
) -> None:
    failures = casebook.check(casebook.Expect.model_validate(expect), trained_client)
    assert any(fragment in f for f in failures), failures
