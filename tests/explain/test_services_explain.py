"""The explanation use-cases the web app calls, and where the explain package may reach."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backexpert import services
from backexpert.clinical import intake as intake_mod
from backexpert.clinical.words import Pattern
from backexpert.errors import InputError
from factories import EXAMPLE

SRC = Path(__file__).resolve().parents[2] / "src" / "backexpert"
# The desk-worker example with her pain settled (worst 3/10): the spinal load level then keeps
# nothing out, so each answer shows the lumbar and shoulder rules one at a time.
DESK = intake_mod.load(str(EXAMPLE)).model_copy(
    update={"pain": intake_mod.Pain(region="low_back", nprs_now=2, nprs_worst_24h=3)}
)


def test_why_not_beside_every_exercise_and_pattern() -> None:
    answers = services.why_not_everything(DESK)
    cat = services.catalogue()
    assert [a.target for a in answers] == [e.id for e in cat] + [p.value for p in Pattern]
    by = {a.target: a for a in answers}
    assert by["deadlift"].status == "replaced" and by["deadlift"].ways == []
    assert by["cat_camel"].status == "prescribed"
    assert by["vertical_pull"].status == "excluded"
    json.dumps([a.model_dump(mode="json") for a in answers])  # JSON-serialisable as is


def test_why_not_and_what_if_services() -> None:
    a = services.why_not(DESK, "deadlift")
    assert a.ways
    assert services.why_not(DESK, "deadlift", search=False).ways == []
    w = services.what_if(DESK, ["client.age=39"])
    assert "deadlift" in {d.subject for d in w.diff.differences if d.kind == "exercise_added"}


def test_compare_two_prescriptions() -> None:
    from backexpert import assessment

    before = assessment.assess(DESK)
    after = services.what_if(DESK, ["client.age=39"])
    changed = assessment.assess(
        intake_mod.Intake.model_validate({**DESK.model_dump(mode="json"), "client": {
            **DESK.model_dump(mode="json")["client"], "age": 39}})
    )  # fmt: skip
    assert services.compare(before, changed) == after.diff


def test_rules_at_a_ref_outside_git(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info, services.rules_at_ref("HEAD", str(tmp_path)):
        pass
    assert "is not inside a git repository" in str(info.value)
    with pytest.raises(InputError), services.rules_at_ref("-x"):
        pass


def test_rules_at_a_ref_in_a_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    rules = repo / "rules"
    rules.mkdir(parents=True)
    (rules / "a.yaml").write_text("area: x\n")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "rules"], check=True)
    (rules / "a.yaml").write_text("area: changed\n")
    with services.rules_at_ref("HEAD", str(rules)) as old:
        assert (Path(old) / "a.yaml").read_text() == "area: x\n"
    assert not Path(old).exists()


def _imports(path: Path) -> set[str]:
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                out.add(".".join([*base, *(node.module.split(".") if node.module else [])]))
            elif node.module:
                out.add(node.module)
    return out


def test_explain_never_imports_the_store_the_shells_or_the_services() -> None:
    for path in (SRC / "explain").rglob("*.py"):
        banned = ("backexpert.store", "backexpert.cli", "backexpert.services")
        bad = {m for m in _imports(path) if any(m == b or m.startswith(b + ".") for b in banned)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_the_new_commands_keep_start_up_light() -> None:
    code = (
        "import sys, backexpert.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('durable', 'sqlalchemy', "
        "'backexpert.explain', 'backexpert.store'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
