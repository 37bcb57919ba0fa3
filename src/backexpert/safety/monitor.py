"""The safety monitor: every program checked, before it leaves the system, by a second opinion.

It trusts nothing it checks. What the client needs comes from the intake alone
(`expectations`); what each exercise does comes from the monitor's own classification
(`classification`), not from the catalogue; the program's status, referral and doses are read
only to be compared. A violation means the rules, the catalogue or the composer produced an
unsafe program: it is withheld (`SafetyError`, exit code 3) with every reason. Each invariant
has a stable id (`referral.no_program`, `load.level`, `dose.max_sets`, ...). Each item's dose
is judged in `doses`, its kilograms in `kilograms`.

A clinician's edits (`Prescription.adjustments`) are checked the same way; an item the
clinician chose cites `clinician` instead of a rule, which is accepted only in a document that
records the edits. Which invariants an override may lift: `overrides.BINDING`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from ..assessment.prescription import CLINICIAN, Item, Prescription
from ..assessment.timing import dose_seconds
from ..assessment.week import gaps_hours
from ..clinical.intake import Intake
from ..clinical.words import LOAD_LEVELS, Phase, Urgency
from ..errors import SafetyError
from .classification import EXERCISES, LOADED
from .doses import Bad, Places, doses
from .expectations import expectations
from .kilograms import kilograms
from .limits import LIGHT_DAY_MAX_EFFORT, Expectations

# Each exercise the monitor knows, with whether its classification says it is loaded.
_KNOWN_LOADED = frozenset((e, profile.loaded) for e, profile in EXERCISES.items())
# The fields the common-case screens read of every item, each in one pass over all items.
_EXERCISE_LOADED = attrgetter("exercise", "loaded")
_BECAUSE = attrgetter("because")
_ADJUSTMENTS = attrgetter("adjustments")
_RULE = attrgetter("rule")
_ID = attrgetter("id")


@dataclass(frozen=True)
class Violation:
    """One broken invariant: its id and what is wrong."""

    invariant: str
    message: str

    def __str__(self) -> str:
        return f"[{self.invariant}] {self.message}"


def violations(p: Prescription, intake: Intake) -> list[Violation]:
    """Every invariant the prescription breaks, judged from the intake (empty when safe)."""
    want = expectations(intake)
    out: list[Violation] = []

    def bad(invariant: str, message: str) -> None:
        out.append(Violation(invariant, message))

    places = _places(p)
    # Sessions of a kind share their item objects (immutable): the checks that judge an item
    # alone first screen each object once, and name items by place only when one fails.
    distinct = list({id(i): i for _, items in places for i in items}.values())
    _referral(p, want, bad)
    _known(places, distinct, bad)
    withheld = want.unloaded_only + want.clearance
    loaded = (
        [(w, i) for w, items in places for i in items if i.exercise in LOADED] if withheld else []
    )
    if loaded:
        names = ", ".join(f"{w}: {i.exercise}" for w, i in loaded)
        bad("load.withheld", f"loaded work despite {' and '.join(withheld)}: {names}")
        # The same breach named for what no override lifts (overrides.BINDING).
        if want.clearance:
            bad("clearance.loaded", f"loaded work while {'; '.join(want.clearance)}: {names}")
        if want.serious_flags:
            flags = ", ".join(want.serious_flags)
            bad("red_flag.loaded", f"loaded work while red flag {flags} awaits review: {names}")
    if want.clearance and p.status not in ("clearance_required", "referral"):
        bad("clearance.status", f"{'; '.join(want.clearance)}, yet status is {p.status}")
    if want.unloaded_only and p.status == "program":
        bad("limited.status", f"{'; '.join(want.unloaded_only)}, yet status is program")
    doses(places, distinct, want, bad)
    # A program withheld for referral has no load to level.
    stopped = p.status == "referral" and not (p.sessions or p.daily)
    if not stopped and _looser(p, want):
        bad(
            "load.level",
            f"load level {p.load_level.level.value}, yet the intake gives {want.level.value} "
            f"({'; '.join(want.level_reasons)})",
        )
    _sessions(p, want, bad)
    _time_and_days(p, intake, bad)
    kilograms(p, places, distinct, want, bad)
    recorded = set(map(_ID, p.rules))
    _explained(p, places, distinct, recorded, bad)
    _plan(p, want, recorded, bad)
    return out


def _places(p: Prescription) -> Places:
    """Each session's day word with its items, then the daily drills."""
    return [*((s.day.value, s.items) for s in p.sessions), ("daily", p.daily)]


def _known(places: Places, distinct: list[Item], bad: Bad) -> None:
    """Refuse exercises the monitor does not know or whose load is misstated."""
    if _all_known(distinct):
        return  # the common case: every exercise known, and its load stated as classified
    for where, items in places:
        for i in items:
            profile = EXERCISES.get(i.exercise)
            if profile is None:
                bad(
                    "catalogue.known", f"{where}: {i.exercise} is not an exercise the monitor knows"
                )
            elif i.loaded != profile.loaded:
                bad(
                    "catalogue.loaded",
                    f"{where}: {i.exercise} is marked loaded={i.loaded}; "
                    f"it is loaded={profile.loaded}",
                )


def _all_known(distinct: list[Item]) -> bool:
    """Whether every item's exercise is classified, its load stated as the monitor's."""
    return _KNOWN_LOADED.issuperset(map(_EXERCISE_LOADED, distinct))


def _plan(p: Prescription, want: Expectations, recorded: set[str], bad: Bad) -> None:
    """The plan over weeks: contiguous phases that never promise more than the intake allows.

    [choice] Judged against today's expectations: no phase (the first or a later one) may be
    loaded while the program is unloaded-only or awaits clearance, and no phase's RPE may pass
    the effort cap the intake gives every loaded (or unloaded) exercise today; a higher cap
    comes only from a new assessment.
    """
    plan = p.plan
    if plan is None:
        if p.status != "referral":
            bad("plan.present", f"status {p.status}, yet no plan over weeks")
        return
    week = 1
    withheld = want.unloaded_only + want.clearance
    for ph in plan.phases:
        if ph.first_week != week or ph.weeks < 1:
            bad("plan.contiguous", f"phase {ph.name!r} starts at week {ph.first_week}, not {week}")
        if any(not ph.first_week <= w < ph.first_week + ph.weeks for w in ph.deload_weeks):
            bad("plan.contiguous", f"phase {ph.name!r} has deload weeks outside it")
        week = ph.first_week + max(ph.weeks, 1)
        if ph.loaded and withheld:
            bad("plan.withheld", f"phase {ph.name!r} is loaded despite {' and '.join(withheld)}")
        cap = want.effort_cap(ph.loaded)
        if ph.effort is None or ph.effort > cap:
            bad("plan.effort", f"phase {ph.name!r} at RPE {ph.effort} > {cap} the intake allows")
    if plan.weeks != week - 1 or not plan.phases:
        bad("plan.contiguous", f"phases cover {week - 1} weeks, the plan says {plan.weeks}")
    known = recorded | {e.id for e in plan.entries}
    if known.issuperset(plan.because) and all(known.issuperset(ph.because) for ph in plan.phases):
        return  # the common case: every phase cites only rules the document records
    for ph in plan.phases:
        for cited in [*ph.because, *plan.because]:
            if cited not in known:
                bad("explained.known_rule", f"plan phase {ph.name!r} names unknown {cited}")


def _looser(p: Prescription, want: Expectations) -> bool:
    return LOAD_LEVELS.index(p.load_level.level) > LOAD_LEVELS.index(want.level)


def _referral(p: Prescription, want: Expectations, bad: Bad) -> None:
    stops = p.referral is not None and p.referral.urgency in (Urgency.emergency, Urgency.urgent)
    if stops and (p.sessions or p.daily):
        bad("referral.no_program", "emergency or urgent referral, yet sessions were prescribed")
    if stops and p.status != "referral":
        bad("referral.status", "emergency or urgent referral, yet status is not referral")
    if want.stops_program:
        got = p.referral.urgency if p.referral is not None else None
        reasons = "; ".join(want.referral_reasons)
        if got not in (Urgency.emergency, Urgency.urgent) or p.status != "referral":
            bad("referral.red_flag", f"{reasons}: needs an emergency or urgent referral")
        elif want.urgency is Urgency.emergency and got is not Urgency.emergency:
            bad("referral.urgency", f"{reasons}: needs an emergency referral, got {got.value}")
        if p.sessions or p.daily:
            bad("referral.no_program", f"{reasons}, yet sessions were prescribed")
    elif want.urgency is Urgency.before_exercise and p.referral is None:
        bad("referral.review", f"{'; '.join(want.referral_reasons)}: needs a medical review")


def _sessions(p: Prescription, want: Expectations, bad: Bad) -> None:
    for s in p.sessions:
        light = s.intensity == "light"
        primed = False
        for i in s.items:
            primed = primed or i.phase is Phase.priming
            if primed and not light:
                break  # past the priming, only a light day's effort is judged
            if i.exercise not in LOADED:
                continue
            if not primed:
                bad("priming.first", f"{s.day.value}: loaded {i.exercise} before any priming item")
            if light and i.effort > LIGHT_DAY_MAX_EFFORT:
                bad(
                    "light_day.effort",
                    f"{s.day.value}: light-day {i.exercise} at RPE {i.effort} > "
                    f"{LIGHT_DAY_MAX_EFFORT}",
                )
    intense = [s.day for s in p.sessions if s.intensity == "intense"]
    if len(intense) > 1 and min(gaps_hours(intense)) < want.recovery_hours:
        bad(
            "recovery.hours",
            f"intense sessions {min(gaps_hours(intense))} h apart; this client needs "
            f"{want.recovery_hours} h",
        )


def _time_and_days(p: Prescription, intake: Intake, bad: Bad) -> None:
    """Every session fits the client's minutes (recomputed from its doses) and days."""
    limit = intake.training.minutes_per_session
    days = intake.training.available_days
    # Sessions of a kind share their item objects (immutable): each object is timed once.
    timed: dict[int, int] = {}
    for s in p.sessions:
        secs = 0
        for i in s.items:
            t = timed.get(id(i))
            if t is None:
                t = timed[id(i)] = _seconds(i)
            secs += t
        if secs > limit * 60:
            bad("time.session_minutes", f"{s.day.value}: {secs / 60:.0f} min > {limit} min")
        if days and s.day not in days:
            bad("days.available", f"{s.day.value}: a session on a day the client cannot train")


def _seconds(i: Item) -> int:
    """The item's seconds from its dose, not its `minutes`: those are the composer's word."""
    warmup = tuple([w.reps for w in i.warmup]) if i.warmup else ()
    return dose_seconds(
        i.sets, i.reps, i.hold_s, i.tempo, i.rest_s, i.per_side, warmup, i.duration_min
    )


def _explained(
    p: Prescription, places: Places, distinct: list[Item], recorded: set[str], bad: Bad
) -> None:
    """Every item explained, only by the rules the document records (`recorded`)."""
    # The edits are recorded: an item may cite the clinician.
    cited = recorded if p.adjustments is None else recorded | {CLINICIAN}
    if _all_explained(distinct, cited):
        return  # the common case: every item explained, only by rules the document records
    for where, items in places:
        for i in items:
            if _well_explained(i, cited):
                continue
            if not i.because:
                bad("explained.because", f"{where}: {i.exercise} has no because")
            for rule_id in [*i.because, *(a.rule for a in i.adjustments)]:
                if rule_id not in cited:
                    bad(
                        "explained.known_rule",
                        f"{where}: {i.exercise} names unknown rule {rule_id}",
                    )


def _all_explained(distinct: list[Item], cited: set[str]) -> bool:
    """`_well_explained` of every item, judged of all items at once (each field read once)."""
    becauses = list(map(_BECAUSE, distinct))
    adjusted = chain.from_iterable(map(_ADJUSTMENTS, distinct))
    return all(becauses) and cited.issuperset(chain(*becauses, map(_RULE, adjusted)))


def _well_explained(i: Item, cited: set[str]) -> bool:
    """Whether an item cites rules, and only rules (its edits' too) the document records."""
    return (
        bool(i.because)
        and cited.issuperset(i.because)
        and (not i.adjustments or cited.issuperset([a.rule for a in i.adjustments]))
    )


def check(p: Prescription, intake: Intake) -> None:
    """Raise SafetyError when the prescription breaks any invariant."""
    found = violations(p, intake)
    if found:
        raise SafetyError([str(v) for v in dict.fromkeys(map(str, found))])
