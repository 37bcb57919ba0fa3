"""Impact of a rule change: in memory, in worker processes, and as database runs."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from backexpert import assessment, services
from backexpert.clinical import intake as intake_mod
from backexpert.clinical.intake import Intake
from backexpert.errors import InputError
from backexpert.explain import diff, impact
from backexpert.explain.impact import ClientInput, Comparer, RuleSource
from backexpert.explain.whatif import outcome
from backexpert.store import Store
from backexpert.store.database import MIGRATIONS
from backexpert.store.impact import ImpactBatchRow, ImpactRuns
from factories import EXAMPLE, make_intake

RULES = assessment.rule_base()
EXAMPLES = Path(EXAMPLE).parent
INTAKES = [
    make_intake(),
    intake_mod.load(str(EXAMPLE)),
    intake_mod.load(str(EXAMPLES / "cauda-equina-referral.yaml")),
    intake_mod.load(str(EXAMPLES / "post-cuff-repair-screened.yaml")),
    intake_mod.load(str(EXAMPLES / "strength-athlete.yaml")),
    make_intake(client={"age": 70}, pain={"region": "low_back", "nprs_now": 2}),
]
SAME = RuleSource()
NO_HINGE_CAP = RuleSource(without=("lumbar.reduce_hinge_volume",))
NO_CAUDA_EQUINA = RuleSource(without=("red_flags.cauda_equina",))


def _clients(intakes: list[Intake] = INTAKES) -> list[ClientInput]:
    return [
        (i + 1, f"client {i + 1}", f"uid-{i + 1}", x.model_dump(mode="json"))
        for i, x in enumerate(intakes)
    ]


def _report(before: RuleSource, after: RuleSource, jobs: int = 1) -> Any:
    results = impact.run(_clients(), before, after, jobs=jobs, batch_size=2)
    return impact.report(results, impact.ref(before.load()), impact.ref(after.load()))


# --- in memory -----------------------------------------------------------------------------


def test_identical_rulebooks_change_nobody() -> None:
    r = _report(SAME, SAME)
    assert r.changed == [] and r.unchanged == len(INTAKES) and r.failed == []
    assert r.summary.clients == len(INTAKES) and r.summary.changed == 0


def test_deleting_a_rule_the_safety_monitor_needs() -> None:
    r = _report(SAME, NO_HINGE_CAP)
    desk = next(c for c in r.changed if c.client_id == 2)
    assert (desk.before.status, desk.after.status) == ("program", "withheld")
    assert desk.differences[0].kind == "withheld"
    assert desk.differences[0].because == ["lumbar.reduce_hinge_volume"]
    assert desk.rules_unfired == ["lumbar.reduce_hinge_volume"]
    assert 2 in r.summary.withheld
    assert r.summary.status_changes["program → withheld"] >= 1
    assert r.after.rules == r.before.rules - 1


def test_referrals_come_first() -> None:
    r = _report(NO_CAUDA_EQUINA, SAME)
    assert r.changed[0].client_id == 3
    assert r.summary.referrals_appear == [3]
    back = _report(SAME, NO_CAUDA_EQUINA)
    assert back.changed[0].after.status == "withheld"  # a red flag without its referral


def test_the_fast_path_agrees_with_composing_both() -> None:
    for source in (NO_HINGE_CAP, NO_CAUDA_EQUINA, RuleSource(without=("goals.hypertrophy",))):
        after = source.load()
        comparer = Comparer(RULES, after)
        for intake in INTAKES:
            full = diff.compare(outcome(intake, RULES), outcome(intake, after))
            assert (comparer.compare(intake) is None) == full.empty


def test_a_reworded_rule_is_an_explanation_change(tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(RULES.rulebook.directory, rules)
    lumbar = rules / "lumbar.yaml"
    lumbar.write_text(lumbar.read_text().replace("Overloading the back", "Loading the back"))
    r = _report(SAME, RuleSource(str(rules)))
    assert r.changed and r.summary.explanation_only == len(r.changed)
    kinds = {d.kind for c in r.changed for d in c.differences}
    assert kinds == {"rule_text"}


def test_worker_processes_give_the_same_results() -> None:
    with impact.Workers(SAME, NO_HINGE_CAP, jobs=2) as workers:
        futures = [workers.submit(batch) for batch in impact.batched(_clients(), 3)]
        parallel = sorted((r for f in futures for r in f.result()), key=lambda r: r.client_id)
    assert parallel == impact.run(_clients(), SAME, NO_HINGE_CAP)
    assert workers.stats and all(s.rss_now_mb > 0 for s in workers.stats.values())
    assert sum(s.clients for s in workers.stats.values()) == len(INTAKES)


def test_a_stored_intake_that_no_longer_validates_fails_alone() -> None:
    bad: ClientInput = (99, "broken", "uid-99", {"client": {"name": "x"}})
    results = impact.run([*_clients()[:1], bad], SAME, NO_HINGE_CAP)
    assert [r.outcome for r in results] == ["unchanged", "failed"]
    assert results[1].error is not None and "ValidationError" in results[1].error
    r = impact.report(results, impact.ref(RULES), impact.ref(RULES))
    assert [f.client_id for f in r.failed] == [99] and r.summary.failed == 1


def test_deleting_an_unknown_rule_is_bad_input() -> None:
    with pytest.raises(InputError) as info:
        RuleSource(without=("no.such_rule",)).load()
    assert "no rule 'no.such_rule'" in str(info.value)


def test_progress_is_reported_per_batch() -> None:
    seen: list[int] = []
    impact.run(_clients(), SAME, SAME, batch_size=4, progress=seen.append)
    assert seen == [4, 2]


# --- in the database -------------------------------------------------------------------------


def _stored(url: str, intakes: list[Intake] = INTAKES) -> Store:
    db = Store.open(url)
    for i, x in enumerate(intakes):
        cid = db.add_client(f"client {i + 1}")
        db.add_assessment(cid, x, assessment.assess(x, RULES))
    return db


def test_a_run_in_the_database(database_url: str) -> None:
    seen: list[tuple[int, int]] = []
    with _stored(database_url) as db:
        r = services.rules_impact(
            db, SAME, NO_HINGE_CAP, batch_size=2, progress=lambda d, t: seen.append((d, t))
        )
        assert r.summary.clients == len(INTAKES)
        assert r == _report(SAME, NO_HINGE_CAP).model_copy(update={"changed": r.changed})
        assert [c.client_id for c in r.changed] == [
            c.client_id for c in _report(SAME, NO_HINGE_CAP).changed
        ]
        assert seen[0] == (0, len(INTAKES)) and seen[-1] == (len(INTAKES), len(INTAKES))
        again = services.rules_impact(db, SAME, NO_HINGE_CAP, batch_size=2)
        assert again == r
        with db.engine.connect() as conn:
            states = conn.execute(sa.select(ImpactBatchRow.state)).scalars().all()
        assert states == ["done"] * 3


def test_a_later_run_computes_only_new_clients(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted: list[int] = []
    real = impact.Workers.submit

    def counting(self: impact.Workers, batch: list[ClientInput]) -> Any:
        submitted.extend(c[0] for c in batch)
        return real(self, batch)

    monkeypatch.setattr(impact.Workers, "submit", counting)
    with _stored(database_url, INTAKES[:3]) as db:
        services.rules_impact(db, SAME, NO_HINGE_CAP)
        assert submitted == [1, 2, 3]
        cid = db.add_client("new client")
        db.add_assessment(cid, INTAKES[3], assessment.assess(INTAKES[3], RULES))
        r = services.rules_impact(db, SAME, NO_HINGE_CAP)
        assert submitted == [1, 2, 3, 4] and r.summary.clients == 4


def test_claims_take_each_batch_once_and_take_over_expired_leases(database_url: str) -> None:
    with _stored(database_url, INTAKES[:3]) as db:
        runs = ImpactRuns(db)
        run = runs.open_run("a", "b", "v", batch_size=1)
        assert runs.open_run("a", "b", "v", batch_size=1) == run  # joined, not created again
        lease = dt.timedelta(minutes=10)
        claimed = [runs.claim(run, "m1", lease) for _ in range(3)]
        assert [b.batch for b in claimed if b] == [0, 1, 2]
        assert runs.claim(run, "m2", lease) is None
        taken = runs.claim(run, "m2", dt.timedelta(0))  # m1's leases ran out
        assert taken is not None and taken.batch == 0
        assert runs.progress(run).claimed == 3 and not runs.progress(run).finished
        # an assessment arriving while the run goes on does not start another run (a new one:
        # the same intake and prescription again is recognised as already saved)
        db.add_assessment(1, INTAKES[1], assessment.assess(INTAKES[1], RULES))
        assert runs.open_run("a", "b", "v", batch_size=1) == run
        for b in claimed:
            assert b is not None
            runs.finish(run, b, [])
        assert runs.progress(run).finished
        later = runs.open_run("a", "b", "v", batch_size=1)
        assert later.snapshot > run.snapshot and later.id != run.id


def test_a_locked_batch_is_skipped_not_waited_for(database_url: str) -> None:
    """FOR UPDATE SKIP LOCKED: a batch another machine is claiming right now is passed over."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises claims with BEGIN IMMEDIATE; row locks are PostgreSQL's")
    with _stored(database_url, INTAKES[:2]) as db:
        runs = ImpactRuns(db)
        run = runs.open_run("a", "b", "v", batch_size=1)
        other = sa.create_engine(database_url)
        try:
            with other.connect() as conn, conn.begin():
                conn.execute(sa.text("SELECT batch FROM impact_batches WHERE batch = 0 FOR UPDATE"))
                got: list[Any] = []
                t = threading.Thread(
                    target=lambda: got.append(runs.claim(run, "m2", dt.timedelta(minutes=1)))
                )
                t.start()
                t.join(30)
                assert not t.is_alive(), "the claim waited for a locked batch"
                assert got[0] is not None and got[0].batch == 1
        finally:
            other.dispose()


def test_two_machines_share_one_run(database_url: str) -> None:
    _stored(database_url).close()
    # Opened here, one after the other: Alembic's migration context is global to a process,
    # and two machines are two processes.
    stores = {name: Store.open(database_url) for name in ("m1", "m2")}
    reports: dict[str, Any] = {}
    errors: list[BaseException] = []

    def machine(name: str) -> None:
        try:
            reports[name] = services.rules_impact(
                stores[name], SAME, NO_HINGE_CAP, batch_size=1, worker=name, poll_s=0.05
            )
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=machine, args=(n,)) for n in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for db in stores.values():
        db.close()
    assert errors == []
    assert reports["m1"] == reports["m2"]
    assert reports["m1"].summary.clients == len(INTAKES)
    with Store.open(database_url) as db, db.engine.connect() as conn:
        rows = conn.execute(sa.select(ImpactBatchRow.state, ImpactBatchRow.claimed_by)).all()
    assert {s for s, _ in rows} == {"done"} and {w for _, w in rows} <= {"m1", "m2"}


def test_the_impact_migration_goes_down_and_up(database_url: str) -> None:
    with Store.open(database_url) as db:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("path_separator", "os")
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        assert "impact_runs" not in sa.inspect(db.engine).get_table_names()
    with Store.open(database_url) as db:
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"impact_runs", "impact_batches", "impact_results"} <= tables


def test_compare_stored_assessments(database_url: str) -> None:
    with Store.open(database_url) as db:
        cid = db.add_client("Alex")
        for x in (INTAKES[1], INTAKES[0]):
            db.add_assessment(cid, x, assessment.assess(x, RULES))
        d = services.compare_assessments(db, cid)
        assert not d.empty and d.before.exercises != d.after.exercises
        assert services.compare_assessments(db, cid, -1, -1).empty
