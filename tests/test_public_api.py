"""The public API: what `import backexpert` offers, pinned so a change is deliberate."""

from __future__ import annotations

import subprocess
import sys

import backexpert

PUBLIC = [
    "VERSION",
    "BackExpertError",
    "DocumentError",
    "EngineError",
    "InputError",
    "Intake",
    "IntakeError",
    "Prescription",
    "ProgressReport",
    "ReportError",
    "RuleBase",
    "RuleSetError",
    "SafetyError",
    "StoreError",
    "assess",
    "rule_base",
    "to_json",
]


def test_the_public_names_are_pinned() -> None:
    assert backexpert.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(backexpert, name) is not None, name


def test_the_public_api_assesses_an_intake() -> None:
    from factories import intake_data

    p = backexpert.assess(backexpert.Intake.model_validate(intake_data()))
    assert isinstance(p, backexpert.Prescription)
    assert backexpert.to_json(p).startswith("{")


def test_importing_the_package_loads_neither_the_engine_nor_the_store() -> None:
    code = (
        "import sys, backexpert, backexpert.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('durable', 'sqlalchemy', "
        "'weasyprint', 'backexpert.store', 'backexpert.progression'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_package_is_typed() -> None:
    from pathlib import Path

    assert (Path(backexpert.__file__).parent / "py.typed").is_file()


def test_the_version_is_the_project_s() -> None:
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["version"] == backexpert.VERSION


def test_a_json_assessment_loads_no_renderer() -> None:
    """`assess --format json` is the cold-start path: no Jinja, no documents, no store."""
    from pathlib import Path

    example = Path(__file__).parents[1] / "examples" / "desk-worker.yaml"
    code = (
        "import sys; from backexpert.cli import main; sys.argv = ['backexpert', 'assess', "
        f"{str(example)!r}, '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('jinja2', 'weasyprint', "
        "'sqlalchemy', 'backexpert.present', 'backexpert.store', 'backexpert.progression'))), "
        "file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("{")
    assert done.stderr.strip().splitlines()[-1] == "[]"
