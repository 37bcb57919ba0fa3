"""The rule compiler: clinician-readable rule files loaded, checked against a vocabulary, compiled.

A rule file has an `area`, a `description` and `rules`; each rule an `id`, `when`, `then`, a
`rationale` and a `source`. The compiler takes the vocabulary of its pipeline as a parameter and
refuses unknown fields, facts, operators, values and actions, and whatever the vocabulary's own
check refuses (e.g. exercise ids missing from the catalogue), naming the file, the rule id and
the line of each problem. Conditions compile to DNF (see `conditions`), conclusions to the
vocabulary's typed action models.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from .. import documents
from ..errors import InputError, RuleSetError
from ..model import Model
from .conditions import compile_when, did_you_mean
from .rules import Derive, Rule, Rulebook
from .vocabulary import Vocabulary


class RuleSpec(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$", max_length=120)
    when: Any
    then: list[dict[str, Any]] = Field(min_length=1)
    rationale: str = Field(min_length=10)
    source: str = Field(min_length=3)


class RuleFile(Model):
    area: str = Field(pattern=r"^[a-z_]+$")
    description: str
    rules: list[RuleSpec] = Field(min_length=1)


class _Problems:
    """Collects author errors with their file, rule id and line."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


@dataclass
class _At:
    """Where a rule stands, so each problem names the file, the rule id and the line."""

    doc: documents.Document
    base: list[str | int]
    rule_id: str
    problems: _Problems

    def error(self, path: list[str | int], message: str) -> None:
        line = self.doc.line_of([*self.base, *path])
        self.problems.add(
            f"{self.doc.source}:{line}: rule {self.rule_id}",
            f"{documents.format_path(path)}: {message}",
        )


def load_directory(
    directory: str | Path, words: Vocabulary, *, skip: Iterable[str] = ()
) -> Rulebook:
    """Compile every `*.yaml` rule file of a directory (except the names in `skip`)."""
    root = Path(directory)
    skipped = set(skip)
    files = sorted(p for p in root.glob("*.yaml") if p.name not in skipped)
    if not files:
        raise RuleSetError([f"{root}: no rule files (*.yaml)"])
    return compile_documents([documents.read(p) for p in files], words, str(root))


def compile_documents(docs: Iterable[documents.Document], words: Vocabulary, root: str) -> Rulebook:
    """Validate parsed rule files against the vocabulary and compile them into a rulebook."""
    problems = _Problems()
    rules: list[Rule] = []
    where: dict[int, str] = {}  # a rule's location for errors: its file as read, and its line
    for doc in docs:
        for r in _compile_file(doc, words, problems, _relative(doc.source, root)):
            rules.append(r)
            where[id(r)] = f"{doc.source}:{r.line}"
    seen: dict[str, str] = {}
    for r in rules:
        if r.id in seen:
            problems.add(f"{where[id(r)]}: rule {r.id}", f"duplicate id (also in {seen[r.id]})")
        seen.setdefault(r.id, where[id(r)])
    _check_derivations(rules, words, problems, where)
    if problems.items:
        raise RuleSetError(problems.items)
    tested = {c.fact for r in rules for cl in r.clauses for c in cl}
    closed = frozenset(f for f in tested if words.facts[f].always_known)
    return Rulebook(tuple(rules), version(rules, words), root, words.name, closed)


def _relative(source: str, root: str) -> str:
    """A rule file's name as documents record it: relative to its rule directory."""
    try:
        return Path(source).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return source


def _compile_file(
    doc: documents.Document, words: Vocabulary, problems: _Problems, name: str
) -> list[Rule]:
    try:
        spec = documents.validate(RuleFile, doc)
    except InputError as exc:
        for p in exc.problems:
            rid = _rule_id_at(doc, p.path)
            problems.add(
                f"{doc.source}:{p.line}" + (f": rule {rid}" if rid else ""),
                p.path + ": " + p.message,
            )
        return []
    out = []
    for i, rs in enumerate(spec.rules):
        line = doc.line_of(["rules", i]) or 0
        at = _At(doc, ["rules", i], rs.id, problems)
        always, clauses = compile_when(rs.when, words, at)
        conclusions = _compile_then(rs.then, words, at)
        for problem in words.check_rule(conclusions):
            at.error(["then"], problem)
        out.append(
            Rule(
                rs.id,
                spec.area,
                name,
                line,
                clauses,
                tuple(conclusions),
                " ".join(rs.rationale.split()),
                " ".join(rs.source.split()),
                always,
            )
        )
    return out


def _rule_id_at(doc: documents.Document, path: str) -> str | None:
    if not path.startswith("rules["):
        return None
    try:
        i = int(path[len("rules[") : path.index("]")])
        return str(doc.data["rules"][i]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _compile_then(then: list[dict[str, Any]], words: Vocabulary, at: _At) -> list[BaseModel]:
    actions: dict[str, type[BaseModel]] = {"derive": Derive, **words.actions}
    out: list[BaseModel] = []
    for i, item in enumerate(then):
        if len(item) != 1:
            at.error(["then", i], f"each conclusion has exactly one action ({', '.join(actions)})")
            continue
        action, payload = next(iter(item.items()))
        model = actions.get(str(action))
        if model is None:
            at.error(
                ["then", i, action],
                f"unknown action {action!r} for the {words.name} rules; use one of "
                f"{', '.join(actions)}" + did_you_mean(str(action), actions),
            )
            continue
        if not isinstance(payload, dict):
            at.error(["then", i, action], "must be a mapping of the action's fields")
            continue
        try:
            conclusion = model.model_validate({**payload, "kind": action})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = [p for p in err["loc"] if p != action]
                at.error(["then", i, action, *loc], documents._message(err))
            continue
        problems = _check_derive(conclusion, words) if isinstance(conclusion, Derive) else []
        for path, problem in [*problems, *words.check(conclusion)]:
            at.error(["then", i, action, *path], problem)
        out.append(conclusion)
    return out


def _check_derive(d: Derive, words: Vocabulary) -> list[tuple[list[str | int], str]]:
    spec = words.facts.get(d.fact)
    if spec is None or not spec.derived:
        return [(["fact"], f"{d.fact!r} is not a derived fact of the {words.name} rules")]
    if not spec.admits(d.value):
        return [(["value"], f"{d.value!r} is outside {d.fact}'s domain ({spec.domain_text()})")]
    return []


def _check_derivations(
    rules: list[Rule], words: Vocabulary, problems: _Problems, where: dict[int, str]
) -> None:
    """A condition on a derived fact must be satisfiable by some rule's derive."""
    derivable: dict[str, set[Any]] = {}
    for r in rules:
        for d in r.derives():
            derivable.setdefault(d.fact, set()).add(d.value)
    for r in rules:
        for cl in r.clauses:
            for cond in cl:
                if words.facts[cond.fact].derived and not any(
                    cond.holds(v) for v in derivable.get(cond.fact, set())
                ):
                    problems.add(
                        f"{where[id(r)]}: rule {r.id}",
                        f"can never fire: no rule derives {cond.text()}",
                    )


def version(rules: Iterable[Rule], words: Vocabulary) -> str:
    """A short hash of the compiled rules and of the data the vocabulary checked them against."""
    payload = {
        "rules": [
            {
                "id": r.id,
                "clauses": [[c.text() for c in cl] for cl in r.clauses],
                "then": [c.model_dump(mode="json") for c in r.conclusions],
                "rationale": r.rationale,
                "source": r.source,
            }
            for r in rules
        ],
        "data": words.fingerprint,
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:12]
