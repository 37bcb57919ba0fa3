"""Inference: forward chaining over a client's facts with durable-rules, behind a small interface.

This is the only module that touches durable-rules (its C module, `durable_rules_engine`, which
`durable.engine` wraps). The adapter handles the engine's sharp edges
(shared/docs/durable-rules.md): no `Host` at all, so no dispatcher threads race the caller (1);
a finalize fact in every batch, so an action has run before state is deleted (2); no client
sees another's facts: a state is emptied after every client, and deleted after a failure or
when emptying left anything (3); a sink rule so no fact is dropped, and a dropped fact
reported rather than ignored (4); identical conclusions tolerated (5); action errors raised
as `EngineError` (6); facts asserted only from validated, typed values (7); size limits refused
at compile time (8); a fresh ruleset per engine with a hash-derived name (9); monotonic rules
with no negation (10); order taken from data, never from firing order (11); a lock around the
engine (12); the `utcfromtimestamp` warning filtered on import (13); and property names
whose hashes differ from each other and from durable's own names (14: durable tells properties
apart by a 32-bit hash of the name alone).

Five changes keep the same conclusions and make it fast: the first three are measured in
shared/docs/engine-speed.md (about 3.5x), the fourth halves what they left (0.80 to 0.42 ms
at p50 on the 179-rule book, benchmarks/engine.py), the fifth takes 0.26 to 0.16 ms:
1. only facts some condition can match are asserted (a value no condition on its fact accepts
   cannot change any match; values of an unexpected type are always sent);
2. the C entry points are driven in one loop (assert the batch, then start and complete each
   pending action until none is left) instead of durable's Python dispatch, derived facts
   are collected from the actions' own asserts instead of read back from state, and each
   distinct action message is decoded once (with one state for everyone, a firing sends the
   same text for every client);
3. unconditional clauses (`when: always`) are recorded without the engine; a fact they derive
   is asserted with the client's facts;
4. one state serves every client: creating one allocates and clears the memory of every join
   in the ruleset (about 0.25 ms for this rulebook, more than the inference itself), so after a
   clean client its facts are retracted and the state is kept only if `get_facts` finds it
   empty (0.03 ms); otherwise it is deleted and the next client gets a new one;
5. each fact is a property of its own, in a group of facts (`{"sid": "0", "id": "f12=3",
   "g2": 1, "f12": 3}`, not `{"fact": "pain.nprs_now", "value": 3}`): durable files the
   conditions under a node by the property they test, so with every fact under one `fact`
   property each asserted fact was compared with every fact name the rules test (121 string
   comparisons in the shipped rulebook); now it reaches its group's and its own conditions by
   the properties' hashes (`$ex`, `$ex`, then the conditions on its value). The ruleset's JSON
   form, the property names and their layout, and the limits are in `ruleset`.
These lean on durable-rules' internal C API (`create_ruleset`, `assert_facts`, `assert_fact`,
`retract_facts`, `get_facts`, `start_action_for_state`, `complete_and_start_action`,
`abandon_action`, `delete_state`), so the version is checked and the engine-versus-oracle
property guards every release.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import json
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from ..errors import EngineError
from .explanation import Firing, Inference, Matched, remember
from .rules import Condition, Rule, Rulebook
from .ruleset import FINALIZE_JSON, adapter_rules, check_limits, fact_json, patterns, properties
from .vocabulary import FactValue

# The C module of durable-rules (what durable.engine wraps); on 3.12 durable's Python layer
# warns about utcfromtimestamp, so the import is guarded like the rest of the package (13).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    _c: Any = importlib.import_module("durable_rules_engine")

# The C entry points and their result codes were read from this release; others may differ.
DURABLE_VERSION = "2.0.28"
NOT_HANDLED = 1  # ERR_EVENT_NOT_HANDLED: no condition took the fact, so it was not stored
OBSERVED = 2  # ERR_EVENT_OBSERVED: an identical fact already exists (point 5)

# The filter's memo is bounded by the facts' finite domains; the cap only guards odd inputs.
MAX_MEMO = 100_000
MAX_MESSAGES = 10_000  # distinct action messages remembered (a full memo starts again)
# What a rule derives: each fact and value with its JSON, or None when no condition can match it.
_Derives = tuple[tuple[str, FactValue, str | None], ...]
_Action = tuple[Rule, Matched, _Derives]  # one firing that an action message starts


class Evaluator(Protocol):
    """Anything that can run a rulebook over one client's facts."""

    rulebook: Rulebook

    def evaluate(self, facts: Mapping[str, FactValue]) -> Inference: ...


@functools.cache
def _check_version() -> None:
    # The wheel's metadata directory answers without importing importlib.metadata (~20 ms of a
    # cold start); the metadata API is the fallback for unusual installs.
    site = Path(_c.__file__).parent
    if (site / f"durable_rules-{DURABLE_VERSION}.dist-info").is_dir():
        return
    import importlib.metadata

    try:
        found = importlib.metadata.version("durable-rules")
    except importlib.metadata.PackageNotFoundError:
        found = "unknown"
    if found != DURABLE_VERSION:
        raise EngineError(
            f"durable-rules {found} is installed; this adapter drives the internal C API of "
            f"{DURABLE_VERSION} (pinned in pyproject.toml): re-verify it before changing the pin"
        )


class _ActionError(Exception):
    """A rule's own action failed (as opposed to the engine)."""


class DurableEngine:
    """The production evaluator: the rulebook compiled into one durable-rules ruleset."""

    _instances = itertools.count()

    # filter_facts=False asserts every tested fact (change 1 off): for tests and measurements.
    def __init__(self, rulebook: Rulebook, *, filter_facts: bool = True) -> None:
        check_limits(rulebook)
        _check_version()
        self.rulebook = rulebook
        self.filter_facts = filter_facts
        self._closed = frozenset(rulebook.closed)
        self._name = f"backexpert_{rulebook.version}_{next(self._instances)}"
        self._lock = threading.Lock()
        self._sids = itertools.count()
        self._new_state()
        self._firings: list[Firing] = []
        tests: dict[str, list[Condition]] = {}
        for r in rulebook:
            for clause in r.clauses:
                for c in clause:
                    tests.setdefault(c.fact, []).append(c)
        self._tests = {fact: tuple(cs) for fact, cs in tests.items()}
        self._kinds = {fact: _kind(cs) for fact, cs in tests.items()}
        # Each tested fact is a property of its own (change 5), and back.
        self._props = properties(sorted(tests))
        self._fact_of = {prop: fact for fact, prop in self._props.own.items()}
        # (name, value, type) -> the fact's JSON, or None when it is not asserted (change 1).
        # The type is in the key because True == 1 and both hash alike.
        self._memo: dict[tuple[str, FactValue, type], str | None] = {}
        self._messages: dict[str, tuple[_Action, ...]] = {}
        # Unconditional clauses fire identically for everyone (change 3).
        self._always: list[Firing] = []
        self._always_derived: list[tuple[str, FactValue]] = []
        self._actions: dict[str, tuple[Rule, _Derives]] = {}
        ruleset = adapter_rules(self._props)
        for r in rulebook:
            derives = tuple((d.fact, d.value) for d in r.derives())
            for k, clause in enumerate(r.clauses):
                if not clause:
                    self._always.append(Firing(r.id, (), r.conclusions))
                    self._always_derived += derives
                    continue
                name = f"{r.id}#{k}"
                self._actions[name] = (r, tuple((f, v, self._encode(f, v)) for f, v in derives))
                ruleset[name] = {"all": patterns(clause, self._props)}
        self._always_json = [j for f, v in self._always_derived if (j := self._encode(f, v))]
        try:
            self._handle: int = _c.create_ruleset(
                self._name, json.dumps(ruleset, ensure_ascii=False)
            )
        except Exception as exc:
            raise EngineError(f"durable-rules refused the rulebook: {exc}") from exc

    def _encode(self, name: str, value: FactValue) -> str | None:
        """The fact's JSON when some condition can match it, else None (change 1)."""
        key = (name, value, type(value))
        if key in self._memo:
            return self._memo[key]
        tests = self._tests.get(name)
        if tests is None:
            out = None  # no rule tests this fact
        elif (
            self.filter_facts
            and type(value) is self._kinds[name]
            and not any(c.holds(value) for c in tests)
        ):
            out = None  # a value of the right type no condition accepts can match nothing
        else:
            out = fact_json(self._props.group[name], self._props.own[name], value)
        if len(self._memo) < MAX_MEMO:
            self._memo[key] = out
        return out

    def fire(self, rule: Rule, matched: Matched) -> None:
        """Record one firing (the action of every rule the engine fires)."""
        self._firings.append(Firing(rule.id, matched, rule.conclusions))

    def _decode(self, message: str) -> tuple[_Action, ...]:
        """An action message as the firings it starts: each rule, the facts it matched sorted,
        and what it derives; each distinct message decoded once."""
        # One state serves every client, so the same firing sends the same text for everyone
        # (545 distinct messages in 6,353 over 300 clients): it is a pure function of the text.
        found = self._messages.get(message)
        if found is None:
            found = tuple(
                (
                    action[0],
                    tuple(sorted(self._fact(m) for m in matched.values())),
                    action[1],
                )
                for name, matched in json.loads(message).items()
                # The finalize rule's action does nothing.
                if (action := self._actions.get(name)) is not None
            )
            remember(self._messages, message, found, MAX_MESSAGES)
        return found

    def _fact(self, message: dict[str, Any]) -> tuple[str, FactValue]:
        """The fact and value of a matched fact's message (its one property besides `sid`)."""
        return next((self._fact_of[k], v) for k, v in message.items() if k in self._fact_of)

    def evaluate(self, facts: Mapping[str, FactValue]) -> Inference:
        """Run the rulebook over one client's facts; the state is emptied afterwards."""
        if not facts.keys() >= self._closed:
            missing = [n for n in self.rulebook.closed if n not in facts]
            raise EngineError(f"closed-world fact base lacks {', '.join(sorted(missing))}")
        memo, encode, tested = self._memo, self._encode, self._tests
        with self._lock:
            head = self._head
            self._firings = list(self._always)
            derived = list(self._always_derived)
            parts = [head + j for j in self._always_json]
            for name, value in facts.items():
                if name not in tested:
                    continue  # no condition tests it: never asserted (change 1)
                key = (name, value, type(value))
                j = memo[key] if key in memo else encode(name, value)
                if j is not None:
                    parts.append(head + j)
            # An action then always starts on this sid, so deleting its state is safe (point 2).
            parts.append(head + FINALIZE_JSON)
            # Every fact in the state, once (an input may repeat an injected fact), to retract.
            asserted = dict.fromkeys(parts)
            self._run(head, asserted, derived)
            return Inference.of(self.rulebook, self._firings, derived)

    def _run(
        self, head: str, asserted: dict[str, None], derived: list[tuple[str, FactValue]]
    ) -> None:
        """Assert the batch, then run every pending action until none is left (change 2)."""
        h, fire = self._handle, self.fire
        started = ok = broken = False
        state = -1
        try:
            try:
                code, state = _c.assert_facts(h, "[" + ",".join(asserted) + "]")
            except MemoryError as exc:
                # The 1,024-sid limit (point 3) leaves a half-made state that crashes whatever
                # touches it next, so it is left alone.
                broken = True
                raise EngineError(f"durable-rules has no room for another client: {exc!r}") from exc
            if code == NOT_HANDLED:
                raise EngineError("durable-rules dropped an input fact (the sink rule failed)")
            first = _c.start_action_for_state(h, state)  # (state JSON, message) or None
            started = first is not None
            if not started:
                raise EngineError("durable-rules started no action (the finalize rule failed)")
            message: str | None = first[1]
            while message is not None:
                # One action per message: {rule name: {pattern name: fact}}.
                for rule, matched, derives in self._decode(message):
                    try:
                        fire(rule, matched)
                        if derives:
                            self._derive(derives, head, derived, asserted)
                    except EngineError:
                        raise
                    except Exception as exc:
                        raise _ActionError(f"{rule.id}: {exc!r}") from exc
                message = _c.complete_and_start_action(h, state)
            ok = True
        except EngineError:
            raise
        except _ActionError as exc:
            raise EngineError(f"a rule action failed: {exc}") from exc.__cause__
        except Exception as exc:
            raise EngineError(f"durable-rules failed: {exc!r}") from exc
        finally:
            if broken:
                self._new_state()
            else:
                self._cleanup(head, state, started, ok, asserted)

    def _derive(
        self,
        derives: _Derives,
        head: str,
        derived: list[tuple[str, FactValue]],
        asserted: dict[str, None],
    ) -> None:
        """Record what a firing derives, and assert each fact some condition can match."""
        for fact, value, j in derives:
            derived.append((fact, value))
            if j is None:
                continue  # no condition can match it: recorded, not asserted (change 1)
            message = head + j
            if message in asserted:
                continue  # the identical fact is already there (point 5)
            asserted[message] = None
            code, _ = _c.assert_fact(self._handle, message)
            if code == NOT_HANDLED:
                raise EngineError(f"durable-rules dropped {fact}={value!r}")

    def _cleanup(
        self, head: str, state: int, started: bool, ok: bool, asserted: dict[str, None]
    ) -> None:
        """Empty the client's state for the next client, or else delete it (points 2, 3)."""
        h, sid = self._handle, self._sid
        kept = False
        try:
            if ok:
                # Kept only when it provably holds nothing: a new state costs more than a whole
                # client's inference (durable allocates and clears every join's memory for it).
                _c.retract_facts(h, "[" + ",".join(asserted) + "]")
                kept = _c.get_facts(h, sid) == "[]"
            if not kept:
                if not started:
                    # The batch failed before any action started: start one now, since deleting
                    # a state no action ran on frees its uninitialised action context (point 2).
                    _, state = _c.assert_fact(h, head + FINALIZE_JSON)
                    started = _c.start_action_for_state(h, state) is not None
                if started:
                    if not ok:
                        _c.abandon_action(h, state)  # as durable does after a failed action
                    _c.delete_state(h, sid)
        except Exception as exc:
            # After a failure the error being raised says more; this state may then leak.
            if ok:
                raise EngineError(f"durable-rules could not empty state {sid}: {exc!r}") from exc
        finally:
            if not kept:
                self._new_state()

    def _new_state(self) -> None:
        """Move the next client to a state of its own."""
        self._sid = str(next(self._sids))
        self._head = '{"sid":"' + self._sid + '",'


def _kind(conditions: list[Condition]) -> type | None:
    """The one type of value the conditions on a fact compare with, or None when mixed."""
    kinds = {
        type(x) for c in conditions for x in (c.value if isinstance(c.value, tuple) else (c.value,))
    }
    return kinds.pop() if len(kinds) == 1 else None
