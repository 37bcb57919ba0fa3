"""Intake edits: the `--what-if` syntax, applying edits to an intake, and fact changes as edits.

Syntax (one change per `--what-if`):

- `path=value` sets a field; the value is read as a YAML scalar (`7`, `yes`, `moderate`) or a
  flow list (`[barbell, bench]`). `pain.nprs_now=7`, `training.experience=intermediate`,
  `conditions.lumbar_instability.severity=moderate` (a list of coded entries is addressed by
  code; an entry that is not there yet is created), `conditions[0].weeks_since=8`.
- `-path` removes what the path names: a list entry by code or value
  (`-conditions.lumbar_instability`, `-findings.rounded_shoulders`,
  `-training.equipment.barbell`), a red-flag answer (`-red_flag_screen.constant_night_pain`:
  not asked), or an optional field (`-pain.nprs_worst_24h`).
- `+list.value` adds a list entry (`+findings.rounded_shoulders`, `+goals.strength`,
  `+conditions.osteoporosis`, `+conditions.rotator_cuff_repair:weeks_since=8,side=right`);
  `+red_flag_screen.q` answers that question yes.

Paths are checked against the intake model as they are walked, and the edited intake is
validated again (`documents.validate(Intake, ...)`), so every problem names its field path the
way an intake file's problems do: `pain.nprs_now: must be <= 10 (got 11)`.

A fact change (`finding.rounded_shoulders = true`, `client.age = 40`, `pain.band = moderate`)
maps to the intake edits that give it, family by family of the assessment vocabulary; a fact no
edit can set (a derived fact, or a fact of a family this module does not know) is reported as
`Unsettable`, never guessed.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, JsonValue

from .. import documents
from ..assessment.vocabulary import FACTS
from ..clinical import instruments
from ..clinical.intake import (
    Bothersomeness,
    Condition,
    Intake,
    ParqPlus,
    StartBack,
    StartBackAnswer,
)
from ..clinical.words import CORE_RED_FLAG_SCREEN
from ..errors import InputError, IntakeError, Problem
from ..knowledge.conditions import did_you_mean
from ..knowledge.vocabulary import FactSpec, FactValue
from .models import NATURE_NOTE, FactChange, IntakeEdit, Nature, Unsettable

SOURCE = "what-if"
Segment = str | int
Data = dict[str, Any]
SPECS: dict[str, FactSpec] = {s.name: s for s in FACTS}
YES_NO = frozenset({"yes", "no", "not_asked"})

# --- the syntax -----------------------------------------------------------------------------

_PART = re.compile(r"([A-Za-z0-9_]+)((?:\[\d+\])*)")


def parse_path(text: str) -> list[Segment]:
    """`conditions[0].severity` → ['conditions', 0, 'severity']; numbers are list positions."""
    out: list[Segment] = []
    for part in text.strip().split("."):
        m = _PART.fullmatch(part)
        if m is None:
            raise ValueError(f"{text!r} is not a field path (names joined by dots)")
        out.append(int(m[1]) if m[1].isdigit() else m[1])
        out += [int(i) for i in re.findall(r"\[(\d+)\]", m[2])]
    return out


def _yaml(value: JsonValue) -> str:
    """A value as the what-if syntax writes it (YAML flow style, one line)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _jsonable(value: Any) -> JsonValue:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value  # type: ignore[no-any-return]


def _scalar(raw: str, change: str) -> JsonValue:
    if not raw.strip():
        return None
    try:
        return _jsonable(documents.parse(raw, SOURCE).data)
    except InputError as exc:
        raise _problem(change, exc.problems[0].message) from None


def set_edit(path: str, value: JsonValue) -> IntakeEdit:
    return IntakeEdit(op="set", path=path, value=value, change=f"{path}={_yaml(value)}")


def remove_edit(path: str) -> IntakeEdit:
    return IntakeEdit(op="remove", path=path, change=f"-{path}")


def add_edit(path: str, item: JsonValue) -> IntakeEdit:
    if isinstance(item, dict):
        fields = {k: v for k, v in item.items() if k != "code"}
        change = f"+{path}.{item['code']}"
        if fields:
            change += ":" + ",".join(f"{k}={_yaml(v)}" for k, v in fields.items())
    else:
        change = f"+{path}.{item}"
    return IntakeEdit(op="add", path=path, value=item, change=change)


def parse_change(text: str) -> IntakeEdit:
    """One change in the what-if syntax (see the module docstring)."""
    t = text.strip()
    if t.startswith("+"):
        head, sep, fields = t[1:].partition(":")
        path, _, key = head.rpartition(".")
        if not path or not key:
            raise _problem(t, "+ adds a list entry: +list.value, e.g. +findings.rounded_shoulders")
        _check_path(path, t)
        item: JsonValue = key
        if sep:
            parsed: dict[str, JsonValue] = {"code": key}
            for pair in fields.split(","):
                name, eq, raw = pair.partition("=")
                if not eq or not name.strip():
                    raise _problem(t, f"{pair!r}: fields after ':' are name=value, comma-separated")
                parsed[name.strip()] = _scalar(raw, t)
            item = parsed
        return IntakeEdit(op="add", path=path, value=item, change=t)
    if t.startswith("-"):
        _check_path(t[1:], t)
        return IntakeEdit(op="remove", path=t[1:].strip(), change=t)
    path, eq, raw = t.partition("=")
    if not eq or not path.strip():
        raise _problem(t or "(empty)", "a change is path=value, +list.value or -path")
    _check_path(path, t)
    return IntakeEdit(op="set", path=path.strip(), value=_scalar(raw, t), change=t)


def parse_changes(texts: Iterable[str]) -> list[IntakeEdit]:
    """Every change parsed; all problems reported together."""
    out: list[IntakeEdit] = []
    problems: list[Problem] = []
    for text in texts:
        try:
            out.append(parse_change(text))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(SOURCE, problems)
    return out


def _problem(path: str, message: str) -> InputError:
    return InputError(SOURCE, [Problem(path, message)])


class _PathError(ValueError):
    """A path that does not fit the intake: where (a field path) and what is wrong."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def _located(exc: ValueError, change: str) -> Problem:
    if isinstance(exc, _PathError):
        return Problem(exc.where, exc.message)
    return Problem(change, str(exc))


def _check_path(path: str, change: str) -> None:
    try:
        _annotations(parse_path(path))
    except ValueError as exc:
        raise InputError(SOURCE, [_located(exc, change)]) from None


# --- the intake model, walked by path -------------------------------------------------------


def _unwrap(ann: Any) -> Any:
    while True:
        origin = get_origin(ann)
        if origin is Annotated:
            ann = get_args(ann)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            if len(args) != 1:
                return ann
            ann = args[0]
        else:
            return ann


def _is_model(ann: Any) -> bool:
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def _child(ann: Any, seg: Segment, where: str) -> Any:
    ann = _unwrap(ann)
    if _is_model(ann):
        fields = ann.model_fields
        if not isinstance(seg, str) or seg not in fields:
            raise _PathError(where, "unknown field" + did_you_mean(str(seg), fields))
        return fields[seg].annotation
    origin = get_origin(ann)
    if origin is list:
        return get_args(ann)[0]
    if origin is dict:
        return get_args(ann)[1]
    raise _PathError(where, "is a value, not a section")


def _annotations(segs: Sequence[Segment]) -> list[Any]:
    """The model annotation at each step of a path (index 0: the intake itself)."""
    out: list[Any] = [Intake]
    for i, seg in enumerate(segs):
        out.append(_child(out[-1], seg, documents.format_path(segs[: i + 1])))
    return out


def _coded(list_ann: Any) -> bool:
    """Whether a list holds models addressed by their `code` (conditions)."""
    ann = _unwrap(list_ann)
    if get_origin(ann) is not list:
        return False
    item = _unwrap(get_args(ann)[0])
    return _is_model(item) and "code" in item.model_fields


def _kind(ann: Any) -> str:
    ann = _unwrap(ann)
    if _is_model(ann):
        return "model"
    origin = get_origin(ann)
    return "list" if origin is list else "dict" if origin is dict else "value"


# --- applying edits -------------------------------------------------------------------------


def intake_data(intake: Intake) -> Data:
    """The intake as data, the shape an intake file has (unset optional fields left out)."""
    return intake.model_dump(mode="json", exclude_none=True)


def _find(items: list[Any], seg: Segment, coded: bool) -> int | None:
    if isinstance(seg, int):
        return seg if -len(items) <= seg < len(items) else None
    for i, item in enumerate(items):
        if (item.get("code") == seg) if coded and isinstance(item, dict) else item == seg:
            return i
    return None


def _descend(data: Data, segs: Sequence[Segment], anns: list[Any], create: bool) -> Any:
    """The container a path names (creating sections on the way when asked), or None."""
    cur: Any = data
    for i, seg in enumerate(segs):
        where = documents.format_path(segs[: i + 1])
        nxt = anns[i + 1]
        if isinstance(cur, dict):
            if cur.get(str(seg)) is None:
                if not create:
                    return None
                cur[str(seg)] = [] if _kind(nxt) == "list" else {}
            cur = cur[str(seg)]
        elif isinstance(cur, list):
            coded = _coded(anns[i])
            at = _find(cur, seg, coded)
            if at is None:
                if not (create and coded and isinstance(seg, str)):
                    if not create:
                        return None
                    raise _PathError(where, "no such entry")
                cur.append({"code": seg})
                at = len(cur) - 1
            cur = cur[at]
        else:
            raise _PathError(where, "is a value, not a section")
    return cur


def _apply_one(data: Data, edit: IntakeEdit) -> None:
    segs = parse_path(edit.path)
    anns = _annotations(segs)
    here = documents.format_path(segs)
    if edit.op == "add":
        container = _descend(data, segs, anns, create=True)
        if isinstance(container, dict):  # a mapping of answers: +red_flag_screen.q answers yes
            container[str(edit.value)] = True
            return
        if not isinstance(container, list):
            raise _PathError(here, f"is not a list; use {here}=value")
        item = edit.value
        if _coded(anns[-1]):
            item = item if isinstance(item, dict) else {"code": item}
            container.append(item)
        elif item not in container:
            container.append(item)
        return
    parent = _descend(data, segs[:-1], anns[:-1], create=edit.op == "set")
    last = segs[-1]
    if edit.op == "set":
        if isinstance(parent, dict):
            parent[str(last)] = edit.value
        elif (
            isinstance(parent, list)
            and isinstance(last, int)
            and _find(parent, last, False) is not None
        ):
            parent[last] = edit.value
        else:
            raise _PathError(here, "cannot be set; add list entries with +")
        return
    found = None
    if isinstance(parent, dict) and str(last) in parent:
        del parent[str(last)]
        found = True
    elif isinstance(parent, list):
        coded = _coded(anns[-2])
        keep = [x for k, x in enumerate(parent) if not _matches(x, k, last, coded)]
        found = len(keep) < len(parent)
        parent[:] = keep
    if not found:
        raise _PathError(here, "not in the intake, nothing to remove")


def _matches(item: Any, index: int, seg: Segment, coded: bool) -> bool:
    if isinstance(seg, int):
        return index == seg
    return item.get("code") == seg if coded and isinstance(item, dict) else item == seg


def apply(data: Data, edits: Iterable[IntakeEdit]) -> Data:
    """A copy of intake data with the edits applied in order; path problems all reported."""
    out = copy.deepcopy(data)
    problems: list[Problem] = []
    for edit in edits:
        try:
            _apply_one(out, edit)
        except ValueError as exc:
            problems.append(_located(exc, edit.change))
    if problems:
        raise InputError(SOURCE, problems)
    return out


def edited(intake: Intake, edits: Iterable[IntakeEdit]) -> Intake:
    """The intake with the edits applied, validated again (problems name their field paths)."""
    data = apply(intake_data(intake), edits)
    return documents.validate(Intake, documents.Document(SOURCE, data, None), IntakeError)


def follow_ups(intake: Intake, edits: Sequence[IntakeEdit]) -> list[IntakeEdit]:
    """Edits that follow from the given ones for the intake to stay coherent.

    Raising pain now above the worst pain of the last 24 h raises the worst with it (the worst
    is never below now), unless an edit sets the worst too.
    """
    touched = {e.path for e in edits}
    if "pain.nprs_now" not in touched or "pain.nprs_worst_24h" in touched:
        return []
    try:
        data = apply(intake_data(intake), edits)
    except InputError:
        return []
    pain = data.get("pain")
    if not isinstance(pain, dict):
        return []
    now, worst = pain.get("nprs_now"), pain.get("nprs_worst_24h")
    if isinstance(now, int) and isinstance(worst, int) and worst < now <= 10:
        follow = set_edit("pain.nprs_worst_24h", now)
        note = "follows from pain.nprs_now: the worst pain in 24 h is never below pain now"
        return [follow.model_copy(update={"note": note})]
    return []


# --- facts and their nature -----------------------------------------------------------------

_CHOICES = (
    "equipment.",
    "goal.",
    "training.sessions_per_week",
    "training.minutes_per_session",
    "training.available_days",
)
_HISTORY = ("training.", "client.occupation")


def nature(fact: str) -> Nature:
    """Whether a fact is a choice, the client's circumstances, or a finding (the default)."""
    if fact.startswith(_CHOICES):
        return "choice"
    if fact.startswith(_HISTORY):
        return "history"
    return "finding"


def facts_of(intake: Intake) -> dict[str, FactValue]:
    """The intake facts of the assessment vocabulary (no derived facts)."""
    from ..assessment.facts import from_intake

    return from_intake(intake)


def fact_changes(
    before: Mapping[str, FactValue], after: Mapping[str, FactValue]
) -> list[FactChange]:
    """The intake facts whose values differ (derived facts are left to the rules)."""
    out = []
    for name in sorted(set(before) | set(after)):
        spec = SPECS.get(name)
        if spec is not None and spec.derived:
            continue
        b, a = before.get(name), after.get(name)
        if b != a or type(b) is not type(a):
            kind = nature(name)
            out.append(
                FactChange(fact=name, before=b, after=a, nature=kind, note=NATURE_NOTE[kind])
            )
    return out


# --- fact changes as intake edits -----------------------------------------------------------


class _CannotSetError(Exception):
    pass


Handler = Callable[[str, str, FactValue | None, Intake], list[IntakeEdit]]


def edits_for(
    changes: Mapping[str, FactValue | None], intake: Intake
) -> tuple[list[IntakeEdit], list[Unsettable]]:
    """The intake edits that give these fact values (None: not known), and those none can."""
    edits: list[IntakeEdit] = []
    cannot: list[Unsettable] = []
    conditions: dict[str, dict[str, FactValue | None]] = {}
    pain: dict[str, FactValue | None] = {}
    for fact, value in sorted(changes.items()):
        spec = SPECS.get(fact)
        family, _, rest = fact.partition(".")
        try:
            if spec is None:
                raise _CannotSetError("not a fact of the assessment vocabulary")
            if spec.derived:
                raise _CannotSetError("concluded by rules, not read from the intake")
            if family == "condition":
                code, _, attr = rest.partition(".")
                conditions.setdefault(code, {})[attr] = value
            elif fact in ("pain.nprs_now", "pain.nprs_worst_24h", "pain.band"):
                pain[fact] = value
            else:
                handler = _HANDLERS.get(family, _generic)
                edits += handler(fact, rest, value, intake)
        except _CannotSetError as exc:
            cannot.append(Unsettable(fact=fact, value=value, reason=str(exc)))
    for code, attrs in sorted(conditions.items()):
        try:
            edits += _condition_edits(code, attrs, intake)
        except _CannotSetError as exc:
            for attr, value in attrs.items():
                fact = f"condition.{code}" + (f".{attr}" if attr else "")
                cannot.append(Unsettable(fact=fact, value=value, reason=str(exc)))
    if pain:
        edits += _pain_edits(pain, intake)
    return edits, cannot


def _listed(path: str, item: str, present: bool, value: FactValue | None) -> list[IntakeEdit]:
    if not isinstance(value, bool):
        raise _CannotSetError(f"{value!r} is not true or false")
    if value == present:
        return []
    return [add_edit(path, item)] if value else [remove_edit(f"{path}.{item}")]


def _equipment(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    present = rest in {e.value for e in intake.training.equipment}
    return _listed("training.equipment", rest, present, value)


def _goal(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    return _listed("goals", rest, rest in {g.value for g in intake.goals}, value)


def _finding(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    return _listed("findings", rest, rest in {f.value for f in intake.findings}, value)


def _answer(path: str, value: FactValue | None, current: bool | None) -> list[IntakeEdit]:
    """A yes / no / not_asked fact as the intake's optional yes-no field."""
    if value == "not_asked" or value is None:
        return [] if current is None else [remove_edit(path)]
    if value not in ("yes", "no"):
        raise _CannotSetError(f"{value!r} is not yes, no or not_asked")
    want = value == "yes"
    return [] if current == want else [set_edit(path, want)]


def _red_flag(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = next((a for q, a in intake.red_flag_screen.items() if q.value == rest), None)
    return _answer(f"red_flag_screen.{rest}", value, current)


def _screening(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    if fact != "screening.red_flags_complete" or value is not True:
        raise _CannotSetError("only a complete screen can be asked for: answer every core question")
    asked = {q.value for q in intake.red_flag_screen}
    return [
        set_edit(f"red_flag_screen.{q.value}", False)
        for q in CORE_RED_FLAG_SCREEN
        if q.value not in asked
    ]


def _generic(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    """A fact named after its intake field (`client.age`, `training.experience`, ...)."""
    try:
        segs = parse_path(fact)
        anns = _annotations(segs)
    except ValueError:
        raise _CannotSetError("no intake edit is known for this fact") from None
    if _kind(anns[-1]) != "value":
        raise _CannotSetError("no intake edit is known for this fact")
    spec = SPECS[fact]
    current = _get(intake_data(intake), segs)
    if spec.kind == "enum" and set(spec.values) == YES_NO:
        return _answer(fact, value, current if isinstance(current, bool) else None)
    if value is None:
        return [] if current is None else [remove_edit(fact)]
    return [] if current == value else [set_edit(fact, value)]


def _get(data: Any, segs: Sequence[Segment]) -> Any:
    for seg in segs:
        if isinstance(data, dict):
            data = data.get(str(seg))
        else:
            return None
    return data


def _condition_edits(
    code: str, attrs: Mapping[str, FactValue | None], intake: Intake
) -> list[IntakeEdit]:
    if f"condition.{code}" not in SPECS:
        raise _CannotSetError(f"{code!r} is not a condition code")
    item_fields = Condition.model_fields
    present = any(c.code.value == code for c in intake.conditions)
    if attrs.get("") is False or attrs.get("severity") == "absent" or attrs.get("side") == "absent":
        return [remove_edit(f"conditions.{code}")] if present else []
    wanted: dict[str, JsonValue] = {}
    for attr, value in attrs.items():
        if attr == "":
            continue
        if attr not in item_fields:
            raise _CannotSetError(f"conditions have no field {attr!r}")
        wanted[attr] = None if attr == "severity" and value == "unspecified" else value
    if not present:
        entry: dict[str, JsonValue] = {"code": code}
        entry.update({k: v for k, v in wanted.items() if v is not None})
        return [add_edit("conditions", entry)]
    current = intake_data(intake)
    entry_now = next(c for c in current["conditions"] if c["code"] == code)
    out = []
    for attr, want in wanted.items():
        if want is None and attr in entry_now:
            out.append(remove_edit(f"conditions.{code}.{attr}"))
        elif want is not None and entry_now.get(attr) != want:
            out.append(set_edit(f"conditions.{code}.{attr}", want))
    return out


def _nearest(candidates: Iterable[int], to: int) -> int | None:
    return min(candidates, key=lambda v: (abs(v - to), v), default=None)


def _pain_edits(pain: Mapping[str, FactValue | None], intake: Intake) -> list[IntakeEdit]:
    now, worst = intake.pain.nprs_now, intake.pain.nprs_worst_24h
    new_now = pain.get("pain.nprs_now")
    new_worst = pain.get("pain.nprs_worst_24h")
    band = pain.get("pain.band")
    if not isinstance(new_now, int) and isinstance(band, str):
        new_now = _nearest((v for v in range(11) if instruments.pain_band(v) == band), now)
    if not isinstance(new_now, int) and isinstance(new_worst, int) and new_worst < now:
        new_now = new_worst
    final_now = new_now if isinstance(new_now, int) else now
    final_worst = worst
    if isinstance(new_worst, int):
        final_worst = new_worst
    elif worst is not None and worst < final_now:
        final_worst = final_now
    out = []
    if final_now != now:
        out.append(set_edit("pain.nprs_now", final_now))
    if final_worst != worst and final_worst is not None:
        out.append(set_edit("pain.nprs_worst_24h", final_worst))
    return out


# --- questionnaire-derived facts: the answers that give the wanted score ---------------------


def _start_back(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = intake.questionnaires.start_back
    if value == "not_given" or value is None:
        return [remove_edit("questionnaires.start_back")] if current is not None else []
    items0 = list(current.items) if current else ["disagree"] * 8
    bother0 = current.bothersomeness if current else "not_at_all"
    levels = get_args(Bothersomeness)
    best: tuple[int, list[StartBackAnswer], Bothersomeness] | None = None
    for mask, bother in itertools.product(range(256), levels):
        items: list[StartBackAnswer] = ["agree" if mask >> k & 1 else "disagree" for k in range(8)]
        score = instruments.start_back(
            StartBack.model_construct(items=items, bothersomeness=bother)
        )
        if getattr(score, rest, None) != value:
            continue
        distance = sum(a != b for a, b in zip(items, items0, strict=True)) + (bother != bother0)
        if best is None or distance < best[0]:
            best = (distance, items, bother)
    if best is None:
        raise _CannotSetError(f"no STarT Back answers give {fact} = {value}")
    answers: dict[str, JsonValue] = {"items": list(best[1]), "bothersomeness": best[2]}
    return [set_edit("questionnaires.start_back", answers)]


def _by_total(
    current: list[int | None], low: int, high: int, good: Callable[[list[int | None]], bool]
) -> list[int | None] | None:
    """Answers as close to `current` as possible (total first) for which `good` holds.

    Skipped answers (None) stay skipped; a higher total raises the lowest answers first, a
    lower one lowers the highest first.
    """
    answered = {i: v for i, v in enumerate(current) if v is not None}
    total0 = sum(answered.values())
    totals = range(low * len(answered), high * len(answered) + 1)
    for total in sorted(totals, key=lambda t: (abs(t - total0), t)):
        values = dict(answered)
        step = 1 if total > total0 else -1
        for _ in range(abs(total - total0)):
            movable = [i for i, v in values.items() if low <= v + step <= high]
            i = min(movable, key=lambda k: (values[k] * step, k))
            values[i] += step
        candidate = [values.get(i) for i in range(len(current))]
        if good(candidate):
            return candidate
    return None


def _odi(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = intake.questionnaires.odi
    if value == "not_given" or value is None:
        return [remove_edit("questionnaires.odi")] if current is not None else []

    def good(sections: list[int | None]) -> bool:
        score = instruments.odi(sections)
        return (score.band if rest == "band" else round(score.percent)) == value

    found = _by_total(list(current) if current else [0] * 10, 0, 5, good)
    if found is None:
        raise _CannotSetError(f"no Oswestry answers give {fact} = {value}")
    return [set_edit("questionnaires.odi", list(found))]


def _quickdash(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = intake.questionnaires.quickdash
    if value is None:
        return [remove_edit("questionnaires.quickdash")] if current is not None else []
    base: list[int | None] = list(current) if current else [1] * 11
    if instruments.quickdash(base).score is None:
        base = [1 if v is None else v for v in base]

    def good(items: list[int | None]) -> bool:
        score = instruments.quickdash(items).score
        return score is not None and round(score) == value

    found = _by_total(base, 1, 5, good)
    if found is None:
        raise _CannotSetError(f"no QuickDASH answers give {fact} = {value}")
    return [set_edit("questionnaires.quickdash", list(found))]


def _roland_morris(
    fact: str, rest: str, value: FactValue | None, intake: Intake
) -> list[IntakeEdit]:
    current = intake.questionnaires.roland_morris
    if value is None:
        return [remove_edit("questionnaires.roland_morris")] if current is not None else []
    if not isinstance(value, int) or not 0 <= value <= 24:
        raise _CannotSetError(f"{value!r} is not 0..24 statements")
    ticks = list(current or [])
    ticks += [s for s in range(1, 25) if s not in ticks][: max(0, value - len(ticks))]
    chosen: list[JsonValue] = [*sorted(ticks[:value])]
    return [set_edit("questionnaires.roland_morris", chosen)]


def _parq(fact: str, rest: str, value: FactValue | None, intake: Intake) -> list[IntakeEdit]:
    current = intake.questionnaires.parq_plus
    if value == "not_given" or value is None:
        return [remove_edit("questionnaires.parq_plus")] if current is not None else []
    data: dict[str, Any] = current.model_dump(mode="json", exclude_none=True) if current else {}
    general = list(data.get("general") or [False] * 7)
    follow = dict(data.get("follow_up") or {})
    data.pop("medical_clearance", None)
    if value == "cleared":
        data["general"] = [False] * 7
    else:
        if not any(general):
            general[0] = True
        data["general"] = general
        if value == "follow_up_needed":
            data.pop("follow_up", None)
        elif value == "cleared_low_to_moderate":
            follow = {k: [False] * len(v) for k, v in follow.items()} or {
                "musculoskeletal": [False] * 3
            }
            data["follow_up"] = follow
        elif value == "clearance_required":
            if not any(a for v in follow.values() for a in v):
                follow["musculoskeletal"] = [True, False, False]
            data["follow_up"] = follow
        elif value == "medically_cleared":
            data["medical_clearance"] = {"date": instruments.assessed_on(intake).isoformat()}
    form = ParqPlus.model_validate(data)
    if instruments.parq(form, instruments.assessed_on(intake)).outcome != value:
        raise _CannotSetError(f"no PAR-Q+ answers give {fact} = {value}")
    return [set_edit("questionnaires.parq_plus", form.model_dump(mode="json", exclude_none=True))]


_HANDLERS: dict[str, Handler] = {
    "equipment": _equipment,
    "goal": _goal,
    "finding": _finding,
    "red_flag": _red_flag,
    "screening": _screening,
    "start_back": _start_back,
    "odi": _odi,
    "quickdash": _quickdash,
    "roland_morris": _roland_morris,
    "parq": _parq,
}


def unmet(intake: Intake, wanted: Mapping[str, FactValue | None]) -> list[str]:
    """The wanted facts this intake does not give (for checking a mapping)."""
    from ..assessment.facts import from_intake

    have = from_intake(intake)
    return [f for f, v in wanted.items() if not _same(have.get(f), v)]


def _same(a: object, b: object) -> bool:
    return a == b and type(a) is type(b)


__all__ = [
    "add_edit",
    "apply",
    "edited",
    "edits_for",
    "fact_changes",
    "intake_data",
    "nature",
    "parse_change",
    "parse_changes",
    "parse_path",
    "remove_edit",
    "set_edit",
]
