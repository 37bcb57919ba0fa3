"""The plan progress must honour: what the client's latest assessment prescribed and ruled out.

Each prescribed exercise's reps and sets are the targets progress measures against. Every
exercise the assessment excluded (by name, or by a rule's selector - a pattern, a load tag, a
load level), every cap (sets, effort) and the program's status bound what a recommendation may
ask for: progress never brings back an excluded exercise, never exceeds a cap, and gives no
progression at all while the program is withheld or limited to unloaded work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..assessment.actions import Cap, Exclude
from ..assessment.prescription import Prescription
from ..clinical.catalogue import Catalogue, Exercise
from ..clinical.words import LoadLevel, SessionKind


@dataclass(frozen=True)
class Limit:
    """A cap on one exercise, and the rules that set it."""

    sets: int | None = None
    effort: int | None = None
    because: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The latest assessment's targets, exclusions and caps (empty: nothing to honour)."""

    targets: dict[str, tuple[str, int]] = field(default_factory=dict)
    excludes: tuple[tuple[str, Exclude], ...] = ()
    caps: tuple[tuple[str, Cap], ...] = ()
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    status: str = "program"
    load_level: LoadLevel = LoadLevel.full
    limits: dict[str, Limit] = field(default_factory=dict)

    @classmethod
    def of(cls, prescription: Prescription | None) -> Plan:
        """The plan of a prescription: intense sessions first, then light days and drills."""
        if prescription is None:
            return cls()
        targets: dict[str, tuple[str, int]] = {}
        limits: dict[str, Limit] = {}
        sessions = sorted(prescription.sessions, key=lambda s: s.intensity != "intense")
        items = [i for s in sessions for i in s.items]
        for item in [*items, *prescription.daily]:
            targets.setdefault(item.exercise, (item.reps, item.sets))
            limits.setdefault(
                item.exercise,
                Limit(item.sets, item.effort, tuple(a.rule for a in item.adjustments)),
            )
        conclusions = [(t.rule, c) for t in prescription.trace for c in t.conclusions]
        return cls(
            targets=targets,
            excludes=tuple((r, c) for r, c in conclusions if isinstance(c, Exclude)),
            caps=tuple(
                (r, c)
                for r, c in conclusions
                if isinstance(c, Cap) and (c.sessions is None or SessionKind.intense in c.sessions)
            ),
            excluded={x.exercise: tuple(x.because) for x in prescription.excluded},
            status=prescription.status,
            load_level=prescription.load_level.level,
            limits=limits,
        )

    def with_current(self, current: Plan) -> Plan:
        """This (signed) plan, restricted further by what today's rules give the same intake.

        A plan signed under older rules, or imported from elsewhere, may allow what the rules now
        exclude or cap: progress honours the stricter of the two, target by target.
        """
        statuses = ("referral", "clearance_required", "limited", "program")
        limits = dict(current.limits)
        for ex, own in self.limits.items():
            other = limits.get(ex)
            limits[ex] = own if other is None else _stricter(own, other)
        return Plan(
            targets={**current.targets, **self.targets},
            excludes=(*self.excludes, *current.excludes),
            caps=(*self.caps, *current.caps),
            excluded={**current.excluded, **self.excluded},
            status=min(self.status, current.status, key=statuses.index),
            load_level=min(self.load_level, current.load_level, key=list(LoadLevel).index),
            limits=limits,
        )

    def ruled_out(self, ex: Exercise) -> tuple[str, ...] | None:
        """Why the plan rules an exercise out (the rules; empty for a program-wide reason),
        or None when it allows it."""
        if self.status == "referral":
            return ()
        if ex.loaded and self.status in ("limited", "clearance_required"):
            return ()
        rules = tuple(r for r, x in self.excludes if x.matches(ex))
        if rules:
            return rules
        if ex.id in self.excluded and ex.id not in self.targets:
            return self.excluded[ex.id]
        return None

    def limit(self, ex: Exercise) -> Limit:
        """The most restrictive sets and effort the plan allows for an exercise."""
        own = self.limits.get(ex.id, Limit())
        sets = [own.sets] if own.sets else []
        effort = [own.effort] if own.effort else []
        because = list(own.because)
        for rule, cap in self.caps:
            if cap.matches(ex):
                if cap.sets:
                    sets.append(cap.sets)
                if cap.effort:
                    effort.append(cap.effort)
                because.append(rule)
        return Limit(
            min(sets) if sets else None,
            min(effort) if effort else None,
            tuple(dict.fromkeys(because)),
        )

    def allows(self, ex: Exercise, cat: Catalogue) -> bool:
        """Whether the plan allows an exercise at all."""
        return ex.id in cat and self.ruled_out(ex) is None


def _stricter(a: Limit, b: Limit) -> Limit:
    sets = [x for x in (a.sets, b.sets) if x]
    effort = [x for x in (a.effort, b.effort) if x]
    return Limit(
        min(sets) if sets else None,
        min(effort) if effort else None,
        tuple(dict.fromkeys((*a.because, *b.because))),
    )
