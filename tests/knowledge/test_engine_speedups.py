"""The engine's three speed-ups (shared/docs/engine-speed.md): same Inference, failure path kept."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backexpert import documents
from backexpert.assessment import rule_base
from backexpert.assessment.vocabulary import FACTS
from backexpert.errors import EngineError
from backexpert.knowledge import engine as engine_mod
from backexpert.knowledge.compiler import compile_documents
from backexpert.knowledge.engine import DurableEngine
from backexpert.knowledge.explanation import Inference, Matched
from backexpert.knowledge.oracle import Oracle
from backexpert.knowledge.rules import Clause, Rule, Rulebook
from backexpert.knowledge.vocabulary import FactSpec, FactValue, Vocabulary, derived_fact
from backexpert.model import Model

SPECS: dict[str, FactSpec] = {s.name: s for s in FACTS}
INPUTS = [s for s in FACTS if s.extract is not None and not s.derived]
# A few hundred examples by default; an explicit profile (quick, soak) decides otherwise.
EXAMPLES = settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") else 300
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped() -> Rulebook:
    return rule_base().rulebook


@pytest.fixture(scope="module")
def engines(shipped: Rulebook) -> tuple[DurableEngine, DurableEngine, Oracle]:
    """The engine, the engine fed every tested fact (change 1 off), and the oracle."""
    return DurableEngine(shipped), DurableEngine(shipped, filter_facts=False), Oracle(shipped)


# --- a hand-written strategy over the assessment vocabulary --------------------------------


def _edges(spec: FactSpec, rulebook: Rulebook) -> list[FactValue]:
    """The values the rules compare this fact with, and for numbers their neighbours."""
    out: set[FactValue] = set()
    for r in rulebook:
        for clause in r.clauses:
            for c in clause:
                if c.fact == spec.name:
                    vs = c.value if isinstance(c.value, tuple) else (c.value,)
                    for v in vs:
                        near = (
                            (v - 1, v, v + 1) if isinstance(v, int) and spec.kind == "int" else (v,)
                        )
                        out.update(x for x in near if spec.contains(x))
    return sorted(out, key=repr)


def _values(spec: FactSpec, rulebook: Rulebook) -> st.SearchStrategy[FactValue]:
    """Any value of the fact's domain (most match no condition), often one a rule tests."""
    domain: st.SearchStrategy[FactValue] = (
        st.integers(spec.low, spec.high)
        if spec.kind == "int"
        else st.sampled_from(list(spec.possible()))
    )
    edges = _edges(spec, rulebook)
    return st.one_of(st.sampled_from(edges), domain) if edges else domain


def fact_bases(rulebook: Rulebook) -> st.SearchStrategy[dict[str, FactValue]]:
    """Closed-world fact bases: every always-known input fact, the optional ones sometimes."""
    return st.fixed_dictionaries(
        {s.name: _values(s, rulebook) for s in INPUTS if s.always_known},
        optional={s.name: _values(s, rulebook) for s in INPUTS if not s.always_known},
    )


_shipped_bases = fact_bases(rule_base().rulebook)


@pytest.mark.property
@settings(max_examples=EXAMPLES)
@given(facts=_shipped_bases)
def test_engine_agrees_with_oracle_and_with_every_fact_sent(
    engines: tuple[DurableEngine, DurableEngine, Oracle], facts: dict[str, FactValue]
) -> None:
    engine, unfiltered, oracle = engines
    expected = oracle.evaluate(facts)
    assert engine.evaluate(facts) == expected
    assert unfiltered.evaluate(facts) == expected


# --- every rule of the shipped rulebook, each fired by a client built for it ---------------


def _satisfy(
    clause: Clause, facts: dict[str, FactValue], rulebook: Rulebook, depth: int
) -> dict[str, FactValue] | None:
    """`facts` changed so the clause holds (deriving derived facts through other rules)."""
    by_fact: dict[str, list[Any]] = {}
    for c in clause:
        by_fact.setdefault(c.fact, []).append(c)
    out: dict[str, FactValue] | None = dict(facts)
    for fact, conds in sorted(by_fact.items()):
        if out is None:
            return None
        spec = SPECS[fact]
        if not spec.derived:
            choices = [v for v in spec.possible() if all(c.holds(v) for c in conds)]
            out[fact] = choices[0]
            continue
        if depth == 0:
            return None
        found = None
        for r in rulebook:
            if any(d.fact == fact and all(c.holds(d.value) for c in conds) for d in r.derives()):
                for cl in r.clauses:
                    found = _satisfy(cl, out, rulebook, depth - 1)
                    if found is not None:
                        break
            if found is not None:
                break
        out = found
    return out


def _client_firing(rule: Rule, rulebook: Rulebook) -> dict[str, FactValue] | None:
    base = {s.name: s.possible()[0] for s in INPUTS if s.always_known}
    oracle = Oracle(rulebook)
    for clause in rule.clauses:
        facts = _satisfy(clause, base, rulebook, depth=4)
        if facts is not None and rule.id in oracle.evaluate(facts).fired():
            return facts
    return None


def test_every_shipped_rule_fires_for_some_client_and_the_engine_agrees(
    shipped: Rulebook, engines: tuple[DurableEngine, DurableEngine, Oracle]
) -> None:
    engine, unfiltered, oracle = engines
    fired: set[str] = set()
    for rule in shipped:
        facts = _client_firing(rule, shipped)
        assert facts is not None, f"no client built for {rule.id}"
        expected = oracle.evaluate(facts)
        assert engine.evaluate(facts) == expected == unfiltered.evaluate(facts), rule.id
        fired.update(expected.fired())
    assert fired == {r.id for r in shipped}


# --- change 1: the filter drops facts, never results ---------------------------------------


def test_filter_sends_only_facts_some_condition_accepts(
    shipped: Rulebook, engines: tuple[DurableEngine, DurableEngine, Oracle]
) -> None:
    engine, unfiltered, _ = engines
    tests: dict[str, list[Any]] = {}
    for r in shipped:
        for clause in r.clauses:
            for c in clause:
                tests.setdefault(c.fact, []).append(c)
    base = {s.name: s.possible()[0] for s in INPUTS if s.always_known}
    sent = {n for n, v in base.items() if engine._encode(n, v) is not None}
    every = {n for n, v in base.items() if unfiltered._encode(n, v) is not None}
    assert sent < every == set(tests) & set(base)
    for name, value in base.items():
        accepted = any(c.holds(value) for c in tests.get(name, ()))
        assert (name in sent) == accepted, (name, value)


def test_filter_never_hides_a_value_of_an_unexpected_type(
    engines: tuple[DurableEngine, DurableEngine, Oracle],
) -> None:
    """durable coerces ("45" == 45, point 7): only values of the tested type may be dropped."""
    engine = engines[0]
    assert engine._encode("client.age", "10") is not None
    assert engine._encode("client.age", True) is not None
    assert engine._encode("not.a.tested.fact", 1) is None


# --- a tiny rulebook: a client that fires every rule, and one that matches nothing ---------


class Note(Model):
    kind: Literal["note"] = "note"
    text: str


TINY_WORDS = Vocabulary(
    "tiny",
    [
        FactSpec("tiny.age", "int", "age", low=10, high=110),
        FactSpec("tiny.smoker", "bool", "smokes"),
        FactSpec("tiny.level", "enum", "activity level", values=("low", "mid", "high")),
        FactSpec("tiny.region", "enum", "pain region", values=("back", "neck", "none")),
        derived_fact("tiny.baseline", "always derived"),
        derived_fact("tiny.risk", "derived risk", values=("elevated", "high")),
        derived_fact("tiny.untested", "derived, tested by no rule"),
    ],
    {"note": Note},
)

TINY = """\
area: tiny
description: every operator, an unconditional rule that derives, a chain, identical conclusions
rules:
  - id: tiny.always
    when: always
    then:
      - derive: {fact: tiny.baseline, value: true}
      - note: {text: everyone}
    rationale: an unconditional rule that derives a fact another rule tests
    source: test
  - id: tiny.on_baseline
    when:
      all:
        - tiny.baseline: true
    then:
      - note: {text: baseline seen}
    rationale: tests the fact the unconditional rule derives
    source: test
  - id: tiny.older
    when:
      all:
        - tiny.age: {gte: 65}
    then:
      - derive: {fact: tiny.risk, value: elevated}
    rationale: a numeric test that derives
    source: test
  - id: tiny.older_again
    when:
      all:
        - tiny.age: {gte: 60}
    then:
      - derive: {fact: tiny.risk, value: elevated}
    rationale: the identical conclusion from a second rule
    source: test
  - id: tiny.level_risk
    when:
      any:
        - tiny.level: {in: [mid, high]}
        - all:
            - tiny.smoker: true
            - tiny.region: {is_not: none}
    then:
      - derive: {fact: tiny.risk, value: high}
    rationale: in, is and is_not, two clauses
    source: test
  - id: tiny.join
    when:
      all:
        - tiny.risk: elevated
        - tiny.level: {not_in: [low]}
        - tiny.age: {lt: 100}
    then:
      - note: {text: joined}
    rationale: a derived fact joined with two input facts
    source: test
  - id: tiny.untested
    when:
      all:
        - tiny.region: back
    then:
      - derive: {fact: tiny.untested, value: true}
    rationale: derives a fact no condition tests (recorded, never asserted)
    source: test
  - id: tiny.any_risk
    when:
      all:
        - tiny.risk: {in: [elevated, high]}
    then:
      - note: {text: at risk}
    rationale: fires once for each risk fact
    source: test
"""

EVERYTHING: dict[str, FactValue] = {
    "tiny.age": 70,
    "tiny.smoker": True,
    "tiny.level": "high",
    "tiny.region": "back",
}
NOTHING: dict[str, FactValue] = {
    "tiny.age": 20,
    "tiny.smoker": False,
    "tiny.level": "low",
    "tiny.region": "none",
}


@pytest.fixture(scope="module")
def tiny() -> Rulebook:
    return compile_documents([documents.parse(TINY, "tiny.yaml")], TINY_WORDS, "<test>")


def test_tiny_client_fires_every_rule(tiny: Rulebook) -> None:
    inference = DurableEngine(tiny).evaluate(EVERYTHING)
    assert inference == Oracle(tiny).evaluate(EVERYTHING)
    assert inference.fired() == [r.id for r in tiny]
    assert set(inference.derived) == {
        ("tiny.baseline", True),
        ("tiny.risk", "elevated"),
        ("tiny.risk", "high"),
        ("tiny.untested", True),
    }
    by_rule = {f.rule: f.matched for f in inference.firings}
    assert by_rule["tiny.always"] == ()
    assert by_rule["tiny.on_baseline"] == (("tiny.baseline", True),)
    assert by_rule["tiny.join"] == (
        ("tiny.age", 70),
        ("tiny.level", "high"),
        ("tiny.risk", "elevated"),
    )
    assert [f.rule for f in inference.firings].count("tiny.any_risk") == 2


def test_tiny_client_matching_nothing(tiny: Rulebook) -> None:
    """Only the unconditional rule fires; without it, nothing: the batch is the finalize fact."""
    inference = DurableEngine(tiny).evaluate(NOTHING)
    assert inference == Oracle(tiny).evaluate(NOTHING)
    assert inference.fired() == ["tiny.always", "tiny.on_baseline"]
    bare = tiny.without("tiny.always")
    engine = DurableEngine(bare)
    for _ in range(1_100):  # past the 1,024 live sids: each state was deleted (points 2, 3)
        assert engine.evaluate(NOTHING) == Inference((), ())


def test_one_state_serves_every_client_and_holds_nothing_between_them(tiny: Rulebook) -> None:
    """Change 4: the state is emptied, not deleted, after a clean client, and is then empty."""
    engine, oracle = DurableEngine(tiny), Oracle(tiny)
    sid = engine._sid
    for facts in [EVERYTHING, NOTHING, EVERYTHING, EVERYTHING, NOTHING] * 3:
        assert engine.evaluate(facts) == oracle.evaluate(facts)
        assert engine._sid == sid
        assert engine_mod._c.get_facts(engine._handle, sid) == "[]"


class _Sticky:
    """durable's C module, except that retracting leaves the facts where they are."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def retract_facts(self, handle: int, messages: str) -> tuple[int, int]:
        return 0, 0


def test_a_state_left_holding_facts_is_deleted(
    tiny: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state that is not empty after the client is never given to the next one."""
    engine, oracle = DurableEngine(tiny), Oracle(tiny)
    real = engine_mod._c
    monkeypatch.setattr(engine_mod, "_c", _Sticky(real))
    sids = set()
    for facts in [EVERYTHING, NOTHING] * 550:  # past the 1,024 live sids: each was deleted
        before = engine._sid
        assert engine.evaluate(facts) == oracle.evaluate(facts)
        assert engine._sid != before
        with pytest.raises(Exception, match="error code: 309"):  # ERR_SID_NOT_FOUND: gone
            real.get_facts(engine._handle, before)
        sids.add(before)
    assert len(sids) == 1_100


@pytest.fixture(scope="module")
def tiny_engine(tiny: Rulebook) -> DurableEngine:
    """One engine for every example, so a client could see what an earlier one left."""
    return DurableEngine(tiny)


@settings(max_examples=min(EXAMPLES, 200))
@given(
    facts=st.fixed_dictionaries(
        {
            "tiny.age": st.integers(10, 110),
            "tiny.smoker": st.booleans(),
            "tiny.level": st.sampled_from(["low", "mid", "high"]),
            "tiny.region": st.sampled_from(["back", "neck", "none"]),
        }
    )
)
@pytest.mark.property
def test_tiny_engine_agrees_with_oracle(
    tiny: Rulebook, tiny_engine: DurableEngine, facts: dict[str, FactValue]
) -> None:
    assert tiny_engine.evaluate(facts) == Oracle(tiny).evaluate(facts)


def test_closed_world_is_still_checked(tiny: Rulebook) -> None:
    partial = {k: v for k, v in EVERYTHING.items() if k != "tiny.level"}
    with pytest.raises(EngineError, match=r"lacks tiny\.level"):
        DurableEngine(tiny).evaluate(partial)


# --- the failure path: errors raised, state always deleted ---------------------------------


class _Failing(DurableEngine):
    """Raises in the n-th action of each client, with other actions still pending."""

    fail_at: int | None = 3

    def fire(self, rule: Rule, matched: Matched) -> None:
        if self.fail_at is not None and len(self._firings) >= self.fail_at:
            raise RuntimeError(f"boom in {rule.id}")
        super().fire(rule, matched)


def test_action_error_surfaces_and_state_is_deleted(
    shipped: Rulebook, engines: tuple[DurableEngine, DurableEngine, Oracle]
) -> None:
    engine = _Failing(shipped)
    facts = _client_firing(shipped["lumbar.reduce_hinge_volume"], shipped)
    assert facts is not None
    for _ in range(1_100):  # a leaked state per error would hit the 1,024-sid limit
        with pytest.raises(EngineError, match=r"a rule action failed: .*boom in"):
            engine.evaluate(facts)
    engine.fail_at = None
    assert engine.evaluate(facts) == engines[2].evaluate(facts)


def test_engine_failures_before_any_action_leave_no_state() -> None:
    """The C engine fails before, after or between actions, or is full: no crash, no leak."""
    code = """
        from backexpert.assessment import rule_base
        from backexpert.assessment.vocabulary import FACTS
        from backexpert.errors import EngineError
        from backexpert.knowledge import engine as E
        from backexpert.knowledge.oracle import Oracle

        rulebook = rule_base().rulebook
        real = E._c

        class Broken:
            def __init__(self, where):
                self.where = where
            def __getattr__(self, name):
                return getattr(real, name)
            def assert_facts(self, h, batch):
                if self.where == "before":
                    raise RuntimeError("injected before the batch")
                result = real.assert_facts(h, batch)
                if self.where == "after":
                    raise RuntimeError("injected after the batch")
                return result
            def complete_and_start_action(self, h, state):
                real.complete_and_start_action(h, state)
                raise RuntimeError("injected between actions")

        engine = E.DurableEngine(rulebook)
        facts = {
            s.name: s.possible()[0]
            for s in FACTS
            if s.extract is not None and not s.derived and s.always_known
        }
        for where in ("before", "after", "between"):
            E._c = Broken(where)
            for _ in range(1_100):
                try:
                    engine.evaluate(facts)
                except EngineError as exc:
                    assert "durable-rules failed" in str(exc) and "injected" in str(exc), exc
                else:
                    raise AssertionError("no error")
        E._c = real
        assert engine.evaluate(facts) == Oracle(rulebook).evaluate(facts)

        # States leaked behind the engine's back fill the 1,024 sids: an error, not a crash.
        full = E.DurableEngine(rulebook)
        for i in range(1_024):
            _, state = real.assert_fact(full._handle, '{"sid":"leak%d","fact":"x"}' % i)
        for _ in range(3):
            try:
                full.evaluate(facts)
            except EngineError as exc:
                assert "no room for another client" in str(exc), exc
            else:
                raise AssertionError("no error")
        print("survived")
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, f"child exited {done.returncode}: {done.stderr[-3000:]}"
    assert done.stdout.strip() == "survived"


def test_version_is_checked(shipped: Rulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter drives durable's internal C API: any other version than the pin is refused."""
    monkeypatch.setattr(engine_mod, "DURABLE_VERSION", "2.0.29")
    engine_mod._check_version.cache_clear()
    try:
        with pytest.raises(EngineError, match=r"durable-rules 2\.0\.28 is installed"):
            DurableEngine(shipped)
    finally:
        engine_mod._check_version.cache_clear()


# --- points 1 and 12: no threads of its own, and safe to share between threads -------------


def test_threads_share_one_engine_safely(
    shipped: Rulebook, engines: tuple[DurableEngine, DurableEngine, Oracle]
) -> None:
    before = threading.active_count()
    engine = DurableEngine(shipped)
    assert threading.active_count() == before
    clients = [f for r in shipped if (f := _client_firing(r, shipped)) is not None][:20]
    expected = [engines[2].evaluate(f) for f in clients]
    wrong: list[int] = []

    def work() -> None:
        for _ in range(5):
            wrong.extend(i for i, f in enumerate(clients) if engine.evaluate(f) != expected[i])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
