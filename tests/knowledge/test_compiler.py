"""The rulebook loader: one rejection per kind of author error, and the shipped rule base.

Every rejection must name the file, the rule id and the line, so the author can find it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from backexpert import documents, shipped
from backexpert.assessment import actions
from backexpert.assessment.pipeline import compile_rulebook
from backexpert.errors import DocumentError, RuleSetError
from backexpert.knowledge import compiler
from backexpert.knowledge.rules import Rulebook
from factories import compile_rules, shipped_catalogue


def load(root: Path | None = None) -> Rulebook:
    """The assessment rulebook of a rule directory (the shipped one by default)."""
    return compile_rulebook(root if root is not None else shipped.rules_directory())[0]


HEADER = "area: tiny\ndescription: rules written wrongly on purpose\nrules:\n"


def _rule(when: str, then: str, rule_id: str = "tiny.bad", tail: str = "") -> str:
    """One rule; its `- id` line is line 4 of the file when it comes first after HEADER."""
    return (
        f"  - id: {rule_id}\n"
        f"    when:\n{when}"
        f"    then:\n{then}"
        "    rationale: a rule written for a rejection test\n"
        "    source: test\n"
        f"{tail}"
    )


ALWAYS_FLAG = "      - flag: {code: technique_focus, message: fine}\n"
AGE_40 = "      all:\n        - client.age: {gte: 40}\n"


def _problems(text: str, source: str = "bad.yaml") -> list[str]:
    with pytest.raises(RuleSetError) as info:
        compile_rules(text, source)
    return list(info.value.problems)


def _assert_problem(text: str, line: int, message: str, rule_id: str = "tiny.bad") -> None:
    """Exactly one problem, at `bad.yaml:<line>: rule <id>:`, containing `message`."""
    problems = _problems(text)
    assert len(problems) == 1, problems
    where = f"bad.yaml:{line}: rule {rule_id}: "
    assert problems[0].startswith(where), f"expected {where!r} in {problems[0]!r}"
    assert message in problems[0], problems[0]


def test_a_correct_rule_compiles() -> None:
    rb = compile_rules(HEADER + _rule(AGE_40, ALWAYS_FLAG, rule_id="tiny.good"))
    assert [r.id for r in rb] == ["tiny.good"]
    assert rb["tiny.good"].line == 4
    assert rb["tiny.good"].file == "tiny.yaml"


def test_unknown_field_in_a_rule() -> None:
    text = HEADER + _rule(AGE_40, ALWAYS_FLAG, tail="    rationle: typo\n")
    _assert_problem(text, 12, "rules[0].rationle: unknown field")


def test_unknown_fact_with_did_you_mean() -> None:
    text = HEADER + _rule("      all:\n        - client.agee: {gte: 40}\n", ALWAYS_FLAG)
    _assert_problem(
        text, 7, "unknown fact 'client.agee' for the assessment rules (did you mean 'client.age'?)"
    )


def test_unknown_operator() -> None:
    text = HEADER + _rule("      all:\n        - client.age: {greater: 40}\n", ALWAYS_FLAG)
    _assert_problem(text, 7, "unknown operator 'greater'")


def test_value_outside_domain() -> None:
    text = HEADER + _rule("      all:\n        - client.occupation: pilot\n", ALWAYS_FLAG)
    _assert_problem(text, 7, "value 'pilot' is outside client.occupation's domain")


def test_number_outside_range() -> None:
    text = HEADER + _rule("      all:\n        - pain.nprs_now: 11\n", ALWAYS_FLAG)
    _assert_problem(text, 7, "value 11 can never occur: pain.nprs_now is 0..10")


def test_numeric_operator_on_non_numeric_fact() -> None:
    text = HEADER + _rule("      all:\n        - training.experience: {gt: 1}\n", ALWAYS_FLAG)
    _assert_problem(text, 7, "gt needs a numeric fact; training.experience is enum")


def test_negative_operator_on_derived_fact() -> None:
    when = "      all:\n        - risk.lumbar_load: {is_not: high}\n"
    _assert_problem(HEADER + _rule(when, ALWAYS_FLAG), 7, "is_not cannot be used on risk.lumbar")


def test_clause_that_can_never_fire() -> None:
    when = "      all:\n        - client.age: {gte: 50}\n        - client.age: {lt: 40}\n"
    _assert_problem(
        HEADER + _rule(when, ALWAYS_FLAG),
        6,
        "when: can never fire: no value of client.age satisfies "
        "client.age gte 50 and client.age lt 40",
    )


def test_condition_on_derived_fact_no_rule_derives() -> None:
    when = "      all:\n        - lumbar.motor_control_deficit: true\n"
    _assert_problem(
        HEADER + _rule(when, ALWAYS_FLAG),
        4,
        "can never fire: no rule derives lumbar.motor_control_deficit is true",
    )


def test_condition_on_a_derived_value_no_rule_derives() -> None:
    """A rule derives risk.lumbar_load elevated, but the condition asks for high."""
    deriver = _rule(AGE_40, "      - derive: {fact: risk.lumbar_load, value: elevated}\n", "tiny.d")
    asker = _rule("      all:\n        - risk.lumbar_load: high\n", ALWAYS_FLAG)
    _assert_problem(HEADER + deriver + asker, 12, "no rule derives risk.lumbar_load is high")


def test_unknown_action() -> None:
    then = "      - prescribe: {exercise: deadlift}\n"
    _assert_problem(
        HEADER + _rule(AGE_40, then),
        9,
        "unknown action 'prescribe' for the assessment rules; use one of derive, add, dose",
    )


def test_unknown_exercise_with_did_you_mean() -> None:
    then = "      - add: {exercise: deadlfit, phase: main}\n"
    _assert_problem(
        HEADER + _rule(AGE_40, then),
        9,
        "then[0].add.exercise: unknown exercise 'deadlfit' (did you mean 'deadlift'?)",
    )


def test_unknown_exercise_in_a_selector() -> None:
    then = "      - before: {first: {exercise: bird_dogg}, then: {loaded: true}}\n"
    _assert_problem(HEADER + _rule(AGE_40, then), 9, "unknown exercise 'bird_dogg'")


def test_selector_selecting_nothing() -> None:
    then = "      - exclude: {pattern: mobility, loaded: true}\n"
    _assert_problem(
        HEADER + _rule(AGE_40, then),
        9,
        "selects no exercise of the catalogue (loaded mobility exercises)",
    )


def test_rule_adding_and_excluding_the_same_exercise() -> None:
    then = (
        "      - add: {exercise: deadlift, phase: main}\n      - exclude: {tag: technical_lift}\n"
    )
    _assert_problem(HEADER + _rule(AGE_40, then), 9, "then: both adds and excludes deadlift")


def test_wrong_field_inside_an_action() -> None:
    then = "      - add: {exercise: deadlift, phase: warmup}\n"
    _assert_problem(HEADER + _rule(AGE_40, then), 9, "then[0].add.phase: must be 'priming'")


def test_cap_naming_no_dose_field() -> None:
    then = "      - cap: {exercise: deadlift}\n"
    _assert_problem(HEADER + _rule(AGE_40, then), 9, "names no dose field to set")


def test_deriving_a_fact_that_is_not_derived() -> None:
    then = "      - derive: {fact: client.age, value: 50}\n"
    _assert_problem(
        HEADER + _rule(AGE_40, then),
        9,
        "'client.age' is not a derived fact of the assessment rules",
    )


def test_bad_rep_range_in_a_dose() -> None:
    then = '      - dose: {exercise: deadlift, reps: "six"}\n'
    _assert_problem(HEADER + _rule(AGE_40, then), 9, "reps must look like '8' or '4-6'")


def test_when_must_be_all_or_any() -> None:
    text = HEADER + _rule("      client.age: {gte: 40}\n", ALWAYS_FLAG)
    _assert_problem(text, 6, "when: must be 'always', or a mapping with one key: all or any")


def test_too_many_alternatives() -> None:
    ages = "".join(f"            - client.age: {{is: {20 + i}}}\n" for i in range(6))
    sexes = "            - client.sex: female\n            - client.sex: male\n"
    goals = "".join(f"            - goal.{g}: true\n" for g in ("strength", "posture", "endurance"))
    when = f"      all:\n        - any:\n{ages}        - any:\n{sexes}        - any:\n{goals}"
    _assert_problem(
        HEADER + _rule(when, ALWAYS_FLAG), 6, "when: expands to 36 alternatives; at most 32"
    )


def test_duplicate_rule_ids_across_files() -> None:
    first = documents.parse(HEADER + _rule(AGE_40, ALWAYS_FLAG, "tiny.same"), "one.yaml")
    second = documents.parse(HEADER + _rule(AGE_40, ALWAYS_FLAG, "tiny.same"), "two.yaml")
    with pytest.raises(RuleSetError) as info:
        compiler.compile_documents(
            [first, second], actions.vocabulary(shipped_catalogue()), "<test>"
        )
    assert list(info.value.problems) == [
        "two.yaml:4: rule tiny.same: duplicate id (also in one.yaml:4)"
    ]


def test_duplicate_rule_ids_in_one_file() -> None:
    text = (
        HEADER + _rule(AGE_40, ALWAYS_FLAG, "tiny.same") + _rule(AGE_40, ALWAYS_FLAG, "tiny.same")
    )
    _assert_problem(text, 12, "duplicate id (also in bad.yaml:4)", rule_id="tiny.same")


@pytest.mark.parametrize("field", ["rationale", "source"])
def test_missing_rationale_or_source(field: str) -> None:
    text = "\n".join(
        line for line in (HEADER + _rule(AGE_40, ALWAYS_FLAG)).split("\n") if field not in line
    )
    _assert_problem(text, 4, f"rules[0].{field}: required field is missing")


def test_rationale_too_short() -> None:
    text = (HEADER + _rule(AGE_40, ALWAYS_FLAG)).replace(
        "rationale: a rule written for a rejection test", "rationale: why"
    )
    _assert_problem(text, 10, "rules[0].rationale: String should have at least 10 characters")


def test_every_problem_is_reported_at_once() -> None:
    when = "      all:\n        - client.agee: 40\n        - client.occupation: pilot\n"
    then = "      - prescribe: {}\n      - add: {exercise: deadlfit, phase: main}\n"
    problems = _problems(HEADER + _rule(when, then))
    assert [re.sub(r": rule tiny\.bad: .*", "", p) for p in problems] == [
        "bad.yaml:7",
        "bad.yaml:8",
        "bad.yaml:10",
        "bad.yaml:11",
    ]


# --- documents that are not YAML at all -----------------------------------------------------


def _rule_dir(tmp_path: Path, name: str, text: str) -> Path:
    root = tmp_path / "rules"
    root.mkdir()
    shutil.copy(shipped.rules_directory() / shipped.CATALOGUE_FILE, root)
    shutil.copy(shipped.rules_directory() / shipped.PLAN_FILE, root)
    (root / name).write_text(text)
    return root


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    text = HEADER + _rule(AGE_40, ALWAYS_FLAG).replace("source: test", "source: [unclosed")
    root = _rule_dir(tmp_path, "broken.yaml", text)
    with pytest.raises(DocumentError) as info:
        load(root)
    message = str(info.value)
    assert str(root / "broken.yaml") in message
    assert "not valid YAML or JSON" in message
    assert info.value.problems[0].line == 12, message


def test_duplicate_yaml_key_names_file_and_line(tmp_path: Path) -> None:
    text = HEADER + _rule(AGE_40, ALWAYS_FLAG, tail="    source: twice\n")
    root = _rule_dir(tmp_path, "twice.yaml", text)
    with pytest.raises(DocumentError) as info:
        load(root)
    assert str(root / "twice.yaml") in str(info.value)
    assert "duplicate key 'source'" in str(info.value)
    assert info.value.problems[0].line == 12


def test_a_directory_without_catalogue_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match=r"no exercises\.yaml"):
        load(tmp_path)


# --- the shipped rule base ------------------------------------------------------------------


def test_shipped_rule_base_loads() -> None:
    rb = load()
    areas = {r.area for r in rb}
    assert areas == {
        "priming",
        "selection",
        "posture",
        "lumbar",
        "shoulder",
        "experience",
        "goals",
        "schedule",
        "red_flags",
        "screening",
        "general_health",
        "load_level",
        "radicular",
        "surgery",
        "pars",
        "bone",
        "pregnancy",
        "ageing",
        "conditions",
        "precautions",
    }
    assert len(rb.rules) >= 40
    assert re.fullmatch(r"[0-9a-f]{12}", rb.version)


def test_every_shipped_rule_has_rationale_and_source() -> None:
    for r in load():
        assert len(r.rationale) >= 30, r.id
        assert r.rationale == " ".join(r.rationale.split()), r.id
        assert len(r.source) >= 10, r.id
        assert r.summary().endswith("."), r.id


def test_every_shipped_rule_is_located(tmp_path: Path) -> None:
    rb = load()
    for r in rb:
        lines = (Path(rb.directory) / r.file).read_text().split("\n")
        assert lines[r.line - 1].strip() == f"- id: {r.id}", (r.file, r.line)


def test_version_is_stable_across_loads() -> None:
    assert load().version == load().version


def _copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), root)
    return root


def test_version_changes_when_a_rule_changes(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    original = load(root).version
    path = root / "lumbar.yaml"
    text = path.read_text()
    changed = text.replace(
        "cap: {pattern: hinge, loaded: true, sets: 2, effort: 7}",
        "cap: {pattern: hinge, loaded: true, sets: 3, effort: 7}",
    )
    assert changed != text
    path.write_text(changed)
    assert load(root).version != original


def test_version_changes_when_the_catalogue_changes(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    original = load(root).version
    path = root / shipped.CATALOGUE_FILE
    path.write_text(
        path.read_text().replace('reps: "4-6", tempo: "3-0-1-1"', 'reps: "5", tempo: "3-0-1-1"')
    )
    assert load(root).version != original


def test_version_ignores_layout(tmp_path: Path) -> None:
    """Comments and blank lines are not rules: the hash stays."""
    root = _copy_rules(tmp_path)
    original = load(root).version
    path = root / "priming.yaml"
    path.write_text("# a comment\n\n" + path.read_text())
    assert load(root).version == original
