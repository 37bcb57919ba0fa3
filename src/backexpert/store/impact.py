"""Impact runs in the database: batches of clients that several machines can share.

A *run* compares two rulebooks over a snapshot of the client base: every client with an
assessment up to the newest assessment id when the run was opened, split into batches of
client-id ranges. Any number of processes, on any number of machines, open the same run (the
run id is derived from the two rulebook versions, the program version and the snapshot, so
they agree on it without talking, and a run of the same pair still going is joined rather than
a newer snapshot begun) and claim batches one at a time:

    SELECT ... FROM impact_batches WHERE run_id = :run AND (state = 'pending'
        OR (state = 'claimed' AND claimed_at < :lease_expired))
    ORDER BY batch LIMIT 1 FOR UPDATE SKIP LOCKED

so two claimers never wait for, nor take, the same batch (on SQLite the write lock that
`BEGIN IMMEDIATE` takes does the same for processes of one machine). A claim that is not
finished within the lease (a machine died) becomes claimable again. A batch's results and its
`done` mark are written in one transaction.

Each result is keyed by client, assessment and rulebook pair (both versions and the program
version), not by run: a rerun, or a later run after new clients were added, skips every client
whose latest assessment already has a result for that pair.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..errors import BackExpertError
from . import database as connection
from .store import Store
from .tables import AssessmentRow, Base, ClientRow

PENDING, CLAIMED, DONE = "pending", "claimed", "done"


class ImpactRunRow(Base):
    __tablename__ = "impact_runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    pair: Mapped[str] = mapped_column(String(64))
    before_rulebook: Mapped[str] = mapped_column(String(200))
    after_rulebook: Mapped[str] = mapped_column(String(200))
    backexpert: Mapped[str] = mapped_column(String(32))
    snapshot: Mapped[int] = mapped_column(Integer)
    clients: Mapped[int] = mapped_column(Integer)
    batches: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ImpactBatchRow(Base):
    __tablename__ = "impact_batches"
    __table_args__ = (Index("ix_impact_batches_run_state", "run_id", "state"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("impact_runs.id"), primary_key=True)
    batch: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_client: Mapped[int] = mapped_column(Integer)
    last_client: Mapped[int] = mapped_column(Integer)
    clients: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(8))
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ImpactResultRow(Base):
    __tablename__ = "impact_results"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    assessment_uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    pair: Mapped[str] = mapped_column(String(64), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(10))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


@dataclass(frozen=True)
class Run:
    id: str
    pair: str
    snapshot: int
    clients: int
    batches: int


@dataclass(frozen=True)
class Batch:
    run_id: str
    batch: int
    first_client: int
    last_client: int
    clients: int


@dataclass(frozen=True)
class Progress:
    batches: int
    done: int
    claimed: int
    clients: int
    clients_done: int

    @property
    def finished(self) -> bool:
        return self.done == self.batches


# (client id, name, assessment uid, intake JSON)
Pending = tuple[int, str, str, dict[str, Any]]
# (client id, name, outcome: unchanged | changed | failed, result JSON)
Stored = tuple[int, str, str, dict[str, Any] | None]


def pair_key(before: str, after: str, backexpert: str) -> str:
    """The key of a comparison: both rulebook versions and the program version."""
    return hashlib.sha256(f"{before}\n{after}\n{backexpert}".encode()).hexdigest()[:32]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ImpactRuns:
    """Impact runs, batches and results in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine
        self.postgres = self.engine.dialect.name == "postgresql"

    @contextmanager
    def _tx(self, *, read: bool = False) -> Iterator[Session]:
        bind = self.engine.execution_options(**{connection.READ: True}) if read else self.engine
        try:
            with Session(bind, expire_on_commit=False) as s, s.begin():
                yield s
        except BackExpertError:
            raise
        except SQLAlchemyError as exc:
            raise connection.failure(self.store.url, exc) from exc

    def _insert(self, table: Any) -> Any:
        if self.postgres:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)

    # -- runs --

    def open_run(self, before: str, after: str, backexpert: str, batch_size: int) -> Run:
        """The run for these rulebooks over today's client base: created once, joined after."""
        pair = pair_key(before, after, backexpert)
        with self._tx() as s:
            # A run of this pair that is still going is joined, whatever arrived since it began:
            # machines started a little apart must share one snapshot.
            going = s.scalars(
                select(ImpactRunRow)
                .where(ImpactRunRow.pair == pair)
                .where(
                    select(ImpactBatchRow.batch)
                    .where(ImpactBatchRow.run_id == ImpactRunRow.id, ImpactBatchRow.state != DONE)
                    .exists()
                )
                .order_by(ImpactRunRow.snapshot.desc())
                .limit(1)
            ).first()
            if going is not None:
                return Run(going.id, going.pair, going.snapshot, going.clients, going.batches)
            snapshot = s.scalar(select(func.max(AssessmentRow.id))) or 0
            run_id = f"{pair}-{snapshot}"
            row = s.get(ImpactRunRow, run_id)
            if row is None:
                ids = list(
                    s.scalars(
                        select(AssessmentRow.client_id)
                        .where(AssessmentRow.id <= snapshot)
                        .distinct()
                        .order_by(AssessmentRow.client_id)
                    )
                )
                chunks = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
                now = _now()
                s.execute(
                    self._insert(ImpactRunRow.__table__)
                    .values(
                        id=run_id,
                        pair=pair,
                        before_rulebook=before,
                        after_rulebook=after,
                        backexpert=backexpert,
                        snapshot=snapshot,
                        clients=len(ids),
                        batches=len(chunks),
                        created_at=now,
                    )
                    .on_conflict_do_nothing()
                )
                if chunks:
                    s.execute(
                        self._insert(ImpactBatchRow.__table__)
                        .values(
                            [
                                {
                                    "run_id": run_id,
                                    "batch": i,
                                    "first_client": chunk[0],
                                    "last_client": chunk[-1],
                                    "clients": len(chunk),
                                    "state": PENDING,
                                }
                                for i, chunk in enumerate(chunks)
                            ]
                        )
                        .on_conflict_do_nothing()
                    )
                return Run(run_id, pair, snapshot, len(ids), len(chunks))
            return Run(row.id, row.pair, row.snapshot, row.clients, row.batches)

    def claim(self, run: Run, worker: str, lease: dt.timedelta) -> Batch | None:
        """Claim the next pending batch (or one whose lease ran out), skipping locked ones."""
        now = _now()
        with self._tx() as s:
            q = (
                select(ImpactBatchRow)
                .where(
                    ImpactBatchRow.run_id == run.id,
                    or_(
                        ImpactBatchRow.state == PENDING,
                        and_(
                            ImpactBatchRow.state == CLAIMED,
                            ImpactBatchRow.claimed_at < now - lease,
                        ),
                    ),
                )
                .order_by(ImpactBatchRow.batch)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            row = s.scalars(q).first()
            if row is None:
                return None
            row.state, row.claimed_by, row.claimed_at = CLAIMED, worker[:200], now
            return Batch(run.id, row.batch, row.first_client, row.last_client, row.clients)

    def pending(self, run: Run, batch: Batch) -> list[Pending]:
        """The batch's clients (latest assessment in the snapshot) that have no result yet."""
        with self._tx(read=True) as s:
            done = {
                (cid, uid)
                for cid, uid in s.execute(
                    select(ImpactResultRow.client_id, ImpactResultRow.assessment_uid).where(
                        ImpactResultRow.pair == run.pair,
                        ImpactResultRow.client_id.between(batch.first_client, batch.last_client),
                    )
                )
            }
            latest = _latest(run.snapshot, batch.first_client, batch.last_client)
            rows = s.execute(
                select(latest.c.client_id, ClientRow.name, latest.c.uid, latest.c.intake)
                .join(ClientRow, ClientRow.id == latest.c.client_id)
                .where(latest.c.rn == 1)
                .order_by(latest.c.client_id)
            )
            return [(c, n, u, i) for c, n, u, i in rows if (c, u) not in done]

    def finish(
        self,
        run: Run,
        batch: Batch,
        results: list[tuple[int, str, str, dict[str, Any] | None]],
    ) -> None:
        """Store a batch's results (client, assessment, outcome, JSON) and mark it done."""
        now = _now()
        with self._tx() as s:
            if results:
                s.execute(
                    self._insert(ImpactResultRow.__table__)
                    .values(
                        [
                            {
                                "client_id": cid,
                                "assessment_uid": uid,
                                "pair": run.pair,
                                "outcome": outcome,
                                "result": result,
                                "created_at": now,
                            }
                            for cid, uid, outcome, result in results
                        ]
                    )
                    .on_conflict_do_nothing()
                )
            row = s.get(ImpactBatchRow, (run.id, batch.batch))
            if row is not None:
                row.state, row.done_at = DONE, now

    def progress(self, run: Run) -> Progress:
        with self._tx(read=True) as s:
            rows = s.execute(
                select(ImpactBatchRow.state, func.count(), func.sum(ImpactBatchRow.clients))
                .where(ImpactBatchRow.run_id == run.id)
                .group_by(ImpactBatchRow.state)
            ).all()
        count = {state: (n, int(c or 0)) for state, n, c in rows}
        return Progress(
            batches=run.batches,
            done=count.get(DONE, (0, 0))[0],
            claimed=count.get(CLAIMED, (0, 0))[0],
            clients=run.clients,
            clients_done=count.get(DONE, (0, 0))[1],
        )

    def results(self, run: Run) -> Iterator[Stored]:
        """Every client of the run with its stored result (clients without one are left out)."""
        with self._tx(read=True) as s:
            latest = _latest(run.snapshot, intake=False)
            q = (
                select(
                    latest.c.client_id,
                    ClientRow.name,
                    ImpactResultRow.outcome,
                    ImpactResultRow.result,
                )
                .join(ClientRow, ClientRow.id == latest.c.client_id)
                .join(
                    ImpactResultRow,
                    and_(
                        ImpactResultRow.client_id == latest.c.client_id,
                        ImpactResultRow.assessment_uid == latest.c.uid,
                        ImpactResultRow.pair == run.pair,
                    ),
                )
                .where(latest.c.rn == 1)
                .order_by(latest.c.client_id)
            )
            for row in s.execute(q.execution_options(yield_per=1000)):
                yield row[0], row[1], row[2], row[3]


def _latest(
    snapshot: int, first: int | None = None, last: int | None = None, *, intake: bool = True
) -> Any:
    """Each client's latest assessment up to the snapshot (rn = 1), as a subquery."""
    rn = (
        func.row_number()
        .over(
            partition_by=AssessmentRow.client_id,
            order_by=(AssessmentRow.created_at.desc(), AssessmentRow.id.desc()),
        )
        .label("rn")
    )
    columns: list[Any] = [
        AssessmentRow.client_id.label("client_id"),
        AssessmentRow.uid.label("uid"),
    ]
    if intake:
        columns.append(AssessmentRow.intake.label("intake"))
    q = select(*columns, rn).where(AssessmentRow.id <= snapshot)
    if first is not None and last is not None:
        q = q.where(AssessmentRow.client_id.between(first, last))
    return q.subquery()
