"""The session log: what a client actually did in one training session.

A session has a date (and, when known, a time of day) and, per exercise, the sets done - reps,
external load in kg (none for bodyweight), effort as RPE (1-10) or reps in reserve (RIR) - with
form quality (1-5), pain before and after (0-10 NPRS) and notes. A set may be written as a
token: `5x60kg@7` (5 reps, 60 kg, RPE 7), `8x@8` (bodyweight), `5x60kg@rir2`, `3x5x60kg@7`
(three such sets). RPE and RIR are the same scale read two ways: RPE = 10 - RIR (Zourdos 2016;
Helms 2016), so a set records one or the other, never both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from pydantic import Field, StrictInt, field_validator, model_validator

from .. import documents
from ..clinical.catalogue import Catalogue, rep_bounds, unknown_exercise
from ..errors import InputError, Problem
from ..model import CalendarDate, Identifier, Kilograms, LongText, Model, ShortText, Token

SET_TOKEN = re.compile(
    r"^(?:(?P<sets>\d+)x)?(?P<reps>\d+)x(?:(?P<load>\d+(?:\.\d+)?)(?:kg)?)?"
    r"(?:@(?:rir(?P<rir>\d+)|(?P<rpe>\d+)))?$",
    re.IGNORECASE,
)
SET_FORMAT = "REPSx[LOADkg][@RPE | @rirN], e.g. 5x60kg@7, 8x@8, 5x60kg@rir2 or 3x5x60kg@7"
MAX_SETS_PER_TOKEN = 10


class SetLog(Model):
    """One set: reps done, external load (None = bodyweight), and effort as RPE or RIR."""

    reps: StrictInt = Field(ge=0, le=100)
    load_kg: Kilograms | None = Field(default=None, ge=0, le=1000)
    rpe: StrictInt | None = Field(default=None, ge=1, le=10)
    rir: StrictInt | None = Field(default=None, ge=0, le=10)

    @model_validator(mode="after")
    def _one_effort_scale(self) -> SetLog:
        if self.rpe is not None and self.rir is not None:
            raise ValueError("give rpe or rir, not both (RPE = 10 - RIR)")
        return self

    @property
    def effort(self) -> int | None:
        """Effort as RPE (RIR converted: RPE = 10 - RIR, at least 1), None when not recorded."""
        if self.rpe is not None:
            return self.rpe
        if self.rir is not None:
            return max(1, 10 - self.rir)
        return None

    @property
    def external_load(self) -> float:
        return self.load_kg or 0.0

    def token(self) -> str:
        """The set as a token: `5x60kg@7`, `8x@rir2`."""
        load = "" if self.load_kg is None else f"{self.load_kg:g}kg"
        effort = f"@{self.rpe}" if self.rpe is not None else ""
        effort = f"@rir{self.rir}" if self.rir is not None else effort
        return f"{self.reps}x{load}{effort}"


def parse_set(token: str) -> list[dict[str, Any]]:
    """Parse a set token into one or more set mappings; ValueError names the token."""
    m = SET_TOKEN.match(token.strip().replace(" ", ""))
    if m is None:
        raise ValueError(f"set {token!r} is not {SET_FORMAT}")
    count = int(m["sets"] or 1)
    if not 1 <= count <= MAX_SETS_PER_TOKEN:
        raise ValueError(f"set {token!r}: 1 to {MAX_SETS_PER_TOKEN} sets per token")
    one: dict[str, Any] = {"reps": int(m["reps"])}
    if m["load"] is not None:
        one["load_kg"] = float(m["load"])
    if m["rpe"] is not None:
        one["rpe"] = int(m["rpe"])
    if m["rir"] is not None:
        one["rir"] = int(m["rir"])
    return [dict(one) for _ in range(count)]


class ExerciseLog(Model):
    """One exercise in a session: its sets in order, form, pain and notes."""

    exercise: Identifier
    sets: list[SetLog] = Field(min_length=1, max_length=30)
    form: StrictInt | None = Field(default=None, ge=1, le=5, description="form quality 1-5")
    pain_before: StrictInt | None = Field(default=None, ge=0, le=10)
    pain_after: StrictInt | None = Field(default=None, ge=0, le=10)
    target_reps: Token | None = Field(
        default=None, description="the rep target this session aimed at ('8' or '8-12')"
    )
    load_increment_kg: Kilograms | None = Field(
        default=None, gt=0, le=50, description="smallest load step available for this exercise"
    )
    notes: ShortText | None = None

    @field_validator("sets", mode="before")
    @classmethod
    def _tokens(cls, v: Any) -> Any:
        if not isinstance(v, list):
            return v
        out: list[Any] = []
        for item in v:
            out.extend(parse_set(item) if isinstance(item, str) else [item])
        return out

    @field_validator("target_reps")
    @classmethod
    def _reps_shape(cls, v: str | None) -> str | None:
        if v is not None:
            low, high = rep_bounds(v)
            if not 1 <= low <= high <= 100:
                raise ValueError(f"target_reps {v!r} must be a range 1..100 with low <= high")
        return v


def _clock(v: Any) -> Any:
    """YAML 1.1 reads an unquoted 18:00 as the base-60 number 1080: take it as minutes."""
    if isinstance(v, int) and not isinstance(v, bool):
        if not 0 <= v < 24 * 60:
            raise ValueError(f'time {v!r} is not a time of day; write it as "HH:MM"')
        return dt.time(v // 60, v % 60)
    return v


class SessionLog(Model):
    """One training session as logged."""

    date: CalendarDate
    time: dt.time | None = Field(default=None, description="time of day (24 h), when known")
    notes: LongText | None = None
    exercises: list[ExerciseLog] = Field(min_length=1, max_length=40)

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, v: Any) -> Any:
        return _clock(v)

    @field_validator("time")
    @classmethod
    def _naive(cls, v: dt.time | None) -> dt.time | None:
        if v is not None and v.tzinfo is not None:
            raise ValueError("give the local time of day without a time zone")
        return v

    @model_validator(mode="after")
    def _each_exercise_once(self) -> SessionLog:
        names = [e.exercise for e in self.exercises]
        for name in sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"exercise {name} is listed more than once: put all its sets together")
        return self

    def when(self) -> str:
        """`2026-11-02 18:00` or `2026-11-02`."""
        return self.date.isoformat() + ("" if self.time is None else f" {self.time:%H:%M}")


def check_exercises(
    logs: SessionLog | Sequence[SessionLog],
    catalogue: Catalogue,
    source: str,
    doc: documents.Document | None = None,
    prefix: Sequence[str | int] = ("sessions",),
) -> None:
    """Every logged exercise must be a catalogue id (the progression rules reason over it).

    The one check of logged exercises, for a session typed in, a log file, an imported record
    and the logs progress reads: a problem per unknown id, with a did-you-mean.
    """
    many = not isinstance(logs, SessionLog)
    sessions: list[SessionLog] = [logs] if isinstance(logs, SessionLog) else list(logs)
    problems = []
    for k, log in enumerate(sessions):
        for i, e in enumerate(log.exercises):
            unknown = unknown_exercise(e.exercise, catalogue)
            if unknown is None:
                continue
            inner: list[str | int] = ["exercises", i, "exercise"]
            path = [*prefix, k, *inner] if many else inner
            line = doc.line_of(path) if doc is not None else None
            problems.append(Problem(documents.format_path(path), unknown, line))
    if problems:
        raise InputError(source, problems)


def load(path: str, catalogue: Catalogue) -> SessionLog:
    """Read and validate a session log file (YAML or JSON; '-' is standard input)."""
    doc = documents.read(path)
    log = documents.validate(SessionLog, doc)
    check_exercises(log, catalogue, doc.source, doc)
    return log
