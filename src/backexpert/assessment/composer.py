"""Composition: one client's inference conclusions made into a prescription document.

Plain Python after inference, so no result depends on firing order: the referral and limits
first; then selection (exclusions beat additions, substitutions keep their reason, requirements
drop what lacks its `first`), the week, dosing and order; and last the explanation the document
carries: the fact base, every firing with its rule's rationale and source, and every derivation.
"""

from __future__ import annotations

from ..clinical.catalogue import Catalogue
from ..clinical.instruments import Scores
from ..clinical.intake import Training
from ..clinical.plans import PlanBook
from ..clinical.words import Indicator, SessionKind
from ..knowledge.explanation import Inference, derivations
from ..knowledge.rules import Rulebook
from ..knowledge.vocabulary import FactValue
from . import explained, home, loads, notices, selection
from .context import Context
from .dose import Dosing
from .order import ordered
from .plan import program_plan
from .prescription import ClientOut, Item, Prescription, Session, WeekOut
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
    training: Training | None = None,
    plans: PlanBook | None = None,
) -> Prescription:
    """The prescription document for one client's conclusions.

    `training` brings the client's minutes, days and current loads (first-week loads in kg,
    only for a full program: a limited program or one awaiting clearance has none).
    """
    ctx = Context(rulebook, cat, facts, inference)
    training = training or Training(
        experience=str(facts["training.experience"]),
        sessions_per_week=int(facts["training.sessions_per_week"]),
    )
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
        layout, week_out = plan_week(ctx, loaded, training)
        dosing = Dosing(ctx)
        current = training.current_loads if status == "program" else []
        known = loads.estimates(current, cat)
        week = sessions(ctx, dosing, planned, layout, limits, training, known)
        drills = [p for p in planned.values() if SessionKind.daily in p.sessions]
        daily = [dosing.item(p, SessionKind.daily) for p in ordered(ctx, drills)]
        daily = home.limited(ctx, loads.apply_known(daily, known, cat), week)
    flags = notices.flags(ctx)
    level = notices.load_level(ctx)
    plan = None if plans is None else program_plan(ctx, plans, status, level.level, level.because)
    return Prescription(
        backexpert=version,
        rulebook=rulebook.version,
        client=client,
        status=status,
        referral=referral,
        limitations=[] if stops else limits,
        load_level=level,
        scores=scores,
        schedule=week_out,
        plan=plan,
        sessions=week,
        daily=daily,
        excluded=sorted(ctx.excluded.values(), key=lambda x: cat.rank(x.exercise)),
        flags=[f for f in flags if not stops or f.indicator is not Indicator.info],
        precautions=notices.precautions(ctx),
        coverage=[] if stops else notices.coverage(ctx, week),
        notes=list(notes or []),
        facts=_sorted_facts({**facts, **dict(inference.derived)}),
        trace=explained.trace(rulebook, inference),
        rules=explained.rules_cited(rulebook, inference),
        derivations=derivations(inference),
    )


def _sorted_facts(facts: dict[str, FactValue]) -> dict[str, FactValue]:
    """The facts by name (the names sorted alone: each is distinct, so no value is compared)."""
    return {name: facts[name] for name in sorted(facts)}
