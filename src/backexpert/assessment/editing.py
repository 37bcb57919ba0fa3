"""Each of a clinician's edits done to a prescription: remove, swap, change a dose, move a session.

A removed item goes to `excluded` with the clinician's reason (when the exercise is left nowhere
in the program); a swapped-in item says it was chosen by the clinician and why; a changed dose
lists each change as an adjustment citing `clinician` with the reason. Changed items are re-timed
and each session's minutes recomputed; a move re-lays the week (gaps between intense days).

An edit naming an exercise not in the catalogue, an item not in the program, a day without a
session, or (a swap) an exercise that needs equipment the client does not have is bad input
(`InputError`, exit 2) naming the field (`edits[1].to`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..clinical.catalogue import Catalogue, unknown_exercise
from ..clinical.intake import CurrentLoad
from ..clinical.words import WEEK, Day, Equipment, Tag
from ..errors import InputError, Problem
from . import loads, timing
from .dose import catalogue_item, timed
from .edits import ChangeDose, Move, Place, Remove, Swap
from .notices import COVERED_PLANES
from .prescription import (
    CLINICIAN,
    Adjustment,
    Coverage,
    Excluded,
    Item,
    Prescription,
    Substitution,
)
from .week import gaps_hours


def _bad(source: str, path: str, message: str) -> InputError:
    return InputError(source, [Problem(path, message)])


def _places(p: Prescription) -> list[Place]:
    return [*(s.day for s in p.sessions), "daily"]


def _items_at(p: Prescription, place: Place) -> list[Item]:
    if place == "daily":
        return p.daily
    return next(s.items for s in p.sessions if s.day == place)


def _with_items(p: Prescription, place: Place, items: list[Item]) -> Prescription:
    if place == "daily":
        return p.model_copy(update={"daily": items})
    sessions = [s.model_copy(update={"items": items}) if s.day == place else s for s in p.sessions]
    return p.model_copy(update={"sessions": sessions})


def _targets(
    p: Prescription, exercise: str, day: Place | None, at: str, source: str
) -> list[Place]:
    """Where the named item is: the day given, or every place holding it."""
    if day is not None and day not in _places(p):
        raise _bad(source, f"{at}.day", f"there is no session on {day}")
    places = [x for x in _places(p) if day in (None, x)]
    found = [x for x in places if any(i.exercise == exercise for i in _items_at(p, x))]
    if not found:
        where = f" on {day}" if day is not None else ""
        raise _bad(source, f"{at}.exercise", f"{exercise!r} is not in the program{where}")
    return found


def _everywhere(p: Prescription) -> set[str]:
    return {i.exercise for _, i in p.items()}


def _excluded(p: Prescription, ex: Excluded) -> Prescription:
    if ex.exercise in _everywhere(p):
        return p  # still prescribed on another day: not "considered and not prescribed"
    kept = [x for x in p.excluded if x.exercise != ex.exercise]
    return p.model_copy(update={"excluded": [*kept, ex]})


def remove(p: Prescription, edit: Remove, at: str, source: str) -> Prescription:
    name = ""
    for place in _targets(p, edit.exercise, edit.day, at, source):
        items = _items_at(p, place)
        name = next(i.name for i in items if i.exercise == edit.exercise)
        p = _with_items(p, place, [i for i in items if i.exercise != edit.exercise])
    if not _everywhere(p):
        # A "program" with nothing in it would be signed and handed out as one.
        raise _bad(
            source,
            f"{at}.exercise",
            f"removing {edit.exercise!r} leaves no exercise in the program: a program keeps at "
            "least one (to give none, do not sign this one)",
        )
    gone = Excluded(
        exercise=edit.exercise,
        name=name,
        reason=f"removed by the clinician: {edit.reason}",
        because=[CLINICIAN],
        replaced_by=None,
    )
    return _excluded(p, gone)


def swap(
    p: Prescription,
    edit: Swap,
    cat: Catalogue,
    have: set[Equipment],
    at: str,
    source: str,
    known: Sequence[CurrentLoad] = (),
) -> Prescription:
    unknown = unknown_exercise(edit.to, cat)
    if unknown is not None:
        raise _bad(source, f"{at}.to", unknown)
    if edit.to == edit.exercise:
        raise _bad(source, f"{at}.to", "swapping an exercise for itself changes nothing")
    new = cat[edit.to]
    missing = [q.value.replace("_", " ") for q in new.equipment if q not in have]
    if missing:
        # [choice] Bad input, not an override: equipment is a fact of the intake, not a safety
        # judgement; a client who has it should have it recorded there.
        raise _bad(
            source,
            f"{at}.to",
            f"{edit.to!r} needs {' and '.join(missing)}, which the client does not have "
            "(training.equipment): record it in the intake if they do",
        )
    old_name = ""
    for place in _targets(p, edit.exercise, edit.day, at, source):
        items = _items_at(p, place)
        if any(i.exercise == edit.to for i in items):
            raise _bad(source, f"{at}.to", f"{edit.to!r} is already in the {place} session")
        old = next(i for i in items if i.exercise == edit.exercise)
        old_name = old.name
        d = new.dose
        changes: list[Adjustment] = []
        sets, effort = d.sets, d.effort
        kept = f"kept within the dose of {old.name}, which it replaces"
        if sets > old.sets:
            changes.append(Adjustment(field="sets", before=sets, after=old.sets, rule=CLINICIAN))
            sets = old.sets
        if effort > old.effort:
            changes.append(
                Adjustment(field="effort", before=effort, after=old.effort, rule=CLINICIAN)
            )
            effort = old.effort
        changes = [c.model_copy(update={"reason": kept}) for c in changes]
        side = old.side if Tag.one_arm in new.tags else None
        note = "chosen by the clinician: no load known yet; "
        note += "find it with a 10-repetition test at RPE 6-7"
        item = catalogue_item(new).model_copy(
            update={
                "phase": old.phase,
                "sets": sets,
                "per_side": d.per_side and side is None,
                "effort": effort,
                "cues": list(new.cues),
                "because": [CLINICIAN],
                "adjustments": changes,
                "substitutes_for": Substitution(
                    exercise=old.exercise,
                    name=old.name,
                    reason=f"swapped by the clinician: {edit.reason}",
                    because=[CLINICIAN],
                ),
                "side": side,
                "load_note": note if new.loaded else None,
                "warmup": [],
                "chosen_by": CLINICIAN,
                "clinician_reason": edit.reason,
            }
        )
        if new.loaded and known:
            weighed = loads.apply([item], known, cat)[0]
            if weighed.load_kg is not None:
                item = weighed  # a load the client's current loads give, with its warm-up sets
        p = _with_items(p, place, [timed(item) if i is old else i for i in items])
    gone = Excluded(
        exercise=edit.exercise,
        name=old_name,
        reason=f"swapped by the clinician: {edit.reason}",
        because=[CLINICIAN],
        replaced_by=edit.to,
    )
    return _excluded(p, gone)


def change_dose(p: Prescription, edit: ChangeDose, at: str, source: str) -> Prescription:
    wanted = edit.dose.model_dump(exclude_none=True)
    for place in _targets(p, edit.exercise, edit.day, at, source):
        items = _items_at(p, place)
        old = next(i for i in items if i.exercise == edit.exercise)
        timed_once = timing.once_for_time(old.reps, old.hold_s, old.duration_min)
        if "reps" in wanted and wanted["reps"] != old.reps and timed_once:
            what = f"{old.duration_min} minutes" if old.duration_min else f"{old.hold_s} s"
            raise _bad(
                source,
                f"{at}.dose.reps",
                f"{edit.exercise!r} is done once a set for its time ({what}), not for reps: "
                "change its sets instead",
            )
        changes = [
            Adjustment(
                field=name,
                before=getattr(old, name),
                after=value,
                rule=CLINICIAN,
                reason=edit.reason,
            )
            for name, value in wanted.items()
            if getattr(old, name) != value
        ]
        update = {**wanted, "adjustments": [*old.adjustments, *changes]}
        if "load_kg" in wanted and old.load_kg:
            # Warm-up sets keep their share of the working load.
            scale = wanted["load_kg"] / old.load_kg
            update["warmup"] = [
                w.model_copy(
                    update={"load_kg": None if w.load_kg is None else round(w.load_kg * scale, 1)}
                )
                for w in old.warmup
            ]
            update["load_note"] = f"set by the clinician: {edit.reason}"
        elif "load_kg" in wanted:
            update["load_note"] = f"set by the clinician: {edit.reason}"
        new = timed(old.model_copy(update=update))
        # model_copy does not validate: a changed item is validated as a whole again.
        new = Item.model_validate(new.model_dump())
        p = _with_items(p, place, [new if i is old else i for i in items])
    return p


def move(p: Prescription, edit: Move, at: str, source: str) -> Prescription:
    days = [s.day for s in p.sessions]
    if edit.day not in days:
        raise _bad(source, f"{at}.day", f"there is no session on {edit.day.value}")
    if edit.to in days:
        raise _bad(
            source, f"{at}.to", f"{edit.to.value} already has a session: move that one first"
        )
    sessions = [
        s.model_copy(update={"day": edit.to}) if s.day == edit.day else s for s in p.sessions
    ]
    return p.model_copy(update={"sessions": sorted(sessions, key=lambda s: WEEK.index(s.day))})


def settled(p: Prescription, given: list[Day] | None) -> Prescription:
    """Minutes, the week's layout and coverage recomputed after an edit; empty sessions gone."""
    sessions = [
        s.model_copy(update={"minutes": timing.session_minutes(s.items)})
        for s in p.sessions
        if s.items
    ]
    schedule = p.schedule
    if schedule is not None:
        intense: list[Day] = [s.day for s in sessions if s.intensity == "intense"]
        limit = schedule.minutes_per_session
        over = [
            f"{s.day.value}: {s.minutes} minutes after the clinician's edits, over the "
            f"{limit} the client has"
            for s in sessions
            if limit is not None and s.minutes is not None and s.minutes > limit
        ]
        off = [
            f"{s.day.value}: not one of the days the client gave, after the clinician's edits"
            for s in sessions
            if given is not None and s.day not in given
        ]
        over = [*off, *over]
        notes = [n for n in schedule.notes if "after the clinician's edits" not in n]
        schedule = schedule.model_copy(
            update={
                "intense_sessions": len(intense),
                "light_sessions": len(sessions) - len(intense),
                "gaps_hours": gaps_hours(intense),
                "notes": [*notes, *over],
            }
        )
    intense_items = [i for s in sessions if s.intensity == "intense" for i in s.items]
    coverage = []
    for c in p.coverage:
        patterns = COVERED_PLANES.get(c.plane)
        if patterns is None:
            coverage.append(c)
            continue
        by = sorted({i.exercise for i in intense_items if i.pattern in patterns})
        note = None if by else c.note if not c.covered else "the clinician's edits left none"
        coverage.append(Coverage(plane=c.plane, covered=bool(by), by=by, note=note))
    return p.model_copy(update={"sessions": sessions, "schedule": schedule, "coverage": coverage})
