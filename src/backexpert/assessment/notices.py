"""What the prescription says besides its exercises: referral, limitations, status, flags, coverage.

A referral of urgency emergency or urgent replaces the program (status `referral`); a
before-exercise referral or a `limit` rule limits it to unloaded work (`limited`, or
`clearance_required` when the PAR-Q+ asks for medical clearance). Flags with the same code and
message are merged, critical first. Coverage says which movement planes the intense sessions
train, and why a plane is missing.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TypeVar

from pydantic import BaseModel

from ..clinical.words import (
    LOAD_LEVEL_MEANING,
    LOAD_LEVELS,
    AdviceTopic,
    Indicator,
    LoadLevel,
    Pattern,
    Urgency,
)
from ..knowledge.explanation import remember
from .actions import Flag
from .context import Context
from .prescription import (
    Coverage,
    Excluded,
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


# Past this many distinct notices the memo starts again (it only saves time).
MEMO_MAX = 5_000
_FULL = LOAD_LEVEL_MEANING[LoadLevel.full]
_M = TypeVar("_M", bound=BaseModel)
_notices: dict[tuple[object, ...], BaseModel] = {}
_flags: dict[tuple[int, tuple[str, ...]], tuple[Flag, FlagOut]] = {}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _made(model: type[_M], **fields: Hashable) -> _M:
    """A notice built from plain values (lists given as tuples), each distinct one once."""
    # The same notices recur across clients and a built document part is immutable.
    key = (model, *fields.items())
    found = _notices.get(key)
    if found is None:
        made: BaseModel = model(
            **{k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}
        )
        remember(_notices, key, made, MEMO_MAX)
        found = made
    return found  # type: ignore[return-value]


def load_level(ctx: Context) -> LoadLevelOut:
    """The most restrictive load level any rule derived (full when none did), and its rules."""
    levels = [LoadLevel(str(v)) for f, v in ctx.inference.derived if f == "load.level"]
    if not levels:
        return _made(LoadLevelOut, level=LoadLevel.full, because=(), meaning=_FULL)
    level = min(levels, key=LOAD_LEVELS.index)
    setters = [
        rule_id for rule_id, d in ctx.c.derives if d.fact == "load.level" and d.value == level.value
    ]
    because = tuple(ctx.sorted_rules(setters))
    return _made(LoadLevelOut, level=level, because=because, meaning=LOAD_LEVEL_MEANING[level])


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
    first: dict[tuple[str, str], Flag] = {}
    for rule_id, f in ctx.c.flags:
        k = (f.code, f.message)  # a code is a StrEnum: the same key as its value
        if k in merged:
            merged[k].append(rule_id)
        else:
            merged[k] = [rule_id]
            first[k] = f
    out = [_flag(f, tuple(ctx.sorted_rules(merged[k]))) for k, f in first.items()]
    return sorted(
        out, key=lambda f: (INDICATOR_RANK[f.indicator], ctx.order(f.because[0]), f.message)
    )


def _flag(f: Flag, because: tuple[str, ...]) -> FlagOut:
    """A flag as the document says it: keyed by the compiled flag object itself (kept alive by
    the memo, so its identity is never reused) and the rules, so nothing is made twice."""
    key = (id(f), because)
    hit = _flags.get(key)
    if hit is None or hit[0] is not f:
        out = _made(
            FlagOut,
            code=f.code,
            indicator=f.indicator,
            message=_one_line(f.message),
            because=because,
        )
        hit = (f, out)
        remember(_flags, key, hit, MEMO_MAX)
    return hit[1]


def precautions(ctx: Context) -> list[Precaution]:
    """The client's precautions, each once (merging the rules that give it): urgent first."""
    merged: dict[tuple[AdviceTopic, str, str, bool], list[str]] = {}
    for rule_id, a in ctx.c.advice:
        key = (a.topic, a.do or "", a.dont or "", a.urgent)
        merged.setdefault(key, []).append(rule_id)
    out = [
        _made(
            Precaution,
            topic=topic,
            do=do or None,
            dont=dont or None,
            urgent=urgent,
            because=tuple(ctx.sorted_rules(rules)),
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
    left_out: list[tuple[Pattern, Excluded]] | None = None  # each with its pattern, once
    for plane, patterns in COVERED_PLANES.items():
        by = sorted({i.exercise for i in intense_items if i.pattern in patterns})
        note = None
        if not by:
            if left_out is None:
                left_out = [(ctx.cat[x.exercise].pattern, x) for x in ctx.excluded.values()]
            gone = [x for pattern, x in left_out if pattern in patterns]
            note = "; ".join(f"{x.name}: {x.reason}" for x in gone) or (
                "no intense session this week" if not intense_items else "no rule added one"
            )
        out.append(_made(Coverage, plane=plane, covered=bool(by), by=tuple(by), note=note))
    return out
