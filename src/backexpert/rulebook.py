"""The rulebook: clinician-readable rule files (`rules/*.yaml`) loaded, checked and compiled.

A rule says *when* (conditions over registered facts, combined with `all` and `any`) and *then*
(conclusions from a fixed vocabulary of actions), and carries its `rationale` and `source`.
The loader refuses unknown fields, facts, operators, values, exercise ids and actions, naming the
file, the rule id and the line. Conditions are compiled to disjunctive normal form (a rule is a set
of clauses, each an AND of conditions), the form both inference engines evaluate.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from . import catalogue as catalogue_mod
from . import documents
from .catalogue import Catalogue, Selector
from .errors import InputError, RuleSetError
from .intake import Model
from .vocabulary import (
    ACTIONS,
    FACTS,
    NEGATIVE_OPERATORS,
    NUMERIC_OPERATORS,
    OPERATORS,
    FactSpec,
    FactValue,
    FlagCode,
    Indicator,
    Operator,
    Phase,
    ProgressAction,
    SessionKind,
    Urgency,
)

CATALOGUE_FILE = "exercises.yaml"
PROGRESSION_DIR = "progression"
MAX_CLAUSES = 32

# --- conclusions: the fixed vocabulary of actions -------------------------------------------

# Prose folded from YAML (`>`) keeps line breaks and a trailing newline: store it as one line.
Prose = Annotated[str, AfterValidator(lambda text: " ".join(text.split())), Field(min_length=1)]


class Add(Model):
    """Put an exercise in a phase of the given kinds of session."""

    kind: Literal["add"] = "add"
    exercise: str
    phase: Phase
    sessions: tuple[SessionKind, ...] = Field(default=(SessionKind.intense,), min_length=1)


class Dose(Selector):
    """Set dose fields for the selected exercises (the most conservative setting wins)."""

    kind: Literal["dose"] = "dose"
    sets: StrictInt | None = Field(default=None, ge=1, le=10)
    reps: str | None = None
    tempo: str | None = Field(default=None, pattern=r"^\d-\d-\d-\d$")
    effort: StrictInt | None = Field(default=None, ge=1, le=10)


class Cap(Selector):
    """Limit sets and effort (RPE) of the selected exercises; the most restrictive cap wins."""

    kind: Literal["cap"] = "cap"
    sets: StrictInt | None = Field(default=None, ge=1, le=10)
    effort: StrictInt | None = Field(default=None, ge=1, le=10)
    sessions: tuple[SessionKind, ...] | None = None


class Exclude(Selector):
    """Keep the selected exercises out; their regressions may stand in."""

    kind: Literal["exclude"] = "exclude"


class Before(Model):
    """Order `first` before `then`; `then` is dropped when nothing of `first` is prescribed."""

    kind: Literal["before"] = "before"
    first: Selector
    then: Selector


class Derive(Model):
    """Conclude a derived fact that other rules can use."""

    kind: Literal["derive"] = "derive"
    fact: str
    value: StrictBool | StrictInt | str


class Flag(Model):
    """Raise a flag for the clinician."""

    kind: Literal["flag"] = "flag"
    code: FlagCode
    indicator: Indicator = Indicator.info
    message: Prose


class Refer(Model):
    """Refer the client on, with the urgency and what to do."""

    kind: Literal["refer"] = "refer"
    urgency: Urgency
    reason: Prose
    action: Prose


class Limit(Model):
    """Limit the whole program: unloaded work only, optionally an effort cap."""

    kind: Literal["limit"] = "limit"
    status: Literal["limited", "clearance_required"] = "limited"
    effort: StrictInt | None = Field(default=None, ge=1, le=10)
    reason: Prose
    limited_to: Prose


class Schedule(Model):
    """Weekly structure: intense back sessions allowed and hours between them."""

    kind: Literal["schedule"] = "schedule"
    intense_sessions: StrictInt | None = Field(default=None, ge=0, le=3)
    recovery_hours: StrictInt | None = Field(default=None, ge=48, le=96)


# --- progress (issue 5): the progression rulebook's conclusion --------------------------------

_INCREASE = {ProgressAction.increase_load, ProgressAction.increase_reps}


class Recommend(Model):
    """What the next session does with the exercise under evaluation (rules/progression/).

    Load steps are a percentage range of the last working load (rounded to the client's available
    increments by progress.py) or a number of increments; `sets_step` may only remove sets:
    progression is by load, reps or complexity, never by adding sets (seed).
    `fallback` recommendations stand only when no other rule recommends anything.
    """

    kind: Literal["recommend"] = "recommend"
    action: ProgressAction
    load_step_pct_min: float | None = Field(default=None, ge=-50, le=20)
    load_step_pct_max: float | None = Field(default=None, ge=-50, le=20)
    load_steps: StrictInt | None = Field(default=None, ge=-3, le=3)
    reps_step: StrictInt | None = Field(default=None, ge=-5, le=5)
    sets_step: StrictInt | None = Field(default=None, ge=-3, le=0)
    fallback: StrictBool = False

    @model_validator(mode="after")
    def _coherent(self) -> Recommend:
        lo, hi = self.load_step_pct_min, self.load_step_pct_max
        if (lo is None) != (hi is None):
            raise ValueError("give both load_step_pct_min and load_step_pct_max, or neither")
        if lo is not None and hi is not None:
            if lo > hi:
                raise ValueError(f"load_step_pct_min {lo} is above load_step_pct_max {hi}")
            if lo * hi < 0 or lo == 0:
                raise ValueError("a load step range is all increase or all decrease, never 0")
            if self.load_steps is not None:
                raise ValueError("give load_step_pct_min/max or load_steps, not both")
        steps = [x for x in (lo, self.load_steps, self.reps_step) if x is not None]
        if self.action in _INCREASE and not any(x > 0 for x in steps):
            raise ValueError(f"{self.action.value} needs a positive load or reps step")
        if self.action not in _INCREASE and any(x > 0 for x in steps):
            raise ValueError(f"{self.action.value} may not increase load or reps")
        return self


Conclusion = Annotated[
    Add | Dose | Cap | Exclude | Before | Derive | Flag | Refer | Limit | Schedule | Recommend,
    Field(discriminator="kind"),
]
_CONCLUSION: TypeAdapter[Conclusion] = TypeAdapter(Conclusion)

# --- conditions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One test of one fact: `client.age gte 40`."""

    fact: str
    op: Operator
    value: FactValue | tuple[FactValue, ...]

    def holds(self, actual: FactValue) -> bool:
        """Evaluate this condition against a fact's value (the types were checked at compile)."""
        v = self.value
        if self.op == "is":
            return actual == v and type(actual) is type(v)
        if self.op == "is_not":
            return not (actual == v and type(actual) is type(v))
        if self.op == "in":
            return isinstance(v, tuple) and actual in v
        if self.op == "not_in":
            return isinstance(v, tuple) and actual not in v
        if not isinstance(actual, int) or not isinstance(v, int):
            return False
        return {
            "gt": actual > v,
            "gte": actual >= v,
            "lt": actual < v,
            "lte": actual <= v,
        }[self.op]

    def text(self) -> str:
        v = self.value
        shown = "[" + ", ".join(map(_show, v)) + "]" if isinstance(v, tuple) else _show(v)
        return f"{self.fact} {self.op} {shown}"


def _show(v: FactValue) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


Clause = tuple[Condition, ...]


@dataclass(frozen=True)
class Rule:
    """A compiled rule: clauses in DNF (any clause fires it), conclusions, provenance."""

    id: str
    area: str
    file: str
    line: int
    clauses: tuple[Clause, ...]
    conclusions: tuple[Conclusion, ...]
    rationale: str
    source: str
    always: bool = False

    def summary(self) -> str:
        return self.rationale.strip().split(". ")[0].rstrip(".") + "."


@dataclass(frozen=True)
class Rulebook:
    """The compiled rule base and its catalogue, identified by a version hash."""

    rules: tuple[Rule, ...]
    catalogue: Catalogue
    version: str
    directory: str
    _by_id: dict[str, Rule] = field(default_factory=dict, repr=False, compare=False)

    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({r.id: r for r in self.rules})
        self._index.update({r.id: i for i, r in enumerate(self.rules)})

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def facts_used(self) -> tuple[str, ...]:
        """Every fact name some condition tests, sorted."""
        return tuple(sorted({c.fact for r in self.rules for cl in r.clauses for c in cl}))

    def index(self, rule_id: str) -> int:
        """The rule's position in the rulebook (file order, then order in the file)."""
        return self._index[rule_id]


# --- loading ------------------------------------------------------------------------------


class RuleSpec(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
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


def default_directory() -> Path:
    """The rule base shipped with BackExpert: the repository's `rules/`, or the wheel's copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[1] / "rules", here / "_data" / "rules"):
        if (candidate / CATALOGUE_FILE).is_file():
            return candidate
    raise RuleSetError([f"no rule base found next to {here} (looked for rules/{CATALOGUE_FILE})"])


def load(
    directory: str | Path | None = None, *, catalogue_path: str | Path | None = None
) -> Rulebook:
    """Load, validate and compile every rule file in a directory, with the catalogue.

    The catalogue is the directory's `exercises.yaml` unless `catalogue_path` names another (a
    subdirectory rulebook such as `rules/progression/` uses its parent's catalogue).
    """
    root = Path(directory) if directory is not None else default_directory()
    cat_file = Path(catalogue_path) if catalogue_path is not None else root / CATALOGUE_FILE
    if not cat_file.is_file():
        raise RuleSetError([f"{cat_file.parent}: no {cat_file.name} (the exercise catalogue)"])
    cat = catalogue_mod.load(cat_file)
    files = sorted(p for p in root.glob("*.yaml") if p.name != CATALOGUE_FILE)
    if not files:
        raise RuleSetError([f"{root}: no rule files (*.yaml) besides the catalogue"])
    return compile_documents([documents.read(p) for p in files], cat, str(root))


def load_progression(directory: str | Path | None = None) -> Rulebook:
    """The progression rulebook: `<rules>/progression/*.yaml` with the parent's catalogue."""
    base = Path(directory) if directory is not None else default_directory()
    return load(base / PROGRESSION_DIR, catalogue_path=base / CATALOGUE_FILE)


def compile_documents(docs: Iterable[documents.Document], cat: Catalogue, root: str) -> Rulebook:
    """Validate parsed rule files against the vocabulary and the catalogue, and compile them."""
    problems = _Problems()
    rules: list[Rule] = []
    for doc in docs:
        rules.extend(_compile_file(doc, cat, problems))
    seen: dict[str, str] = {}
    for r in rules:
        if r.id in seen:
            problems.add(f"{r.file}:{r.line}: rule {r.id}", f"duplicate id (also in {seen[r.id]})")
        seen.setdefault(r.id, f"{r.file}:{r.line}")
    _check_derivations(rules, problems)
    if problems.items:
        raise RuleSetError(problems.items)
    return Rulebook(tuple(rules), cat, _version(rules, cat), root)


def _compile_file(doc: documents.Document, cat: Catalogue, problems: _Problems) -> list[Rule]:
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
        ctx = _Context(doc, ["rules", i], rs.id, problems)
        always, clauses = _compile_when(rs.when, ctx)
        conclusions = _compile_then(rs.then, cat, ctx)
        _check_add_and_exclude(conclusions, cat, ctx)
        out.append(
            Rule(
                rs.id,
                spec.area,
                doc.source,
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


@dataclass
class _Context:
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


# --- when ---------------------------------------------------------------------------------


def _compile_when(when: Any, ctx: _Context) -> tuple[bool, tuple[Clause, ...]]:
    if when == "always":
        return True, ((),)
    if not isinstance(when, dict) or len(when) != 1 or next(iter(when)) not in ("all", "any"):
        ctx.error(["when"], "must be 'always', or a mapping with one key: all or any")
        return False, ()
    clauses = _dnf(when, ["when"], ctx)
    if len(clauses) > MAX_CLAUSES:
        ctx.error(["when"], f"expands to {len(clauses)} alternatives; at most {MAX_CLAUSES}")
    for clause in clauses:
        _check_satisfiable(clause, ctx)
    return False, tuple(clauses)


def _dnf(node: Any, path: list[str | int], ctx: _Context) -> list[Clause]:
    if not isinstance(node, dict) or len(node) != 1:
        ctx.error(path, "a condition is a mapping with exactly one key (a fact, all or any)")
        return []
    key, body = next(iter(node.items()))
    if key in ("all", "any"):
        if not isinstance(body, list) or not body:
            ctx.error([*path, key], "must be a non-empty list of conditions")
            return []
        parts = [_dnf(child, [*path, key, i], ctx) for i, child in enumerate(body)]
        if key == "any":
            return [clause for part in parts for clause in part]
        return [tuple(c for cl in combo for c in cl) for combo in itertools.product(*parts)]
    cond = _condition(str(key), body, [*path, key], ctx)
    return [(cond,)] if cond is not None else []


def _condition(fact: str, body: Any, path: list[str | int], ctx: _Context) -> Condition | None:
    spec = FACTS.get(fact)
    if spec is None:
        ctx.error(path, f"unknown fact {fact!r}" + _did_you_mean(fact, FACTS))
        return None
    if isinstance(body, dict):
        if len(body) != 1:
            ctx.error(path, f"give exactly one operator ({', '.join(OPERATORS)})")
            return None
        op, value = next(iter(body.items()))
    else:
        op, value = "is", body
    if op not in OPERATORS:
        ctx.error([*path, str(op)], f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}")
        return None
    value = _yes_no_words(spec, value)
    problem = _check_operand(spec, op, value)
    if problem:
        ctx.error(path, problem)
        return None
    frozen = tuple(value) if isinstance(value, list) else value
    return Condition(fact, op, frozen)


def _yes_no_words(spec: FactSpec, value: Any) -> Any:
    """Let `red_flag.x: yes` mean the answer 'yes' though YAML reads it as a boolean."""
    if spec.kind == "enum" and {"yes", "no"} <= set(spec.values):
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return [_yes_no_words(spec, v) for v in value]
    return value


def _check_operand(spec: FactSpec, op: str, value: Any) -> str | None:
    if op in NEGATIVE_OPERATORS and not spec.always_known:
        return (
            f"{op} cannot be used on {spec.name}: it is not always known "
            "(derived or optional facts are only tested positively)"
        )
    if op in NUMERIC_OPERATORS and spec.kind != "int":
        return f"{op} needs a numeric fact; {spec.name} is {spec.kind}"
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            return f"{op} needs a non-empty list of values"
        if spec.kind == "bool":
            return f"{spec.name} is true or false: use is"
        values = value
    else:
        values = [value]
    for v in values:
        if not spec.admits(v):
            return f"value {v!r} is outside {spec.name}'s domain ({spec.domain_text()})"
        if spec.kind == "int" and op in ("is", "in") and not spec.low <= v <= spec.high:
            return f"value {v} can never occur: {spec.name} is {spec.low}..{spec.high}"
    return None


def _check_satisfiable(clause: Clause, ctx: _Context) -> None:
    """Refuse clauses that can never fire: a numeric range that is empty within the domain."""
    by_fact: dict[str, list[Condition]] = {}
    for c in clause:
        by_fact.setdefault(c.fact, []).append(c)
    for fact, conds in by_fact.items():
        spec = FACTS[fact]
        if spec.kind == "int":
            possible = range(spec.low, spec.high + 1)
        elif spec.kind == "bool":
            possible = [False, True]  # type: ignore[assignment]
        else:
            possible = list(spec.values)  # type: ignore[assignment]
        if not any(all(c.holds(v) for c in conds) for v in possible):
            shown = " and ".join(c.text() for c in conds)
            ctx.error(["when"], f"can never fire: no value of {fact} satisfies {shown}")


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- then ---------------------------------------------------------------------------------


def _compile_then(then: list[dict[str, Any]], cat: Catalogue, ctx: _Context) -> list[Conclusion]:
    out: list[Conclusion] = []
    for i, item in enumerate(then):
        if len(item) != 1:
            ctx.error(["then", i], f"each conclusion has exactly one action ({', '.join(ACTIONS)})")
            continue
        action, payload = next(iter(item.items()))
        if action not in ACTIONS:
            ctx.error(
                ["then", i, action],
                f"unknown action {action!r}; use one of {', '.join(ACTIONS)}"
                + _did_you_mean(action, ACTIONS),
            )
            continue
        if not isinstance(payload, dict):
            ctx.error(["then", i, action], "must be a mapping of the action's fields")
            continue
        try:
            conclusion = _CONCLUSION.validate_python({**payload, "kind": action})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = [p for p in err["loc"] if p != action]
                ctx.error(["then", i, action, *loc], documents._message(err))
            continue
        for path, problem in _check_conclusion(conclusion, cat):
            ctx.error(["then", i, action, *path], problem)
        out.append(conclusion)
    return out


def _check_conclusion(c: Conclusion, cat: Catalogue) -> list[tuple[list[str | int], str]]:
    problems: list[tuple[list[str | int], str]] = []
    selectors: list[tuple[list[str | int], Selector]] = []
    if isinstance(c, Add):
        if c.exercise not in cat:
            problems.append(
                (
                    ["exercise"],
                    f"unknown exercise {c.exercise!r}"
                    + _did_you_mean(c.exercise, [e.id for e in cat]),
                )
            )
    elif isinstance(c, Dose | Cap | Exclude):
        selectors.append(([], c))
    elif isinstance(c, Before):
        selectors += [(["first"], c.first), (["then"], c.then)]
    elif isinstance(c, Derive):
        spec = FACTS.get(c.fact)
        if spec is None or not spec.derived:
            problems.append((["fact"], f"{c.fact!r} is not a registered derived fact"))
        elif not spec.admits(c.value):
            problems.append(
                (["value"], f"{c.value!r} is outside {c.fact}'s domain ({spec.domain_text()})")
            )
    if isinstance(c, Dose) and c.reps is not None:
        try:
            catalogue_mod.rep_bounds(c.reps)
        except ValueError as exc:
            problems.append((["reps"], str(exc)))
    if (
        isinstance(c, Dose | Cap)
        and c.sets is None
        and c.effort is None
        and not (isinstance(c, Dose) and (c.reps or c.tempo))
    ):
        problems.append(([], "names no dose field to set"))
    for path, sel in selectors:
        if sel.exercise is not None and sel.exercise not in cat:
            problems.append(
                (
                    [*path, "exercise"],
                    f"unknown exercise {sel.exercise!r}"
                    + _did_you_mean(sel.exercise, [e.id for e in cat]),
                )
            )
        elif not cat.select(sel):
            problems.append((path, f"selects no exercise of the catalogue ({sel.describe()})"))
    return problems


def _check_add_and_exclude(conclusions: list[Conclusion], cat: Catalogue, ctx: _Context) -> None:
    added = {c.exercise for c in conclusions if isinstance(c, Add)}
    for c in conclusions:
        if isinstance(c, Exclude):
            both = sorted(added & {e.id for e in cat.select(c)})
            if both:
                ctx.error(["then"], f"both adds and excludes {', '.join(both)}")


def _check_derivations(rules: list[Rule], problems: _Problems) -> None:
    """A condition on a derived fact must be satisfiable by some rule's derive."""
    derivable: dict[str, set[FactValue]] = {}
    for r in rules:
        for c in r.conclusions:
            if isinstance(c, Derive):
                derivable.setdefault(c.fact, set()).add(c.value)
    for r in rules:
        for cl in r.clauses:
            for cond in cl:
                if FACTS[cond.fact].derived and not any(
                    cond.holds(v) for v in derivable.get(cond.fact, set())
                ):
                    problems.add(
                        f"{r.file}:{r.line}: rule {r.id}",
                        f"can never fire: no rule derives {cond.text()}",
                    )


def _version(rules: list[Rule], cat: Catalogue) -> str:
    payload = {
        "rules": [
            {
                "id": r.id,
                "clauses": [[c.text() for c in cl] for cl in r.clauses],
                "then": [_CONCLUSION.dump_python(c, mode="json") for c in r.conclusions],
                "rationale": r.rationale,
                "source": r.source,
            }
            for r in rules
        ],
        "catalogue": [e.model_dump(mode="json") for e in cat],
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def dump_conclusion(c: Conclusion) -> dict[str, Any]:
    """A conclusion as JSON data, without empty fields (a fresh copy of a memoised dump)."""
    return dict(_dumped(c))


@functools.lru_cache(maxsize=4096)
def _dumped(c: Conclusion) -> dict[str, Any]:
    data: dict[str, Any] = _CONCLUSION.dump_python(c, mode="json", exclude_none=True)
    return data
