"""Inference: forward chaining over a client's facts with durable-rules, behind a small interface.

This is the only module that imports `durable`. The adapter handles the engine's sharp edges
(shared/docs/durable-rules.md): its own `Host` with no dispatcher threads (1), a finalize rule so
state can always be deleted (2), state deleted after every client (3), a sink rule so no fact is
dropped (4), identical conclusions tolerated (5), action errors raised as `EngineError` (6),
facts asserted only from validated, typed values (7), size limits refused at compile time (8), a
fresh host and a hash-named ruleset per rulebook (9), monotonic rules with no negation (10),
order taken from data, never from firing order (11), a lock around the host (12), and the
`utcfromtimestamp` warning filtered on 3.12 (13).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import warnings
from collections.abc import Mapping
from typing import Any, Protocol

from ..errors import EngineError, RuleSetError
from .explanation import Firing, Inference
from .rules import Clause, Condition, Rule, Rulebook
from .vocabulary import FactValue

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from durable import engine as durable

# Verified limits of durable-rules 2.0.28 (see durable-rules.md, point 8).
MAX_TESTS_PER_FACT = 60  # a fact feeding more than 64 sibling conditions fails with error 303
MAX_FACT_NAMES = 500  # 512 conditions under one parent hang the process
START = "__start__"
FINALIZE = "__finalize__"


class Evaluator(Protocol):
    """Anything that can run a rulebook over one client's facts."""

    rulebook: Rulebook

    def evaluate(self, facts: Mapping[str, FactValue]) -> Inference: ...


def _test(c: Condition) -> dict[str, Any]:
    v = c.value
    if c.op == "is":
        return {"value": v}
    if c.op == "is_not":
        return {"$neq": {"value": v}}
    if c.op == "in" and isinstance(v, tuple):
        return {"$or": [{"value": x} for x in v]}
    if c.op == "not_in" and isinstance(v, tuple):
        return {"$and": [{"$neq": {"value": x}} for x in v]}
    return {f"${c.op}": {"value": v}}


def _patterns(clause: Clause) -> list[dict[str, Any]]:
    """One pattern per fact: every condition on a fact tests the same fact."""
    by_fact: dict[str, list[Condition]] = {}
    for c in clause:
        by_fact.setdefault(c.fact, []).append(c)
    if not by_fact:
        return [{"c0": {"fact": START}}]
    return [
        {f"c{i}": {"$and": [{"fact": fact}, *(_test(c) for c in conds)]}}
        for i, (fact, conds) in enumerate(sorted(by_fact.items()))
    ]


def check_limits(rulebook: Rulebook) -> None:
    """Refuse a rulebook that would crash or hang durable-rules."""
    tests: dict[str, set[str]] = {}
    for r in rulebook:
        for clause in r.clauses:
            for c in clause:
                tests.setdefault(c.fact, set()).add(c.text())
    problems = [
        f"fact {fact} is tested {len(t)} different ways; durable-rules allows at most "
        f"{MAX_TESTS_PER_FACT} (error 303): merge or split rules"
        for fact, t in sorted(tests.items())
        if len(t) > MAX_TESTS_PER_FACT
    ]
    if len(tests) > MAX_FACT_NAMES:
        problems.append(
            f"the rules test {len(tests)} different facts; durable-rules hangs at 512 siblings "
            f"(the limit here is {MAX_FACT_NAMES})"
        )
    if problems:
        raise RuleSetError(problems)


class _Host(durable.Host):  # type: ignore[misc]
    """A private host: actions by name, and no dispatcher threads racing the caller."""

    def __init__(self, actions: dict[str, Any]) -> None:
        self._named_actions = actions
        super().__init__()

    def _run(self) -> None:
        return None

    def get_action(self, action_name: str) -> Any:
        return self._named_actions[action_name]


class DurableEngine:
    """The production evaluator: the rulebook compiled into one durable-rules ruleset."""

    _instances = itertools.count()

    def __init__(self, rulebook: Rulebook) -> None:
        check_limits(rulebook)
        self.rulebook = rulebook
        self._name = f"backexpert_{rulebook.version}_{next(self._instances)}"
        self._used = frozenset(rulebook.facts_used())
        self._derived = rulebook.derived_facts()
        self._lock = threading.Lock()
        self._sids = itertools.count()
        self._firings: list[Firing] = []
        actions: dict[str, Any] = {"sink": _noop, "finalize": _noop}
        ruleset: dict[str, Any] = {
            # Stores every fact, so none is dropped as "not handled" (point 4).
            "sink": {
                "all": [{"a": {"$ex": {"fact": 1}}}, {"b": {"fact": "__never__"}}],
                "run": "sink",
            },
            # Guarantees an action ran on every sid, so delete_state is safe (point 2).
            "finalize": {"all": [{"a": {"fact": FINALIZE}}], "run": "finalize"},
        }
        for r in rulebook:
            for k, clause in enumerate(r.clauses):
                name = f"{r.id}#{k}"
                actions[name] = self._action(r)
                ruleset[name] = {"all": _patterns(clause), "run": name}
        self._host = _Host(actions)
        try:
            self._host.register_rulesets({self._name: ruleset})
        except Exception as exc:
            raise EngineError(f"durable-rules refused the rulebook: {exc}") from exc

    def _action(self, rule: Rule) -> Any:
        derives = rule.derives()

        def act(c: Any) -> None:
            self.fire(rule, c._m or {})
            for d in derives:
                # Another rule may already have concluded the same fact (point 5).
                with contextlib.suppress(durable.MessageObservedException):
                    c.assert_fact({"fact": d.fact, "value": d.value})

        return act

    def fire(self, rule: Rule, matched: Mapping[str, Mapping[str, Any]]) -> None:
        """Record one firing (the action of every rule)."""
        facts = tuple(
            sorted((m["fact"], m["value"]) for m in matched.values() if m["fact"] != START)
        )
        self._firings.append(Firing(rule.id, facts, rule.conclusions))

    def evaluate(self, facts: Mapping[str, FactValue]) -> Inference:
        """Run the rulebook over one client's facts; state is deleted afterwards."""
        missing = [n for n in self.rulebook.closed if n not in facts]
        if missing:
            raise EngineError(f"closed-world fact base lacks {', '.join(sorted(missing))}")
        with self._lock:
            sid = str(next(self._sids))
            self._firings = []
            batch = [{"sid": sid, "fact": START, "value": True}]
            batch += [
                {"sid": sid, "fact": n, "value": v}
                for n, v in sorted(facts.items())
                if n in self._used
            ]
            try:
                try:
                    self._host.assert_facts(self._name, batch)
                finally:
                    # Asserted even after a failure, so an action has run on this sid (point 2).
                    self._host.assert_fact(
                        self._name, {"sid": sid, "fact": FINALIZE, "value": True}
                    )
                state = self._host.get_state(self._name, sid)
                stored = self._host.get_facts(self._name, sid)
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"durable-rules failed: {exc!r}") from exc
            finally:
                self._delete(sid)
            if "exception" in state:
                raise EngineError(f"a rule action failed: {state['exception']}")
            derived = [(f["fact"], f["value"]) for f in stored if f["fact"] in self._derived]
            return Inference.of(self.rulebook, self._firings, derived)

    def _delete(self, sid: str) -> None:
        try:
            self._host.delete_state(self._name, sid)
        except Exception as exc:
            raise EngineError(f"durable-rules could not delete state {sid}: {exc!r}") from exc


def _noop(c: Any) -> None:
    return None
