"""The next session: the progression rules' conclusions composed into one recommendation.

The most conservative action wins (regress > deload > review > hold > progress_exercise >
increase_load > increase_reps); `fallback` recommendations stand only alone; `because` keeps
every rule that recommended anything, the winners first, and `overruled` says which lost. When
several rules agree on the action, the lightest resulting target wins. Progression is by load,
reps or complexity, never by adding sets: a recommendation with more sets than the current
target is a bug, and `SafetyError` withholds the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..clinical.catalogue import Catalogue, Exercise, rep_bounds
from ..errors import SafetyError
from ..knowledge.explanation import Inference
from ..knowledge.rules import Rulebook
from .actions import Recommend
from .loading import increment_for, shift_reps, step_down, step_up
from .logbook import ExerciseLog
from .measures import Goal, Measured, TargetSource
from .plan import Plan
from .report import ExerciseProgress, Overruled, Recommendation, Target
from .vocabulary import ProgressAction

CONSERVATIVE_FIRST: tuple[ProgressAction, ...] = tuple(ProgressAction)
PROGRESSING = frozenset(
    {ProgressAction.increase_load, ProgressAction.increase_reps, ProgressAction.progress_exercise}
)


@dataclass
class Targets:
    """Where each exercise's target comes from: the log, the assessment, or the catalogue."""

    cat: Catalogue
    rulebook: Rulebook
    plan: Plan
    client_increment: float | None

    def goal(self, ex: Exercise, entry: ExerciseLog | None) -> Goal:
        reps, sets = self.plan.targets.get(ex.id, (ex.dose.reps, ex.dose.sets))
        source: TargetSource = "assessment" if ex.id in self.plan.targets else "catalogue"
        if entry is not None and entry.target_reps is not None:
            return Goal(entry.target_reps, sets, "log")
        return Goal(reps, sets, source)


def recommend(
    ctx: Targets, ex: Exercise, history: Sequence[Measured], inference: Inference
) -> Recommendation | None:
    recs = [(rule, c) for rule, c in inference.conclusions() if isinstance(c, Recommend)]
    if not recs:
        return None
    standing = [(r, c) for r, c in recs if not c.fallback] or recs
    by_action: dict[ProgressAction, list[tuple[str, Recommend]]] = {}
    for r, c in standing:
        by_action.setdefault(c.action, []).append((r, c))
    actions = sorted(by_action, key=CONSERVATIVE_FIRST.index)
    chosen = actions[0]
    last = history[-1]
    options = [(_target(ctx, ex, last, c), r) for r, c in by_action[chosen]]
    (target, action, notes), rule = min(
        options, key=lambda o: (o[0][0].load_kg or 0.0, rep_bounds(o[0][0].reps), o[1])
    )
    overruled = [
        Overruled(action=a, because=sorted({r for r, _ in by_action[a]})) for a in actions[1:]
    ]
    winners = sorted({r for r, _ in by_action[chosen]})
    because = [*winners, *(r for o in overruled for r in o.because if r not in winners)]
    return honour_plan(
        ctx,
        ex,
        last,
        Recommendation(
            exercise=ex.id,
            name=ex.name,
            action=action,
            target=target,
            because=list(dict.fromkeys(because)),
            overruled=overruled,
            reason=ctx.rulebook[rule].summary(),
            notes=notes,
        ),
    )


def honour_plan(ctx: Targets, ex: Exercise, last: Measured, rec: Recommendation) -> Recommendation:
    """The recommendation within the latest assessment's plan: no excluded exercise, no cap
    exceeded, no progression of what the plan does not hold."""
    plan = ctx.plan
    action, target, notes = rec.action, rec.target, list(rec.notes)
    because = list(rec.because)
    ruled_out = plan.ruled_out(ex)
    moves_into_plan = (
        action is ProgressAction.regress
        and target.exercise != ex.id
        and plan.ruled_out(ctx.cat[target.exercise]) is None
    )
    if ruled_out is not None and not moves_into_plan:
        action = ProgressAction.review
        target = target.model_copy(
            update={
                "exercise": ex.id,
                "name": ex.name,
                "load_kg": last.top_load or None,
                "reps": last.goal.reps,
                "sets": last.goal.sets,
            }
        )
        why = ", ".join(ruled_out) or f"the program is {plan.status.replace('_', ' ')}"
        notes.append(
            f"{ex.name} is not in the current plan ({why}): review it with the clinician "
            "before progressing it"
        )
        because += [r for r in ruled_out if r not in because]
    elif target.exercise != ex.id and plan.ruled_out(ctx.cat[target.exercise]) is not None:
        moved = ctx.cat[target.exercise]
        notes.append(f"{moved.name} is not in the current plan: stay with {ex.name}")
        if action is ProgressAction.progress_exercise:
            action = ProgressAction.increase_reps
            reps = shift_reps(last.goal.reps, 1)
        else:
            reps = last.goal.reps
        target = target.model_copy(
            update={
                "exercise": ex.id,
                "name": ex.name,
                "load_kg": last.top_load or None,
                "reps": reps,
                "sets": last.goal.sets,
            }
        )
    limit = plan.limit(ctx.cat[target.exercise])
    if limit.sets is not None and target.sets > limit.sets:
        target = target.model_copy(update={"sets": limit.sets})
        because += [r for r in limit.because if r not in because]
    if limit.effort is not None:
        target = target.model_copy(update={"effort": limit.effort})
    return rec.model_copy(
        update={"action": action, "target": target, "notes": notes, "because": because}
    )


def _target(
    ctx: Targets, ex: Exercise, last: Measured, rec: Recommend
) -> tuple[Target, ProgressAction, list[str]]:
    """The new dose the recommendation asks for, rounded to what the client can load."""
    goal = last.goal
    base = last.top_load or None
    inc = increment_for(ex, last.entry, ctx.client_increment)
    load, reps, sets, target_ex = base, goal.reps, goal.sets, ex
    action = rec.action
    notes: list[str] = []

    def to(other_id: str) -> None:
        nonlocal target_ex, reps, sets, load
        target_ex = ctx.cat[other_id]
        g = ctx.goal(target_ex, None)
        reps, sets, load = g.reps, min(goal.sets, g.sets), None
        notes.append(f"start {target_ex.name} light and find the load at RPE 7 or less")

    if action is ProgressAction.increase_load and base is not None:
        load, note = step_up(base, rec, inc)
        if load is None:
            action, load, reps = ProgressAction.increase_reps, base, shift_reps(goal.reps, 1)
        notes += [note] if note else []
    elif action is ProgressAction.increase_reps:
        reps = shift_reps(goal.reps, rec.reps_step or 1)
    elif action is ProgressAction.progress_exercise:
        if ex.progression is not None:
            to(ex.progression)
        else:
            action, reps = ProgressAction.increase_reps, shift_reps(goal.reps, 1)
            notes.append("no harder exercise in the catalogue: one more rep instead")
    elif action is ProgressAction.regress and ex.regression is not None:
        to(ex.regression)
    elif action in (ProgressAction.regress, ProgressAction.deload, ProgressAction.review):
        if action is ProgressAction.regress:
            notes.append("no easier exercise in the catalogue: lighter load instead")
        if base is not None and (rec.load_step_pct_min is not None or rec.load_steps):
            load, note = step_down(base, rec, inc)
            notes += [note] if note else []
        sets = max(1, goal.sets + (rec.sets_step or 0))
    target = Target(exercise=target_ex.id, name=target_ex.name, load_kg=load, reps=reps, sets=sets)
    return target, action, notes


def never_more_sets(recs: Sequence[Recommendation], exercises: Sequence[ExerciseProgress]) -> None:
    """Progression is by load, reps or complexity, never by adding sets (seed)."""
    current = {e.exercise: e.target_sets for e in exercises}
    broken = [
        f"{r.exercise}: {r.action.value} asks for {r.target.sets} sets, "
        f"more than the current {current[r.exercise]}"
        for r in recs
        if r.target.sets > current[r.exercise]
    ]
    if broken:
        raise SafetyError(broken)
