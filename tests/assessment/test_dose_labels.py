"""Dose labels agree with the reps × RIR table (domain reference 2, section 12) within 5 points.

A %1RM label is read with the reps (or RM) and the RPE it speaks of: reps or RM from the same
phrase (between commas), the RPE from the same sentence; without reps, from each item the text
is tied to. The table then gives the %1RM range the label must match, endpoint by endpoint
(`at most X` / `X or less`: the top end only). Texts walked: every item's load note, the flag
messages and the rationales of the rules that put or dosed the item, for every case and example.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import casebook
from backexpert.assessment import assess
from backexpert.assessment.loads import percent_1rm, percent_at
from backexpert.assessment.prescription import Item, Prescription
from backexpert.clinical import intake as intake_mod
from backexpert.clinical.catalogue import rep_bounds
from backexpert.present import wording
from backexpert.safety.starting_loads import epley_percent

TOLERANCE = 5  # points of %1RM [choice], domain reference 2 section 12
EXAMPLES = Path(__file__).parents[2] / "examples"

# Domain reference 2, section 12: reps (rows) × RIR 0..4 (RPE 10..6) → %1RM.
TABLE = {
    1: (100, 94, 91, 88, 86),
    3: (91, 88, 86, 83, 81),
    5: (86, 83, 81, 79, 77),
    6: (83, 81, 79, 77, 75),
    8: (79, 77, 75, 73, 71),
    10: (75, 73, 71, 70, 68),
    12: (71, 70, 68, 67, 65),
    15: (67, 65, 64, 62, 61),
}

_PERCENT = re.compile(
    r"(?P<most>at most ~?|~)?(?:about )?(?P<a>\d+)(?:\s*[-–]\s*(?P<b>\d+))?%\s*1RM"
    r"(?P<less> or less)?"
)
_REPS = re.compile(r"(?P<a>\d+)(?:\s*[-–]\s*(?P<b>\d+))?\s*(?P<unit>reps|RM)\b(?! in reserve)")
_SETS_OF = re.compile(r"sets of (?P<a>\d+)(?:\s*[-–]\s*(?P<b>\d+))?")
_RPE = re.compile(r"RPE (\d+)")
_RIR = re.compile(r"RPE (\d+) \(about (\d+) reps? in reserve")
_FEEL = re.compile(r"effort (\d+) out of 10, with about (\d+) more")


def test_the_table_matches_section_12() -> None:
    for reps, row in TABLE.items():
        for rir, expected in enumerate(row):
            assert round(percent_at(reps, 10 - rir)) == expected, (reps, rir)
            assert round(epley_percent(reps + rir)) == expected, (reps, rir)


def test_rpe_7_on_sets_of_4_to_6_is_77_to_81_percent() -> None:
    # "RPE 7 × 4–6 = 7–9 RM ≈ 77–81%" (section 12).
    assert (round(percent_1rm(9)), round(percent_1rm(7))) == (77, 81)


def test_effort_words_give_reps_in_reserve() -> None:
    for rpe in range(7, 11):
        assert f"about {10 - rpe} more" in wording.effort_words(rpe)


def _range(m: re.Match[str]) -> tuple[int, int]:
    a = int(m["a"])
    return a, int(m["b"] or a)


def problems(text: str, items: list[Item]) -> Iterator[str]:
    """Every label in a text that disagrees with the table for the items it is tied to."""
    for m in _RIR.finditer(text):
        if int(m[2]) != 10 - int(m[1]):
            yield f"{m[0]!r}: RPE {m[1]} is {10 - int(m[1])} reps in reserve"
    for m in _FEEL.finditer(text):
        if int(m[2]) != 10 - int(m[1]):
            yield f"{m[0]!r}: effort {m[1]} leaves {10 - int(m[1])} in reserve"
    for sentence in re.split(r"(?<=[.;])\s+", text):
        chunks = re.split(r",\s*", sentence)
        for n, chunk in enumerate(chunks):
            for m in _PERCENT.finditer(chunk):
                yield from _check(m, chunk, " ".join(chunks[: n + 1]), items)


def _check(m: re.Match[str], chunk: str, before: str, items: list[Item]) -> Iterator[str]:
    a, b = _range(m)
    upper_only = bool(m["most"] and "at most" in m["most"]) or bool(m["less"])
    rpes = _RPE.findall(before)
    bare = _PERCENT.sub("", chunk)  # `70% 1RM` is no repetition maximum
    reps_m = _SETS_OF.search(bare) or _REPS.search(bare)
    if reps_m is not None and ("unit" in reps_m.groupdict() and reps_m["unit"] == "RM"):
        low, high = _range(reps_m)
        rir = 0
    elif rpes:
        rir = 10 - int(rpes[-1])
        if reps_m is not None:
            low, high = _range(reps_m)
        else:
            for i in items:
                if i.loaded and i.hold_s is None:
                    yield from _against(m, *rep_bounds(i.reps), rir, a, b, upper_only, i.exercise)
            return
    else:
        return  # a %1RM with no RPE or RM claims no effort: nothing to compare
    yield from _against(m, low, high, rir, a, b, upper_only, "")


def _against(
    m: re.Match[str], low: int, high: int, rir: int, a: int, b: int, upper: bool, who: str
) -> Iterator[str]:
    lo, hi = round(percent_1rm(high + rir)), round(percent_1rm(low + rir))
    if abs(b - hi) > TOLERANCE or (not upper and abs(a - lo) > TOLERANCE):
        yield f"{m[0]!r} ({who} {low}-{high} reps, RIR {rir}): the table says {lo}-{hi}%"


def _tied(p: Prescription, i: Item) -> list[str]:
    """The texts tied to an item: its load note, its rules' flags and rationales."""
    rules = {*i.because, *(a.rule for a in i.adjustments)}
    out = [i.load_note] if i.load_note else []
    out += [f.message for f in p.flags if rules & set(f.because)]
    return out + [r.rationale for r in p.rules if r.id in rules]


def _all_intakes() -> list[tuple[str, intake_mod.Intake]]:
    out = [(c.stem, casebook.load(c).intake) for c in casebook.case_paths()]
    out += [
        (f"example:{e.stem}", intake_mod.load(str(e)))
        for e in sorted(EXAMPLES.glob("*.yaml"))
        if e.is_file()
    ]
    return out


@pytest.mark.parametrize(("name", "intake"), _all_intakes(), ids=lambda x: str(x)[:40])
def test_every_label_agrees_with_the_table(name: str, intake: intake_mod.Intake) -> None:
    p = assess(intake)
    found: list[str] = []
    for where, i in p.items():
        for text in _tied(p, i):
            found += [f"{where} {i.exercise}: {x}" for x in problems(text, [i])]
    assert not found, "\n".join(dict.fromkeys(found))


def test_the_checker_catches_the_old_flag() -> None:
    old = "loaded hinge capped at 2 sets, RPE 7 (about 3 reps in reserve, at most ~70% 1RM)."
    deadlift = Item.model_validate(
        {
            "exercise": "deadlift",
            "name": "Deadlift",
            "pattern": "hinge",
            "loaded": True,
            "phase": "main",
            "sets": 3,
            "reps": "4-6",
            "hold_s": None,
            "per_side": False,
            "tempo": None,
            "effort": 7,
            "rest_s": 180,
            "cues": ["x"],
            "because": ["r"],
            "adjustments": [],
            "substitutes_for": None,
        }
    )
    assert list(problems(old, [deadlift]))
    assert not list(problems("RPE 7 × 4-6 reps ≈ 77-81% 1RM", []))
    assert list(problems("8-12 RM loads (about 60-70% 1RM)", []))
    assert not list(problems("6 reps at RPE 7 ≈ 77% 1RM", []))
