"""Plan templates: the program over weeks, as data (`rules/plan.yaml`).

A *stage* is one dose template of a periodised plan (domain reference 2 §13): motor control and
endurance, strength, return to function; each with its reps and effort (RPE) by experience, how
many weeks it lasts and the milestones that allow the next. The *default path* runs the stages
in order; a *timeline* replaces it when a dated condition drives the plan (a cuff repair by its
weeks since surgery, a discectomy or fusion by its milestones, pregnancy by trimester): each of
its phases spans condition weeks and borrows a stage's dose. *Deloads* (a lighter week every few
weeks) are for intermediate and advanced clients; novices progress linearly. Every entry carries
its rationale and source, and the file is part of the rule base's version hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, StrictBool, StrictInt, field_validator

from .. import documents, shipped
from ..errors import InputError, RuleSetError
from ..model import Model, Prose
from .catalogue import rep_bounds
from .words import ConditionCode, Experience, LoadLevel

PLAN_FILE = shipped.PLAN_FILE
_ID = r"^plan(\.[a-z0-9_]+)+$"


class Sourced(Model):
    """An entry the prescription cites: its id, why, and where that comes from."""

    id: str = Field(pattern=_ID, max_length=120)
    rationale: Prose
    source: Prose


class Stage(Sourced):
    """One dose template of a periodised plan (reference part 2 §13)."""

    name: str = Field(min_length=1)
    plain: Prose = Field(description="the stage in plain words, for the client's handout")
    focus: Prose
    loaded: StrictBool
    reps: dict[Experience, str]
    effort: tuple[StrictInt, StrictInt] = Field(description="RPE from-to")
    weeks: dict[Experience, StrictInt]
    milestones: list[Prose] = Field(min_length=1)

    @field_validator("reps")
    @classmethod
    def _reps(cls, v: dict[Experience, str]) -> dict[Experience, str]:
        for reps in v.values():
            rep_bounds(reps)
        if set(v) != set(Experience):
            raise ValueError("give reps for novice, intermediate and advanced")
        return v

    @field_validator("weeks")
    @classmethod
    def _weeks(cls, v: dict[Experience, int]) -> dict[Experience, int]:
        if set(v) != set(Experience) or not all(1 <= w <= 26 for w in v.values()):
            raise ValueError("give 1-26 weeks for novice, intermediate and advanced")
        return v

    @field_validator("effort")
    @classmethod
    def _effort(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= v[0] <= v[1] <= 10:
            raise ValueError("effort is [from, to] with 1 <= from <= to <= 10")
        return v


class TrainedStart(Model):
    """Trained clients whose spine may be loaded skip the first stage [choice]."""

    experience: list[Experience] = Field(min_length=1)
    load_level: list[LoadLevel] = Field(min_length=1)
    stage: str


class DefaultPath(Sourced):
    """The plan when no condition timeline applies: the stages in order."""

    stages: list[str] = Field(min_length=1)
    trained_start: TrainedStart


class TimelinePhase(Sourced):
    """A phase of a condition's timeline: condition weeks [from, to) with a stage's dose."""

    name: str = Field(min_length=1)
    plain: Prose | None = Field(default=None, description="plain words, when not the stage's")
    stage: str
    reps: str | None = Field(default=None, description="the reps, when not the stage's")
    from_week: StrictInt = Field(ge=0, le=1040)
    to_week: StrictInt | None = Field(default=None, ge=1, le=1040)
    weeks: StrictInt | None = Field(
        default=None, ge=1, le=26, description="the length of the last, open-ended phase"
    )
    focus: Prose
    milestones: list[Prose] = Field(min_length=1)


class Return(Sourced):
    """An activity that comes back at a condition week (e.g. overhead pulling)."""

    activity: Prose
    at_week: StrictInt = Field(ge=0, le=1040)


class Timeline(Sourced):
    """The phases a dated condition moves through, by its weeks (since surgery, of gestation)."""

    condition: ConditionCode
    phases: list[TimelinePhase] = Field(min_length=1)
    returns: list[Return] = Field(default_factory=list)


class Deload(Sourced):
    """A lighter week every few weeks, for trained clients (novices progress linearly)."""

    every: dict[Experience, StrictInt]
    what: Prose

    @field_validator("every")
    @classmethod
    def _every(cls, v: dict[Experience, int]) -> dict[Experience, int]:
        if not all(2 <= n <= 12 for n in v.values()):
            raise ValueError("a deload comes every 2-12 weeks")
        return v


class Waiting(Sourced):
    """What a plan says while loading waits for a clearance or a review."""

    milestone: Prose
    dose: Prose
    plain: Prose = Field(description="the wait in plain words, for the client's handout")


class PlanFile(Model):
    description: Prose
    stages: list[Stage] = Field(min_length=1)
    default: DefaultPath
    deload: Deload
    waiting: Waiting
    timelines: list[Timeline] = Field(default_factory=list)


@dataclass(frozen=True)
class PlanBook:
    """The validated plan templates of a rule base."""

    spec: PlanFile

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.spec.stages if s.id == stage_id)

    def timeline(self, code: ConditionCode) -> Timeline | None:
        return next((t for t in self.spec.timelines if t.condition is code), None)

    def entries(self) -> dict[str, Sourced]:
        """Every citable entry by id."""
        s = self.spec
        out: dict[str, Sourced] = {x.id: x for x in s.stages}
        out.update({s.default.id: s.default, s.deload.id: s.deload, s.waiting.id: s.waiting})
        for t in s.timelines:
            out[t.id] = t
            out.update({p.id: p for p in t.phases})
            out.update({r.id: r for r in t.returns})
        return out

    def fingerprint(self) -> str:
        """A short hash of the validated file: edits change the rule base's version."""
        blob = json.dumps(self.spec.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def load(path: Path) -> PlanBook:
    """Load and check the plan templates: known stages, unique ids, contiguous timelines."""
    if not path.is_file():
        raise RuleSetError([f"{path.parent}: no {PLAN_FILE} (the plan templates)"])
    doc = documents.read(path)
    try:
        spec = documents.validate(PlanFile, doc)
    except InputError as exc:
        raise RuleSetError(
            [f"{path}:{p.line}: {p.path}: {p.message}" for p in exc.problems]
        ) from None
    problems: list[str] = []
    stages = {s.id for s in spec.stages}

    def at(where: list[str | int], message: str) -> None:
        problems.append(f"{path}:{doc.line_of(where)}: {documents.format_path(where)}: {message}")

    for i, sid in enumerate(spec.default.stages):
        if sid not in stages:
            at(["default", "stages", i], f"unknown stage {sid!r}")
    if spec.default.trained_start.stage not in spec.default.stages:
        at(["default", "trained_start", "stage"], "must be one of the default stages")
    seen: set[str] = set()
    for i, t in enumerate(spec.timelines):
        for j, ph in enumerate(t.phases):
            where: list[str | int] = ["timelines", i, "phases", j]
            if ph.stage not in stages:
                at([*where, "stage"], f"unknown stage {ph.stage!r}")
            last = j == len(t.phases) - 1
            if last and (ph.to_week is None) == (ph.weeks is None):
                at(where, "the last phase gives either to_week or weeks (open-ended)")
            if ph.reps is not None:
                try:
                    rep_bounds(ph.reps)
                except ValueError as exc:
                    at([*where, "reps"], str(exc))
            if not last and (ph.to_week is None or ph.weeks is not None):
                at(where, "give to_week (only the last phase gives weeks)")
            if ph.to_week is not None and ph.to_week <= ph.from_week:
                at([*where, "to_week"], "must be after from_week")
            if j and t.phases[j - 1].to_week != ph.from_week:
                at([*where, "from_week"], "must be the previous phase's to_week")
        if t.phases[0].from_week != 0:
            at(["timelines", i, "phases", 0, "from_week"], "a timeline starts at week 0")
    ids = [x.id for x in spec.stages] + [spec.default.id, spec.deload.id, spec.waiting.id]
    for t in spec.timelines:
        ids += [t.id, *(p.id for p in t.phases), *(r.id for r in t.returns)]
    for entry in ids:
        if entry in seen:
            problems.append(f"{path}: duplicate id {entry}")
        seen.add(entry)
    if problems:
        raise RuleSetError(problems)
    return PlanBook(spec)
