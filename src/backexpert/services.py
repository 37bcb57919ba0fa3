"""The use-cases: what a physiotherapist, a client or an integrating system asks BackExpert to do.

Assess an intake (and save it with a client), render its documents, log a session (from a file
or from fields typed in), follow a client's progress, export and import a client's record, and
check the rule base. The command line and the web app are thin shells over these functions:
they parse what the user typed, call one of them, and show the result. The store is imported
only by the use-cases that need it, so an assessment starts fast.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import documents, shipped
from .assessment import RuleBase, assess, rule_base
from .assessment.edits import Adjustments
from .assessment.prescription import Prescription
from .clinical.catalogue import Catalogue
from .clinical.intake import Intake
from .errors import InputError, IntakeError, Problem, StoreError

if TYPE_CHECKING:
    from .explain.impact import ClientResult, RuleSource
    from .explain.models import (
        ImpactReport,
        PrescriptionDiff,
        WhatIfAnswer,
        WhatIfOption,
        WhyNotAnswer,
    )
    from .present.prescription_view import Kind
    from .progression.logbook import SessionLog
    from .progression.report import ProgressReport
    from .store import ClientRecord, Store
    from .store.store import Stored

# How far ahead of today a session may be dated: a session logged just after midnight, or from
# a time zone ahead of this machine's, is dated tomorrow; anything later is a typo (a session
# dated 2062 would hide the recommendations of every session before it).
SESSION_DAYS_AHEAD = 1
# The largest client record `import` reads: an export of 3,000 sessions is about 5 MB, and the
# parsing layer allows 10,000 entries in one list (so 10,000 sessions, about 30 MB).
MAX_RECORD_BYTES = 32 * 1024 * 1024

# --- assessing -----------------------------------------------------------------------------


def load_intake(path: str, rules_dir: str | None = None) -> Intake:
    """Read, validate and check (`check_intake`) an intake file (YAML or JSON; '-' is stdin)."""
    doc = documents.read(path)
    intake = documents.validate(Intake, doc, IntakeError)
    check_intake(intake, rules_dir, doc.source, doc)
    return intake


def intake_problems(
    intake: Intake,
    rules_dir: str | None = None,
    doc: documents.Document | None = None,
    today: dt.date | None = None,
) -> list[Problem]:
    """What a valid new intake may still not say, each problem at its field path."""
    # Never for a stored intake: it is kept as given, and reassessed (progress, impact) as is.
    problems = []
    latest = (today or dt.date.today()) + dt.timedelta(days=SESSION_DAYS_AHEAD)
    on = intake.assessment.date
    if on is not None and on > latest:  # a typo for another year; it decides a clearance
        path = ["assessment", "date"]
        message = f"{on} is in the future: an assessment is dated at most {latest}"
        problems.append(Problem("assessment.date", message, doc.line_of(path) if doc else None))
    if intake.training.current_loads:  # an unknown exercise's load would be silently unused
        from .clinical.intake import catalogue_problems

        problems += catalogue_problems(intake, rule_base(rules_dir).catalogue, doc)
    return problems


def check_intake(
    intake: Intake,
    rules_dir: str | None = None,
    source: str = "intake",
    doc: documents.Document | None = None,
) -> None:
    """IntakeError with `intake_problems`: every shell's new intake passes here."""
    problems = intake_problems(intake, rules_dir, doc)
    if problems:
        raise IntakeError(source, problems)


# An adjustments document holds at most 100 edits of a few lines each: 256 kB is generous.
MAX_ADJUSTMENTS_BYTES = 256 * 1024


def load_adjustments(path: str) -> Adjustments:
    """Read and validate a clinician's adjustments file (YAML or JSON)."""
    return documents.validate(Adjustments, documents.read(path, max_bytes=MAX_ADJUSTMENTS_BYTES))


def adjust(
    intake: Intake,
    generated: Prescription,
    adjustments: Adjustments,
    rules_dir: str | None = None,
    source: str = "adjustments",
) -> Prescription:
    """The generated prescription with the clinician's edits, checked by the safety monitor.

    Bad edits (an exercise not in the catalogue, an item not in the program) raise InputError
    naming the field; an edit that breaks a safety invariant raises EditRefusedError unless it
    carries an override that may lift it (docs/adjustments.md).
    """
    from .assessment import adjustments as applying

    return applying.apply(generated, adjustments, intake, catalogue(rules_dir), source)


@dataclass(frozen=True)
class Adjusted:
    """The answer to a set of edits: the result, or why it was refused (nothing applied).

    `prescription` is the result when the edits were accepted, else the generated program;
    `problems` are bad input (field paths), `refused` the safety check's refusals.
    """

    generated: Prescription
    prescription: Prescription
    adjustments: Adjustments | None
    problems: list[Problem] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not (self.problems or self.refused)


def try_adjustments(
    intake: Intake, data: Any, rules_dir: str | None = None, source: str = "adjustments"
) -> Adjusted:
    """Validate an adjustments document given as data and apply it; never raises for bad edits.

    For shells that show the safety check's answer beside the edit (the web's "Edit and sign").
    """
    from .errors import EditRefusedError

    check_intake(intake, rules_dir)
    generated = assess(intake, rule_base(rules_dir))
    try:
        doc = documents.validate(Adjustments, documents.Document(source, data, None))
        return Adjusted(generated, adjust(intake, generated, doc, rules_dir, source), doc)
    except EditRefusedError as exc:
        return Adjusted(generated, generated, None, refused=list(exc.violations))
    except InputError as exc:
        return Adjusted(generated, generated, None, problems=list(exc.problems))


def swap_choices(intake: Intake, rules_dir: str | None = None) -> list[tuple[str, str]]:
    """Catalogue exercises the client has the equipment for: (id, name), by pattern and name."""
    have = set(intake.training.equipment)
    usable = [e for e in catalogue(rules_dir) if set(e.equipment) <= have]
    return [(e.id, e.name) for e in sorted(usable, key=lambda e: (e.pattern.value, e.name))]


@dataclass(frozen=True)
class Documents:
    """The documents asked for: a clinician report (HTML, PDF) and a handout (HTML or PDF)."""

    html: Path | None = None
    pdf: Path | None = None
    handout: Path | None = None
    clinician: str | None = None
    day: dt.date | None = None
    trace: bool = True  # the clinician report's appendix: rule texts, fact base, trace

    def wanted(self) -> bool:
        return any(x is not None for x in (self.html, self.pdf, self.handout))


def render(
    prescription: Prescription,
    kind: Kind,
    day: dt.date | None,
    clinician: str | None,
    trace: bool = True,
) -> str:
    """One document of a prescription as HTML: the clinician report or the client handout."""
    from .present import html
    from .present.prescription_view import PrescriptionView

    return html.render_html(PrescriptionView(prescription, kind, day, clinician, trace=trace))


def render_documents(
    prescription: Prescription, wanted: Documents, clinician: str | None = None
) -> list[tuple[Path, str | bytes]]:
    """Every document asked for, rendered: (path, content) pairs ready to write."""
    if not wanted.wanted():
        return []  # before importing the renderer: a JSON-only assessment never loads Jinja
    from .present import html

    who = wanted.clinician or clinician
    out: list[tuple[Path, str | bytes]] = []
    if wanted.html or wanted.pdf:
        clinician_html = render(prescription, "clinician", wanted.day, who, wanted.trace)
        if wanted.html:
            out.append((wanted.html, clinician_html))
        if wanted.pdf:
            out.append((wanted.pdf, html.render_pdf(clinician_html)))
    if wanted.handout:
        handout_html = render(prescription, "handout", wanted.day, who)
        is_pdf = wanted.handout.suffix.lower() == ".pdf"
        out.append((wanted.handout, html.render_pdf(handout_html) if is_pdf else handout_html))
    return out


def write_documents(rendered: Iterable[tuple[Path, str | bytes]]) -> list[Path]:
    """Write rendered documents atomically; the paths written."""
    pending = list(rendered)
    if not pending:
        return []  # before importing the renderer: a JSON-only assessment never loads Jinja
    from .present import html

    for path, content in pending:
        html.write(path, content)
    return [path for path, _ in pending]


@dataclass(frozen=True)
class Assessed:
    """An assessment's outcome: the prescription, its documents, where it was saved.

    `saved_as` is the assessment's id when it was saved (or found already saved: then
    `already_saved`); `written` lists the documents written when `write` was asked for.
    """

    intake: Intake
    prescription: Prescription
    documents: list[tuple[Path, str | bytes]]
    saved_as: int | None
    already_saved: bool = False
    written: list[Path] = field(default_factory=list)
    generated: Prescription | None = None  # the program as the rules made it, when adjusted


def assess_and_save(
    intake: Intake,
    *,
    rules_dir: str | None = None,
    db: Store | None = None,
    client_id: int | None = None,
    wanted: Documents | None = None,
    database: str | None = None,
    write: bool = False,
    adjustments: Adjustments | None = None,
    adjustments_source: str = "adjustments",
) -> Assessed:
    """Assess an intake, render (and `write`) the documents asked for, and save it with a client.

    With `adjustments`, the clinician's edits are applied to the generated program and checked
    (`adjust`); the result is what is rendered and saved, with the generated program and the
    adjustments beside it.

    The client is checked before anything is assessed; every document is rendered, and written
    (each atomically), before anything is stored, so a document that cannot be written leaves
    nothing saved; the save comes last and is idempotent (the same intake and prescription are
    stored once per client), so a retry never saves a second copy. Saving with `client_id` uses
    `db`, or opens `database` (None: the default one). When the database fails, the intake is
    kept in a file and the error says how to save it again.
    """
    edits = (adjustments, adjustments_source)
    if client_id is None:
        generated, result = _assessed(intake, rules_dir, edits)
        rendered = _rendered(result, wanted, intake)
        return Assessed(
            intake,
            result,
            rendered,
            None,
            written=_written(rendered, write),
            generated=generated if adjustments is not None else None,
        )
    try:
        if db is not None:
            return _assess_with(db, intake, client_id, rules_dir, wanted, write, edits)
        with open_store(database) as opened:
            return _assess_with(opened, intake, client_id, rules_dir, wanted, write, edits)
    except StoreError as exc:
        kept = keep_unsaved_intake(client_id, intake)
        if kept is None:
            raise
        raise StoreError(
            f"{exc}\nthe intake is kept in {kept}: save it again with "
            f"backexpert assess {kept} --client {client_id} --save"
        ) from exc


def _assess_with(
    db: Store,
    intake: Intake,
    client_id: int,
    rules_dir: str | None,
    wanted: Documents | None,
    write: bool,
    edits: tuple[Adjustments | None, str] = (None, "adjustments"),
) -> Assessed:
    db.client(client_id)  # an unknown client fails before anything is assessed
    generated, result = _assessed(intake, rules_dir, edits)
    rendered = _rendered(result, wanted, intake)
    written = _written(rendered, write)
    adjusted = edits[0] is not None
    saved = db.save_assessment(
        client_id,
        intake,
        result,
        generated=generated if adjusted else None,
        adjustments=edits[0],
    )
    return Assessed(
        intake,
        result,
        rendered,
        saved.id,
        not saved.created,
        written,
        generated=generated if adjusted else None,
    )


def _assessed(
    intake: Intake, rules_dir: str | None, edits: tuple[Adjustments | None, str]
) -> tuple[Prescription, Prescription]:
    """The generated prescription, and the result (the same, or with the edits applied)."""
    check_intake(intake, rules_dir)
    generated = assess(intake, rule_base(rules_dir))
    adjustments, source = edits
    if adjustments is None:
        return generated, generated
    return generated, adjust(intake, generated, adjustments, rules_dir, source)


def _rendered(
    result: Prescription, wanted: Documents | None, intake: Intake
) -> list[tuple[Path, str | bytes]]:
    if wanted is None:
        return []
    return render_documents(result, wanted, intake.assessment.clinician)


def _written(rendered: list[tuple[Path, str | bytes]], write: bool) -> list[Path]:
    return write_documents(rendered) if write else []


def stored_prescription(db: Store, client_id: int, index: int = -1) -> Prescription:
    """A client's stored prescription (the latest by default), as it was saved."""
    found = db.assessments(client_id)
    if not found:
        raise InputError(
            f"client {client_id}", [Problem("assessments", "this client has no saved assessment")]
        )
    try:
        return found[index].prescription
    except IndexError:
        raise InputError(
            f"client {client_id}",
            [Problem("assessment", f"no assessment {index} (the client has {len(found)})")],
        ) from None


def catalogue(rules_dir: str | None = None) -> Catalogue:
    """The exercise catalogue of a rule directory (the shipped one by default)."""
    return _catalogue(None if rules_dir is None else str(rules_dir))


@lru_cache(maxsize=4)
def _catalogue(rules_dir: str | None) -> Catalogue:
    from .clinical import catalogue as catalogue_mod

    root = Path(rules_dir) if rules_dir is not None else shipped.rules_directory()
    return catalogue_mod.load(root / shipped.CATALOGUE_FILE)


# --- the store -----------------------------------------------------------------------------


@contextmanager
def open_store(database: str | None = None, *, write: bool = True) -> Iterator[Store]:
    """The database named by the argument or the environment, closed afterwards.

    `write=False` for the use-cases that only read: a database the user cannot write is then
    opened read-only instead of refused.
    """
    from .store import Store

    db = Store.open(database, write=write)
    try:
        yield db
    finally:
        db.close()


def add_client(
    db: Store | str | None,
    name: str,
    born: dt.date | None = None,
    load_increment_kg: float | None = None,
    today: dt.date | None = None,
) -> int:
    """Store a new client; InputError names each field that does not validate.

    Everything is checked before the database is opened: `db` is an open store, or a database
    URL to open (None: the default database).
    """
    from .store import Store
    from .store.records import ClientData, now

    data = {"uid": "new", "name": name, "born": born, "load_increment_kg": load_increment_kg}
    client = documents.validate(
        ClientData, documents.Document("client", {**data, "created_at": now()}, None)
    )
    if client.born is not None and client.born > (today or dt.date.today()):
        raise InputError("client", [Problem("born", f"{client.born} is after today")])
    if isinstance(db, Store):
        return db.add_client(client.name, client.born, client.load_increment_kg)
    with open_store(db) as opened:
        return opened.add_client(client.name, client.born, client.load_increment_kg)


def session_key(log: SessionLog, idempotency_key: str | None = None) -> str:
    """The idempotency key of a session: the caller's key, or a hash of the session as typed.

    Both are SHA-256 hex digests, kept apart by a prefix, so a key a caller chose never equals
    the hash of some session's content.
    """
    from .store.records import fingerprint

    if idempotency_key is not None:
        return fingerprint({"key": idempotency_key})
    return fingerprint({"session": log.model_dump(mode="json", exclude_none=True)})


def log_session(
    db: Store | str | None,
    client_id: int,
    log: SessionLog,
    rules_dir: str | None = None,
    *,
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Stored:
    """Store one session (once), its exercises and date checked; the id and whether it is new.

    `db` is an open store, or a database URL to open (None: the default database). The same
    session logged again for the same client (a retry after a crash between the commit and the
    reply) is found, not stored twice (`Stored.created` is False); `idempotency_key` replaces
    the content hash when the caller has its own key. When the database fails, even to open,
    what the user entered is kept in a file, and the error says how to log it again.
    """
    from .store import Store

    check_session(log, rules_dir, today=today)
    key = session_key(log, idempotency_key)
    try:
        if isinstance(db, Store):
            return db.save_session(client_id, log, key)
        with open_store(db) as opened:
            return opened.save_session(client_id, log, key)
    except StoreError as exc:
        kept = keep_unsaved(client_id, log)
        if kept is None:
            raise
        raise StoreError(
            f"{exc}\nyour session is kept in {kept}: log it again with "
            f"backexpert log {client_id} --file {kept}"
        ) from exc


def check_session(
    log: SessionLog,
    rules_dir: str | None = None,
    source: str = "session",
    today: dt.date | None = None,
) -> None:
    """A session that may be stored: every exercise in the catalogue, a date not in the future.

    A session may be dated at most `SESSION_DAYS_AHEAD` day after today (see its comment).
    """
    from .progression.logbook import check_exercises

    check_exercises(log, catalogue(rules_dir), source)
    check_session_dates([log], source, today)


def check_session_dates(
    logs: Sequence[SessionLog],
    source: str,
    today: dt.date | None = None,
    prefix: str | None = None,
) -> None:
    """No session dated more than `SESSION_DAYS_AHEAD` day after today; each one named."""
    latest = (today or dt.date.today()) + dt.timedelta(days=SESSION_DAYS_AHEAD)
    problems = [
        Problem(
            f"{prefix}[{i}].date" if prefix else "date",
            f"{log.date} is in the future: a session is dated at most {latest}",
        )
        for i, log in enumerate(logs)
        if log.date > latest
    ]
    if problems:
        raise InputError(source, problems[:10])


def _keep(name: str, text: str) -> Path | None:
    from .store.database import default_path

    folder = default_path().parent / "unsaved"
    path = folder / f"{name}-{dt.datetime.now():%Y%m%dT%H%M%S%f}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path


def keep_unsaved(client_id: int, log: SessionLog) -> Path | None:
    """A session that could not be stored, kept in a file under the user data directory."""
    return _keep(f"client-{client_id}", log.model_dump_json(indent=2, exclude_none=True) + "\n")


def keep_unsaved_intake(client_id: int, intake: Intake) -> Path | None:
    """An intake whose assessment could not be saved, kept beside the unsaved sessions."""
    text = intake.model_dump_json(indent=2, exclude_none=True) + "\n"
    return _keep(f"client-{client_id}-intake", text)


def load_session(path: str, rules_dir: str | None = None) -> SessionLog:
    """Read and validate a session log file, its exercises checked against the catalogue."""
    from .progression.logbook import SessionLog, check_exercises

    doc = documents.read(path)
    log = documents.validate(SessionLog, doc)
    check_exercises(log, catalogue(rules_dir), doc.source, doc)
    check_session_dates([log], doc.source)
    return log


def session_from_fields(
    date: str | None,
    time: str | None,
    notes: str | None,
    entry: dict[str, Any],
    sets: Sequence[str],
    source: str = "command line",
) -> SessionLog:
    """One exercise of a session from typed-in fields and set tokens (`5x60kg@7`).

    Problems name the field paths of the session log (`exercises[0].sets[1].rpe`); a problem
    with a set token is at `sets#N` (the N-th token given).
    """
    from .progression.logbook import SessionLog, parse_set

    # An empty --date is refused like any other bad date: only a missing one means today.
    day = dt.date.today().isoformat() if date is None else date
    session: dict[str, Any] = {"date": day, "exercises": [entry]}
    if time is not None:
        session["time"] = time
    if notes is not None:
        session["notes"] = notes
    entry["sets"], problems = [], []
    for i, token in enumerate(sets):
        try:
            entry["sets"] += parse_set(token)
        except ValueError as exc:
            problems.append(Problem(f"sets#{i + 1}", str(exc)))
    if problems:
        raise InputError(source, problems)
    return documents.validate(SessionLog, documents.Document(source, session, None))


def progress_for_client(db: Store, client_id: int, rules_dir: str | None = None) -> ProgressReport:
    """A stored client's logs evaluated against their latest assessment's plan."""
    from .progression import evaluate as progression
    from .progression.plan import Plan
    from .progression.report import AssessmentRef, ClientRef
    from .safety import progress as second_opinion

    client = db.client(client_id)
    latest = db.latest_assessment(client_id)
    sessions = db.sessions(client_id)
    plan = Plan()
    if latest is not None:
        # The signed plan, held to what today's rules give the same intake as well.
        current = assess(latest.intake, rule_base(rules_dir))
        plan = Plan.of(latest.prescription).with_current(Plan.of(current))
    result = progression.evaluate(
        sessions,
        plan=plan,
        client_increment_kg=client.load_increment_kg,
        rules=progression.rule_base(rules_dir),
    )
    report = progression.report(
        result,
        ClientRef(id=client.id, name=client.name, born=client.born),
        AssessmentRef(created_at=latest.created_at, rulebook=latest.rulebook) if latest else None,
        progression.rule_base(rules_dir).rulebook,
        shipped.VERSION,
    )
    # Never trust the progression rules: the monitor rechecks from the logs and the intake.
    second_opinion.check(report, sessions, latest.intake if latest else None)
    return report


def read_record(
    path: str, rules_dir: str | None = None, today: dt.date | None = None
) -> ClientRecord:
    """Read and validate an exported client record; its logged exercises must be known.

    A record may be up to `MAX_RECORD_BYTES` (the parsing layer's default is for intakes and
    logs); its sessions may not be dated in the future, nor its client born after today.
    """
    from .progression.logbook import check_exercises
    from .store import ClientRecord

    doc = documents.read(path, max_bytes=MAX_RECORD_BYTES)
    record = documents.validate(ClientRecord, doc)
    check_exercises(record.sessions, catalogue(rules_dir), doc.source, doc)
    check_record_dates(record, doc.source, today)
    return record


def check_record_dates(record: ClientRecord, source: str, today: dt.date | None = None) -> None:
    """An imported record from the past: sessions not in the future, nothing created later."""
    day = today or dt.date.today()
    check_session_dates(record.sessions, source, day, prefix="sessions")
    problems = []
    if record.client.born is not None and record.client.born > day:
        problems.append(Problem("client.born", f"{record.client.born} is after today"))
    latest = dt.datetime.combine(day, dt.time.max, dt.UTC) + dt.timedelta(days=1)
    stamped = [("client", record.client.created_at)]
    stamped += [(f"assessments[{i}]", a.created_at) for i, a in enumerate(record.assessments)]
    stamped += [(f"sessions[{i}]", x.created_at) for i, x in enumerate(record.sessions)]
    for where, at in stamped:
        if at > latest:
            problems.append(Problem(f"{where}.created_at", f"{at.isoformat()} is in the future"))
    if problems:
        raise InputError(source, problems[:10])


def import_record(db: Store | str | None, record: ClientRecord) -> int:
    """Store an imported record as a new client; its id."""
    from .store import Store

    if isinstance(db, Store):
        return db.import_record(record)
    with open_store(db) as opened:
        return opened.import_record(record)


# --- the rule base -------------------------------------------------------------------------


@dataclass
class RulesCheck:
    """What `rules check` found: each rulebook's version, size and where it is."""

    lines: list[str] = field(default_factory=list)


def check_rules(rules_dir: str | None = None) -> RulesCheck:
    """Compile the assessment and progression rulebooks and prove the engine accepts them."""
    from . import safety
    from .errors import RuleSetError
    from .progression import evaluate as progression

    base = rule_base(rules_dir)
    rb = base.rulebook
    disagree = safety.disagreements(base.catalogue)
    if disagree:
        cat_file = Path(rb.directory) / shipped.CATALOGUE_FILE
        raise RuleSetError([f"{cat_file}: {d}" for d in disagree])
    actions = Counter(c.kind for r in rb for c in r.conclusions)  # type: ignore[attr-defined]
    files = sorted({r.file for r in rb})
    out = RulesCheck()
    out.lines += [
        f"rule base {rb.version}: OK",
        f"  {len(rb)} rules in {len(files)} files ({rb.directory})",
        f"  {len(base.catalogue.exercises)} exercises in the catalogue",
        f"  {len(rb.facts_used())} facts tested; conclusions: "
        + ", ".join(f"{k} {n}" for k, n in sorted(actions.items())),
    ]
    if (Path(rb.directory) / shipped.PROGRESSION_DIR).is_dir():
        pb = progression.rule_base(rules_dir).rulebook
        out.lines += [
            f"progression rules {pb.version}: OK",
            f"  {len(pb)} rules, {len(pb.facts_used())} facts tested ({pb.directory})",
        ]
    return out


def rule_coverage(case_files: Iterable[Path], rules: RuleBase) -> dict[str, list[str]]:
    """Rule id → the case files in which it fired (every rule of the rulebook is a key)."""
    fired: dict[str, list[str]] = {r.id: [] for r in rules.rulebook}
    for path in sorted(case_files):
        doc = documents.read(path)
        if not isinstance(doc.data, dict) or "intake" not in doc.data:
            raise InputError(str(path), [Problem("intake", "a case needs an intake")])
        sub = documents.Document(doc.source, doc.data["intake"], None)
        intake = documents.validate(Intake, sub, IntakeError)
        for f in assess(intake, rules).trace:
            if path.name not in fired[f.rule]:
                fired[f.rule].append(path.name)
    return fired


SchemaName = Literal["intake", "prescription", "adjustments"]
SCHEMAS: dict[str, type[Intake | Prescription | Adjustments]] = {
    "intake": Intake,
    "prescription": Prescription,
    "adjustments": Adjustments,
}


def schema(name: SchemaName) -> dict[str, Any]:
    """The JSON Schema of a public document."""
    return SCHEMAS[name].model_json_schema()


# --- explanations: why not, what if, impact ---------------------------------------------------
# Every answer is a pydantic model (JSON-serialisable as is), so the web app shows what the
# command line shows. See docs/explain.md and docs/impact.md.


def why_not(
    intake: Intake, target: str, rules_dir: str | None = None, *, search: bool = True
) -> WhyNotAnswer:
    """Why an exercise or movement pattern is not prescribed (or capped), and what would put it
    in: blocking rules with the facts they matched, and verified smallest changes."""
    from .explain import whynot

    return whynot.why_not(intake, target, rule_base(rules_dir), search=search)


def why_not_everything(intake: Intake, rules_dir: str | None = None) -> list[WhyNotAnswer]:
    """The status and one-line reason of every catalogue exercise and movement pattern, for a
    page that puts "why not?" beside each (no search: ask `why_not` for the changes)."""
    from .clinical.words import Pattern
    from .explain import whynot

    base = rule_base(rules_dir)
    targets = [e.id for e in base.catalogue] + [p.value for p in Pattern]
    return list(whynot.why_not_many(intake, targets, base, search=False))


def what_if(intake: Intake, changes: Sequence[str], rules_dir: str | None = None) -> WhatIfAnswer:
    """The intake re-assessed with the changes (what-if syntax), compared with the original.

    Bad changes raise InputError with the intake's own field paths
    (`pain.nprs_now: must be <= 10 (got 11)`).
    """
    from .explain import whatif

    return whatif.what_if(intake, changes, rule_base(rules_dir))


def what_if_options(intake: Intake) -> list[WhatIfOption]:
    """The what-if toggles for findings, conditions, goals, equipment and pain now."""
    from .explain import whatif

    return whatif.options(intake)


def compare(
    previous: Prescription, new: Prescription, rules_dir: str | None = None
) -> PrescriptionDiff:
    """What changed between two stored prescriptions, and why: read from the documents alone
    (each carries its own trace, rules and facts); the catalogue only sharpens which changed
    rules touch an exercise."""
    from .explain import diff

    return diff.compare(previous, new, catalogue(rules_dir))


def compare_assessments(
    db: Store, client_id: int, previous: int = -2, new: int = -1
) -> PrescriptionDiff:
    """A client's assessment compared with an earlier one (by default: the latest two)."""
    before = stored_prescription(db, client_id, previous)
    return compare(before, stored_prescription(db, client_id, new))


def _load_reference(source: RuleSource) -> RuleBase:
    """The reference rule base; rules from a git ref that no longer compile say so plainly."""
    from .errors import RuleSetError

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
    from .explain.impact import RuleSource

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

    from .explain import impact
    from .explain.impact import ClientResult
    from .explain.models import ClientChange
    from .store.impact import Batch, ImpactRuns

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
