"""Questionnaire item labels: short neutral labels by default, a clinic's licensed texts if given.

The item texts of STarT Back, the Oswestry index, QuickDASH, Roland-Morris and PAR-Q+ belong to
their owners. The form shows short neutral labels ("STarT Back item 1 (leg pain)") unless the
clinic loads the texts it holds a licence for from a YAML file (BACKEXPERT_ITEM_TEXTS), keyed by
the form's field path, one text per item in order (docs/web.md):

    questionnaires.start_back.items: ["...", ... 8 texts]
    questionnaires.odi: [... 10 texts]
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from ..clinical.intake import PREGNANCY_ABSOLUTE, PREGNANCY_RELATIVE
from ..errors import InputError, Problem


def _numbered(name: str, topics: list[str]) -> list[str]:
    return [f"{name} item {i + 1} ({t})" for i, t in enumerate(topics)]


NEUTRAL: dict[str, list[str]] = {
    "questionnaires.start_back.items": _numbered(
        "STarT Back",
        [
            "leg pain",
            "shoulder or neck pain",
            "walking",
            "dressing",
            "safe to be active",
            "worrying thoughts",
            "pain is terrible",
            "enjoyment",
        ],
    ),
    "questionnaires.odi": [
        f"Oswestry section {i + 1} ({t})"
        for i, t in enumerate(
            [
                "pain intensity",
                "personal care",
                "lifting",
                "walking",
                "sitting",
                "standing",
                "sleeping",
                "sex life",
                "social life",
                "travelling",
            ]
        )
    ],
    "questionnaires.quickdash": _numbered(
        "QuickDASH",
        [
            "open a jar",
            "heavy chores",
            "carry a bag",
            "wash your back",
            "use a knife",
            "forceful leisure",
            "social activities",
            "work or daily activities",
            "arm pain",
            "tingling",
            "sleep",
        ],
    ),
    "questionnaires.roland_morris": [f"Roland-Morris statement {i}" for i in range(1, 25)],
    "questionnaires.parq_plus.general": _numbered(
        "PAR-Q+",
        [
            "heart condition or high blood pressure",
            "chest pain",
            "dizziness or fainting",
            "other chronic condition",
            "prescribed medication",
            "bone, joint or soft-tissue problem",
            "exercise only under supervision",
        ],
    ),
    "questionnaires.pregnancy.absolute": [t.capitalize() for t in PREGNANCY_ABSOLUTE],
    "questionnaires.pregnancy.relative": [t.capitalize() for t in PREGNANCY_RELATIVE],
}


def load(path: str | None) -> dict[str, list[str]]:
    """The labels to show: the neutral ones, with a clinic's licensed texts over them."""
    return dict(_load(path))


@lru_cache(maxsize=4)
def _load(path: str | None) -> tuple[tuple[str, list[str]], ...]:
    labels = dict(NEUTRAL)
    if path:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(path, [Problem("", f"cannot read the item texts: {exc}")]) from None
        if not isinstance(data, dict):
            raise InputError(path, [Problem("", "a mapping of field path to a list of texts")])
        for key, texts in data.items():
            if key not in NEUTRAL:
                raise InputError(path, [Problem(str(key), "not a questionnaire of the form")])
            if not isinstance(texts, list) or len(texts) != len(NEUTRAL[key]):
                raise InputError(path, [Problem(str(key), f"give {len(NEUTRAL[key])} texts")])
            labels[key] = [str(t) for t in texts]
    return tuple(labels.items())
