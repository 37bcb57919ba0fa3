"""Builders shared by the tests: intakes with a few fields changed, and tiny rule bases."""

from __future__ import annotations

import copy
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any

from backexpert import documents, shipped
from backexpert.assessment import actions
from backexpert.clinical import catalogue
from backexpert.clinical.catalogue import Catalogue
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import CORE_RED_FLAG_SCREEN
from backexpert.knowledge import compiler
from backexpert.knowledge.rules import Rulebook

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "desk-worker.yaml"

ALL_EQUIPMENT = [
    "barbell",
    "trap_bar",
    "dumbbells",
    "kettlebell",
    "pull_up_bar",
    "cable_station",
    "resistance_band",
    "medicine_ball",
    "hyperextension_bench",
    "bench",
    "foam_roller",
]

# An intermediate lifter with every piece of equipment and nothing wrong: the plain program.
BASE_INTAKE: dict[str, Any] = {
    "client": {"name": "Test Client", "age": 30, "sex": "female", "occupation": "other"},
    "training": {"experience": "intermediate", "sessions_per_week": 3, "equipment": ALL_EQUIPMENT},
    "goals": ["general_fitness"],
    "findings": [],
    "conditions": [],
    "pain": {"region": "none", "nprs_now": 0},
    "red_flag_screen": dict.fromkeys((q.value for q in CORE_RED_FLAG_SCREEN), False),
}


def intake_data(**changes: Any) -> dict[str, Any]:
    """The base intake as data; `client={"age": 50}` merges into a section, lists replace."""
    data = copy.deepcopy(BASE_INTAKE)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def make_intake(**changes: Any) -> Intake:
    return Intake.model_validate(intake_data(**changes))


@lru_cache(maxsize=1)
def shipped_catalogue() -> Catalogue:
    return catalogue.load(shipped.rules_directory() / shipped.CATALOGUE_FILE)


def compile_rules(text: str, source: str = "tiny.yaml") -> Rulebook:
    """A rule base from one inline rule file, with the shipped catalogue."""
    doc = documents.parse(textwrap.dedent(text), source)
    return compiler.compile_documents([doc], actions.vocabulary(shipped_catalogue()), "<test>")
