"""The second opinion on progress: each recommendation checked against the logs and the intake.

Nothing here trusts the progression rules or the plan they honour. From the logs themselves it
forbids any step up (more load, more reps, a harder exercise) after a session in which pain rose
by 2 or more points or form was rated 2 or less; from the client's latest intake, recomputed by
`expectations`, it forbids a target exercise the intake rules out and holds the target's sets
and effort within the intake's caps.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..clinical.intake import Intake
from ..errors import SafetyError
from ..progression.logbook import ExerciseLog, SessionLog
from ..progression.report import ProgressReport, Recommendation
from ..progression.vocabulary import ProgressAction
from .classification import EXERCISES
from .expectations import expectations
from .limits import Expectations
from .monitor import Violation

STEPS_UP = frozenset(
    {ProgressAction.increase_load, ProgressAction.increase_reps, ProgressAction.progress_exercise}
)
PAIN_RISE = 2  # NPRS: a change of 2 points or more is meaningful (domain reference 1)
POOR_FORM = 2  # form quality 1-5: 2 or less means the load outruns control


def _last_entries(sessions: Sequence[SessionLog]) -> dict[str, tuple[ExerciseLog, int | None]]:
    """Each exercise's last logged entry and its pain after the entry before it."""
    ordered = sorted(sessions, key=lambda s: (s.date, s.time.isoformat() if s.time else ""))
    out: dict[str, tuple[ExerciseLog, int | None]] = {}
    for s in ordered:
        for e in s.exercises:
            previous = out.get(e.exercise)
            out[e.exercise] = (e, previous[0].pain_after if previous else None)
    return out


def _pain_rise(entry: ExerciseLog, previous_after: int | None) -> int | None:
    if entry.pain_after is None:
        return None
    if entry.pain_before is not None:
        return entry.pain_after - entry.pain_before
    return None if previous_after is None else entry.pain_after - previous_after


def violations(
    recommendations: Sequence[Recommendation],
    sessions: Sequence[SessionLog],
    intake: Intake | None,
) -> list[Violation]:
    """Every way the recommendations break the logs' signals or the intake's limits."""
    out: list[Violation] = []
    last = _last_entries(sessions)
    want: Expectations | None = None if intake is None else expectations(intake)
    for rec in recommendations:
        logged = last.get(rec.exercise)
        if rec.action in STEPS_UP and logged is not None:
            entry, previous_after = logged
            rise = _pain_rise(entry, previous_after)
            if rise is not None and rise >= PAIN_RISE:
                out.append(
                    Violation(
                        "progression.pain",
                        f"{rec.exercise}: {rec.action.value} after pain rose by {rise} points",
                    )
                )
            if entry.form is not None and entry.form <= POOR_FORM:
                out.append(
                    Violation(
                        "progression.form",
                        f"{rec.exercise}: {rec.action.value} after form rated {entry.form} of 5",
                    )
                )
        if want is not None:
            out += _against_intake(rec, want)
    return out


def _against_intake(rec: Recommendation, want: Expectations) -> list[Violation]:
    target = rec.target
    where = f"{rec.exercise} -> {target.exercise}"
    profile = EXERCISES.get(target.exercise)
    if profile is None:
        return [Violation("catalogue.known", f"{where}: not in the monitor's classification")]
    if rec.action is ProgressAction.review:
        return []  # a review hands the exercise back to the clinician: nothing is prescribed
    out: list[Violation] = []
    if want.stops_program:
        out.append(Violation("referral.no_program", f"{where}: the intake calls for a referral"))
    if (want.unloaded_only or want.clearance) and profile.loaded:
        reasons = "; ".join([*want.unloaded_only, *want.clearance])
        out.append(Violation("load.withheld", f"{where}: loaded while {reasons}"))
    for f in want.forbids:
        if f.rules_out(target.exercise, profile):
            out.append(Violation("contraindication", f"{where}: ruled out by {f.reason}"))
    for c in want.caps:
        if not c.applies(profile):
            continue
        if c.sets is not None and target.sets > c.sets:
            out.append(
                Violation("dose.sets", f"{where}: {target.sets} sets > {c.sets} ({c.reason})")
            )
        if c.effort is not None and target.effort is not None and target.effort > c.effort:
            out.append(
                Violation("dose.effort", f"{where}: RPE {target.effort} > {c.effort} ({c.reason})")
            )
    return out


def check(report: ProgressReport, sessions: Sequence[SessionLog], intake: Intake | None) -> None:
    """Raise SafetyError when any recommendation breaks the logs' signals or the intake."""
    found = violations(report.recommendations, sessions, intake)
    if found:
        raise SafetyError([str(v) for v in dict.fromkeys(map(str, found))])
