"""Why not: why an exercise (or a movement pattern) is not in a client's program, and what would
put it there, searched in the rule IR and verified by re-assessing.

1. The client is assessed. The answer's *blockers* come from the prescription itself: the rules
   whose `exclude` selects the exercise (from the trace, with the facts they matched), the
   limits on loaded work, a referral, missing equipment, a `before` requirement, or any other
   reason the composer recorded for leaving it out (read generically from `excluded`). For a
   prescribed exercise, the rules that changed its dose (`adjustments`).
2. For each blocking rule: the conditions of its clauses the client meets, and its *lifts*: the
   smallest fact changes after which no clause holds (one condition of each holding clause made
   false; a condition on a derived fact is made false by lifting every rule that derives it).
3. The *ways*: change sets under which the exercise would be prescribed. Each is a product of
   (a) getting it added: nothing when a rule adds it already, else, for each rule with an `add`
   of it (or of an exercise that resolves to it through regressions and substitutes, with the
   exercises on the way made unusable), for each clause, the conditions the current facts do not
   meet (a condition on a derived fact expands into the clauses of the rules deriving that
   value, recursively), and (b) the lifts of its blockers. Candidates are ranked by size.
4. Each candidate is mapped to intake edits (`fact_edits.edits_for`), applied, validated and
   re-assessed. It becomes a way when the exercise then appears; it is `stopped` when a
   referral, a limit on loaded work or a safety invariant stops it instead (never a way round
   them: shown so the clinician knows); when something else still keeps it out, the blockers of
   that new state are lifted once more. Supersets of a working way are not proposed.

Every change carries its nature: a choice (equipment, goals, sessions), the client's
circumstances (experience, occupation), or a finding of the client (findings, conditions, pain,
red flags, questionnaires, age), which is never a way round a rule, only a fact that would have
to be different.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..assessment.actions import Add, Before, Exclude
from ..assessment.pipeline import RuleBase, assess
from ..assessment.prescription import Prescription
from ..clinical.catalogue import Exercise, Selector
from ..clinical.intake import Intake
from ..clinical.words import Pattern
from ..errors import InputError, IntakeError, Problem, SafetyError
from ..knowledge.conditions import did_you_mean
from ..knowledge.rules import Clause, Condition, Rule
from ..knowledge.vocabulary import FactSpec, FactValue
from . import edits
from .fact_edits import edits_for
from .intake_facts import SPECS, fact_changes, facts_of
from .models import (
    Blocker,
    BlockerKind,
    IntakeEdit,
    Placement,
    Proposal,
    Unsettable,
    WhyNotAnswer,
    WhyNotStatus,
)

MAX_VERIFY = 40  # re-assessments per answer
MAX_WAYS = 5
MAX_STOPPED = 3
MAX_LIFTS = 3
MAX_ALTERNATIVES = 24  # per search node, smallest first
MAX_DEPTH = 4  # derived facts expanded through at most this many rules
MAX_PATH = 3  # regression / substitute steps from an added exercise to the target
SAFETY_KINDS = frozenset({"refer", "limit"})

Changes = dict[str, FactValue | None]
Alternative = tuple[Changes, tuple[str, ...]]  # fact changes, and the rules they fire or lift


@dataclass
class _State:
    """One assessed intake: its prescription (None when withheld) and every fact value."""

    intake: Intake
    p: Prescription | None
    withheld: list[str]
    values: dict[str, set[FactValue]] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)
    facts: dict[str, FactValue] = field(default_factory=dict)

    def present(self) -> set[str]:
        return {i.exercise for _, i in self.p.items()} if self.p is not None else set()


def _merge(a: Changes, b: Changes) -> Changes | None:
    out = dict(a)
    for k, v in b.items():
        if k in out and (out[k] != v or type(out[k]) is not type(v)):
            return None
        out[k] = v
    return out


def _product(groups: Sequence[Sequence[Alternative]]) -> list[Alternative]:
    """Every combination (one alternative per group), merged; conflicting ones dropped."""
    out: list[Alternative] = [({}, ())]
    for group in groups:
        nxt: list[Alternative] = []
        for (c1, r1), (c2, r2) in itertools.product(out, group):
            merged = _merge(c1, c2)
            if merged is not None:
                nxt.append((merged, tuple(dict.fromkeys((*r1, *r2)))))
        out = _smallest(nxt)
    return out


def _smallest(alts: Iterable[Alternative]) -> list[Alternative]:
    unique: dict[str, Alternative] = {}
    for c, r in alts:
        unique.setdefault(repr(sorted(c.items(), key=repr)), (c, r))
    # Stable: among alternatives of one size, the order they came in (nearest values first).
    ranked = sorted(unique.values(), key=lambda a: len(a[0]))
    return ranked[:MAX_ALTERNATIVES]


class WhyNot:
    """Answers why-not questions for one client under one rule base."""

    def __init__(self, intake: Intake, rules: RuleBase) -> None:
        self.rules = rules
        self._reach: dict[str, dict[str, list[str]]] = {}
        self.rb = rules.rulebook
        self.cat = rules.catalogue
        self.specs: dict[str, FactSpec] = dict(SPECS)
        self._states: dict[str, _State] = {}
        self.base = self._state(intake, [])
        if self.base.p is None:
            raise SafetyError(self.base.withheld)
        self.prescription: Prescription = self.base.p
        self._derivers: dict[str, list[tuple[Rule, FactValue]]] = {}
        for r in self.rb:
            for d in r.derives():
                self._derivers.setdefault(d.fact, []).append((r, d.value))
        self.budget = MAX_VERIFY
        self.unsettable: dict[str, Unsettable] = {}

    # -- assessing -------------------------------------------------------------------------

    def _state(self, intake: Intake, key: Sequence[IntakeEdit]) -> _State:
        k = repr([e.change for e in key])
        if k in self._states:
            return self._states[k]
        try:
            p = assess(intake, self.rules)
            state = _State(intake, p, [])
        except SafetyError as exc:
            state = _State(intake, None, list(exc.violations))
            p = None
        facts = facts_of(intake)
        state.facts = facts
        for name, value in facts.items():
            state.values.setdefault(name, set()).add(value)
        if p is not None:
            for d in p.derivations:
                state.values.setdefault(d.fact, set()).add(d.value)
            state.fired = {t.rule for t in p.trace}
        self._states[k] = state
        return state

    def _verify(self, changes: Changes) -> tuple[_State, list[IntakeEdit]] | None:
        """The changed intake assessed, or None when no intake edit gives these changes."""
        found, cannot = edits_for(changes, self.base.intake)
        for u in cannot:
            self.unsettable.setdefault(f"{u.fact}={u.value!r}", u)
        if cannot or not found:
            return None
        key = sorted(found, key=lambda e: e.change)
        k = repr([e.change for e in key])
        if k not in self._states:
            if self.budget <= 0:
                return None
            self.budget -= 1
        try:
            intake = edits.edited(self.base.intake, found)
        except IntakeError as exc:
            reason = "; ".join(str(p) for p in exc.problems)
            fact = ", ".join(sorted(changes))
            self.unsettable.setdefault(fact, Unsettable(fact=fact, value=None, reason=reason))
            return None
        return self._state(intake, key), found

    # -- the facts -------------------------------------------------------------------------

    def _holds(self, c: Condition, state: _State) -> bool:
        return any(c.holds(v) for v in state.values.get(c.fact, ()))

    def _clause_holds(self, clause: Clause, state: _State) -> bool:
        return all(self._holds(c, state) for c in clause)

    def _current(self, fact: str) -> FactValue | None:
        values = self.base.values.get(fact)
        return next(iter(values)) if values else None

    def _ranked_values(self, spec: FactSpec, ok: Iterable[FactValue]) -> list[FactValue]:
        """Values of a fact, nearest to the client's current value first."""
        cur = self._current(spec.name)
        values = list(ok)
        if spec.kind == "int":
            to = cur if isinstance(cur, int) and not isinstance(cur, bool) else spec.low
            return sorted(values, key=lambda v: (abs(int(v) - to), int(v)))[:2]
        if spec.kind == "enum":
            order = {v: i for i, v in enumerate(spec.values)}
            at = order.get(str(cur), 0)
            return sorted(values, key=lambda v: (abs(order[str(v)] - at), order[str(v)]))[:2]
        return values[:1]

    def _groups(self, clause: Clause) -> dict[str, list[Condition]]:
        out: dict[str, list[Condition]] = {}
        for c in clause:
            out.setdefault(c.fact, []).append(c)
        return out

    # -- making conditions true or false ---------------------------------------------------

    def satisfy(self, clause: Clause, depth: int = 0) -> list[Alternative]:
        """Smallest fact changes under which every condition of the clause holds."""
        parts: list[list[Alternative]] = []
        for fact, conds in self._groups(clause).items():
            if all(self._holds(c, self.base) for c in conds):
                continue
            spec = self.specs.get(fact)
            if spec is None:
                return []
            if spec.derived:
                parts.append(self._derive(fact, conds, depth))
            else:
                ok = [v for v in spec.possible() if all(c.holds(v) for c in conds)]
                parts.append([({fact: v}, ()) for v in self._ranked_values(spec, ok)])
            if not parts[-1]:
                return []
        return _product(parts)

    def _derive(self, fact: str, conds: list[Condition], depth: int) -> list[Alternative]:
        if depth >= MAX_DEPTH:
            return []
        out: list[Alternative] = []
        for rule, value in self._derivers.get(fact, []):
            if all(c.holds(value) for c in conds):
                for clause in rule.clauses:
                    out += [(c, (*r, rule.id)) for c, r in self.satisfy(clause, depth + 1)]
        return _smallest(out)

    def lift(self, rule: Rule, depth: int = 0) -> list[Alternative]:
        """Smallest fact changes under which no clause of the rule holds."""
        if depth >= MAX_DEPTH or rule.always:
            return []
        parts: list[list[Alternative]] = []
        for clause in rule.clauses:
            if not self._clause_holds(clause, self.base):
                continue
            options: list[Alternative] = []
            for fact, conds in self._groups(clause).items():
                options += self._falsify(fact, conds, depth)
            if not options:
                return []
            parts.append(_smallest(options))
        return [(c, (*r, rule.id)) for c, r in _product(parts)]

    def _falsify(self, fact: str, conds: list[Condition], depth: int) -> list[Alternative]:
        spec = self.specs.get(fact)
        if spec is None:
            return []
        if not spec.derived:
            bad = [v for v in spec.possible() if not all(c.holds(v) for c in conds)]
            return [({fact: v}, ()) for v in self._ranked_values(spec, bad)]
        # A derived value stops holding when every rule now deriving it is lifted.
        parts: list[list[Alternative]] = []
        for value in self.base.values.get(fact, set()):
            if not all(c.holds(value) for c in conds):
                continue
            for rule, derived in self._derivers.get(fact, []):
                if derived == value and rule.id in self.base.fired:
                    lifted = self.lift(rule, depth + 1)
                    if not lifted:
                        return []
                    parts.append(lifted)
        return _product(parts) if parts else []

    # -- exercises -------------------------------------------------------------------------

    def targets(self, target: str) -> tuple[str, list[Exercise]]:
        if target in self.cat:
            return "exercise", [self.cat[target]]
        patterns = {p.value for p in Pattern}
        if target in patterns:
            return "pattern", [e for e in self.cat if e.pattern.value == target]
        known = [e.id for e in self.cat] + sorted(patterns)
        raise InputError(
            "why-not",
            [
                Problem(
                    "why-not",
                    f"{target!r} is neither a catalogue exercise nor a movement pattern"
                    + did_you_mean(target, known),
                )
            ],
        )

    def _usable(self, e: Exercise, state: _State) -> bool:
        p = state.p
        if p is None:
            return False
        for entry in p.trace:
            for c in entry.conclusions:
                if isinstance(c, Exclude) and c.matches(e):
                    return False
        if e.loaded and p.limitations:
            return False
        return all(state.values.get(f"equipment.{q.value}") == {True} for q in e.equipment)

    def _paths(self, start: str) -> dict[str, list[str]]:
        """Exercises reachable from `start` by regressions and substitutes (shortest paths)."""
        if start in self._reach:
            return self._reach[start]
        paths = {start: [start]}
        frontier = [start]
        for _ in range(MAX_PATH):
            nxt = []
            for cur in frontier:
                e = self.cat[cur]
                for n in [*([e.regression] if e.regression else []), *e.substitutes]:
                    if n not in paths:
                        paths[n] = [*paths[cur], n]
                        nxt.append(n)
            frontier = nxt
        self._reach[start] = paths
        return paths

    def _block(self, e: Exercise, target: Exercise) -> list[Alternative]:
        """Ways to make an exercise on the way to the target unusable."""
        if not self._usable(e, self.base):
            return [({}, ())]
        out: list[Alternative] = []
        needs = {q.value for q in target.equipment}
        for q in e.equipment:
            if q.value not in needs:
                out.append(({f"equipment.{q.value}": False}, ()))
        for rule in self.rb:
            for c in rule.conclusions:
                if isinstance(c, Exclude) and c.matches(e) and not c.matches(target):
                    for clause in rule.clauses:
                        out += [(ch, (*r, rule.id)) for ch, r in self.satisfy(clause)]
        return _smallest(out)

    def _adding(self, target: Exercise) -> list[Alternative]:
        """Ways to get the target added: by its own `add` rules or by standing in.

        A rule that fires already needs no change (its clause holds); one adding another
        exercise needs the exercises on the way to the target made unusable too.
        """
        p = self.prescription
        if target.id in {c.exercise for t in p.trace for c in t.conclusions if isinstance(c, Add)}:
            return [({}, ())]
        out: list[Alternative] = []
        for rule in self.rb:
            for c in rule.conclusions:
                if not isinstance(c, Add):
                    continue
                path = self._paths(c.exercise).get(target.id)
                if path is None:
                    continue
                blocks = [self._block(self.cat[x], target) for x in path[:-1]]
                # A stand-in found before the target on the way must be unusable too.
                gone = next((x for x in p.excluded if x.exercise == c.exercise), None)
                if gone and gone.replaced_by and gone.replaced_by not in (target.id, *path):
                    blocks.append(self._block(self.cat[gone.replaced_by], target))
                for clause in rule.clauses:
                    got = [(ch, (*r, rule.id)) for ch, r in self.satisfy(clause)]
                    out += _product([got, *blocks])
        return _smallest(out)

    # -- blockers --------------------------------------------------------------------------

    def blockers(self, e: Exercise, state: _State) -> list[Blocker]:
        """What keeps an exercise out of this state's program, or caps it."""
        p = state.p
        if p is None:
            return []
        out: dict[tuple[str, str], Blocker] = {}

        def put(kind: BlockerKind, reason: str, rule: str | None = None) -> None:
            key = (kind, rule or reason)
            if key not in out:
                out[key] = self._blocker(kind, e, reason, rule, state)

        if p.status == "referral" and p.referral is not None:
            for reason in p.referral.reasons:
                for r in reason.because:
                    put("referral", f"{p.referral.urgency.value} referral: {reason.reason}", r)
        for entry in p.trace:
            for c in entry.conclusions:
                if isinstance(c, Exclude) and c.matches(e):
                    put("excluded", f"excluded by {entry.rule}", entry.rule)
        if e.loaded:
            for lim in p.limitations:
                for r in lim.because:
                    put("limited", f"loaded work withheld: {lim.reason}", r)
        missing = [
            q.value for q in e.equipment if state.values.get(f"equipment.{q.value}") != {True}
        ]
        if missing:
            put("equipment", f"needs {', '.join(missing)}, not available")
        entry_out = next((x for x in p.excluded if x.exercise == e.id), None)
        if entry_out is not None:
            covered = {b.rule for b in out.values() if b.rule}
            for r in entry_out.because:
                if r not in covered:
                    kind: BlockerKind = "requirement" if self._orders(r, e, p) else "other"
                    put(kind, entry_out.reason, r)
            if not entry_out.because and not missing:
                put("other", entry_out.reason)
        for _, item in p.items():
            if item.exercise == e.id:
                for a in item.adjustments:
                    put("capped", f"{a.field} {a.before} → {a.after}", a.rule)
        unplaced = self._unplaced(e, state)
        if unplaced:
            put("schedule", unplaced)
        return list(out.values())

    def _unplaced(self, e: Exercise, state: _State) -> str:
        """Why an exercise the rules put in (or that stands in) is in no session of the week."""
        p = state.p
        if p is None or e.id in state.present():
            return ""
        stand_for = {x.exercise for x in p.excluded if x.replaced_by == e.id}
        if any(x.exercise == e.id for x in p.excluded):
            return ""
        kinds = {
            s.value
            for t in p.trace
            for c in t.conclusions
            if isinstance(c, Add) and (c.exercise == e.id or c.exercise in stand_for)
            for s in c.sessions
        }
        week = {s.intensity for s in p.sessions} | ({"daily"} if p.daily else set())
        if kinds and not kinds & week:
            have = ", ".join(sorted(week)) or "no sessions"
            return f"added for {', '.join(sorted(kinds))} sessions only, and this week has {have}"
        return ""

    def _orders(self, rule: str, e: Exercise, p: Prescription) -> bool:
        for t in p.trace:
            if t.rule == rule:
                for c in t.conclusions:
                    if isinstance(c, Before) and c.then.matches(e):
                        return True
        return False

    def _blocker(
        self, kind: BlockerKind, e: Exercise, reason: str, rule: str | None, state: _State
    ) -> Blocker:
        p = state.p
        assert p is not None
        matched: list[dict[str, FactValue]] = []
        met: list[list[str]] = []
        summary = ""
        if rule is not None:
            matched = [dict(t.matched) for t in p.trace if t.rule == rule]
            summary = p.rule(rule).summary
            if rule in self.rb:
                met = [
                    [c.text() for c in cl] or ["always"]
                    for cl in self.rb[rule].clauses
                    if self._clause_holds(cl, state)
                ]
        return Blocker(
            kind=kind,
            exercise=e.id,
            reason=reason,
            rule=rule,
            summary=summary,
            matched=matched,
            conditions_met=met,
        )

    def _lift_alternatives(self, b: Blocker, state: _State) -> list[Alternative]:
        if b.kind == "equipment":
            e = self.cat[b.exercise]
            return [
                (
                    {
                        f"equipment.{q.value}": True
                        for q in e.equipment
                        if state.values.get(f"equipment.{q.value}") != {True}
                    },
                    (),
                )
            ]
        if b.kind == "schedule" and "training.sessions_per_week" in self.specs:
            spec = self.specs["training.sessions_per_week"]
            now = self._current(spec.name)
            more = [v for v in spec.possible() if isinstance(now, int) and int(v) > now]
            return [({spec.name: v}, ()) for v in self._ranked_values(spec, more)]
        if b.rule is not None and b.rule in self.rb and b.kind != "other":
            return self.lift(self.rb[b.rule])
        return []

    # -- verifying -------------------------------------------------------------------------

    def _outcome(self, state: _State, targets: Sequence[Exercise]) -> tuple[str, list[str]]:
        """appears, stopped (with what stops it) or failed."""
        if state.p is None:
            return "stopped", [f"safety invariant {v}" for v in state.withheld]
        p = state.p
        if any(t.id in state.present() for t in targets):
            return "appears", []
        if p.status == "referral" and p.referral is not None:
            rules = sorted({r for x in p.referral.reasons for r in x.because})
            return "stopped", [f"{p.referral.urgency.value} referral ({', '.join(rules)})"]
        stops = []
        for t in targets:
            for b in self.blockers(t, state):
                if b.kind == "limited" or (b.rule and self._is_safety(b.rule, state)):
                    stops.append(f"{b.kind}: {b.reason} ({b.rule})")
        if stops:
            return "stopped", sorted(set(stops))
        return "failed", []

    def _is_safety(self, rule: str, state: _State) -> bool:
        assert state.p is not None
        return any(
            getattr(c, "kind", "") in SAFETY_KINDS
            for t in state.p.trace
            if t.rule == rule
            for c in t.conclusions
        )

    def _proposal(
        self,
        state: _State,
        found: list[IntakeEdit],
        rules: Iterable[str],
        outcome: str,
        stopped_by: list[str],
    ) -> Proposal:
        changes = fact_changes(self.base.facts, state.facts)
        findings = any(c.nature == "finding" for c in changes)
        note = "changes a finding of the client, not a choice" if findings else ""
        if outcome == "stopped":
            note = "not a way round: " + "; ".join(stopped_by)
        return Proposal(
            changes=changes,
            edits=found,
            rules=list(dict.fromkeys(rules)),
            outcome="appears" if outcome == "appears" else "stopped",
            stopped_by=stopped_by,
            findings=findings,
            note=note,
        )

    def _lifts(self, b: Blocker, targets: Sequence[Exercise]) -> list[Proposal]:
        out: list[Proposal] = []
        kept: list[Changes] = []
        for changes, rules in self._lift_alternatives(b, self.base):
            if len(out) >= MAX_LIFTS or self.budget <= 0:
                break
            if any(_subset(k, changes) or set(k) == set(changes) for k in kept):
                continue  # a superset, or the same facts at a farther value
            done = self._verify(changes)
            if done is None:
                continue
            state, found = done
            if state.p is not None and b.rule is not None and b.rule in state.fired:
                continue  # the rule still fires: not a lift
            outcome, stops = self._outcome(state, targets)
            lifted = outcome if outcome == "stopped" else "appears"
            out.append(self._proposal(state, found, rules, lifted, stops))
            kept.append(changes)
        return sorted(out, key=_rank)  # stable: nearest values first among equals

    def _ways(self, targets: Sequence[Exercise]) -> tuple[list[Proposal], list[Proposal]]:
        candidates: list[Alternative] = []
        for t in targets:
            lifts = [
                self._lift_alternatives(b, self.base)
                for b in self.blockers(t, self.base)
                if b.kind != "capped"
            ]
            if any(not alts for alts in lifts):
                lifts = [alts for alts in lifts if alts]  # no lift known: verification decides
            candidates += _product([self._adding(t), *lifts])
        ways: list[tuple[Proposal, Changes]] = []
        stopped: list[Proposal] = []
        failed: list[tuple[Changes, tuple[str, ...], _State]] = []
        for changes, rules in _smallest(candidates):
            if len(ways) >= MAX_WAYS:
                break
            self._try(changes, rules, targets, ways, stopped, failed)
        for changes, rules, state in failed:  # one more round: lift what still keeps it out
            if len(ways) >= MAX_WAYS or self.budget <= 0:
                break
            more = [
                self._lift_in(b, state)
                for t in targets
                for b in self.blockers(t, state)
                if b.kind != "capped"
            ]
            if state.p is not None:  # another stand-in was chosen before the target
                more += [
                    self._block(self.cat[x.replaced_by], t)
                    for t in targets
                    for x in state.p.excluded
                    if x.replaced_by not in (None, t.id) and t.id in self._paths(x.exercise)
                ]
            for extra, r2 in _product([m for m in more if m])[:4]:
                merged = _merge(changes, extra)
                if merged is not None:
                    self._try(merged, (*rules, *r2), targets, ways, stopped, [])
        ranked = sorted(ways, key=lambda w: _rank(w[0]))  # stable: nearest values first
        return [w for w, _ in ranked], sorted(stopped, key=_rank)[:MAX_STOPPED]

    def _lift_in(self, b: Blocker, state: _State) -> list[Alternative]:
        """Lifts of a blocker of a changed state, searched from the base facts (one level)."""
        if b.kind in ("equipment", "schedule"):
            return self._lift_alternatives(b, state)
        if b.rule is None or b.rule not in self.rb or b.kind in ("other", "limited", "referral"):
            return []
        rule = self.rb[b.rule]
        out: list[Alternative] = []
        for clause in rule.clauses:
            if self._clause_holds(clause, state):
                for fact, conds in self._groups(clause).items():
                    spec = self.specs.get(fact)
                    if spec is not None and not spec.derived:
                        bad = [v for v in spec.possible() if not all(c.holds(v) for c in conds)]
                        out += [({fact: v}, (rule.id,)) for v in self._ranked_values(spec, bad)]
        return _smallest(out)

    def _try(
        self,
        changes: Changes,
        rules: tuple[str, ...],
        targets: Sequence[Exercise],
        ways: list[tuple[Proposal, Changes]],
        stopped: list[Proposal],
        failed: list[tuple[Changes, tuple[str, ...], _State]],
    ) -> None:
        if not changes or any(_subset(w, changes) or set(w) == set(changes) for _, w in ways):
            return  # a superset of a way, or the same facts at a farther value
        done = self._verify(changes)
        if done is None:
            return
        state, found = done
        outcome, stops = self._outcome(state, targets)
        if outcome == "appears":
            proposal = self._proposal(state, found, rules, outcome, stops)
            actual = {(c.fact, repr(c.after)) for c in proposal.changes}
            for i, (w, _) in enumerate(ways):
                theirs = {(c.fact, repr(c.after)) for c in w.changes}
                if theirs <= actual:
                    if theirs == actual:  # the same change found through other rules
                        merged = list(dict.fromkeys([*w.rules, *proposal.rules]))
                        ways[i] = (w.model_copy(update={"rules": merged}), ways[i][1])
                    return
            ways.append((proposal, changes))
        elif outcome == "stopped":
            if len(stopped) < MAX_STOPPED * 2:
                stopped.append(self._proposal(state, found, rules, outcome, stops))
        else:
            failed.append((changes, rules, state))

    # -- the answer ------------------------------------------------------------------------

    def answer(self, target: str, search: bool = True) -> WhyNotAnswer:
        self.budget = MAX_VERIFY
        self.unsettable = {}
        kind, exercises = self.targets(target)
        p = self.prescription
        ids = {e.id for e in exercises}
        present = [
            Placement(
                exercise=ex,
                where=[w for w, i in p.items() if i.exercise == ex],
                adjustments=list(
                    dict.fromkeys(
                        f"{a.field} {a.before} → {a.after} ({a.rule})"
                        for w, i in p.items()
                        if i.exercise == ex
                        for a in i.adjustments
                    )
                ),
                substitutes_for=next(
                    (
                        i.substitutes_for.exercise
                        for _, i in p.items()
                        if i.exercise == ex and i.substitutes_for
                    ),
                    None,
                ),
            )
            for ex in [e.id for e in exercises]
            if ex in self.base.present()
        ]
        adds = [(t.rule, c) for t in p.trace for c in t.conclusions if isinstance(c, Add)]
        added_by = [rule for rule, c in adds if c.exercise in ids]
        stands_in_for = sorted(
            {
                c.exercise
                for _, c in adds
                if c.exercise not in ids and ids & set(self._paths(c.exercise))
            }
        )
        shown = [e for e in exercises if kind == "exercise" or e.id in self._considered(p)]
        unique: dict[tuple[str, str], Blocker] = {}
        for e in shown:
            for b in self.blockers(e, self.base):
                unique.setdefault((b.kind, b.rule or b.reason), b)
        blockers = list(unique.values())
        if present:
            blockers = [b for b in blockers if b.kind == "capped"]
        status = self._status(p, present, exercises, blockers)
        if search:
            for i, b in enumerate(blockers):
                self.budget = MAX_LIFTS + 1
                blockers[i] = b.model_copy(update={"lifts": self._lifts(b, exercises)})
        ways: list[Proposal] = []
        stopped: list[Proposal] = []
        self.budget = MAX_VERIFY
        if search and not present:
            ways, stopped = self._ways(exercises)
        answer = WhyNotAnswer(
            target=target,
            kind=kind,
            exercises=[e.id for e in exercises],
            status=status,
            summary=self._summary(target, kind, status, present, exercises, blockers),
            rulebook=self.rb.version,
            present=present,
            added_by=list(dict.fromkeys(added_by)),
            stands_in_for=stands_in_for,
            blockers=blockers,
            ways=ways,
            stopped=stopped,
            unsettable=list(self.unsettable.values())[:8],
            searched=len(self._states) - 1,
        )
        return self._nothing_found(answer) if search else answer

    def _considered(self, p: Prescription) -> set[str]:
        """The exercises the rules added or excluded for this client (for pattern answers)."""
        out = {x.exercise for x in p.excluded}
        for t in p.trace:
            for c in t.conclusions:
                if isinstance(c, Add):
                    out.add(c.exercise)
                elif isinstance(c, Exclude | Selector):
                    out |= self.cat.selected_ids(c)
        return out

    def _status(
        self,
        p: Prescription,
        present: list[Placement],
        exercises: list[Exercise],
        blockers: list[Blocker],
    ) -> WhyNotStatus:
        if p.status == "referral":
            return "stopped"
        if present:
            return "capped" if any(b.kind == "capped" for b in blockers) else "prescribed"
        out = {x.exercise: x for x in p.excluded}
        ids = [e.id for e in exercises]
        if any(out[i].replaced_by for i in ids if i in out):
            return "replaced"
        if any(i in out for i in ids) or blockers:
            return "excluded" if any(i in out for i in ids) else "not_added"
        return "not_added"

    def _summary(
        self,
        target: str,
        kind: str,
        status: WhyNotStatus,
        present: list[Placement],
        exercises: list[Exercise],
        blockers: list[Blocker],
    ) -> str:
        p = self.prescription
        name = self.cat[target].name if kind == "exercise" else f"{target.replace('_', ' ')} work"
        if status == "stopped" and p.referral is not None:
            rules = sorted({r for x in p.referral.reasons for r in x.because})
            return f"No program at all: {p.referral.urgency.value} referral ({', '.join(rules)})."
        if present:
            where = "; ".join(f"{x.exercise} on {', '.join(x.where)}" for x in present)
            caps = sorted({f"{b.rule}: {b.reason}" for b in blockers if b.kind == "capped"})
            return f"{name} is prescribed ({where})" + (
                f"; dose changed by {'; '.join(caps)}." if caps else "."
            )
        out = {x.exercise: x for x in p.excluded}
        reasons = [out[e.id].reason for e in exercises if e.id in out]
        if reasons:
            return f"{name} is not prescribed: {'; '.join(dict.fromkeys(reasons))}."
        why = "; ".join(dict.fromkeys(b.reason for b in blockers))
        addable = any(
            isinstance(c, Add) and {e.id for e in exercises} & set(self._paths(c.exercise))
            for r in self.rb
            for c in r.conclusions
        )
        if not addable:
            text = f"No rule of the rule base adds {name}, nor an exercise it can stand in for"
        else:
            text = f"No rule adds {name} for this client"
        return text + (f", and it would be kept out: {why}." if why else ".")

    def _nothing_found(self, answer: WhyNotAnswer) -> WhyNotAnswer:
        if answer.present or answer.ways or answer.stopped:
            return answer
        text = " No change of the client's facts was found that would put it in the program"
        text += f" (verified {answer.searched} change sets)." if answer.searched else "."
        return answer.model_copy(update={"summary": answer.summary + text})


def _subset(small: Mapping[str, object], big: Mapping[str, object]) -> bool:
    return all(k in big and big[k] == small[k] for k in small)


def _rank(p: Proposal) -> tuple[int, int, int]:
    """Fewest fact changes, then fewest findings, then fewest edits (ties keep their order)."""
    findings = sum(c.nature == "finding" for c in p.changes)
    return len(p.changes), findings, len(p.edits)


def why_not(intake: Intake, target: str, rules: RuleBase, search: bool = True) -> WhyNotAnswer:
    """Why the target (an exercise id or a movement pattern) is or is not prescribed."""
    return WhyNot(intake, rules).answer(target, search)


def why_not_many(
    intake: Intake, targets: Iterable[str], rules: RuleBase, search: bool = False
) -> Iterator[WhyNotAnswer]:
    """Answers for several targets of one client, sharing one assessment."""
    engine = WhyNot(intake, rules)
    for target in targets:
        yield engine.answer(target, search)
