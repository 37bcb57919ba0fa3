"""Impact of a rule change: clients re-assessed under two rulebooks, in worker processes.

Per client: the intake is scored and its facts extracted once, and both rulebooks' engines run
on them. When both infer the same firings, the rules that fired read the same in both (id,
area, file, rationale, source) and the catalogue and plan templates are the same, composition
cannot differ (it is a function of those alone; the rulebook hash aside), so the client is
unchanged without composing anything: most clients of most rule edits take this path. Otherwise both
prescriptions are composed and checked, and compared (`diff`); a prescription the safety monitor
withholds is a difference, not a failure.

The engine is per process: each worker loads both rule bases once (`RuleSource.load`) in its
initializer and then takes batches of clients. Workers are spawned (not forked), so no engine
state crosses a process boundary. `Workers.submit` returns a future per batch; with one job it
runs in the calling process.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..assessment.facts import from_intake
from ..assessment.pipeline import RuleBase, rule_base
from ..clinical import instruments
from ..clinical.intake import Intake
from ..clinical.plans import PLAN_FILE
from ..errors import BackExpertError, InputError, Problem
from ..knowledge.explanation import Inference, RuleInfo
from . import diff
from .differences import program_changed
from .models import (
    ClientChange,
    ClientFailure,
    ImpactReport,
    ImpactSummary,
    PrescriptionDiff,
    RulebookRef,
)
from .whatif import outcome

# (client id, name, assessment uid, intake as stored JSON)
ClientInput = tuple[int, str, str, dict[str, Any]]


@dataclass(frozen=True)
class RuleSource:
    """Where a rulebook comes from, in a form a worker process can load: a rule directory
    (None: the shipped one), less some rules (to see what deleting them would do)."""

    directory: str | None = None
    without: tuple[str, ...] = ()
    label: str | None = None  # how reports name it (a git ref rather than a temporary path)
    plans_from: str | None = None  # the plan templates for a directory older than them

    def load(self) -> RuleBase:
        base = _loaded.get(self)
        if base is None:
            base = rule_base(self.directory, self.plans_from)
            if self.without:
                rb = base.rulebook
                unknown = [r for r in self.without if r not in rb]
                if unknown:
                    raise InputError(
                        "--without",
                        [Problem("--without", f"no rule {r!r} in {rb.directory}") for r in unknown],
                    )
                for rule_id in self.without:
                    rb = rb.without(rule_id)
                base = base.with_rulebook(rb)
            _loaded[self] = base
        return base


_loaded: dict[RuleSource, RuleBase] = {}


def ref(base: RuleBase, label: str | None = None) -> RulebookRef:
    rb = base.rulebook
    note = None
    if base.plans_from is not None:
        note = (
            f"no plan templates ({PLAN_FILE}): older than them, so its programs are planned with "
            f"those of {base.plans_from}; plans over weeks differ only where the rules do"
        )
    where = label or rb.directory
    return RulebookRef(version=rb.version, directory=where, rules=len(rb), note=note)


@dataclass(frozen=True)
class ClientResult:
    """One client compared: `change` when anything differs, `error` when it could not be."""

    client_id: int
    name: str
    assessment: str
    change: ClientChange | None = None
    error: str | None = None

    @property
    def outcome(self) -> str:
        return "failed" if self.error else "changed" if self.change else "unchanged"


class Comparer:
    """Compares clients under two rule bases, skipping composition when nothing can differ."""

    def __init__(self, before: RuleBase, after: RuleBase, today: dt.date | None = None) -> None:
        self.before, self.after, self.today = before, after, today
        # Composition reads the catalogue and the plan templates besides the rules that fired.
        self.same_data = (
            before.catalogue.fingerprint() == after.catalogue.fingerprint()
            and before.plans.fingerprint() == after.plans.fingerprint()
        )
        self._same_rule: dict[str, bool] = {}

    def _same(self, inference: Inference) -> bool:
        if not self.same_data:
            return False
        for rule_id in inference.fired():
            same = self._same_rule.get(rule_id)
            if same is None:
                b, a = self.before.rulebook, self.after.rulebook
                same = (
                    rule_id in b
                    and rule_id in a
                    and RuleInfo.of(b[rule_id]) == RuleInfo.of(a[rule_id])
                )
                self._same_rule[rule_id] = same
            if not same:
                return False
        return True

    def compare(self, intake: Intake) -> PrescriptionDiff | None:
        """The difference for one client, or None when its prescription is the same."""
        scores = instruments.score(intake, instruments.assessed_on(intake, self.today))
        facts = from_intake(intake, scores)
        ib = self.before.evaluator.evaluate(facts)
        ia = self.after.evaluator.evaluate(facts)
        if ib == ia and self._same(ib):
            return None
        found = diff.compare(
            outcome(intake, self.before, self.today),
            outcome(intake, self.after, self.today),
            self.after.catalogue,
        )
        return None if found.empty else found

    def result(self, client: ClientInput) -> ClientResult:
        client_id, name, uid, data = client
        try:
            found = self.compare(Intake.model_validate(data))
        except (BackExpertError, ValueError) as exc:
            return ClientResult(client_id, name, uid, error=f"{type(exc).__name__}: {exc}")
        if found is None:
            return ClientResult(client_id, name, uid)
        change = ClientChange(
            client_id=client_id,
            name=name,
            before=found.before,
            after=found.after,
            differences=found.differences,
            rules_fired=found.rules_fired,
            rules_unfired=found.rules_unfired,
        )
        return ClientResult(client_id, name, uid, change=change)


# --- worker processes -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerStats:
    """A worker's resident memory once initialised and after its latest batch, the clients it
    compared and the CPU time it spent on them."""

    pid: int
    rss_start_mb: float
    rss_now_mb: float
    clients: int
    cpu_s: float = 0.0


def rss_mb() -> float:
    """Resident memory now (VmRSS), or the peak where /proc is missing."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # pragma: no cover
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # pragma: no cover


@dataclass
class _Worker:
    comparer: Comparer | None = None
    rss_start: float = 0.0
    clients: int = 0
    cpu_s: float = 0.0


_worker = _Worker()


def _init(before: RuleSource, after: RuleSource, today: dt.date | None) -> None:
    """Load both rule bases once in this worker process (the engine is per process)."""
    _worker.comparer = Comparer(before.load(), after.load(), today)
    _worker.rss_start = rss_mb()


def _work(
    batch: Sequence[ClientInput], worker: _Worker | None = None
) -> tuple[list[ClientResult], WorkerStats]:
    w = worker if worker is not None else _worker
    assert w.comparer is not None, "the worker was not initialised"
    start = time.process_time()
    results = [w.comparer.result(c) for c in batch]
    w.clients += len(batch)
    w.cpu_s += time.process_time() - start
    return results, WorkerStats(os.getpid(), w.rss_start, rss_mb(), w.clients, w.cpu_s)


@dataclass
class Workers:
    """A pool of worker processes comparing batches of clients (one job: this process)."""

    before: RuleSource
    after: RuleSource
    jobs: int = 1
    today: dt.date | None = None
    processes: bool | None = None  # None: worker processes when jobs > 1
    stats: dict[int, WorkerStats] = field(default_factory=dict)

    def __enter__(self) -> Workers:
        self._pool: ProcessPoolExecutor | None = None
        self._local: _Worker | None = None
        if self.processes if self.processes is not None else self.jobs > 1:
            self._pool = ProcessPoolExecutor(
                self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init,
                initargs=(self.before, self.after, self.today),
            )
        else:  # this process: a comparer of its own, not the worker-process global
            comparer = Comparer(self.before.load(), self.after.load(), self.today)
            self._local = _Worker(comparer, rss_mb())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, batch: Sequence[ClientInput]) -> Future[list[ClientResult]]:
        out: Future[list[ClientResult]] = Future()
        if self._pool is None:
            assert self._local is not None, "use Workers in a with block"
            results, stats = _work(batch, self._local)
            self.stats[stats.pid] = stats
            out.set_result(results)
            return out
        inner = self._pool.submit(_work, list(batch))

        def done(f: Future[tuple[list[ClientResult], WorkerStats]]) -> None:
            exc = f.exception()
            if exc is not None:
                out.set_exception(exc)
                return
            results, stats = f.result()
            self.stats[stats.pid] = stats
            out.set_result(results)

        inner.add_done_callback(done)
        return out


def batched(clients: Iterable[ClientInput], size: int) -> Iterator[list[ClientInput]]:
    batch: list[ClientInput] = []
    for c in clients:
        batch.append(c)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run(
    clients: Iterable[ClientInput],
    before: RuleSource,
    after: RuleSource,
    *,
    jobs: int = 1,
    batch_size: int = 200,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[ClientResult]:
    """Every client compared, in memory (no database): the results in client order."""
    out: list[ClientResult] = []
    with Workers(before, after, jobs, today) as workers:
        pending: list[Future[list[ClientResult]]] = []
        for batch in batched(clients, batch_size):
            pending.append(workers.submit(batch))
            while len(pending) > 2 * max(jobs, 1):
                out += _take(pending.pop(0), progress)
        for f in pending:
            out += _take(f, progress)
    return sorted(out, key=lambda r: r.client_id)


def _take(
    f: Future[list[ClientResult]], progress: Callable[[int], None] | None
) -> list[ClientResult]:
    results = f.result()
    if progress is not None:
        progress(len(results))
    return results


# --- the report -----------------------------------------------------------------------------


def _priority(c: ClientChange) -> tuple[int, int]:
    if (c.before.referral is None) != (c.after.referral is None):
        return 0, c.client_id
    if "withheld" in (c.before.status, c.after.status):
        return 1, c.client_id
    if c.before.status != c.after.status:
        return 2, c.client_id
    return 3, c.client_id


def report(
    results: Iterable[ClientResult], before: RulebookRef, after: RulebookRef
) -> ImpactReport:
    """Who changes and how: referrals first, then withheld programs, status, the rest."""
    changed: list[ClientChange] = []
    failed: list[ClientFailure] = []
    unchanged = 0
    status: Counter[str] = Counter()
    gained: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    appear: list[int] = []
    vanish: list[int] = []
    withheld: list[int] = []
    load = dose = explanation_only = 0
    for r in results:
        if r.error is not None:
            failed.append(ClientFailure(client_id=r.client_id, name=r.name, error=r.error))
            continue
        c = r.change
        if c is None:
            unchanged += 1
            continue
        changed.append(c)
        b, a = c.before, c.after
        if b.status != a.status:
            status[f"{b.status} → {a.status}"] += 1
        if b.referral is None and a.referral is not None:
            appear.append(c.client_id)
        if b.referral is not None and a.referral is None:
            vanish.append(c.client_id)
        if a.status == "withheld":
            withheld.append(c.client_id)
        if "withheld" not in (a.status, b.status):  # a withheld program is counted as such
            gained.update(set(a.exercises) - set(b.exercises))
            lost.update(set(b.exercises) - set(a.exercises))
        kinds = {d.kind for d in c.differences}
        load += "load_level" in kinds
        dose += "dose" in kinds
        found = PrescriptionDiff(before=b, after=a, differences=c.differences)
        explanation_only += not program_changed(found)
    changed.sort(key=_priority)
    summary = ImpactSummary(
        clients=len(changed) + unchanged + len(failed),
        changed=len(changed),
        unchanged=unchanged,
        failed=len(failed),
        status_changes=dict(status.most_common()),
        referrals_appear=sorted(appear),
        referrals_vanish=sorted(vanish),
        withheld=sorted(withheld),
        exercises_gained=dict(sorted(gained.items(), key=lambda kv: (-kv[1], kv[0]))),
        exercises_lost=dict(sorted(lost.items(), key=lambda kv: (-kv[1], kv[0]))),
        load_level_changes=load,
        dose_changes=dose,
        explanation_only=explanation_only,
    )
    return ImpactReport(
        before=before,
        after=after,
        changed=changed,
        unchanged=unchanged,
        failed=sorted(failed, key=lambda f: f.client_id),
        summary=summary,
    )
