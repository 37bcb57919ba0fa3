"""The store commands end to end with click's CliRunner and a temporary database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backexpert.cli import cli

ROOT = Path(__file__).resolve().parents[2]
INTAKE = str(ROOT / "examples" / "desk-worker.yaml")
SESSION = str(ROOT / "examples" / "logs" / "session-log.yaml")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _client() -> str:
    result = run("clients", "add", "--name", "Alex Example", "--born", "1980-05-02")
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_clients_add_and_list() -> None:
    assert _client() == "1"
    assert run("clients", "add", "--name", "Sam").output.strip() == "2"
    listed = json.loads(run("clients", "list", "--format", "json").output)
    assert [(c["id"], c["name"], c["born"]) for c in listed] == [
        (1, "Alex Example", "1980-05-02"),
        (2, "Sam", None),
    ]
    assert "Alex Example" in run("clients", "list").output


def test_assess_and_save() -> None:
    cid = _client()
    result = run("assess", INTAKE, "--client", cid, "--save", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "saved assessment 1 for client 1" in result.stderr
    assert run("assess", INTAKE, "--save").exit_code == 2
    missing = run("assess", INTAKE, "--client", "7", "--save")
    assert missing.exit_code == 2
    assert "no client with id 7" in missing.stderr


def test_log_from_options_and_file() -> None:
    cid = _client()
    result = run(
        "log", cid, "--date", "2026-11-02", "--exercise", "deadlift",
        "--set", "5x60kg@7", "--set", "5x60kg@8", "--form", "4", "--pain", "2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("logged session 1 for client 1: 2026-11-02, 1 exercise(s)")
    result = run("log", cid, "--file", SESSION)
    assert result.exit_code == 0, result.output
    assert "4 exercise(s), 12 set(s)" in result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--set", "5x60kq@7"], "--set #1: set '5x60kq@7' is not REPSx"),
        (["--set", "5x60kg@7", "--set", "@8"], "--set #2: set '@8'"),
        (["--set", "5x60kg@11"], "--set '5x60kg@11': rpe: must be <= 10 (got 11)"),
        (["--set", "5x60kg@7", "--form", "7"], "--form: must be <= 5 (got 7)"),
        (["--set", "5x60kg@7", "--date", "2026-13-01"], "--date:"),
        (["--set", "5x60kg@7", "--time", "25:00"], "--time:"),
    ],
)
def test_log_bad_input_names_the_token(args: list[str], says: str) -> None:
    cid = _client()
    result = run("log", cid, "--exercise", "deadlift", "--date", "2026-11-02", *args)
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert "Traceback" not in result.output


def test_log_bad_file_and_unknown_exercise(tmp_path: Path) -> None:
    cid = _client()
    bad = tmp_path / "bad.yaml"
    bad.write_text("date: 2026-11-02\nexercises:\n  - exercise: deadlfit\n    sets: [5x60kg@7]\n")
    result = run("log", cid, "--file", str(bad))
    assert result.exit_code == 2
    assert "exercises[0].exercise: unknown exercise 'deadlfit' (did you mean 'deadlift'?)" in (
        result.stderr
    )
    assert "(line 3)" in result.stderr
    assert run("log", cid, "--exercise", "deadlift").exit_code == 2  # no --set
    assert run("log", "9", "--exercise", "deadlift", "--set", "5x@7").exit_code == 2


def test_a_database_failure_keeps_the_session(tmp_path: Path) -> None:
    cid = _client()
    result = run(
        "log", cid, "--exercise", "deadlift", "--set", "5x60kg@7",
        "--database", str(tmp_path),  # a directory: SQLite cannot open it
    )  # fmt: skip
    assert result.exit_code == 4
    kept = Path(result.stderr.split("your session is kept in ")[1].split(":")[0])
    assert json.loads(kept.read_text())["exercises"][0]["sets"][0]["load_kg"] == 60.0
    again = run("log", cid, "--file", str(kept))
    assert again.exit_code == 0, again.output


def _history(cid: str) -> None:
    for day, sets, form in (
        ("2026-11-02", ["12x60kg@7", "12x60kg@7", "14x60kg@7"], "4"),
        ("2026-11-05", ["12x60kg@7", "12x60kg@7", "14x60kg@7"], "4"),
    ):
        args = ["--date", day, "--exercise", "dumbbell_deadlift", "--form", form]
        assert run("log", cid, *args, *(x for s in sets for x in ("--set", s))).exit_code == 0
    for day in ("2026-11-03", "2026-11-06"):
        assert run("log", cid, "--date", day, "--exercise", "pull_up_neutral_grip",
                   "--set", "3x6x@8", "--pain", "2").exit_code == 0  # fmt: skip


def test_progress_json_table_html_pdf(tmp_path: Path) -> None:
    cid = _client()
    assert run("assess", INTAKE, "--client", cid, "--save").exit_code == 0
    _history(cid)
    result = run("progress", cid, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    recs = {r["exercise"]: r for r in report["recommendations"]}
    hinge = recs["dumbbell_deadlift"]
    assert hinge["action"] == "increase_load"
    assert hinge["target"]["load_kg"] == 61.0
    assert hinge["target"]["sets"] == 2, "the plan caps the loaded hinge at 2 sets"
    assert hinge["target"]["effort"] == 7
    assert "progression.two_for_two_hinge" in hinge["because"]
    # The pull-up is not in the desk worker's plan (a novice with a cuff repair): never progressed.
    assert recs["pull_up_neutral_grip"]["action"] == "review"
    assert {"exercise", "action", "target", "because"} <= set(recs["pull_up_neutral_grip"])
    assert [g["hours"] for g in report["recovery"]] == [24, 48, 24]  # Mon, Tue, Thu, Fri
    assert [f["detail"] for f in report["flags"]] == [
        "2026-11-02 (Mon) -> 2026-11-03 (Tue): 24 h",
        "2026-11-05 (Thu) -> 2026-11-06 (Fri): 24 h",
    ]
    assert {t["rule"] for t in report["trace"]} >= {"progression.two_for_two_hinge"}
    table = run("progress", cid)
    assert "increase load" in table.output
    assert "61 kg ×" in table.output and "× 2 sets" in table.output
    html, pdf = tmp_path / "p.html", tmp_path / "p.pdf"
    assert run("progress", cid, "--html", str(html), "--pdf", str(pdf)).exit_code == 0
    page = html.read_text()
    assert page.count("<svg") == 5
    assert "Deadlift load (top set)" in page
    assert pdf.read_bytes().startswith(b"%PDF")


def test_progress_of_a_client_without_sessions() -> None:
    cid = _client()
    report = json.loads(run("progress", cid, "--format", "json").output)
    assert (report["recommendations"], report["flags"], report["as_of"]) == ([], [], None)
    assert run("progress", cid, "--html", "/nonexistent/dir/p.html").exit_code == 2


def test_export_import_roundtrip(tmp_path: Path) -> None:
    cid = _client()
    assert run("assess", INTAKE, "--client", cid, "--save").exit_code == 0
    assert run("log", cid, "--file", SESSION).exit_code == 0
    exported = run("export", cid).output
    path = tmp_path / "alex.json"
    path.write_text(exported)
    other = str(tmp_path / "other.sqlite3")
    assert run("import", str(path), "--database", other).output.strip() == "1"
    assert run("export", "1", "--database", other).output == exported
    duplicate = run("import", str(path), "--database", other)
    assert duplicate.exit_code == 2
    assert "already stored as client 1" in duplicate.stderr
    path.write_text(exported.replace('"trap_bar_deadlift"', '"zercher_squat"'))
    unknown = run("import", str(path))
    assert unknown.exit_code == 2
    assert "sessions[0].exercises[1].exercise: unknown exercise 'zercher_squat'" in unknown.stderr
    path.write_text(exported.replace('"format": "backexpert-client"', '"format": "other"'))
    wrong = run("import", str(path))
    assert wrong.exit_code == 2
    assert "format:" in wrong.stderr


def test_rules_check_covers_the_progression_rules() -> None:
    result = run("rules", "check")
    assert result.exit_code == 0
    assert "progression rules" in result.output


def test_progress_on_edited_rules_is_refused_by_the_monitor(tmp_path: Path) -> None:
    """Issue 10: without the pain rules, a 3-point pain rise would become `increase_load`."""
    import re
    import shutil

    from backexpert import shipped

    rules = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), rules)
    for name in ("regression.yaml", "plateau.yaml"):
        path = rules / "progression" / name
        text = path.read_text(encoding="utf-8")
        for rule_id in ("progression.pain_regress", "progression.overreaching"):
            text = re.sub(rf"^  - id: {re.escape(rule_id)}\n.*?(?=^  - id: |\Z)", "", text,
                          flags=re.M | re.S)  # fmt: skip
        path.write_text(text, encoding="utf-8")
    cid = _client()
    for day, before, after in (("02", 2, 2), ("05", 2, 2), ("09", 2, 5)):
        result = run(
            "log", cid, "--date", f"2026-11-{day}", "--exercise", "deadlift",
            "--set", "6x60kg@6", "--set", "6x60kg@6", "--set", "6x60kg@6", "--form", "4",
            "--pain-before", str(before), "--pain", str(after),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    assert run("progress", cid).exit_code == 0  # the shipped rules regress it
    refused = CliRunner().invoke(cli, ["progress", cid, "--rules", str(rules)])
    assert refused.exit_code == 3, refused.output
    assert "progression.pain" in refused.output
