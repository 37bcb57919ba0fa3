"""`rules impact` at its edges: rules older than the plan templates, plan changes alone, --jobs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backexpert import assessment, shipped
from backexpert.cli import cli
from backexpert.clinical import intake as intake_mod
from backexpert.clinical.plans import PLAN_FILE
from backexpert.errors import RuleSetError
from backexpert.explain import impact
from backexpert.explain.impact import Comparer, RuleSource
from backexpert.store import Store
from factories import EXAMPLE

EXAMPLES = Path(EXAMPLE).parent
NAMES = ("desk-worker", "cauda-equina-referral", "strength-athlete", "post-cuff-repair-screened")


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _git(repo: Path, *args: str) -> str:
    who = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    done = subprocess.run(
        ["git", "-C", str(repo), *who, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = str(tmp_path / "impact.sqlite3")
    rules = assessment.rule_base()
    with Store.open(url) as db:
        for f in NAMES:
            x = intake_mod.load(str(EXAMPLES / f"{f}.yaml"))
            db.add_assessment(db.add_client(f), x, assessment.assess(x, rules))
    return url


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A git repository whose first commit's rules predate the plan templates: (rules, ref)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    rules = root / "rules"
    shutil.copytree(shipped.rules_directory(), rules)
    plans = (rules / PLAN_FILE).read_text(encoding="utf-8")
    (rules / PLAN_FILE).unlink()
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "rules before the plan templates")
    old = _git(root, "rev-parse", "HEAD")
    (rules / PLAN_FILE).write_text(plans, encoding="utf-8")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "plan templates")
    return rules, old


def test_a_ref_older_than_the_plan_templates_is_compared(
    database: str, repo: tuple[Path, str]
) -> None:
    rules, old = repo
    r = _run(
        "rules", "impact", "--rules", str(rules), "--against-ref", old,
        "--database", database, "--format", "json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["before"]["directory"].startswith(f"{old} (git archive")
    assert "no plan templates (plan.yaml)" in data["before"]["note"]
    assert str(rules) in data["before"]["note"] and data["after"]["note"] is None
    # The same rules, planned with the same templates: nobody changes, nobody fails.
    assert data["summary"] == {**data["summary"], "clients": 4, "changed": 0, "failed": 0}
    table = _run("rules", "impact", "--rules", str(rules), "--against-ref", old,
                 "--database", database)  # fmt: skip
    assert table.exit_code == 0, table.output
    assert "no plan templates (plan.yaml): older than them" in " ".join(table.stdout.split())


def test_a_directory_older_than_the_plan_templates_is_compared(
    database: str, tmp_path: Path
) -> None:
    old = tmp_path / "old-rules"
    shutil.copytree(shipped.rules_directory(), old)
    (old / PLAN_FILE).unlink()
    r = _run("rules", "impact", "--against", str(old), "--database", database, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["summary"]["changed"] == 0


def test_only_a_reference_borrows_plan_templates(tmp_path: Path) -> None:
    old = tmp_path / "old-rules"
    shutil.copytree(shipped.rules_directory(), old)
    (old / PLAN_FILE).unlink()
    borrowed = RuleSource(str(old), plans_from=str(shipped.rules_directory())).load()
    assert borrowed.plans_from == str(shipped.rules_directory())
    with pytest.raises(RuleSetError, match=r"no plan\.yaml"):  # as the rules of an assessment
        assessment.rule_base(old)
    r = _run("assess", str(EXAMPLE), "--rules", str(old))
    assert r.exit_code == 2 and "no plan.yaml (the plan templates)" in r.stderr


def test_rules_at_a_ref_that_no_longer_compile_say_so(
    database: str, repo: tuple[Path, str]
) -> None:
    rules, _ = repo
    (rules / "exercises.yaml").write_text("exercises: nope\n", encoding="utf-8")
    root = rules.parent
    _git(root, "commit", "-qam", "a catalogue this version cannot read")
    (rules / "exercises.yaml").unlink()
    _git(root, "checkout", "-q", "HEAD~1", "--", "rules/exercises.yaml")
    r = _run("rules", "impact", "--rules", str(rules), "--against-ref", "HEAD",
             "--database", database)  # fmt: skip
    assert r.exit_code == 2, r.output
    assert (
        "HEAD (git archive of the rule directory): these rules do not compile with BackExpert"
    ) in r.stderr
    assert "rules/exercises.yaml" in r.stderr and "backexpert-rules-" not in r.stderr


def test_a_change_to_the_plan_templates_alone_is_seen(tmp_path: Path) -> None:
    """The fast path (same firings, same rules, same catalogue) must not hide a plan change."""
    changed = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), changed)
    plans = changed / PLAN_FILE
    text = plans.read_text(encoding="utf-8")
    assert "every: {intermediate: 6, advanced: 4}" in text
    plans.write_text(text.replace("intermediate: 6, advanced: 4", "intermediate: 3, advanced: 2"))
    athlete = intake_mod.load(str(EXAMPLES / "strength-athlete.yaml"))  # advanced: deloads
    found = Comparer(RuleSource().load(), RuleSource(str(changed)).load()).compare(athlete)
    assert found is not None
    assert {d.subject for d in found.differences} >= {"plan"}
    clients = [(1, "athlete", "uid-1", athlete.model_dump(mode="json"))]
    results = impact.run(clients, RuleSource(), RuleSource(str(changed)), jobs=1, batch_size=1)
    assert [r.outcome for r in results] == ["changed"]


def test_more_jobs_than_cpus_use_the_cpus(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker process holds both rule bases: --jobs 256 on two CPUs only cost memory."""
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    r = _run("rules", "impact", "--without", "goals.progression_principle", "--jobs", "256",
             "--database", database, "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "--jobs 256: this machine has 1 CPU(s); using 1" in r.stderr
    assert json.loads(r.stdout)["summary"]["clients"] == len(NAMES)
