"""What the prescription says besides its exercises: referral, limitations, status, flags, coverage.

A referral of urgency emergency or urgent replaces the program (status `referral`); a
before-exercise referral or a `limit` rule limits it to unloaded work (`limited`, or
`clearance_required` when the PAR-Q+ asks for medical clearance). Flags with the same code and
message are merged, critical first. Coverage says which movement planes the intense sessions
train, and why a plane is missing.
"""

from __future__ import annotations

from ..clinical.words import (
    LOAD_LEVEL_MEANING,
    LOAD_LEVELS,
    AdviceTopic,
    Indicator,
    LoadLevel,
    Pattern,
    Urgency,
)
from ..knowledge.rules import Derive
from .context import Context
from .prescription import (
    Coverage,
    FlagOut,
    Limitation,
    LoadLevelOut,
    Precaution,
    Referral,
    ReferralReason,
    Session,
    Status,
)

COVERED_PLANES: dict[str, frozenset[Pattern]] = {
    "vertical_pull": frozenset({Pattern.vertical_pull}),
    "horizontal_pull": frozenset({Pattern.horizontal_pull}),
    "hinge": frozenset({Pattern.hinge}),
    "rotation": frozenset({Pattern.rotation, Pattern.anti_rotation}),
}
URGENCY_RANK = {Urgency.emergency: 0, Urgency.urgent: 1, Urgency.before_exercise: 2}
INDICATOR_RANK = {Indicator.critical: 0, Indicator.warning: 1, Indicator.info: 2}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def load_level(ctx: Context) -> LoadLevelOut:
    """The most restrictive load level any rule derived (full when none did), and its rules."""
    levels = [LoadLevel(str(v)) for v in ctx.derived("load.level")]
    if not levels:
        return LoadLevelOut(
            level=LoadLevel.full, because=[], meaning=LOAD_LEVEL_MEANING[LoadLevel.full]
        )
    level = min(levels, key=LOAD_LEVELS.index)
    setters = [
        f.rule
        for f in ctx.inference.firings
        for c in f.conclusions
        if isinstance(c, Derive) and c.fact == "load.level" and c.value == level.value
    ]
    return LoadLevelOut(
        level=level, because=ctx.sorted_rules(setters), meaning=LOAD_LEVEL_MEANING[level]
    )


def referral(ctx: Context) -> Referral | None:
    """The referral, at the most urgent level any rule asks for, with every reason."""
    if not ctx.c.refers:
        return None
    urgency = min((r.urgency for _, r in ctx.c.refers), key=URGENCY_RANK.__getitem__)
    grouped: dict[tuple[str, str], list[str]] = {}
    for rule_id, r in ctx.c.refers:
        grouped.setdefault((_one_line(r.reason), _one_line(r.action)), []).append(rule_id)
    reasons = [
        ReferralReason(reason=reason, action=action, because=ctx.sorted_rules(rules))
        for (reason, action), rules in grouped.items()
    ]
    reasons.sort(key=lambda x: ctx.order(x.because[0]))
    return Referral(urgency=urgency, reasons=reasons)


def limitations(ctx: Context, found: Referral | None) -> list[Limitation]:
    """Program-wide limits: from `limit` rules, and implied by a before-exercise referral."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for rule_id, lim in ctx.c.limits:
        grouped.setdefault((_one_line(lim.reason), _one_line(lim.limited_to)), []).append(rule_id)
    out = [
        Limitation(reason=reason, limited_to=to, because=ctx.sorted_rules(rules))
        for (reason, to), rules in grouped.items()
    ]
    if found is not None and found.urgency is Urgency.before_exercise:
        out.append(
            Limitation(
                reason="medical review before exercise: "
                + "; ".join(r.reason for r in found.reasons),
                limited_to="unloaded priming, mobility and motor-control work until the "
                "review clears loading",
                because=ctx.sorted_rules(b for r in found.reasons for b in r.because),
            )
        )
    return sorted(out, key=lambda x: ctx.order(x.because[0]))


def status(ctx: Context, found: Referral | None, limits: list[Limitation]) -> Status:
    """program, limited, clearance_required or referral."""
    if found is not None and found.urgency in (Urgency.emergency, Urgency.urgent):
        return "referral"
    if any(lim.status == "clearance_required" for _, lim in ctx.c.limits):
        return "clearance_required"
    return "limited" if limits else "program"


def flags(ctx: Context) -> list[FlagOut]:
    """Every flag once per code and message, critical first, then by rule order."""
    merged: dict[tuple[str, str], list[str]] = {}
    first: dict[tuple[str, str], FlagOut] = {}
    for rule_id, f in ctx.c.flags:
        k = (f.code.value, f.message)
        merged.setdefault(k, []).append(rule_id)
        first.setdefault(
            k,
            FlagOut(code=f.code, indicator=f.indicator, message=_one_line(f.message), because=[]),
        )
    out = [f.model_copy(update={"because": ctx.sorted_rules(merged[k])}) for k, f in first.items()]
    return sorted(
        out, key=lambda f: (INDICATOR_RANK[f.indicator], ctx.order(f.because[0]), f.message)
    )


def precautions(ctx: Context) -> list[Precaution]:
    """The client's precautions, each once (merging the rules that give it): urgent first."""
    merged: dict[tuple[str, str, str, bool], list[str]] = {}
    for rule_id, a in ctx.c.advice:
        key = (a.topic.value, a.do or "", a.dont or "", a.urgent)
        merged.setdefault(key, []).append(rule_id)
    out = [
        Precaution(
            topic=AdviceTopic(topic),
            do=do or None,
            dont=dont or None,
            urgent=urgent,
            because=ctx.sorted_rules(rules),
        )
        for (topic, do, dont, urgent), rules in merged.items()
    ]
    return sorted(
        out, key=lambda p: (not p.urgent, ctx.order(p.because[0]), p.do or "", p.dont or "")
    )


def coverage(ctx: Context, week: list[Session]) -> list[Coverage]:
    """Which movement planes the intense sessions train; why a plane is missing."""
    out = []
    intense_items = [i for s in week if s.intensity == "intense" for i in s.items]
    for plane, patterns in COVERED_PLANES.items():
        by = sorted({i.exercise for i in intense_items if i.pattern in patterns})
        note = None
        if not by:
            gone = [x for x in ctx.excluded.values() if ctx.cat[x.exercise].pattern in patterns]
            note = "; ".join(f"{x.name}: {x.reason}" for x in gone) or (
                "no intense session this week" if not intense_items else "no rule added one"
            )
        out.append(Coverage(plane=plane, covered=bool(by), by=by, note=note))
    return out
