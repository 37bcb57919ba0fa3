"""Regressions of the kernel issue (8): each defect it removed stays removed."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from backexpert import assessment, documents, services, shipped
from backexpert.assessment import actions
from backexpert.assessment.prescription import Prescription
from backexpert.clinical import intake as intake_mod
from backexpert.errors import RuleSetError
from backexpert.knowledge import compiler
from backexpert.knowledge.rules import Derive
from backexpert.present import console, html, wording
from backexpert.present.prescription_view import PrescriptionView
from backexpert.progression import vocabulary as progression_words
from factories import EXAMPLE, shipped_catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "backexpert"
CONTRACTS = Path(__file__).with_name("contracts")

ASSESSMENT_RULE_WITH = """\
area: tiny
description: an assessment rule that borrows a word of the progression rules
rules:
  - id: tiny.borrowed
    when:
      all:
        - {when}
    then:
      - {then}
    rationale: a rule that must be refused, not silently ignored
    source: test
"""


def _assessment_problems(when: str, then: str) -> list[str]:
    text = ASSESSMENT_RULE_WITH.format(when=when, then=then)
    doc = documents.parse(text, "borrowed.yaml")
    with pytest.raises(RuleSetError) as info:
        compiler.compile_documents([doc], actions.vocabulary(shipped_catalogue()), "<test>")
    return list(info.value.problems)


def test_an_assessment_rule_cannot_test_a_progression_fact() -> None:
    problems = _assessment_problems(
        "progress.sessions: {gte: 2}", "flag: {code: technique_focus, message: m}"
    )
    assert problems == [
        "borrowed.yaml:7: rule tiny.borrowed: when.all[0].progress.sessions: unknown fact "
        "'progress.sessions' for the assessment rules"
    ]


def test_an_assessment_rule_cannot_use_a_progression_action() -> None:
    (problem,) = _assessment_problems("client.age: {gte: 18}", "recommend: {action: hold}")
    assert problem.startswith("borrowed.yaml:9: rule tiny.borrowed: then[0].recommend: ")
    assert "unknown action 'recommend' for the assessment rules" in problem


def test_a_progression_rule_cannot_use_an_assessment_action_or_fact() -> None:
    text = ASSESSMENT_RULE_WITH.format(
        when="client.age: {gte: 18}", then="add: {exercise: deadlift, phase: main}"
    )
    doc = documents.parse(text, "borrowed.yaml")
    words = progression_words.vocabulary(shipped_catalogue())
    with pytest.raises(RuleSetError) as info:
        compiler.compile_documents([doc], words, "<test>")
    assert [p.split(": ", 3)[-1].split(" for ")[0] for p in info.value.problems] == [
        "unknown fact 'client.age'",
        "unknown action 'add'",
    ]


def test_the_explanation_in_a_document_is_typed() -> None:
    p = assessment.assess(intake_mod.load(str(EXAMPLE)))
    conclusions = [c for t in p.trace for c in t.conclusions]
    assert conclusions and all(type(c).__module__.startswith("backexpert.") for c in conclusions)
    assert any(isinstance(c, Derive) for c in conclusions)
    assert all(t.rationale and t.source for t in p.trace)
    derived = {(d.fact, d.value) for d in p.derivations}
    assert ("risk.lumbar_load", "elevated") in derived
    # Read back from JSON, the same typed document.
    again = Prescription.model_validate_json(assessment.to_json(p))
    assert again == p
    schema = json.dumps(Prescription.model_json_schema())
    assert '"discriminator"' in schema


def test_a_stored_assessment_renders_with_its_own_rules(tmp_path: Path) -> None:
    """Saved under a rule base whose rule is later reworded and another deleted."""
    rules = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), rules)
    intake = intake_mod.load(str(EXAMPLE))
    db_url = str(tmp_path / "db.sqlite3")
    with services.open_store(db_url) as db:
        cid = db.add_client("Alex Example")
        saved = services.assess_and_save(intake, rules_dir=str(rules), db=db, client_id=cid)
    old = next(r for r in saved.prescription.rules if r.id == "lumbar.reduce_hinge_volume")
    lumbar = rules / "lumbar.yaml"
    text = lumbar.read_text()
    lumbar.write_text(text.replace("Overloading the back with volume", "Changed wording"))
    (rules / "posture.yaml").unlink()  # every posture rule deleted
    with services.open_store(db_url) as db:
        stored = services.stored_prescription(db, cid)
    assert stored == saved.prescription
    page = html.render_html(PrescriptionView(stored))
    assert str(html.environment().from_string("{{ t }}").render(t=old.rationale)) in page
    assert "Changed wording" not in page
    assert "posture.rounded_shoulders_sequence" in page  # a deleted rule, explained as saved


def _imports(path: Path) -> set[str]:
    """Every module a source file imports, relative imports resolved to `backexpert.*`."""
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                out.add(".".join([*base, *(node.module.split(".") if node.module else [])]))
            elif node.module:
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


@pytest.mark.parametrize(
    "package", ["knowledge", "clinical", "assessment", "progression", "safety", "explain"]
)
def test_the_domain_never_imports_the_store_the_shells_or_the_services(package: str) -> None:
    for path in (SRC / package).rglob("*.py"):
        banned = (
            "backexpert.store",
            "backexpert.cli",
            "backexpert.web",
            "backexpert.services",
            "backexpert.clinic_services",
        )
        bad = {m for m in _imports(path) if any(m == b or m.startswith(b + ".") for b in banned)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_the_kernel_knows_no_clinical_words() -> None:
    for path in (SRC / "knowledge").rglob("*.py"):
        clinical = {
            m for m in _imports(path) if m.startswith("backexpert.") and ".knowledge" not in m
        }
        assert clinical <= {"backexpert", "backexpert.errors", "backexpert.model"}, (path, clinical)


def _uses_durable(path: Path) -> bool:
    """Imports durable-rules, by an import statement or by name through importlib."""
    text = path.read_text()
    by_name = 'import_module("durable' in text
    return by_name or any(m.startswith("durable") for m in _imports(path))


def test_only_the_engine_adapter_imports_durable() -> None:
    users = [p for p in SRC.rglob("*.py") if _uses_durable(p)]
    assert [p.relative_to(SRC).as_posix() for p in users] == ["knowledge/engine.py"]


def test_the_command_line_uses_no_store_directly() -> None:
    """Use-cases live in services; the CLI opens stores only through them."""
    for path in (SRC / "cli").glob("*.py"):
        assert not {m for m in _imports(path) if m.startswith("backexpert.store")}, path


def test_the_web_app_uses_no_store_directly() -> None:
    """Like the command line: routes use the store they are given, typed through the services."""
    for path in (SRC / "web").rglob("*.py"):
        assert not {m for m in _imports(path) if m.startswith("backexpert.store")}, path


def test_the_safety_monitor_never_reads_the_rules() -> None:
    """The second opinion is independent: no kernel, and no rule base or composer to lean on."""
    # The document it checks, and arithmetic: gaps between days, the minutes a dose takes.
    allowed = (
        "backexpert.assessment.prescription",
        "backexpert.assessment.week",
        "backexpert.assessment.timing",
    )
    for path in (SRC / "safety").rglob("*.py"):
        mods = _imports(path)
        assert not {m for m in mods if m.startswith("backexpert.knowledge")}, path
        assessment_uses = {m for m in mods if m.startswith("backexpert.assessment")}
        assert assessment_uses <= set(allowed), (path, assessment_uses)


def test_the_catalogue_check_of_given_exercises_exists_once() -> None:
    """One check of an exercise id a user gives, with its did-you-mean, used by each input that
    names exercises: a session log, an intake's current loads, a clinician's swap."""
    texts = {p.relative_to(SRC).as_posix(): p.read_text() for p in SRC.rglob("*.py")}
    assert [p for p, t in texts.items() if "def unknown_exercise" in t] == ["clinical/catalogue.py"]
    worded = [p for p, t in texts.items() if "unknown exercise {" in t]
    assert sorted(worded) == [
        "assessment/actions.py",
        "clinical/catalogue.py",
    ]  # rules: a RuleSetError
    users = [
        p for p, t in texts.items() if "unknown_exercise(" in t and "def unknown_exercise" not in t
    ]
    assert sorted(users) == [
        "assessment/editing.py",
        "clinical/intake.py",
        "progression/logbook.py",
    ]


def test_terminal_and_report_show_the_same_doses_and_week() -> None:
    """One view: the terminal and the HTML report say the same dose and the same gaps."""
    p = assessment.assess(intake_mod.load(str(EXAMPLE)))
    view = PrescriptionView(p)
    out = Console(width=400)  # wide enough that no dose wraps inside its column
    with out.capture() as captured:
        console.render_prescription(view, out)
    screen = " ".join(captured.get().split())
    page = html.render_html(view)
    for _, item in p.items():
        assert wording.dose_text(item) in screen
        assert (
            str(html.environment().from_string("{{ t }}").render(t=wording.dose_text(item))) in page
        )
    assert p.schedule is not None
    for gap in view.week().gaps:
        assert f"{gap.hours} h" in page
    assert ", ".join(f"{g} h" for g in p.schedule.gaps_hours) in screen


def _field_paths(schema: dict[str, object]) -> set[str]:
    """Every property path of a JSON Schema (`client.age`, `sessions[].items[].sets`)."""
    defs: dict[str, object] = schema.get("$defs", {})  # type: ignore[assignment]
    out: set[str] = set()

    def walk(node: object, prefix: str, seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                walk(defs[name], prefix, seen | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, prefix, seen)
        if "items" in node:
            walk(node["items"], prefix + "[]", seen)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], prefix + "{}", seen)
        for name, sub in (node.get("properties") or {}).items():
            path = f"{prefix}.{name}" if prefix else name
            out.add(path)
            walk(sub, path, seen)

    walk(schema, "", frozenset())
    return out


@pytest.mark.parametrize("document", ["intake", "prescription"])
def test_the_documents_keep_every_published_field(document: str) -> None:
    """Fields may be added; none renamed or dropped (docs/output.md, the intake schema)."""
    pinned = set((CONTRACTS / f"{document}.fields").read_text().split())
    now = _field_paths(services.schema(document))  # type: ignore[arg-type]
    assert pinned - now == set(), f"{document}: fields dropped or renamed"
    assert "trace[].rule" in now or document == "intake"
