"""Composition: one client's inference conclusions made into a prescription document.

Plain Python after inference, so no result depends on firing order: the referral and limits
first; then selection (exclusions beat additions, substitutions keep their reason, requirements
drop what lacks its `first`), the week, dosing and order; and last the explanation the document
carries: the fact base, every firing with its rule's rationale and source, and every derivation.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..clinical.catalogue import Catalogue
from ..clinical.instruments import Scores
from ..clinical.intake import CurrentLoad
from ..clinical.words import Indicator, SessionKind
from ..knowledge.explanation import Inference, RuleInfo, derivations
from ..knowledge.rules import Rulebook
from ..knowledge.vocabulary import FactValue
from . import loads, notices, selection, timing
from .context import Context
from .dose import Dosing
from .order import ordered
from .prescription import ClientOut, Item, Prescription, Session, TraceEntry, WeekOut
from .sessions import plan_week, sessions


def compose(
    rulebook: Rulebook,
    cat: Catalogue,
    facts: dict[str, FactValue],
    inference: Inference,
    client: ClientOut,
    version: str,
    scores: Scores,
    notes: list[str] | None = None,
    current_loads: Sequence[CurrentLoad] = (),
) -> Prescription:
    """The prescription document for one client's conclusions.

    `current_loads` (the intake's `training.current_loads`) set first-week loads in kg.
    """
    ctx = Context(rulebook, cat, facts, inference)
    referral = notices.referral(ctx)
    limits = notices.limitations(ctx, referral)
    status = notices.status(ctx, referral, limits)
    stops = status == "referral"
    week: list[Session] = []
    daily: list[Item] = []
    week_out: WeekOut | None = None
    if not stops:
        planned = selection.plan(ctx, limits)
        selection.drop_unmet_requirements(ctx, planned)
        loaded = any(
            p.exercise.loaded and SessionKind.intense in p.sessions for p in planned.values()
        )
        layout, week_out = plan_week(ctx, loaded)
        dosing = Dosing(ctx)
        week = sessions(ctx, dosing, planned, layout)
        drills = [p for p in planned.values() if SessionKind.daily in p.sessions]
        daily = [dosing.item(p, SessionKind.daily) for p in ordered(ctx, drills)]
        week, daily = _with_loads(week, daily, cat, current_loads if status == "program" else ())
    flags = notices.flags(ctx)
    return Prescription(
        backexpert=version,
        rulebook=rulebook.version,
        client=client,
        status=status,
        referral=referral,
        limitations=[] if stops else limits,
        load_level=notices.load_level(ctx),
        scores=scores,
        schedule=week_out,
        sessions=week,
        daily=daily,
        excluded=sorted(ctx.excluded.values(), key=lambda x: cat.rank(x.exercise)),
        flags=[f for f in flags if not stops or f.indicator is not Indicator.info],
        precautions=notices.precautions(ctx),
        coverage=[] if stops else notices.coverage(ctx, week),
        notes=list(notes or []),
        facts=dict(sorted({**facts, **dict(inference.derived)}.items())),
        trace=[
            TraceEntry(
                rule=f.rule,
                matched=dict(f.matched),
                conclusions=list(f.conclusions),
                rationale=rulebook[f.rule].rationale,
                source=rulebook[f.rule].source,
            )
            for f in inference.firings
        ],
        rules=[RuleInfo.of(rulebook[rule_id]) for rule_id in inference.fired()],
        derivations=derivations(inference),
    )


def _with_loads(
    week: list[Session], daily: list[Item], cat: Catalogue, current: Sequence[CurrentLoad]
) -> tuple[list[Session], list[Item]]:
    """The last step on every final item: first-week loads, load notes, warm-up sets.

    Only a full program gets kilograms: a limited program or one awaiting clearance has none.
    Warm-up sets take time, so each session's minutes are counted again.
    """
    sessions_out = []
    for s in week:
        items = loads.apply(s.items, current, cat)
        sessions_out.append(
            s.model_copy(update={"items": items, "minutes": timing.session_minutes(items)})
        )
    return sessions_out, loads.apply(daily, current, cat)
