"""Clinical test cases as data: `tests/cases/*.yaml`, their format, and how a case is checked.

A case is an intake plus the outcome a physiotherapist expects. The format is strict: unknown
keys fail (a typo must never pass silently), and every exercise id, rule id and flag code an
expectation names must exist, or an `absent` or `not_fired` check could never fail.

    name: short title
    about: what the case proves and its source (seed section or vignette)
    intake: {...}                 # a full intake, the same shape as examples/desk-worker.yaml
    expect:                       # every key optional
      status: program             # plain string compare with prescription.status
      present: [ids]              # each prescribed in at least one intense session
      absent: [ids]               # prescribed nowhere (no session, not daily)
      excluded: [ids]             # listed in prescription.excluded
      substituted: {original_id: replacement_id}
      order: [[first_id, then_id]]    # in every session holding both, first comes before then
      max_sets: {id: n}           # every occurrence
      sets: {id: n}               # exact, in intense sessions
      reps: {id: "8-12"}          # exact, in intense sessions
      max_effort: {id: n}         # every occurrence (effort = RPE cap)
      all_max_sets: n             # no item anywhere above n sets
      flags: [flag codes]
      fired: [rule ids]
      not_fired: [rule ids]
      daily: [ids]                # each among the daily drills
      max_daily_drills: n         # at most n daily drills besides the walk
      light: [ids]                # each prescribed in at least one light session
      schedule: {intense_sessions: n, light_sessions: n, min_gap_hours: n, days: {mon: intense}}
      referral: emergency         # the referral's urgency (emergency | urgent | before_exercise)
      no_sessions: true           # no session and no daily drill at all
      no_loaded: true             # no loaded item anywhere
      all_max_effort: n           # no item anywhere above RPE n
      max_loaded_effort: n        # no loaded item anywhere above RPE n
      scores: {odi: {percent: 35.6, band: moderate}}   # fields of prescription.scores
      load_level: low             # prescription.load_level.level (none | low | moderate | full)
      advice: ["Breathe out as you lift"]   # each text in some precaution's do or don't
      advice_topics: [safety_net] # precaution topics the handout must carry
      sides: {id: left}           # every occurrence is done with that side only
      plan_phases: [names]        # the plan's phase names, in order (plan over weeks)
      plan_starts: {name: week}   # the plan week each named phase starts
      plan_weeks: n               # the plan's horizon in weeks
      plan_deloads: [weeks]       # every deload week of the plan ([] = none)
      plan_unloaded: true         # no phase of the plan is loaded
      plan_max_effort: n          # no phase above RPE n
      overhead_pull_returns_week: n   # the plan week overhead pulling returns
      loads: {deadlift: 92.5}     # every occurrence's first-week load_kg (null: none given)
      load_notes: {id: "text"}    # every occurrence's load_note contains the text
      warmup: {deadlift: [35, 55, 72.5]}   # every occurrence's warm-up kg (null: % only)
      no_load_kg: true            # no item anywhere has a load in kg

Expectations that speak of an exercise's dose or order also require the exercise to be there:
`max_sets: {face_pull: 2}` fails when no face pull is prescribed (use `absent` for that).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from backexpert import documents
from backexpert.assessment import RuleBase
from backexpert.assessment.prescription import Item, Prescription
from backexpert.assessment.week import gaps_hours
from backexpert.clinical import intake
from backexpert.clinical.words import WEEK, AdviceTopic, Day, FlagCode
from backexpert.errors import InputError

CASES_DIR = Path(__file__).parent / "cases"

# Expectations about which rules fired. They are left out when a mutant rule base is judged,
# because `fired: [x]` fails trivially once rule x is deleted and proves no behaviour.
TRACE_KEYS = frozenset({"fired", "not_fired"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScheduleExpect(_Strict):
    intense_sessions: StrictInt | None = None
    light_sessions: StrictInt | None = None
    min_gap_hours: StrictInt | None = None
    days: dict[Day, Literal["intense", "light", "rest"]] | None = None


class Expect(_Strict):
    status: StrictStr | None = None
    present: list[StrictStr] = []
    absent: list[StrictStr] = []
    excluded: list[StrictStr] = []
    substituted: dict[StrictStr, StrictStr] = {}
    order: list[tuple[StrictStr, StrictStr]] = []
    max_sets: dict[StrictStr, StrictInt] = {}
    sets: dict[StrictStr, StrictInt] = {}
    reps: dict[StrictStr, StrictStr] = {}
    max_effort: dict[StrictStr, StrictInt] = {}
    all_max_sets: StrictInt | None = None
    flags: list[StrictStr] = []
    fired: list[StrictStr] = []
    not_fired: list[StrictStr] = []
    daily: list[StrictStr] = []
    light: list[StrictStr] = []
    schedule: ScheduleExpect | None = None
    referral: Literal["emergency", "urgent", "before_exercise"] | None = None
    no_sessions: bool = False
    no_loaded: bool = False
    all_max_effort: StrictInt | None = None
    max_loaded_effort: StrictInt | None = None
    scores: dict[StrictStr, dict[StrictStr, Any]] = {}
    load_level: Literal["none", "low", "moderate", "full"] | None = None
    advice: list[StrictStr] = []
    advice_topics: list[StrictStr] = []
    sides: dict[StrictStr, Literal["left", "right"]] = {}
    max_session_minutes: StrictInt | None = None
    max_daily_drills: StrictInt | None = None
    # Exercises left out of some session for the client's time ([] = nothing left out for time).
    left_out_for_time: list[StrictStr] | None = None
    # The day type of each intense day ({} = no undulation).
    day_types: dict[Day, Literal["heavy", "moderate", "light"]] | None = None
    on_day: dict[Day, list[StrictStr]] = {}
    not_on_day: dict[Day, list[StrictStr]] = {}
    day_reps: dict[Day, dict[StrictStr, StrictStr]] = {}
    schedule_note: StrictStr | None = None
    plan_phases: list[StrictStr] | None = None
    plan_starts: dict[StrictStr, StrictInt] = {}
    plan_weeks: StrictInt | None = None
    plan_deloads: list[StrictInt] | None = None
    plan_unloaded: bool = False
    plan_max_effort: StrictInt | None = None
    overhead_pull_returns_week: StrictInt | None = None
    loads: dict[StrictStr, float | None] = {}
    load_notes: dict[StrictStr, StrictStr] = {}
    warmup: dict[StrictStr, list[float | None]] = {}
    no_load_kg: bool = False

    def exercise_ids(self) -> set[str]:
        ids = {*self.present, *self.absent, *self.excluded, *self.daily, *self.light}
        ids |= {*self.substituted, *self.substituted.values()}
        ids |= {x for pair in self.order for x in pair}
        ids |= set(self.sides)
        ids |= set(self.left_out_for_time or [])
        for per_day in (*self.on_day.values(), *self.not_on_day.values()):
            ids |= set(per_day)
        for reps in self.day_reps.values():
            ids |= set(reps)
        for mapping in (
            self.max_sets,
            self.sets,
            self.reps,
            self.max_effort,
            self.loads,
            self.load_notes,
            self.warmup,
        ):
            ids |= set(mapping)
        return ids


class CaseFile(_Strict):
    name: StrictStr = Field(min_length=3)
    about: StrictStr = Field(min_length=10)
    intake: dict[str, Any]
    expect: Expect


@dataclass(frozen=True)
class Case:
    path: Path
    name: str
    about: str
    intake: intake.Intake
    expect: Expect

    @property
    def id(self) -> str:
        return self.path.stem


def case_paths(directory: Path = CASES_DIR) -> list[Path]:
    """Every case file, sorted: none is skipped."""
    return sorted(directory.glob("*.yaml"))


def load(path: Path) -> Case:
    """Read a case; the intake goes through `intake.parse`, keeping the case file's line numbers."""
    text = path.read_text(encoding="utf-8")
    doc = documents.parse(text, str(path))
    try:
        spec = CaseFile.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(str(path), documents.problems_from(exc, doc)) from None
    node = _intake_node(doc)
    start, end = node.start_mark, node.end_mark
    # Pad with the lines and columns before it, so a problem's line is the case file's line.
    intake_text = "\n" * start.line + " " * start.column + text[start.index : end.index]
    return Case(path, spec.name, spec.about, intake.parse(intake_text, str(path)), spec.expect)


def _intake_node(doc: documents.Document) -> yaml.Node:
    assert isinstance(doc.node, yaml.MappingNode)
    for key, value in doc.node.value:
        if key.value == "intake":
            return value  # type: ignore[no-any-return]
    raise AssertionError(f"{doc.source}: no intake")


def unknown_names(expect: Expect, rules: RuleBase) -> list[str]:
    """Names an expectation uses that do not exist (a typo would make a check vacuous)."""
    rulebook = rules.rulebook
    out = [
        f"unknown exercise id {x!r}"
        for x in sorted(expect.exercise_ids())
        if x not in rules.catalogue
    ]
    out += [
        f"unknown rule id {r!r}" for r in [*expect.fired, *expect.not_fired] if r not in rulebook
    ]
    codes = {f.value for f in FlagCode}
    out += [f"unknown flag code {c!r}" for c in expect.flags if c not in codes]
    topics = {t.value for t in AdviceTopic}
    out += [f"unknown advice topic {t!r}" for t in expect.advice_topics if t not in topics]
    return out


def _ids(items: Iterable[Item]) -> list[str]:
    return [i.exercise for i in items]


def check(expect: Expect, p: Prescription, skip: Iterable[str] = ()) -> list[str]:
    """Every way the prescription falls short of the expectation (empty when it meets it)."""
    skipped = set(skip)
    out: list[str] = []
    intense = [s for s in p.sessions if s.intensity == "intense"]
    everywhere = [(s.day.value, i) for s in p.sessions for i in s.items]
    everywhere += [("daily", i) for i in p.daily]
    in_intense = [(s.day.value, i) for s in intense for i in s.items]
    prescribed = {i.exercise for _, i in everywhere}
    excluded = {x.exercise: x for x in p.excluded}

    def occurrences(ex: str, key: str, intense_only: bool) -> list[tuple[str, Item]]:
        found = [
            (d, i) for d, i in (in_intense if intense_only else everywhere) if i.exercise == ex
        ]
        if not found:
            scope = "intense session" if intense_only else "session or daily drill"
            out.append(f"{key}: {ex} is in no {scope}, so its dose cannot be checked")
        return found

    if expect.status is not None and p.status != expect.status:
        out.append(f"status: expected {expect.status!r}, got {p.status!r}")
    for ex in expect.present:
        if not any(ex in _ids(s.items) for s in intense):
            shown = sorted({i.exercise for _, i in in_intense})
            out.append(f"present: {ex} is in no intense session (they hold {shown})")
    for ex in expect.absent:
        where = sorted({d for d, i in everywhere if i.exercise == ex})
        if where:
            out.append(f"absent: {ex} is prescribed on {', '.join(where)}")
    for ex in expect.excluded:
        if ex not in excluded:
            out.append(f"excluded: {ex} is not listed (excluded: {sorted(excluded)})")
    for original, replacement in expect.substituted.items():
        x = excluded.get(original)
        if x is None or x.replaced_by != replacement:
            got = "not excluded" if x is None else f"replaced by {x.replaced_by}"
            out.append(f"substituted: {original} should be replaced by {replacement}, was {got}")
        elif replacement not in prescribed:
            out.append(f"substituted: {replacement} stands in for {original} but is not prescribed")
    for first, then in expect.order:
        sessions = [(s.day.value, _ids(s.items)) for s in p.sessions]
        sessions.append(("daily", _ids(p.daily)))
        both = [(d, ids) for d, ids in sessions if first in ids and then in ids]
        if not both:
            out.append(f"order: no session holds both {first} and {then}")
        for d, ids in both:
            if ids.index(first) > ids.index(then):
                out.append(f"order: on {d} {then} comes before {first}: {ids}")
    for ex, n in expect.max_sets.items():
        for d, i in occurrences(ex, "max_sets", intense_only=False):
            if i.sets > n:
                out.append(f"max_sets: {ex} has {i.sets} sets on {d}, expected at most {n}")
    for ex, n in expect.sets.items():
        for d, i in occurrences(ex, "sets", intense_only=True):
            if i.sets != n:
                out.append(f"sets: {ex} has {i.sets} sets on {d}, expected {n}")
    for ex, reps in expect.reps.items():
        for d, i in occurrences(ex, "reps", intense_only=True):
            if i.reps != reps:
                out.append(f"reps: {ex} is dosed {i.reps} reps on {d}, expected {reps}")
    for ex, n in expect.max_effort.items():
        for d, i in occurrences(ex, "max_effort", intense_only=False):
            if i.effort > n:
                out.append(f"max_effort: {ex} at RPE {i.effort} on {d}, expected at most {n}")
    if expect.all_max_sets is not None:
        out += [
            f"all_max_sets: {i.exercise} has {i.sets} sets on {d} > {expect.all_max_sets}"
            for d, i in everywhere
            if i.sets > expect.all_max_sets
        ]
    codes = {f.code.value for f in p.flags}
    out += [
        f"flags: {c} not raised (raised: {sorted(codes)})" for c in expect.flags if c not in codes
    ]
    fired = {t.rule for t in p.trace}
    if "fired" not in skipped:
        out += [f"fired: {r} did not fire" for r in expect.fired if r not in fired]
    if "not_fired" not in skipped:
        out += [f"not_fired: {r} fired" for r in expect.not_fired if r in fired]
    daily = _ids(p.daily)
    out += [
        f"daily: {ex} not among the daily drills {daily}" for ex in expect.daily if ex not in daily
    ]
    light = {i.exercise for s in p.sessions if s.intensity == "light" for i in s.items}
    out += [f"light: {ex} is in no light session" for ex in expect.light if ex not in light]
    if expect.schedule is not None:
        out += _check_schedule(expect.schedule, p)
    out += _check_time_and_days(expect, p)
    said = [" ".join(f"{a.do or ''} {a.dont or ''}".split()) for a in p.precautions]
    out += [
        f"advice: no precaution says {text!r}"
        for text in expect.advice
        if not any(" ".join(text.split()) in s for s in said)
    ]
    out += _check_loads(expect, everywhere)
    return out + _check_screening(expect, p, everywhere) + _check_plan(expect, p)


def _check_plan(expect: Expect, p: Prescription) -> list[str]:
    out: list[str] = []
    plan = p.plan
    phases = [] if plan is None else plan.phases
    names = [ph.name for ph in phases]
    if expect.plan_phases is not None and names != expect.plan_phases:
        out.append(f"plan_phases: expected {expect.plan_phases}, got {names}")
    starts = {ph.name: ph.first_week for ph in phases}
    for name, week in expect.plan_starts.items():
        if starts.get(name) != week:
            out.append(f"plan_starts: {name} starts at week {starts.get(name)}, expected {week}")
    got_weeks = None if plan is None else plan.weeks
    if expect.plan_weeks is not None and got_weeks != expect.plan_weeks:
        out.append(f"plan_weeks: expected {expect.plan_weeks}, got {got_weeks}")
    deloads = [w for ph in phases for w in ph.deload_weeks]
    if expect.plan_deloads is not None and deloads != expect.plan_deloads:
        out.append(f"plan_deloads: expected {expect.plan_deloads}, got {deloads}")
    if expect.plan_unloaded:
        out += [f"plan_unloaded: phase {ph.name} is loaded" for ph in phases if ph.loaded]
    if expect.plan_max_effort is not None:
        out += [
            f"plan_max_effort: phase {ph.name} at RPE {ph.effort} > {expect.plan_max_effort}"
            for ph in phases
            if ph.effort is None or ph.effort > expect.plan_max_effort
        ]
    if expect.overhead_pull_returns_week is not None:
        weeks = [
            r.week for r in (plan.returns if plan else []) if r.activity.startswith("overhead pull")
        ]
        if weeks != [expect.overhead_pull_returns_week]:
            out.append(
                f"overhead_pull_returns_week: expected {expect.overhead_pull_returns_week}, "
                f"got {weeks}"
            )
    return out


def _check_loads(expect: Expect, everywhere: list[tuple[str, Item]]) -> list[str]:
    out: list[str] = []

    def occurrences(ex: str, key: str) -> list[tuple[str, Item]]:
        found = [(d, i) for d, i in everywhere if i.exercise == ex]
        if not found:
            out.append(f"{key}: {ex} is not prescribed, so its load cannot be checked")
        return found

    for ex, kg in expect.loads.items():
        for d, i in occurrences(ex, "loads"):
            if i.load_kg != kg:
                out.append(f"loads: {ex} on {d} starts at {i.load_kg} kg, expected {kg}")
    for ex, text in expect.load_notes.items():
        for d, i in occurrences(ex, "load_notes"):
            if text not in (i.load_note or ""):
                out.append(f"load_notes: {ex} on {d}: {i.load_note!r} does not say {text!r}")
    for ex, sets in expect.warmup.items():
        for d, i in occurrences(ex, "warmup"):
            got = [w.load_kg for w in i.warmup]
            if got != sets:
                out.append(f"warmup: {ex} on {d} warms up with {got}, expected {sets}")
    if expect.no_load_kg:
        out += [
            f"no_load_kg: {i.exercise} at {i.load_kg} kg on {d}" for d, i in everywhere if i.load_kg
        ]
    return out


def _check_screening(
    expect: Expect, p: Prescription, everywhere: list[tuple[str, Item]]
) -> list[str]:
    out: list[str] = []
    urgency = None if p.referral is None else p.referral.urgency.value
    if expect.referral is not None and urgency != expect.referral:
        out.append(f"referral: expected {expect.referral}, got {urgency}")
    if expect.no_sessions and (p.sessions or p.daily):
        out.append(f"no_sessions: {len(p.sessions)} sessions and {len(p.daily)} daily drills")
    if expect.no_loaded:
        out += [f"no_loaded: {i.exercise} is loaded on {d}" for d, i in everywhere if i.loaded]
    if expect.all_max_effort is not None:
        out += [
            f"all_max_effort: {i.exercise} at RPE {i.effort} on {d} > {expect.all_max_effort}"
            for d, i in everywhere
            if i.effort > expect.all_max_effort
        ]
    if expect.max_loaded_effort is not None:
        out += [
            f"max_loaded_effort: {i.exercise} at RPE {i.effort} on {d}"
            for d, i in everywhere
            if i.loaded and i.effort > expect.max_loaded_effort
        ]
    if expect.load_level is not None and p.load_level.level.value != expect.load_level:
        out.append(f"load_level: expected {expect.load_level}, got {p.load_level.level.value}")
    topics = {c.topic.value for c in p.precautions}
    out += [
        f"advice_topics: no {t} precaution (topics: {sorted(topics)})"
        for t in expect.advice_topics
        if t not in topics
    ]
    for ex, side in expect.sides.items():
        for d, i in everywhere:
            if i.exercise == ex and (i.side is None or i.side.value != side):
                out.append(f"sides: {ex} on {d} is done with {i.side}, expected {side} only")
        if not any(i.exercise == ex for _, i in everywhere):
            out.append(f"sides: {ex} is not prescribed")
    scores = p.scores.model_dump(mode="json")
    for instrument, fields in expect.scores.items():
        got = scores.get(instrument)
        if got is None:
            out.append(f"scores: {instrument} was not scored")
            continue
        out += [
            f"scores: {instrument}.{k} is {got.get(k)!r}, expected {v!r}"
            for k, v in fields.items()
            if got.get(k) != v
        ]
    return out


def _check_schedule(expect: ScheduleExpect, p: Prescription) -> list[str]:
    out: list[str] = []
    intense = [s.day for s in p.sessions if s.intensity == "intense"]
    light = [s.day for s in p.sessions if s.intensity == "light"]
    if expect.intense_sessions is not None and len(intense) != expect.intense_sessions:
        out.append(f"schedule: {len(intense)} intense sessions, expected {expect.intense_sessions}")
    if expect.light_sessions is not None and len(light) != expect.light_sessions:
        out.append(f"schedule: {len(light)} light sessions, expected {expect.light_sessions}")
    if expect.min_gap_hours is not None:
        # Measured from the sessions themselves, with the wrap into next week.
        gaps = gaps_hours(intense)
        if len(intense) < 2:
            out.append(f"schedule: min_gap_hours needs 2+ intense sessions, got {len(intense)}")
        elif min(gaps) < expect.min_gap_hours:
            out.append(f"schedule: intense gaps {gaps} h, expected at least {expect.min_gap_hours}")
    for day, kind in (expect.days or {}).items():
        actual = {s.day: s.intensity for s in p.sessions}.get(day, "rest")
        if actual != kind:
            week = {d.value: {s.day: s.intensity for s in p.sessions}.get(d, "rest") for d in WEEK}
            out.append(f"schedule: {day.value} is {actual}, expected {kind} (week: {week})")
    return out


def _check_time_and_days(expect: Expect, p: Prescription) -> list[str]:
    """The time budget, the day types, and what each day holds."""
    out: list[str] = []
    by_day = {s.day: s for s in p.sessions}
    if expect.max_session_minutes is not None:
        out += [
            f"max_session_minutes: {s.day.value} takes {s.minutes} min"
            for s in p.sessions
            if s.minutes is None or s.minutes > expect.max_session_minutes
        ]
    if expect.max_daily_drills is not None:
        drills = [i.exercise for i in p.daily if i.pattern.value != "gait"]
        if len(drills) > expect.max_daily_drills:
            out.append(f"max_daily_drills: {len(drills)} daily drills ({drills})")
    if expect.left_out_for_time is not None:
        for_time = sorted(
            {x.exercise for s in p.sessions for x in s.left_out if "time" in x.reason}
        )
        if not expect.left_out_for_time and for_time:
            out.append(f"left_out_for_time: expected none, got {for_time}")
        out += [
            f"left_out_for_time: {ex} was not left out for time (left out: {for_time})"
            for ex in expect.left_out_for_time
            if ex not in for_time
        ]
    if expect.day_types is not None:
        actual = {s.day: s.day_type for s in p.sessions if s.day_type is not None}
        if actual != expect.day_types:
            shown = {d.value: t for d, t in actual.items()}
            out.append(f"day_types: {shown}, expected {expect.day_types}")
    for day, ids in expect.on_day.items():
        held = _ids(by_day[day].items) if day in by_day else []
        out += [f"on_day: {ex} not on {day.value} ({held})" for ex in ids if ex not in held]
    for day, ids in expect.not_on_day.items():
        held = _ids(by_day[day].items) if day in by_day else []
        out += [f"not_on_day: {ex} is on {day.value}" for ex in ids if ex in held]
    for day, reps in expect.day_reps.items():
        items = {i.exercise: i for i in by_day[day].items} if day in by_day else {}
        for ex, want in reps.items():
            got = items[ex].reps if ex in items else None
            if got != want:
                out.append(f"day_reps: {ex} on {day.value} is {got}, expected {want}")
    notes = " ".join(p.schedule.notes) if p.schedule is not None else ""
    if expect.schedule_note is not None and expect.schedule_note not in notes:
        out.append(f"schedule_note: {expect.schedule_note!r} not in {notes!r}")
    return out
