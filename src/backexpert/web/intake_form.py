"""The intake form: generated from `Intake`, validated like a file, scored as it is answered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .. import documents
from ..clinical import instruments
from ..clinical.intake import Intake, ParqPlus, StartBack
from ..clinical.words import DATED_CONDITIONS, SIDED_CONDITIONS
from ..errors import Problem
from . import form_fields, form_text


@dataclass
class FilledForm:
    fields: list[form_fields.Field]
    flat: form_text.Flat
    rows: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    loose: list[Problem] = field(default_factory=list)


def fields_for(
    model: type[BaseModel],
    flat: form_text.Flat,
    labels: form_fields.ItemLabels,
    rows: dict[str, int] | None = None,
) -> FilledForm:
    rows = dict(rows if rows is not None else form_text.rows_of(flat))
    fields = form_fields.build(model, "", labels, rows)
    flat = form_text.normalise(flat, fields)
    return FilledForm(fields, flat, rows)


def validate(model: type[Any], data: dict[str, Any], source: str) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, documents.problems_from(exc, documents.Document(source, data, None))


def prefill(
    intake: Intake | None, client_name: str, clinician: str, labels: form_fields.ItemLabels
) -> form_text.Flat:
    """The form of a new assessment: the last intake's answers, or the client's name alone."""
    if intake is not None:
        data = intake.model_dump(mode="json", exclude_none=True)
        data.setdefault("assessment", {}).pop("date", None)
    else:
        data = {"client": {"name": client_name}}
    data.setdefault("assessment", {})["clinician"] = clinician
    rows = form_text.row_counts(form_fields.build(Intake, "", labels), data)
    return form_text.flatten(form_fields.build(Intake, "", labels, rows), data)


def _try(make: Any, *args: Any) -> Any:
    try:
        return make(*args)
    except (ValidationError, ValueError, TypeError, ZeroDivisionError):
        return None


def scores(
    flat: form_text.Flat, labels: form_fields.ItemLabels
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Each questionnaire's score from what is answered so far (server-side, `instruments`)."""
    filled = fields_for(Intake, flat, labels)
    q = next(f for f in filled.fields if f.name == "questionnaires")
    data = form_text.collect(q.children, filled.flat)
    by_path: dict[str, str] = dict.fromkeys(INSTRUMENTS, "")
    on = dt.date.today()
    if (sb := data.get("start_back")) is not None:
        answered = sum(1 for x in sb.get("items") or [] if x) + (
            1 if sb.get("bothersomeness") else 0
        )
        s = _try(lambda: instruments.start_back(StartBack.model_validate(sb)))
        by_path["questionnaires.start_back"] = (
            f"total {s.total}, distress {s.distress}: {s.category} risk"
            if s
            else f"{answered} of 9 answered: answer all nine to score"
        )
    if (odi := data.get("odi")) is not None:
        skipped = odi.count(None)
        s = _try(instruments.odi, odi) if skipped <= instruments.ODI_MAX_SKIPPED else None
        by_path["questionnaires.odi"] = (
            f"{s.percent:g}% ({s.band.replace('_', ' ')}), {s.sections_answered} sections"
            if s
            else f"{10 - skipped} of 10 answered: answer at least 8 to score"
        )
    if (qd := data.get("quickdash")) is not None:
        s = _try(instruments.quickdash, qd)
        by_path["questionnaires.quickdash"] = (
            (f"{s.score:g} of 100" if s.score is not None else s.note) if s else "not scorable yet"
        )
    if (rm := data.get("roland_morris")) is not None:
        by_path["questionnaires.roland_morris"] = f"{len(set(rm))} of 24"
    if (pq := data.get("parq_plus")) is not None:
        s = _try(lambda: instruments.parq(ParqPlus.model_validate(pq), on))
        by_path["questionnaires.parq_plus"] = (
            f"{s.outcome.replace('_', ' ')}: {s.note}" if s else "answer all seven questions"
        )
    names = {
        "start_back": "STarT Back",
        "odi": "Oswestry",
        "quickdash": "QuickDASH",
        "roland_morris": "Roland-Morris",
        "parq_plus": "PAR-Q+",
    }
    lines = [(names[k.split(".")[1]], v) for k, v in by_path.items() if v]
    return by_path, lines


INSTRUMENTS = [
    "questionnaires.parq_plus",
    "questionnaires.start_back",
    "questionnaires.odi",
    "questionnaires.quickdash",
    "questionnaires.roland_morris",
]


def output_id(path: str) -> str:
    """The id of a questionnaire's score output (the form macro's `score-` + field id)."""
    return "score-f-" + "".join(c if c.isalnum() else "-" for c in path)


DATED = sorted(c.value.replace("_", " ") for c in DATED_CONDITIONS)
SIDED = sorted(c.value.replace("_", " ") for c in SIDED_CONDITIONS)
