"""The impact of a rule change: every stored client re-assessed under two rulebooks.

See docs/impact.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import shipped
from ..assessment import RuleBase
from ..errors import InputError, Problem

if TYPE_CHECKING:
    from ..explain.impact import ClientResult, RuleSource
    from ..explain.models import ImpactReport
    from ..store import Store


def _load_reference(source: RuleSource) -> RuleBase:
    """The reference rule base; rules from a git ref that no longer compile say so plainly."""
    from ..errors import RuleSetError

    try:
        return source.load()
    except RuleSetError as exc:
        if source.label is None or source.directory is None:
            raise
        inside = [p.replace(source.directory, "rules") for p in exc.problems]  # a temporary dir
        raise RuleSetError(
            [
                f"{source.label}: these rules do not compile with BackExpert {shipped.VERSION} "
                "(they are older than what it reads), so they cannot be compared",
                *inside,
            ]
        ) from None


def reference_rules(
    directory: str, rules_dir: str | None = None, label: str | None = None
) -> RuleSource:
    """The reference (before) of `rules impact`, compared with the rules of `rules_dir`."""
    from ..explain.impact import RuleSource

    # Older rules than the plan templates are planned with those compared (the report says so).
    after = rules_dir if rules_dir is not None else str(shipped.rules_directory())
    return RuleSource(directory, label=label, plans_from=after)


@contextmanager
def rules_at_ref(ref: str, rules_dir: str | None = None) -> Iterator[str]:
    """The rule directory as it is at a git ref, checked out (`git archive`) into a temporary
    directory for the duration of the block."""
    import io
    import shutil
    import subprocess
    import tarfile
    import tempfile

    root = (Path(rules_dir) if rules_dir else shipped.rules_directory()).resolve()

    def fail(message: str) -> InputError:
        return InputError("--against-ref", [Problem("--against-ref", message)])

    if not ref or ref.startswith("-"):
        raise fail(f"{ref!r} is not a git ref")
    git = shutil.which("git")
    if git is None:
        raise fail("git is not installed")
    # No shell, a list of arguments, and a ref that cannot pass for an option.
    try:
        top = subprocess.run(  # noqa: S603
            [git, "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise fail(f"{root} is not inside a git repository") from None
    rel = root.relative_to(Path(top).resolve()).as_posix()
    done = subprocess.run(  # noqa: S603
        [git, "-C", top, "archive", "--format=tar", ref, "--", rel],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise fail(done.stderr.decode(errors="replace").strip().splitlines()[-1])
    with tempfile.TemporaryDirectory(prefix="backexpert-rules-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        yield str(Path(tmp) / rel)


ImpactProgress = Callable[[int, int], None]


def rules_impact(
    db: Store,
    before: RuleSource,
    after: RuleSource,
    *,
    jobs: int = 1,
    batch_size: int = 200,
    worker: str | None = None,
    lease: dt.timedelta = dt.timedelta(minutes=10),
    wait: bool = True,
    poll_s: float = 2.0,
    progress: ImpactProgress | None = None,
) -> ImpactReport:
    """Every stored client's latest intake re-assessed under two rulebooks, and the report.

    The work is a run in the database (`store/impact.py`): batches of clients claimed with
    `FOR UPDATE SKIP LOCKED`, so several processes or machines pointed at one PostgreSQL
    database share it; each claimed batch goes to `jobs` worker processes; results are kept by
    client and rulebook pair, so a rerun skips what is done. With `wait`, this returns when
    every batch of the run is done (taking over batches whose lease ran out).
    """
    import os
    import socket
    import time
    from concurrent.futures import FIRST_COMPLETED, Future
    from concurrent.futures import wait as wait_for

    from ..explain import impact
    from ..explain.impact import ClientResult
    from ..explain.models import ClientChange
    from ..store.impact import Batch, ImpactRuns

    # In this process too: a bad rule base fails at once.
    b, a = _load_reference(before), after.load()
    runs = ImpactRuns(db)
    run = runs.open_run(b.rulebook.version, a.rulebook.version, shipped.VERSION, batch_size)
    who = worker or f"{socket.gethostname()}:{os.getpid()}"

    def report_progress() -> None:
        if progress is not None:
            now = runs.progress(run)
            progress(now.clients_done, now.clients)

    report_progress()
    with impact.Workers(before, after, jobs) as workers:
        flight: dict[Future[list[ClientResult]], Batch] = {}
        while True:
            while len(flight) < max(jobs, 1):
                batch = runs.claim(run, who, lease)
                if batch is None:
                    break
                flight[workers.submit(runs.pending(run, batch))] = batch
            if not flight:
                if not wait or runs.progress(run).finished:
                    break
                time.sleep(poll_s)
                continue
            finished, _ = wait_for(list(flight), return_when=FIRST_COMPLETED)
            for future in finished:
                batch = flight.pop(future)
                runs.finish(
                    run,
                    batch,
                    [
                        (r.client_id, r.assessment, r.outcome, _impact_json(r))
                        for r in future.result()
                    ],
                )
                report_progress()

    def stored() -> Iterator[ClientResult]:
        for client_id, name, outcome, result in runs.results(run):
            change = ClientChange.model_validate(result) if outcome == "changed" else None
            error = str((result or {}).get("error")) if outcome == "failed" else None
            yield ClientResult(client_id, name, "", change=change, error=error)

    return impact.report(stored(), impact.ref(b, before.label), impact.ref(a, after.label))


def _impact_json(r: ClientResult) -> dict[str, Any] | None:
    if r.error is not None:
        return {"error": r.error}
    return r.change.model_dump(mode="json") if r.change is not None else None
