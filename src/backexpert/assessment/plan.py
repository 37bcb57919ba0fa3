"""The plan over weeks: the program's phases from now on, chosen from the facts and the data.

Plain Python over the facts, like the notices: a dated condition with a timeline in
`rules/plan.yaml` (a cuff repair, a lumbar fusion or discectomy, pregnancy, postpartum) sets the
phases by its weeks; otherwise the default path runs motor control, strength and return to
function (domain reference 2 §13). Every phase's dose is capped at the effort the rules allow
this client today ([choice]: the plan never promises more than the current program allows; a
higher cap comes only from a new assessment), and while a clearance or a review is pending no
phase is loaded. Week 1 is the week of the assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..clinical.plans import PlanBook, Sourced, Stage, Timeline
from ..clinical.words import Experience, LoadLevel, SessionKind
from ..knowledge.explanation import remember
from ..knowledge.vocabulary import FactValue
from .context import Context
from .prescription import PlanEntry, PlanPhase, PlanReturn, ProgramPlan, Status

# Past this many distinct plans the memo starts again (it only saves time).
MEMO_MAX = 2_000
_plans: dict[tuple[object, ...], tuple[PlanBook, ProgramPlan]] = {}


@dataclass(frozen=True)
class _Step:
    """A phase before dosing: the entry that chose it, its stage and its weeks."""

    entry: Sourced
    name: str
    stage: Stage
    first_week: int
    weeks: int
    focus: str
    milestones: list[str]
    reps: str | None = None
    plain: str | None = None


def program_plan(
    ctx: Context, plans: PlanBook, status: Status, level: LoadLevel, level_rules: list[str]
) -> ProgramPlan | None:
    """The plan over weeks for a client with a program (None for a referral)."""
    if status == "referral":
        return None
    exp = Experience(str(ctx.facts.get("training.experience", Experience.novice.value)))
    found = _timeline(ctx, plans)
    plan_rules: list[str] = []
    if found is not None:
        weeks_fact = f"condition.{found[0].condition.value}.weeks_since"
        plan_rules = [
            f.rule
            for f in ctx.inference.firings
            if any(name == weeks_fact for name, _ in f.matched)
        ]
    cap = effort_cap(ctx)
    # Everything the plan says follows from these values: plans recur across clients, so each
    # distinct one is built once (keyed by the plan book itself, kept alive by the memo).
    key = (
        id(plans),
        status,
        exp,
        level,
        None if found is None else (id(found[0]), found[1]),
        tuple(ctx.sorted_rules([*plan_rules, *level_rules])),
        tuple(ctx.sorted_rules(rule_id for rule_id, _ in ctx.c.limits)),
        cap[0],
        tuple(cap[1]),
    )
    hit = _plans.get(key)
    if hit is None or hit[0] is not plans:
        built = _plan(plans, status, exp, level, found, list(key[5]), list(key[6]), cap)
        hit = (plans, built)
        remember(_plans, key, hit, MEMO_MAX)
    return hit[1]


def _plan(
    plans: PlanBook,
    status: Status,
    exp: Experience,
    level: LoadLevel,
    found: tuple[Timeline, int] | None,
    rules: list[str],
    limit_rules: list[str],
    cap: tuple[int, list[str]],
) -> ProgramPlan:
    basis: dict[str, FactValue] = {"training.experience": exp.value, "load.level": level.value}
    if found is not None:
        timeline, week = found
        steps = _timeline_steps(timeline, week, plans, exp)
        basis[f"condition.{timeline.condition.value}.weeks_since"] = week
        chosen: Sourced = timeline
    else:
        steps = _default_steps(plans, exp, level, status == "program")
        chosen = plans.spec.default
    waiting = status in ("limited", "clearance_required")
    cited: dict[str, Sourced] = {chosen.id: chosen}
    phases = [
        _phase(plans, s, exp, waiting and i == 0, waiting, limit_rules, cap, cited)
        for i, s in enumerate(steps)
    ]
    returns: list[PlanReturn] = []
    if found is not None and not waiting:
        timeline, week = found
        for r in timeline.returns:
            cited[r.id] = r
            returns.append(
                PlanReturn(activity=r.activity, week=max(r.at_week - week, 0) + 1, because=[r.id])
            )
    return ProgramPlan(
        weeks=sum(p.weeks for p in phases),
        phases=phases,
        because=[chosen.id, *rules],
        returns=returns,
        basis=dict(sorted(basis.items())),
        entries=[
            PlanEntry(id=e.id, rationale=e.rationale, source=e.source) for e in cited.values()
        ],
    )


def _timeline(ctx: Context, plans: PlanBook) -> tuple[Timeline, int] | None:
    """The first timeline (in file order) whose dated condition is still inside it."""
    for t in plans.spec.timelines:
        code = t.condition.value
        week = ctx.facts.get(f"condition.{code}.weeks_since")
        if ctx.facts.get(f"condition.{code}") is not True or not isinstance(week, int):
            continue
        last = t.phases[-1]
        end = last.to_week if last.to_week is not None else last.from_week + (last.weeks or 0)
        if week < end:
            return t, week
    return None


def _timeline_steps(t: Timeline, week: int, plans: PlanBook, exp: Experience) -> list[_Step]:
    """The timeline's phases from the client's week on, in plan weeks (week 1 = now)."""
    out = []
    for ph in t.phases:
        start = ph.from_week
        end = ph.to_week if ph.to_week is not None else max(start, week) + (ph.weeks or 0)
        if end <= week:
            continue
        out.append(
            _Step(
                ph,
                ph.name,
                plans.stage(ph.stage),
                max(start - week, 0) + 1,
                end - max(start, week),
                ph.focus,
                list(ph.milestones),
                ph.reps,
                ph.plain,
            )
        )
    return out


def _default_steps(
    plans: PlanBook, exp: Experience, level: LoadLevel, program: bool
) -> list[_Step]:
    """The default path; trained clients whose spine may be loaded skip its first stage (not
    while a clearance or review is pending: then the plan starts with motor control)."""
    path = plans.spec.default
    ids = list(path.stages)
    trained = path.trained_start
    if program and exp in trained.experience and level in trained.load_level:
        ids = ids[ids.index(trained.stage) :]
    out, first = [], 1
    for sid in ids:
        stage = plans.stage(sid)
        n = stage.weeks[exp]
        out.append(_Step(stage, stage.name, stage, first, n, stage.focus, list(stage.milestones)))
        first += n
    return out


def _phase(
    plans: PlanBook,
    s: _Step,
    exp: Experience,
    first_waiting: bool,
    waiting: bool,
    limit_rules: list[str],
    effort: tuple[int, list[str]],
    cited: dict[str, Sourced],
) -> PlanPhase:
    stage = s.stage
    loaded = stage.loaded and not waiting
    cap, cap_rules = effort
    high = min(stage.effort[1], cap)
    low = min(stage.effort[0], high)
    rpe = f"RPE {high}" if low == high else f"RPE {low}-{high}"
    reps = s.reps or stage.reps[exp]
    because = [s.entry.id] + ([stage.id] if stage.id != s.entry.id else [])
    cited.update({s.entry.id: s.entry, stage.id: stage})
    milestones = list(s.milestones)
    if waiting:
        dose = f"{plans.spec.waiting.dose}, {rpe} at most, until the clearance or review"
        because += [plans.spec.waiting.id, *limit_rules]
        cited[plans.spec.waiting.id] = plans.spec.waiting
        if first_waiting:
            milestones.insert(0, plans.spec.waiting.milestone)
    elif loaded:
        dose = f"{reps} reps at {rpe}"
    else:
        dose = f"no load in the hands, {rpe}"
    if high < stage.effort[1]:
        dose += f" (capped at RPE {high} until reassessed)"
        because += [r for r in cap_rules if r not in because]
    deloads: list[int] = []
    every = plans.spec.deload.every.get(exp)
    if every and loaded:
        last = s.first_week + s.weeks - 1
        deloads = [w for w in range(every, last + 1, every) if w >= s.first_week]
        if deloads:
            because.append(plans.spec.deload.id)
            cited[plans.spec.deload.id] = plans.spec.deload
    return PlanPhase(
        name=s.name,
        first_week=s.first_week,
        weeks=s.weeks,
        focus=s.focus,
        dose=dose,
        milestones=milestones,
        deload_weeks=deloads,
        because=because,
        stage=stage.id,
        reps=reps if loaded else None,
        effort=high,
        loaded=loaded,
        plain=plans.spec.waiting.plain if waiting else s.plain or stage.plain,
    )


def effort_cap(ctx: Context) -> tuple[int, list[str]]:
    """The lowest effort (RPE) the rules allow every exercise of a kind, and the rules that set it.

    Counts the caps that bound every exercise, or every loaded one, on intense days and every
    program-wide limit; 10 when nothing caps. [choice] A cap on loaded work holds unloaded
    phases too: a phase's dose never promises more effort than the program allows any loaded
    exercise today (the monitor's level caps make no difference between them).
    """
    found: list[tuple[int, str]] = []
    for rule_id, c in ctx.c.caps:
        if c.effort is None or any((c.exercise, c.pattern, c.tag, c.not_tag)):
            continue
        if c.sessions is not None and SessionKind.intense not in c.sessions:
            continue
        found.append((c.effort, rule_id))
    found += [(lim.effort, rule_id) for rule_id, lim in ctx.c.limits if lim.effort is not None]
    if not found:
        return 10, []
    low = min(e for e, _ in found)
    return low, ctx.sorted_rules(r for e, r in found if e == low)
