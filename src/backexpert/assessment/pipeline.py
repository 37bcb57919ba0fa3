"""An assessment: one intake through the whole path to a checked prescription.

intake (validated) → scores → facts (closed world) → engine (inference) → composition →
safety monitor. The services, the CLI and the reports all go through `assess`.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .. import safety, shipped
from ..clinical import catalogue as catalogue_mod
from ..clinical import instruments
from ..clinical.catalogue import Catalogue
from ..clinical.intake import Intake
from ..clinical.plans import PLAN_FILE, PlanBook
from ..clinical.plans import load as load_plans
from ..knowledge import cache, compiler
from ..knowledge.engine import DurableEngine, Evaluator
from ..knowledge.rules import Rulebook
from . import actions
from .composer import compose
from .facts import from_intake
from .loads import estimates, kg_equipment
from .prescription import ClientOut, Prescription


@dataclass(frozen=True)
class RuleBase:
    """The assessment's knowledge: the rulebook, its catalogue and the evaluator running it."""

    rulebook: Rulebook
    catalogue: Catalogue
    evaluator: Evaluator
    plans: PlanBook
    shipped: bool = True
    plans_from: str | None = None  # the directory of borrowed plan templates (see rule_base)

    def with_rulebook(self, rulebook: Rulebook, evaluator: Evaluator | None = None) -> RuleBase:
        """Another rulebook over the same catalogue (a mutant, an older version)."""
        ev = evaluator if evaluator is not None else DurableEngine(rulebook)
        return replace(self, rulebook=rulebook, evaluator=ev, shipped=False)

    def with_evaluator(self, evaluator: Evaluator) -> RuleBase:
        """The same rulebook run by another evaluator (the oracle)."""
        return replace(self, evaluator=evaluator)


def compile_rulebook(
    directory: str | Path, plans_from: str | Path | None = None
) -> tuple[Rulebook, Catalogue, PlanBook]:
    """Compile a rule directory against its catalogue and plans (else `plans_from`'s plans)."""
    # The plan templates are part of the rulebook's version.
    root = Path(directory)
    cat = catalogue_mod.load(shipped.catalogue_file(root))
    own = root / PLAN_FILE
    plans = load_plans(own if own.is_file() or plans_from is None else Path(plans_from) / PLAN_FILE)
    words = actions.vocabulary(cat)
    words.fingerprint = f"{words.fingerprint}+{plans.fingerprint()}"
    return compiler.load_directory(root, words, skip=shipped.DATA_FILES), cat, plans


_lock = threading.Lock()


@lru_cache(maxsize=8)
def _rule_base(directory: str | None, plans_from: str | None = None) -> RuleBase:
    root = Path(directory) if directory is not None else shipped.rules_directory()
    shipped.catalogue_file(root)  # a directory that is no rule base is refused before the cache
    if plans_from is not None and not (root / PLAN_FILE).is_file():
        # Never kept in the disk cache: its key knows only this directory's files.
        rulebook, cat, plans = compile_rulebook(root, plans_from)
        engine = DurableEngine(rulebook)
        return RuleBase(rulebook, cat, engine, plans, shipped.is_shipped(directory), plans_from)
    rulebook, cat, plans = cache.load_or_build("assessment", root, lambda: compile_rulebook(root))
    return RuleBase(rulebook, cat, DurableEngine(rulebook), plans, shipped.is_shipped(directory))


def rule_base(directory: str | Path | None = None, plans_from: str | None = None) -> RuleBase:
    """The rule base of a directory (the shipped one by default), compiled once per process."""
    # `plans_from` is for comparing an older rule base (`rules impact`): when the directory
    # predates the plan templates it is compiled with those (`RuleBase.plans_from` says so):
    # every program needs a plan, and the monitor checks it.
    with _lock:
        return _rule_base(None if directory is None else str(directory), plans_from)


def assess(
    intake: Intake, rules: RuleBase | None = None, today: dt.date | None = None
) -> Prescription:
    """Assess one client: infer, compose and check; never returns an unsafe prescription."""
    base = rules if rules is not None else rule_base()
    scores = instruments.score(intake, instruments.assessed_on(intake, today))
    facts = from_intake(intake, scores)
    inference = base.evaluator.evaluate(facts)
    client = ClientOut(name=intake.client.name, age=intake.client.age)
    result = compose(
        base.rulebook,
        base.catalogue,
        facts,
        inference,
        client,
        shipped.VERSION,
        scores,
        intake_notes(intake),
        training=intake.training,
        plans=base.plans,
    )
    unused = unused_loads(result, intake, base.catalogue)
    if unused:
        result = result.model_copy(update={"notes": [*result.notes, *unused]})
    if not base.shipped:
        result = result.model_copy(update={"rulebook_shipped": False})
    safety.check(result, intake)
    return result


def intake_notes(intake: Intake) -> list[str]:
    """The intake's free text, labelled: the client notes and every condition's note."""
    out = [f"Client notes: {intake.client.notes}"] if intake.client.notes else []
    out += [
        f"{c.code.value.replace('_', ' ').capitalize()}: {c.note}"
        for c in intake.conditions
        if c.note
    ]
    return out


def unused_loads(result: Prescription, intake: Intake, cat: Catalogue) -> list[str]:
    """A note for each current load no item of the program takes its load from."""
    if result.status != "program":
        return []  # no loaded work in kilograms: the status says why
    known = estimates(intake.training.current_loads, cat)
    used: set[str] = set()
    if known:  # most clients give no usable current load: no item can take its load from one
        used = {
            known[i.exercise].source.exercise
            for _, i in result.items()
            if i.exercise in known and kg_equipment(i, cat) is not None
        }
    return [
        f"Current load not used: {c.exercise} {c.load_kg:g} kg × {c.reps}: no exercise of this "
        "program takes its load from it"
        for c in intake.training.current_loads
        if c.exercise not in used
    ]


def to_json(prescription: Prescription) -> str:
    """The canonical JSON document: byte-identical for the same intake and rule base."""
    return prescription.model_dump_json(indent=2) + "\n"
