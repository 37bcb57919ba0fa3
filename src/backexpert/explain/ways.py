"""Ways: the change sets under which an exercise would be prescribed, verified by re-assessing.

A change set is a *way* when the exercise then appears, and is `stopped` when a referral, a limit
on loaded work or a safety invariant stops it instead (never a way round them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..assessment.actions import Add, Exclude
from ..clinical.catalogue import Exercise
from .blockers import Blockers
from .changesets import Alternative, Changes, merge, product, smallest
from .fact_search import State
from .intake_facts import fact_changes
from .models import Blocker, IntakeEdit, Proposal

MAX_WAYS = 5
MAX_STOPPED = 3
MAX_LIFTS = 3
MAX_PATH = 3  # regression / substitute steps from an added exercise to the target
SAFETY_KINDS = frozenset({"refer", "limit"})


class Ways(Blockers):
    """Getting an exercise added, and the verified ways and lifts that would put it in."""

    def _usable(self, e: Exercise, state: State) -> bool:
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
        return smallest(out)

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
                    out += product([got, *blocks])
        return smallest(out)

    # -- verifying -------------------------------------------------------------------------

    def _outcome(self, state: State, targets: Sequence[Exercise]) -> tuple[str, list[str]]:
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

    def _is_safety(self, rule: str, state: State) -> bool:
        assert state.p is not None
        return any(
            getattr(c, "kind", "") in SAFETY_KINDS
            for t in state.p.trace
            if t.rule == rule
            for c in t.conclusions
        )

    def _proposal(
        self,
        state: State,
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
            candidates += product([self._adding(t), *lifts])
        ways: list[tuple[Proposal, Changes]] = []
        stopped: list[Proposal] = []
        failed: list[tuple[Changes, tuple[str, ...], State]] = []
        for changes, rules in smallest(candidates):
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
            for extra, r2 in product([m for m in more if m])[:4]:
                merged = merge(changes, extra)
                if merged is not None:
                    self._try(merged, (*rules, *r2), targets, ways, stopped, [])
        ranked = sorted(ways, key=lambda w: _rank(w[0]))  # stable: nearest values first
        return [w for w, _ in ranked], sorted(stopped, key=_rank)[:MAX_STOPPED]

    def _lift_in(self, b: Blocker, state: State) -> list[Alternative]:
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
        return smallest(out)

    def _try(
        self,
        changes: Changes,
        rules: tuple[str, ...],
        targets: Sequence[Exercise],
        ways: list[tuple[Proposal, Changes]],
        stopped: list[Proposal],
        failed: list[tuple[Changes, tuple[str, ...], State]],
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


def _subset(small: Mapping[str, object], big: Mapping[str, object]) -> bool:
    return all(k in big and big[k] == small[k] for k in small)


def _rank(p: Proposal) -> tuple[int, int, int]:
    """Fewest fact changes, then fewest findings, then fewest edits (ties keep their order)."""
    findings = sum(c.nature == "finding" for c in p.changes)
    return len(p.changes), findings, len(p.edits)
