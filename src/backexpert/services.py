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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import documents, shipped
from .assessment import RuleBase, assess, rule_base
from .assessment.prescription import Prescription
from .clinical.catalogue import Catalogue
from .clinical.intake import Intake
from .errors import InputError, IntakeError, Problem, StoreError
from .present.prescription_view import Kind, PrescriptionView

if TYPE_CHECKING:
    from .progression.logbook import SessionLog
    from .progression.report import ProgressReport
    from .store import ClientRecord, Store

# --- assessing -----------------------------------------------------------------------------


def load_intake(path: str) -> Intake:
    """Read and validate an intake file (YAML or JSON; '-' is standard input)."""
    return documents.validate(Intake, documents.read(path), IntakeError)


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

    return html.render_html(PrescriptionView(prescription, kind, day, clinician, trace=trace))


def render_documents(
    prescription: Prescription, wanted: Documents, clinician: str | None = None
) -> list[tuple[Path, str | bytes]]:
    """Every document asked for, rendered: (path, content) pairs ready to write."""
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
    from .present import html

    written = []
    for path, content in rendered:
        html.write(path, content)
        written.append(path)
    return written


@dataclass(frozen=True)
class Assessed:
    """An assessment's outcome: the prescription, its rendered documents, where it was saved."""

    intake: Intake
    prescription: Prescription
    documents: list[tuple[Path, str | bytes]]
    saved_as: int | None


def assess_and_save(
    intake: Intake,
    *,
    rules_dir: str | None = None,
    db: Store | None = None,
    client_id: int | None = None,
    wanted: Documents | None = None,
) -> Assessed:
    """Assess an intake, render the documents asked for, and save it with a client.

    Every document is rendered before anything is stored, so a failure leaves nothing half done.
    """
    result = assess(intake, rule_base(rules_dir))
    rendered = (
        render_documents(result, wanted, intake.assessment.clinician) if wanted is not None else []
    )
    saved = None
    if db is not None and client_id is not None:
        saved = db.add_assessment(client_id, intake, result)
    return Assessed(intake, result, rendered, saved)


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
def open_store(database: str | None = None) -> Iterator[Store]:
    """The database named by the argument or the environment, closed afterwards."""
    from .store import Store

    db = Store.open(database)
    try:
        yield db
    finally:
        db.close()


def log_session(
    db: Store | str | None, client_id: int, log: SessionLog, rules_dir: str | None = None
) -> int:
    """Store one session, its exercises checked against the catalogue.

    `db` is an open store, or a database URL to open (None: the default database). When the
    database fails, even to open, what the user entered is kept in a file, and the error says
    how to log it again.
    """
    from .store import Store

    check_session(log, rules_dir)
    try:
        if isinstance(db, Store):
            return db.add_session(client_id, log)
        with open_store(db) as opened:
            return opened.add_session(client_id, log)
    except StoreError as exc:
        kept = keep_unsaved(client_id, log)
        if kept is None:
            raise
        raise StoreError(
            f"{exc}\nyour session is kept in {kept}: log it again with "
            f"backexpert log {client_id} --file {kept}"
        ) from exc


def check_session(log: SessionLog, rules_dir: str | None = None, source: str = "session") -> None:
    """Every exercise of a session must be in the catalogue (the one check of logged exercises)."""
    from .progression.logbook import check_exercises

    check_exercises(log, catalogue(rules_dir), source)


def keep_unsaved(client_id: int, log: SessionLog) -> Path | None:
    """A session that could not be stored, kept in a file under the user data directory."""
    from .store.database import default_path

    folder = default_path().parent / "unsaved"
    path = folder / f"client-{client_id}-{dt.datetime.now():%Y%m%dT%H%M%S%f}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(log.model_dump_json(indent=2, exclude_none=True) + "\n", encoding="utf-8")
    except OSError:
        return None
    return path


def load_session(path: str, rules_dir: str | None = None) -> SessionLog:
    """Read and validate a session log file, its exercises checked against the catalogue."""
    from .progression.logbook import SessionLog, check_exercises

    doc = documents.read(path)
    log = documents.validate(SessionLog, doc)
    check_exercises(log, catalogue(rules_dir), doc.source, doc)
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

    session: dict[str, Any] = {"date": date or dt.date.today().isoformat(), "exercises": [entry]}
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
    from .progression.recommendation import Plan
    from .progression.report import AssessmentRef, ClientRef

    client = db.client(client_id)
    latest = db.latest_assessment(client_id)
    result = progression.evaluate(
        db.sessions(client_id),
        plan=Plan.of(latest.prescription if latest else None),
        client_increment_kg=client.load_increment_kg,
        rules=progression.rule_base(rules_dir),
    )
    return progression.report(
        result,
        ClientRef(id=client.id, name=client.name, born=client.born),
        AssessmentRef(created_at=latest.created_at, rulebook=latest.rulebook) if latest else None,
        progression.rule_base(rules_dir).rulebook,
        shipped.VERSION,
    )


def read_record(path: str, rules_dir: str | None = None) -> ClientRecord:
    """Read and validate an exported client record; its logged exercises must be known."""
    from .progression.logbook import check_exercises
    from .store import ClientRecord

    doc = documents.read(path)
    record = documents.validate(ClientRecord, doc)
    check_exercises(record.sessions, catalogue(rules_dir), doc.source, doc)
    return record


# --- the rule base -------------------------------------------------------------------------


@dataclass
class RulesCheck:
    """What `rules check` found: each rulebook's version, size and where it is."""

    lines: list[str] = field(default_factory=list)


def check_rules(rules_dir: str | None = None) -> RulesCheck:
    """Compile the assessment and progression rulebooks and prove the engine accepts them."""
    from .progression import evaluate as progression

    base = rule_base(rules_dir)
    rb = base.rulebook
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


SchemaName = Literal["intake", "prescription"]


def schema(name: SchemaName) -> dict[str, Any]:
    """The JSON Schema of a public document."""
    model = Intake if name == "intake" else Prescription
    return model.model_json_schema()
