"""An assessment: one intake through the whole path to a checked prescription.

intake (validated) → facts (closed world) → engine (inference + trace) → prescription (compose)
→ safety (invariants). The CLI, reports and the store all go through `assess`.
"""

from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from . import facts as facts_mod
from . import instruments, safety
from . import rulebook as rulebook_mod
from .engine import DurableEngine, Evaluator
from .intake import Intake
from .prescription import ClientOut, Composer, Prescription

try:
    VERSION = version("backexpert")
except PackageNotFoundError:  # running from a source tree that was not installed
    VERSION = "0.0.0"

_lock = threading.Lock()


@lru_cache(maxsize=8)
def _engine_for(directory: str | None) -> DurableEngine:
    return DurableEngine(rulebook_mod.load(directory))


def default_engine(rules_dir: str | None = None) -> DurableEngine:
    """The engine for a rule directory (the shipped one by default), compiled once per process."""
    with _lock:
        return _engine_for(rules_dir)


def assess(
    intake: Intake, evaluator: Evaluator | None = None, today: dt.date | None = None
) -> Prescription:
    """Assess one client: infer, compose and check; never returns an unsafe prescription."""
    ev = evaluator if evaluator is not None else default_engine()
    scores = instruments.score(intake, instruments.assessed_on(intake, today))
    facts = facts_mod.from_intake(intake, scores)
    inference = ev.evaluate(facts)
    client = ClientOut(name=intake.client.name, age=intake.client.age)
    result = Composer(ev.rulebook, facts, inference).compose(client, VERSION, scores)
    safety.check(result, intake, ev.rulebook)
    return result


def to_json(prescription: Prescription) -> str:
    """The canonical JSON document: byte-identical for the same intake and rule base."""
    return prescription.model_dump_json(indent=2) + "\n"
