"""A document's facts validate as `dict[str, bool | int | str]` does, through its fast path too."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from backexpert.assessment.prescription import Facts, Prescription
from backexpert.knowledge.vocabulary import FactValue


class _Word(StrEnum):
    low = "low"


class _Plain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    facts: dict[str, FactValue]


class _Fast(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    facts: Facts


INPUTS: list[Any] = [
    {},
    {"a": True, "b": 3, "c": "moderate", "d": False, "e": 0},
    {"a": _Word.low, "b": 1},
    {"a": 1.0},
    {"a": 1.5},
    {"a": None},
    {1: True},
    {"a": [1]},
    [("a", 1)],
    "not a dict",
    {"a": "\ud800"},
]


@pytest.mark.parametrize("value", INPUTS)
def test_facts_validate_as_the_plain_type(value: Any) -> None:
    def outcome(model: type[BaseModel]) -> tuple[str, Any]:
        try:
            got = model.model_validate({"facts": value})
        except ValidationError as e:
            return "error", e.errors(include_url=False)
        facts = got.facts  # type: ignore[attr-defined]
        return "ok", [(k, type(k), v, type(v)) for k, v in facts.items()]

    assert outcome(_Fast) == outcome(_Plain)


def test_the_facts_are_a_copy() -> None:
    given: dict[str, FactValue] = {"a": True}
    assert _Fast(facts=given).facts is not given


@pytest.mark.parametrize(
    "text", ['{"facts": {"a": 1, "b": true, "c": "x"}}', '{"facts": {"a": 1.0}}']
)
def test_facts_from_json_validate_as_the_plain_type(text: str) -> None:
    fast, plain = _Fast.model_validate_json(text), _Plain.model_validate_json(text)
    assert [(v, type(v)) for v in fast.facts.values()] == [
        (v, type(v)) for v in plain.facts.values()
    ]


def test_the_document_schema_is_the_plain_type_s() -> None:
    schema = Prescription.model_json_schema()["properties"]["facts"]
    assert schema == _Plain.model_json_schema()["properties"]["facts"]
