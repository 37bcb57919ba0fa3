"""`backexpert explain` and `backexpert rules impact` through click's runner."""

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
from backexpert.store import Store
from factories import EXAMPLE

EXAMPLES = Path(EXAMPLE).parent


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_why_not_as_a_table() -> None:
    r = _run("explain", str(EXAMPLE), "--why-not", "deadlift")
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "Why not deadlift? replaced" in out
    assert "lumbar.hinge_regression" in out
    assert "client.age=39" in out and "a finding of the client, not a choice" in out
    assert "What would put it in (verified by re-assessing)" in out


def test_why_not_as_json() -> None:
    r = _run("explain", str(EXAMPLE), "--why-not", "pull_up_neutral_grip", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["target"] == "pull_up_neutral_grip" and data["status"] == "excluded"
    assert [b["rule"] for b in data["blockers"]] == [
        "experience.novice_pull_up_regression",
        "shoulder.repair_no_overhead_yet",
    ]


def test_why_not_a_pattern_the_client_has() -> None:
    r = _run("explain", str(EXAMPLE), "--why-not", "hinge")
    assert r.exit_code == 0, r.output
    assert "hinge work is prescribed" in " ".join(r.stdout.split())
    r = _run(
        "explain", str(EXAMPLES / "post-cuff-repair-screened.yaml"), "--why-not", "lat_pulldown"
    )
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert (
        "shoulder.young_repair_no_loaded_pulling" in out
        and "-conditions.rotator_cuff_repair" in out
    )


def test_why_not_when_a_referral_stops_everything() -> None:
    referral = EXAMPLES / "cauda-equina-referral.yaml"
    r = _run("explain", str(referral), "--why-not", "deadlift")
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "emergency referral" in out and "stopped" in out


def test_what_if_as_a_table() -> None:
    r = _run(
        "explain", str(EXAMPLE),
        "--what-if", "-conditions.lumbar_instability",
        "--what-if", "training.experience=intermediate",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "What if -conditions.lumbar_instability, training.experience=intermediate" in out
    assert "Pallof press (cable) removed" in out and "lumbar.anti_rotation_first" in out
    assert "training.experience novice intermediate history" in out


def test_what_if_with_a_follow_up_and_json() -> None:
    r = _run("explain", str(EXAMPLE), "--what-if", "pain.nprs_now=7", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [c["change"] for c in data["changes"]] == ["pain.nprs_now=7", "pain.nprs_worst_24h=7"]
    assert data["diff"]["rules_fired"] == [
        "load_level.severe_pain_now",
        "load_level.worst_pain_high",
        "load_level.none_caps",
        "load_level.low_caps",
        "lumbar.severe_pain_no_loaded_hinge",
        "lumbar.severe_pain",
    ]
    table = _run("explain", str(EXAMPLE), "--what-if", "pain.nprs_now=7")
    assert "follows from pain.nprs_now" in " ".join(table.stdout.split())


def test_what_if_without_a_difference() -> None:
    r = _run("explain", str(EXAMPLE), "--what-if", "client.age=45")
    assert r.exit_code == 0, r.output
    assert "No difference: the same prescription." in r.stdout


def test_what_if_that_withholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table says so in red when the safety monitor withholds the changed program."""
    r = _run("explain", str(EXAMPLE), "--what-if", "red_flag_screen.saddle_anaesthesia=yes")
    assert r.exit_code == 0, r.output
    assert "status program → referral" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--what-if", "pain.nprs_now=11"], "pain.nprs_now: must be <= 10 (got 11)"),
        (["--what-if", "pain.nprs_nw=1"], "pain.nprs_nw: unknown field (did you mean 'nprs_now'?)"),
        (["--why-not", "deadlfit"], "did you mean 'deadlift'?"),
    ],
)
def test_bad_input_exits_2_with_the_field_path(args: list[str], message: str) -> None:
    r = _run("explain", str(EXAMPLE), *args)
    assert r.exit_code == 2
    assert message in r.stderr


def test_why_not_or_what_if_but_one_of_them() -> None:
    assert _run("explain", str(EXAMPLE)).exit_code == 2
    both = _run("explain", str(EXAMPLE), "--why-not", "deadlift", "--what-if", "client.age=40")
    assert both.exit_code == 2 and "give --why-not" in both.stderr


# --- rules impact ---------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = str(tmp_path / "impact.sqlite3")
    rules = assessment.rule_base()
    with Store.open(url) as db:
        for f in ("desk-worker", "cauda-equina-referral", "strength-athlete"):
            x = intake_mod.load(str(EXAMPLES / f"{f}.yaml"))
            db.add_assessment(db.add_client(f), x, assessment.assess(x, rules))
    return url


def test_impact_of_deleting_a_rule_as_tables(database: str) -> None:
    r = _run(
        "rules", "impact", "--without", "lumbar.reduce_hinge_volume", "--database", database,
        "--progress",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "3 clients: 1 change, 2 unchanged, 0 failed" in out
    assert "withheld by the safety monitor 1" in out
    assert "status program → withheld 1" in out
    assert "Client 1 desk-worker: program → withheld" in out


def test_impact_as_json(database: str) -> None:
    r = _run(
        "rules", "impact", "--without", "goals.progression_principle", "--database", database,
        "--format", "json", "--limit", "0",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) == {"before", "after", "changed", "unchanged", "failed", "summary"}
    (changed,) = [c for c in data["changed"] if c["client_id"] == 1]
    assert set(changed) >= {"client_id", "name", "before", "after", "differences"}
    assert data["summary"]["explanation_only"] == len(data["changed"])


def test_impact_against_a_directory_and_a_git_ref(database: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), rules)
    same = _run(
        "rules", "impact", "--against", str(rules), "--database", database, "--format", "json"
    )
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout)["summary"]["changed"] == 0
    git = shutil.which("git")
    inside = git and subprocess.run(
        [git, "-C", str(shipped.rules_directory()), "rev-parse", "HEAD"],
        capture_output=True, check=False,
    ).returncode == 0  # fmt: skip
    if not inside:
        pytest.skip("the rule directory is not in a git checkout")
    head = _run(
        "rules", "impact", "--against-ref", "HEAD", "--database", database, "--format", "json"
    )
    assert head.exit_code == 0, head.output
    assert json.loads(head.stdout)["before"]["directory"].startswith("HEAD (git archive")
    bad = _run("rules", "impact", "--against-ref", "no-such-ref-xyz", "--database", database)
    assert bad.exit_code == 2 and "--against-ref" in bad.stderr
    dash = _run("rules", "impact", "--against-ref", "--output=x", "--database", database)
    assert dash.exit_code == 2


def test_impact_usage(database: str, tmp_path: Path) -> None:
    assert _run("rules", "impact", "--database", database).exit_code == 2
    both = _run(
        "rules", "impact", "--against", str(tmp_path), "--against-ref", "HEAD",
        "--database", database,
    )  # fmt: skip
    assert both.exit_code == 2 and "not both" in both.stderr
    unknown = _run("rules", "impact", "--without", "no.rule", "--database", database)
    assert unknown.exit_code == 2 and "no rule 'no.rule'" in unknown.stderr
    assert (
        _run("rules", "impact", "--against", str(tmp_path), "--database", database).exit_code == 2
    )
