"""The rule base as the shells see it: its catalogue, its check, its coverage, the schemas."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from .. import documents, shipped
from ..assessment import RuleBase, assess, rule_base
from ..assessment.edits import Adjustments
from ..assessment.prescription import Prescription
from ..clinical.catalogue import Catalogue
from ..clinical.intake import Intake
from ..errors import InputError, IntakeError, Problem


def catalogue(rules_dir: str | None = None) -> Catalogue:
    """The exercise catalogue of a rule directory (the shipped one by default)."""
    return _catalogue(None if rules_dir is None else str(rules_dir))


@lru_cache(maxsize=4)
def _catalogue(rules_dir: str | None) -> Catalogue:
    from ..clinical import catalogue as catalogue_mod

    root = Path(rules_dir) if rules_dir is not None else shipped.rules_directory()
    return catalogue_mod.load(root / shipped.CATALOGUE_FILE)


@dataclass
class RulesCheck:
    """What `rules check` found: each rulebook's version, size and where it is."""

    lines: list[str] = field(default_factory=list)


def check_rules(rules_dir: str | None = None) -> RulesCheck:
    """Compile the assessment and progression rulebooks and prove the engine accepts them."""
    from .. import safety
    from ..errors import RuleSetError
    from ..progression import evaluate as progression

    base = rule_base(rules_dir)
    rb = base.rulebook
    disagree = safety.disagreements(base.catalogue)
    if disagree:
        cat_file = Path(rb.directory) / shipped.CATALOGUE_FILE
        raise RuleSetError([f"{cat_file}: {d}" for d in disagree])
    actions = Counter(c.kind for r in rb for c in r.conclusions)  # type: ignore[attr-defined]
    files = sorted({r.file for r in rb})
    out = RulesCheck()
    out.lines += [
        f"rule base {rb.version}: OK",
        f"  {len(rb)} rules in {len(files)} files ({rb.directory})",
        f"  {len(base.catalogue.exercises)} exercises in the catalogue",
        f"  {len(rb.facts_used())} facts tested; conclusions: "
        + ", ".join(f"{k} {n}" for k, n in sorted(actions.items())),
    ]
    if (Path(rb.directory) / shipped.PROGRESSION_DIR).is_dir():
        pb = progression.rule_base(rules_dir).rulebook
        out.lines += [
            f"progression rules {pb.version}: OK",
            f"  {len(pb)} rules, {len(pb.facts_used())} facts tested ({pb.directory})",
        ]
    return out


def rule_coverage(case_files: Iterable[Path], rules: RuleBase) -> dict[str, list[str]]:
    """Rule id → the case files in which it fired (every rule of the rulebook is a key)."""
    fired: dict[str, list[str]] = {r.id: [] for r in rules.rulebook}
    for path in sorted(case_files):
        doc = documents.read(path)
        if not isinstance(doc.data, dict) or "intake" not in doc.data:
            raise InputError(str(path), [Problem("intake", "a case needs an intake")])
        sub = documents.Document(doc.source, doc.data["intake"], None)
        intake = documents.validate(Intake, sub, IntakeError)
        for f in assess(intake, rules).trace:
            if path.name not in fired[f.rule]:
                fired[f.rule].append(path.name)
    return fired


SchemaName = Literal["intake", "prescription", "adjustments"]
SCHEMAS: dict[str, type[Intake | Prescription | Adjustments]] = {
    "intake": Intake,
    "prescription": Prescription,
    "adjustments": Adjustments,
}


def schema(name: SchemaName) -> dict[str, Any]:
    """The JSON Schema of a public document."""
    return SCHEMAS[name].model_json_schema()
