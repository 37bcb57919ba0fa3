"""Hand-written hypothesis strategies: valid intakes across the whole vocabulary.

Edge values (ages 10, 17, 18, 24, 25, 40, 45, 50, 64, 65, 110; NPRS 0, 3, 4, 6, 7, 10; weeks
either side of every phase; blood pressure either side of 160/100 and 180/110) are drawn often,
and so are the combinations the rules care about, so that a few thousand
examples reach every rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from backexpert.clinical.intake import Intake
from backexpert.clinical.words import (
    CORE_RED_FLAG_SCREEN,
    WEEK,
    ConditionCode,
    Equipment,
    Experience,
    Finding,
    Goal,
    Irritability,
    Occupation,
    PainRegion,
    RedFlagQuestion,
    Severity,
    Sex,
    Side,
)

ASSESSED_ON = dt.date(2026, 11, 23)


def _edge_or_range(edges: list[int], low: int, high: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(edges), st.integers(low, high))


ages = _edge_or_range([10, 17, 18, 19, 20, 24, 25, 39, 40, 45, 46, 50, 51, 64, 65, 110], 10, 110)
nprs = _edge_or_range([0, 1, 3, 4, 5, 6, 7, 10], 0, 10)
cuff_weeks = _edge_or_range([0, 5, 6, 7, 8, 11, 12, 15, 16, 19, 20, 25, 26, 52], 0, 1040)
_duration = st.none() | _edge_or_range([0, 2, 5, 6, 12, 13, 52], 0, 1040)
_irritability = st.none() | st.sampled_from([x.value for x in Irritability])
_systolic = st.none() | _edge_or_range([120, 159, 160, 179, 180], 60, 300)
_diastolic = st.none() | _edge_or_range([80, 99, 100, 109, 110], 30, 200)
# The boundaries each dated condition's rules turn on.
DATED_WEEKS = {
    ConditionCode.rotator_cuff_repair: cuff_weeks,
    ConditionCode.pregnancy: _edge_or_range([8, 19, 20, 27, 28, 36], 0, 42),
    ConditionCode.postpartum: _edge_or_range([2, 6, 11, 12, 20], 0, 104),
    ConditionCode.lumbar_discectomy: _edge_or_range([1, 2, 5, 6, 11, 12, 30], 0, 520),
    ConditionCode.lumbar_fusion: _edge_or_range([4, 5, 6, 11, 12, 26, 27, 40], 0, 520),
    ConditionCode.vertebral_fracture: st.none() | _edge_or_range([4, 11, 12, 30], 0, 520),
    ConditionCode.radiculopathy: st.none() | _edge_or_range([2, 12, 13, 30], 0, 520),
}


def _subset(values: list[Any], max_size: int | None = None) -> st.SearchStrategy[list[Any]]:
    """A subset drawn as one bit mask: one draw instead of one per member keeps examples cheap."""
    limit = max_size if max_size is not None else len(values)

    def pick(mask: int) -> list[Any]:
        return [v for k, v in enumerate(values) if mask >> k & 1][:limit]

    return st.integers(0, 2 ** len(values) - 1).map(pick)


# Strategies are built once: building them inside a composite costs more than drawing.
_codes = _subset(list(ConditionCode), max_size=4)
_severity = st.none() | st.sampled_from([s.value for s in Severity])
_side = st.none() | st.sampled_from([s.value for s in Side])
_weeks = st.none() | st.integers(0, 1040)
_cleared = st.none() | st.booleans()
_grade = st.none() | st.integers(1, 5)


@st.composite
def conditions(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for code in draw(_codes):
        entry: dict[str, Any] = {"code": code.value}
        for key, strategy in (("severity", _severity), ("side", _side), ("weeks_since", _weeks)):
            value = draw(DATED_WEEKS.get(code, strategy) if key == "weeks_since" else strategy)
            if value is not None:
                entry[key] = value
        cleared = draw(_cleared)
        if cleared is not None:
            entry["cleared"] = cleared
        if code is ConditionCode.spondylolisthesis:
            grade = draw(_grade)
            if grade is not None:
                entry["grade"] = grade
        if code is ConditionCode.other:
            entry["note"] = "an old ankle sprain"
        out.append(entry)
    return out


_screen_kind = st.sampled_from(["clear", "clear", "clear", "one_yes", "random", "incomplete"])
_any_question = st.sampled_from(list(RedFlagQuestion))
_all_questions = _subset(list(RedFlagQuestion))
_core_missing = _subset(list(CORE_RED_FLAG_SCREEN), max_size=9)


@st.composite
def red_flag_screens(draw: st.DrawFn) -> dict[str, bool]:
    """Mostly complete, mostly clear screens; sometimes a yes, sometimes questions missing."""
    kind = draw(_screen_kind)
    screen = {q.value: False for q in CORE_RED_FLAG_SCREEN}
    if kind == "one_yes":
        screen[draw(_any_question).value] = True
    elif kind == "random":
        asked = draw(_all_questions)
        yes = set(draw(_subset(asked))) if asked else set()
        screen = {q.value: q in yes for q in asked}
    elif kind == "incomplete":
        for q in draw(_core_missing) or [CORE_RED_FLAG_SCREEN[0]]:
            del screen[q.value]
    return screen


def _bits(n: int) -> st.SearchStrategy[list[bool]]:
    """n yes/no answers drawn as one integer."""
    return st.integers(0, 2**n - 1).map(lambda m: [bool(m >> k & 1) for k in range(n)])


_one_in = {n: st.integers(0, n - 1) for n in (2, 3, 4)}
_general = st.one_of(st.just([False] * 7), _bits(7))
_clearance_days = st.integers(-800, 10)
_start_back_items = st.integers(0, 255).map(
    lambda m: ["agree" if m >> k & 1 else "disagree" for k in range(8)]
)
_bother = st.sampled_from(["not_at_all", "slightly", "moderately", "very_much", "extremely"])
_odi = st.lists(st.integers(0, 5), min_size=10, max_size=10)
_qd = st.lists(st.integers(1, 5), min_size=11, max_size=11)
_skip_odi = _subset(list(range(10)), max_size=2)
_skip_qd = _subset(list(range(11)), max_size=2)
_rmdq = _subset(list(range(1, 25)))


@st.composite
def parq(draw: st.DrawFn) -> dict[str, Any]:
    form: dict[str, Any] = {"general": draw(_general)}
    if draw(_one_in[2]):
        form["follow_up"] = {"musculoskeletal": draw(_bits(3))}
        if draw(_one_in[2]):
            form["follow_up"]["hypertension"] = draw(_bits(2))
    if draw(_one_in[2]):
        days = draw(_clearance_days)
        form["medical_clearance"] = {"date": ASSESSED_ON + dt.timedelta(days=days)}
    return form


_parq = parq()


@st.composite
def questionnaires(draw: st.DrawFn) -> dict[str, Any]:
    q: dict[str, Any] = {}
    if draw(_one_in[3]) == 0:
        q["start_back"] = {"items": draw(_start_back_items), "bothersomeness": draw(_bother)}
    if draw(_one_in[3]) == 0:
        sections: list[int | None] = list(draw(_odi))
        for i in draw(_skip_odi):
            sections[i] = None
        q["odi"] = sections
    if draw(_one_in[3]) == 0:
        items: list[int | None] = list(draw(_qd))
        for i in draw(_skip_qd):
            items[i] = None
        q["quickdash"] = items
    if draw(_one_in[4]) == 0:
        q["roland_morris"] = draw(_rmdq)
    if draw(_one_in[3]) == 0:
        q["parq_plus"] = draw(_parq)
    return q


_names = st.sampled_from(["Alex Example", "Sam", "<b>O'Neil</b>"])
_sex = st.sampled_from([x.value for x in Sex])
_occupation = st.sampled_from([x.value for x in Occupation])
_experience = st.sampled_from([x.value for x in Experience])
_sessions = st.integers(1, 7)
_equipment = _subset(list(Equipment))
_goals = _subset(list(Goal))
_findings = _subset(list(Finding), max_size=5)
_region = st.sampled_from([x.value for x in PainRegion])
_vigorous = st.none() | st.booleans()
_conditions = conditions()
# Current loads: lifts with relatives, kilogram and non-kilogram equipment, and an id the
# catalogue does not know; loads, reps and RPE at their edges (RPE missing: a true RM).
_load_exercises = st.sampled_from(
    [
        "deadlift",
        "trap_bar_deadlift",
        "paused_deadlift",
        "barbell_row",
        "seated_cable_row",
        "one_arm_dumbbell_row",
        "chest_supported_row",
        "kettlebell_deadlift",
        "goblet_squat",
        "lat_pulldown",
        "pull_up_neutral_grip",
        "band_row",
        "bench_press",
    ]
)
_load_kg = st.one_of(
    st.sampled_from([0.5, 2.5, 4, 19.5, 20, 20.5, 60, 100, 140, 500]),
    st.integers(1, 1000).map(lambda n: n / 2),
)


@st.composite
def current_loads(draw: st.DrawFn) -> list[dict[str, Any]]:
    """What a client lifts today: 0-4 sets of known exercises, RPE optional."""
    out = []
    for _ in range(draw(st.integers(0, 4))):
        one: dict[str, Any] = {
            "exercise": draw(_load_exercises),
            "load_kg": draw(_load_kg),
            "reps": draw(_edge_or_range([1, 5, 6, 10, 12, 30], 1, 30)),
        }
        rpe = draw(st.none() | _edge_or_range([1, 6, 7, 8, 10], 1, 10))
        if rpe is not None:
            one["rpe"] = rpe
        out.append(one)
    return out


_current_loads = current_loads()
_screens = red_flag_screens()
_questionnaires = questionnaires()


# Time: the bounds, the default and a spread between (15-120 minutes, issue 11).
_minutes = st.sampled_from([15, 20, 30, 45, 60, 90, 120]) | st.integers(15, 120)
# Days: usually any day; sometimes a set of days, adjacent days included (recovery conflicts).
_available_days = st.none() | st.lists(
    st.sampled_from([d.value for d in WEEK]), min_size=1, max_size=7, unique=True
)


@st.composite
def intake_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid intake as data (the shape a clinic sends)."""
    now = draw(nprs)
    worst = max(now, draw(nprs))
    data: dict[str, Any] = {
        "client": {
            "name": draw(_names),
            "age": draw(ages),
            "sex": draw(_sex),
            "occupation": draw(_occupation),
        },
        "training": {
            "experience": draw(_experience),
            "sessions_per_week": draw(_sessions),
            "equipment": [e.value for e in draw(_equipment)],
            "minutes_per_session": draw(_minutes),
            "current_loads": draw(_current_loads),
        },
        "goals": [g.value for g in draw(_goals)] or [Goal.general_fitness.value],
        "findings": [f.value for f in draw(_findings)],
        "conditions": draw(_conditions),
        "pain": {"region": draw(_region), "nprs_now": now, "nprs_worst_24h": worst},
        "vitals": {},
        "red_flag_screen": draw(_screens),
        "questionnaires": draw(_questionnaires),
        "assessment": {"date": ASSESSED_ON},
    }
    days = draw(_available_days)
    if days:
        data["training"]["available_days"] = days
    for key, strategy in (
        ("duration_weeks", _duration),
        ("irritability", _irritability),
    ):
        value = draw(strategy)
        if value is not None:
            data["pain"][key] = value
    systolic, diastolic = draw(_systolic), draw(_diastolic)
    if systolic is not None:
        data["vitals"]["resting_systolic"] = systolic
    if diastolic is not None and (systolic is None or diastolic < systolic):
        data["vitals"]["resting_diastolic"] = diastolic
    pregnant = any(c["code"] == ConditionCode.pregnancy.value for c in data["conditions"])
    if pregnant and draw(_one_in[4]):
        # Mostly clear screens: a yes anywhere stops or limits the program.
        absolute = draw(st.one_of(st.just([False] * 12), _bits(12)))
        relative = draw(st.one_of(st.just([False] * 8), _bits(8)))
        data["questionnaires"]["pregnancy"] = {"absolute": absolute, "relative": relative}
    vigorous = draw(_vigorous)
    if vigorous is not None:
        data["training"]["accustomed_to_vigorous_effort"] = vigorous
    return data


def intakes() -> st.SearchStrategy[Intake]:
    return intake_data().map(Intake.model_validate)


# --- the clinician's edits (issue 11) --------------------------------------------------------

_REASONS = st.sampled_from(["client's preference", "equipment at home", "<b>x</b> & 'quotes'"])
_OVERRIDE = st.none() | st.just({"reason": "clinical judgement, supervised", "clinician": "Ana"})
_DOSE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "sets": st.integers(1, 10),
        "reps": st.sampled_from(["5", "8-12", "3-5", "15"]),
        "effort": st.integers(1, 10),
        "rest_s": st.sampled_from([0, 60, 180, 600]),
        "tempo": st.sampled_from(["3-1-1-0", "2-0-2-0"]),
        "load_kg": st.sampled_from([0.0, 20.0, 102.5]),
    },
).filter(bool)


@st.composite
def adjustments_for(
    draw: st.DrawFn, program: list[tuple[str, str]], days: list[str], exercises: list[str]
) -> dict[str, Any]:
    """An adjustments document for one program: edits that mostly name what is there.

    `program` is (place, exercise) for every item, `days` the session days, `exercises` the
    catalogue's ids. Edits run in order, so a later one may name what an earlier one removed.
    """
    week = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["remove", "swap", "dose", "move"]))
        edit: dict[str, Any] = {"kind": kind, "reason": draw(_REASONS)}
        override = draw(_OVERRIDE)
        if override is not None:
            edit["override"] = override
        if kind == "move":
            if not days:
                continue
            edit["day"] = draw(st.sampled_from(days))
            edit["to"] = draw(st.sampled_from([d for d in week if d != edit["day"]]))
        else:
            if not program:
                continue
            place, exercise = draw(st.sampled_from(program))
            edit["exercise"] = exercise
            if draw(st.booleans()):
                edit["day"] = place
            if kind == "swap":
                edit["to"] = draw(st.sampled_from(exercises))
            if kind == "dose":
                edit["dose"] = draw(_DOSE_FIELDS)
        edits.append(edit)
    if not edits:
        edits.append({"kind": "move", "day": "mon", "to": "tue", "reason": "no program"})
    return {"clinician": "Ana Costa", "edits": edits}
