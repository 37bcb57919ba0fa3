"""The durable-rules adapter: its pitfalls (shared/docs/durable-rules.md) proven handled."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from backexpert import assessment
from backexpert.assessment import facts
from backexpert.assessment.actions import Flag
from backexpert.errors import EngineError, RuleSetError
from backexpert.knowledge.engine import DurableEngine, Evaluator
from backexpert.knowledge.explanation import Inference, Matched
from backexpert.knowledge.rules import Condition, Rule, Rulebook
from backexpert.knowledge.ruleset import MAX_FACT_NAMES, MAX_TESTS_PER_FACT, check_limits
from backexpert.knowledge.vocabulary import FactValue
from factories import EXAMPLE, compile_rules, make_intake

NEVER_MATCHES = """\
area: tiny
description: one rule no client of 30 matches
rules:
  - id: tiny.centenarian
    when:
      all:
        - client.age: {gte: 100}
    then:
      - flag: {code: older_adult_dosing, message: one hundred or older}
    rationale: a rule that matches nothing in these tests
    source: test
"""

CHAIN = """\
area: tiny
description: a three-step chain of derived facts, each derived twice
rules:
  - id: tiny.older
    when:
      all:
        - client.age: {gte: 65}
    then:
      - derive: {fact: client.older_adult, value: true}
    rationale: first step - a finding becomes a derived fact
    source: test
  - id: tiny.older_again
    when:
      all:
        - client.age: {gte: 60}
    then:
      - derive: {fact: client.older_adult, value: true}
    rationale: the same conclusion from a second rule (identical fact)
    source: test
  - id: tiny.older_means_load_risk
    when:
      all:
        - client.older_adult: true
    then:
      - derive: {fact: risk.lumbar_load, value: elevated}
    rationale: second step - a derived fact derives another
    source: test
  - id: tiny.decision
    when:
      all:
        - risk.lumbar_load: elevated
    then:
      - flag: {code: lumbar_load_monitor, message: derived twice over}
    rationale: third step - the decision on the twice-derived fact
    source: test
"""


@pytest.fixture(scope="module")
def shipped() -> Rulebook:
    return assessment.rule_base().rulebook


@pytest.fixture(scope="module")
def client_facts() -> dict[str, FactValue]:
    return facts.from_intake(make_intake())


def _fired(inference: Inference) -> list[str]:
    return [f.rule for f in inference.firings]


# --- points 2 and 3: the crashes -------------------------------------------------------
# Each runs in a child process, so a segfault is a clear failure rather than a dead test run.


def _run_child(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"child exited {done.returncode}: {done.stderr[-3000:]}"
    return done.stdout.strip()


def test_more_than_1024_clients_in_one_process() -> None:
    """Point 3: without deleting each client's state, client 1,025 fails (MemoryError)."""
    out = _run_child(
        """
        import sys
        from backexpert.assessment import facts, rule_base
        from backexpert.clinical import intake
        from backexpert.knowledge.engine import DurableEngine
        engine = DurableEngine(rule_base().rulebook)
        base = facts.from_intake(intake.load(sys.argv[1]))
        for i in range(1_100):
            client = {**base, "client.age": 18 + i % 90, "finding.aberrant_movement": i % 2 == 0}
            fired = {f.rule for f in engine.evaluate(client).firings}
            assert "lumbar.instability_risk" in fired, (i, fired)
            assert ("lumbar.motor_control_signs" in fired) == (i % 2 == 0), (i, fired)
        print(i + 1)
        """,
        str(EXAMPLE),
    )
    assert out == "1100"


def test_client_matching_nothing_does_not_crash() -> None:
    """Point 2: delete_state on a sid where no action ran segfaults without the finalize rule."""
    out = _run_child(
        f"""
        from backexpert import documents
        from backexpert.assessment import actions, rule_base
        from backexpert.knowledge.compiler import compile_documents
        from backexpert.knowledge.engine import DurableEngine
        from backexpert.knowledge.explanation import Inference
        words = actions.vocabulary(rule_base().catalogue)
        doc = documents.parse({NEVER_MATCHES!r}, "tiny.yaml")
        engine = DurableEngine(compile_documents([doc], words, "<test>"))
        for age in range(20, 80):
            assert engine.evaluate({{"client.age": age}}) == Inference((), ()), age
        print("survived")
        """
    )
    assert out == "survived"


def test_tiny_rulebook_fires_when_it_matches() -> None:
    engine = DurableEngine(compile_rules(NEVER_MATCHES))
    assert _fired(engine.evaluate({"client.age": 100})) == ["tiny.centenarian"]


# --- point 6: exceptions inside actions are swallowed by durable-rules --------------------


class _Failing(DurableEngine):
    """Raises inside the rule action (durable-rules would store it in the state and go on)."""

    fail = True

    def fire(self, rule: Rule, matched: Matched) -> None:
        if self.fail:
            raise RuntimeError(f"boom in {rule.id}")
        super().fire(rule, matched)


def test_action_error_surfaces_as_engine_error(
    shipped: Rulebook, client_facts: dict[str, FactValue]
) -> None:
    engine = _Failing(shipped)
    with pytest.raises(EngineError, match=r"a rule action failed: .*boom in"):
        engine.evaluate(client_facts)


def test_engine_recovers_after_an_action_error(
    shipped: Rulebook, client_facts: dict[str, FactValue]
) -> None:
    """The failed client's state was deleted: the next client gets a clean, full inference."""
    engine = _Failing(shipped)
    for _ in range(3):
        with pytest.raises(EngineError):
            engine.evaluate(client_facts)
    engine.fail = False
    assert engine.evaluate(client_facts) == DurableEngine(shipped).evaluate(client_facts)


# --- forward chaining and point 5: identical conclusions ----------------------------------


def test_forward_chaining_through_two_derived_facts() -> None:
    engine = DurableEngine(compile_rules(CHAIN))
    inference = engine.evaluate({"client.age": 70})
    assert _fired(inference) == [
        "tiny.older",
        "tiny.older_again",
        "tiny.older_means_load_risk",
        "tiny.decision",
    ]
    assert inference.derived == (("client.older_adult", True), ("risk.lumbar_load", "elevated"))
    decision = inference.firings[-1]
    assert decision.matched == (("risk.lumbar_load", "elevated"),)
    assert isinstance(decision.conclusions[0], Flag)


def test_identical_conclusions_from_two_rules_fire_the_consumer_once() -> None:
    engine = DurableEngine(compile_rules(CHAIN))
    only_one = engine.evaluate({"client.age": 62})
    assert _fired(only_one) == ["tiny.older_again", "tiny.older_means_load_risk", "tiny.decision"]
    both = engine.evaluate({"client.age": 70})
    assert _fired(both).count("tiny.older_means_load_risk") == 1
    assert _fired(both).count("tiny.decision") == 1


def test_shipped_chain_finding_to_derived_fact_to_decision(shipped: Rulebook) -> None:
    """Aberrant movement → motor-control deficit and lumbar-load risk → capped, blocked hinge."""
    engine = DurableEngine(shipped)
    inference = engine.evaluate(facts.from_intake(make_intake(findings=["aberrant_movement"])))
    assert ("lumbar.motor_control_deficit", True) in inference.derived
    assert ("risk.lumbar_load", "elevated") in inference.derived
    fired = _fired(inference)
    assert {"lumbar.motor_control_block", "lumbar.reduce_hinge_volume"} <= set(fired)
    cap = next(f for f in inference.firings if f.rule == "lumbar.reduce_hinge_volume")
    assert cap.matched == (("risk.lumbar_load", "elevated"),)


# --- point 1: no dispatcher threads ------------------------------------------------------


def test_no_background_threads(shipped: Rulebook, client_facts: dict[str, FactValue]) -> None:
    before = threading.active_count()
    engine = DurableEngine(shipped)
    for _ in range(20):
        engine.evaluate(client_facts)
    assert threading.active_count() == before, [t.name for t in threading.enumerate()]


# --- point 8: size limits, refused before anything is registered --------------------------


def _synthetic(clauses: list[tuple[Condition, ...]]) -> Rulebook:
    """A rule base built directly (no compiler), so it can break the limits."""
    rule = Rule(
        id="synthetic.too_big",
        area="synthetic",
        file="synthetic.yaml",
        line=1,
        clauses=tuple(clauses),
        conclusions=(),
        rationale="a rule that tests too much",
        source="test",
    )
    return Rulebook((rule,), "synthetic", "<test>")


def _one_fact_tested(n: int) -> Rulebook:
    return _synthetic([(Condition("client.age", "is", 10 + i),) for i in range(n)])


def _many_facts(n: int) -> Rulebook:
    return _synthetic([(Condition(f"synthetic.fact_{i}", "is", True),) for i in range(n)])


def test_limit_on_tests_per_fact() -> None:
    check_limits(_one_fact_tested(MAX_TESTS_PER_FACT))
    with pytest.raises(RuleSetError, match=r"client\.age is tested 61 different ways"):
        check_limits(_one_fact_tested(MAX_TESTS_PER_FACT + 1))


def test_engine_refuses_too_many_tests_per_fact() -> None:
    # Safe to hand to the engine: 61 tests stay below durable-rules' own limit of 64.
    with pytest.raises(RuleSetError, match="error 303"):
        DurableEngine(_one_fact_tested(MAX_TESTS_PER_FACT + 1))


def test_limit_on_number_of_facts() -> None:
    # Only check_limits is called here: registering 500+ sibling conditions can hang the process.
    check_limits(_many_facts(MAX_FACT_NAMES))
    with pytest.raises(RuleSetError, match=f"test {MAX_FACT_NAMES + 1} different facts"):
        check_limits(_many_facts(MAX_FACT_NAMES + 1))


def test_shipped_rulebook_is_within_limits(shipped: Rulebook) -> None:
    check_limits(shipped)


# --- point 10: a closed world ------------------------------------------------------------


def test_missing_closed_world_fact_is_refused(
    shipped: Rulebook, client_facts: dict[str, FactValue]
) -> None:
    engine = DurableEngine(shipped)
    partial = {k: v for k, v in client_facts.items() if k not in ("client.age", "goal.strength")}
    with pytest.raises(EngineError, match=r"lacks client\.age, goal\.strength"):
        engine.evaluate(partial)


def test_optional_facts_may_be_missing(shipped: Rulebook) -> None:
    """weeks_since is only known when given; its absence is not a closed-world violation."""
    base = facts.from_intake(make_intake())
    assert not any(k.endswith(".weeks_since") for k in base)
    DurableEngine(shipped).evaluate(base)


# --- determinism and isolation between clients -------------------------------------------


def test_two_evaluations_are_identical(shipped: Rulebook) -> None:
    client = facts.from_intake(make_intake(findings=["rounded_shoulders", "aberrant_movement"]))
    first, second = DurableEngine(shipped), DurableEngine(shipped)
    assert first.evaluate(client) == first.evaluate(client) == second.evaluate(client)


def test_firings_follow_rule_order_not_firing_order(shipped: Rulebook) -> None:
    inference = DurableEngine(shipped).evaluate(facts.from_intake(make_intake()))
    indices = [shipped.index(f.rule) for f in inference.firings]
    assert indices == sorted(indices)


def test_no_state_leaks_from_one_client_to_the_next(shipped: Rulebook) -> None:
    engine = DurableEngine(shipped)
    plain = facts.from_intake(make_intake())
    unstable = facts.from_intake(make_intake(conditions=[{"code": "lumbar_instability"}]))
    alone = engine.evaluate(plain)
    engine.evaluate(unstable)
    assert engine.evaluate(plain) == alone
    assert "lumbar.instability_risk" not in _fired(alone)


def test_durable_engine_is_an_evaluator(shipped: Rulebook) -> None:
    engine: Evaluator = DurableEngine(shipped)
    assert engine.rulebook is shipped
