"""Reports: a prescription rendered as an explained clinician report or a client handout.

One Jinja2 environment (autoescaped, `StrictUndefined`) renders the templates in
`reports/templates/` from one typed `ReportContext`; WeasyPrint turns that HTML into an A4 PDF.
The clinician report explains every item (rule rationale, the client's facts that triggered it,
the source); the handout says the same program in plain words, without rule ids.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

import jinja2
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict

from . import wording as words
from .errors import ReportError
from .prescription import FlagOut, Item, Prescription, Session
from .rulebook import Rulebook
from .vocabulary import FACTS, WEEK, Day, FactValue, Indicator

Kind = Literal["clinician", "handout"]
TEMPLATE_FILES: dict[Kind, str] = {"clinician": "clinician.html.j2", "handout": "handout.html.j2"}
DAILY_ANCHOR = "daily"
DAILY_TITLE: dict[Kind, str] = {
    "clinician": "Every day — short drills, e.g. before work",
    "handout": "Every day: a few minutes, for example before work",
}


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleNote(View):
    """What the report says about one rule: its rationale, first sentence and source."""

    id: str
    area: str
    file: str
    rationale: str
    summary: str
    source: str


class ExerciseNote(View):
    """What the report says about one catalogue exercise."""

    id: str
    name: str
    purpose: str


class FactNote(View):
    """One fact in plain words, and for a derived fact the facts it was concluded from."""

    name: str
    value: FactValue
    text: str
    derived: bool
    basis: list[str]


class Why(View):
    """One reason for an item: a rule and the client's facts that made it fire."""

    rule: RuleNote
    facts: list[FactNote]


class SessionGroup(View):
    """Sessions with the same content, shown once under all their days."""

    days: list[Day]
    intensity: Literal["intense", "light"]
    items: list[Item]

    @property
    def short_days(self) -> str:
        return ", ".join(d.value.capitalize() for d in self.days)

    @property
    def long_days(self) -> str:
        names = [words.DAY_NAMES[d] for d in self.days]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def anchor(self) -> str:
        return "session-" + "-".join(d.value for d in self.days)

    def title(self, kind: Kind) -> str:
        """`Tue, Fri — intense session` (clinician) or `Tuesday and Friday: strength session`."""
        if kind == "clinician":
            return f"{self.short_days} — {self.intensity} session"
        return f"{self.long_days}: {'strength' if self.intensity == 'intense' else 'light'} session"


class DayCell(View):
    day: Day
    kind: Literal["intense", "light", "rest"]
    x: int


class GapSpan(View):
    """A recovery gap between two intense days, drawn under the week strip."""

    x1: int
    x2: int
    hours: int
    wraps: bool
    to_day: Day


class WeekStrip(View):
    cells: list[DayCell]
    gaps: list[GapSpan]
    cell_width: int
    width: int


class FactGroup(View):
    """Facts that share a first name segment (`equipment.*`), for the appendix."""

    label: str
    buckets: list[tuple[str, list[str]]]
    values: list[str]


class ScoreRow(View):
    """One screening result: the instrument, its score, its band and what that means."""

    instrument: str
    score: str
    band: str
    meaning: str


class DoseChange(View):
    """An exercise prescribed at a lower dose than the catalogue's, across its sessions."""

    name: str
    changes: list[str]
    rules: list[RuleNote]
    sessions: str


class ReportContext(View):
    """Everything a report template may use: the prescription and the rulebook's words for it."""

    kind: Kind
    prescription: Prescription
    report_date: dt.date
    clinician: str | None
    rules: dict[str, RuleNote]
    exercises: dict[str, ExerciseNote]
    facts: dict[str, FactNote]

    @classmethod
    def build(
        cls,
        prescription: Prescription,
        rulebook: Rulebook,
        kind: Kind,
        report_date: dt.date,
        clinician: str | None = None,
    ) -> ReportContext:
        """The context for one report, with the rulebook's words for what the prescription names."""
        p = prescription
        named = {r.id for r in p.rules} | {t.rule for t in p.trace}
        for ids in _rule_refs(p):
            named |= set(ids)
        rules = {
            rid: RuleNote(
                id=rid,
                area=rulebook[rid].area,
                file=rulebook[rid].file,
                rationale=rulebook[rid].rationale,
                summary=rulebook[rid].summary(),
                source=rulebook[rid].source,
            )
            for rid in sorted(named)
            if rid in rulebook
        }
        exercises = {
            e.id: ExerciseNote(id=e.id, name=e.name, purpose=" ".join(e.purpose.split()))
            for e in rulebook.catalogue
        }
        return cls(
            kind=kind,
            prescription=p,
            report_date=report_date,
            clinician=clinician or None,
            rules=rules,
            exercises=exercises,
            facts=_fact_notes(p),
        )

    # -- header and safety --

    @property
    def status_text(self) -> str:
        return words.STATUS_TEXT.get(self.prescription.status, self.prescription.status)

    @property
    def alerts(self) -> list[FlagOut]:
        """Critical and warning flags: they go in the safety box."""
        return [f for f in self.prescription.flags if f.indicator is not Indicator.info]

    @property
    def notes(self) -> list[FlagOut]:
        return [f for f in self.prescription.flags if f.indicator is Indicator.info]

    @property
    def needs_safety_box(self) -> bool:
        p = self.prescription
        return (
            p.referral is not None
            or bool(p.limitations)
            or p.status != "program"
            or bool(self.alerts)
        )

    @property
    def urgency_text(self) -> str:
        r = self.prescription.referral
        return "" if r is None else words.URGENCY_TEXT[r.urgency]

    @property
    def urgency_handout(self) -> str:
        r = self.prescription.referral
        return "" if r is None else words.URGENCY_HANDOUT[r.urgency]

    @property
    def stop_rule(self) -> str:
        return words.STOP_RULE

    @property
    def stop_card(self) -> str:
        return words.STOP_CARD

    # -- explanations --

    def rule(self, rule_id: str) -> RuleNote:
        """A rule's note; a rule the rulebook does not know is shown by its id alone."""
        note = self.rules.get(rule_id)
        if note is None:
            return RuleNote(
                id=rule_id, area="", file="", rationale=rule_id, summary=rule_id, source="-"
            )
        return note

    def why(self, rule_ids: Iterable[str]) -> list[Why]:
        """Each rule with the client's facts it matched (from the trace)."""
        out = []
        for rid in rule_ids:
            # A rule may fire more than once (risk elevated, then high): keep every pair it saw.
            matched = {
                (name, value)
                for t in self.prescription.trace
                if t.rule == rid
                for name, value in t.matched.items()
            }
            facts = [self.fact(name, value) for name, value in sorted(matched, key=str)]
            out.append(Why(rule=self.rule(rid), facts=facts))
        return out

    def fact(self, name: str, value: FactValue) -> FactNote:
        note = self.facts.get(name)
        if note is not None and note.value == value:
            return note
        return FactNote(
            name=name, value=value, text=words.fact_text(name, value), derived=False, basis=[]
        )

    def changes(self, item: Item) -> list[tuple[RuleNote, str]]:
        """An item's dose changes by the rule that made them: `sets 3 → 2, RPE cap 7 → 6`."""
        by_rule: dict[str, list[str]] = {}
        for a in item.adjustments:
            by_rule.setdefault(a.rule, []).append(words.change_text(a.field, a.before, a.after))
        return [(self.rule(r), ", ".join(texts)) for r, texts in by_rule.items()]

    def exercise_name(self, exercise_id: str) -> str:
        note = self.exercises.get(exercise_id)
        return exercise_id if note is None else note.name

    def purpose(self, exercise_id: str) -> str:
        note = self.exercises.get(exercise_id)
        return "" if note is None else note.purpose

    # -- the week and its sessions --

    def session_groups(self, intense_first: bool = False) -> list[SessionGroup]:
        """Sessions with identical content grouped under their days, in week order."""
        groups: dict[str, list[Session]] = {}
        for s in self.prescription.sessions:
            groups.setdefault(s.model_dump_json(exclude={"day"}), []).append(s)
        out = [
            SessionGroup(days=[s.day for s in ss], intensity=ss[0].intensity, items=ss[0].items)
            for ss in groups.values()
        ]
        if intense_first:
            out.sort(key=lambda g: g.intensity != "intense")
        return out

    def first_shown(self, groups: list[SessionGroup]) -> dict[str, tuple[str, str]]:
        """Where each exercise is first shown in full: its id → (anchor, title) of that session."""
        out: dict[str, tuple[str, str]] = {}
        for g in groups:
            for i in g.items:
                out.setdefault(i.exercise, (g.anchor, g.title(self.kind)))
        for i in self.prescription.daily:
            out.setdefault(i.exercise, (DAILY_ANCHOR, DAILY_TITLE[self.kind]))
        return out

    def week(self) -> WeekStrip:
        """The week strip's geometry: a cell a day, and the recovery gaps between intense days."""
        width, cell = 700, 100
        by_day = {s.day: s.intensity for s in self.prescription.sessions}
        cells = [DayCell(day=d, kind=by_day.get(d, "rest"), x=i * cell) for i, d in enumerate(WEEK)]
        intense = [c for c in cells if c.kind == "intense"]
        gaps: list[GapSpan] = []
        if len(intense) > 1:
            for i, c in enumerate(intense):
                nxt = intense[(i + 1) % len(intense)]
                wraps = nxt.x <= c.x
                hours = ((nxt.x - c.x) // cell % 7 or 7) * 24
                # Spans stop short of the day centres so two gaps meeting at a day stay apart.
                x2 = width if wraps else nxt.x + cell // 2 - 3
                gaps.append(
                    GapSpan(x1=c.x + cell // 2 + 3, x2=x2, hours=hours, wraps=wraps, to_day=nxt.day)
                )
        return WeekStrip(cells=cells, gaps=gaps, cell_width=cell, width=width)

    def phases(self, items: list[Item]) -> list[tuple[str, list[Item]]]:
        """Items in runs of the same phase, in order: priming, main, accessory."""
        out: list[tuple[str, list[Item]]] = []
        for i in items:
            if not out or out[-1][0] != i.phase.value:
                out.append((i.phase.value, []))
            out[-1][1].append(i)
        return out

    # -- screening --

    def screening(self) -> list[ScoreRow]:
        """Every questionnaire given, with its band and meaning; pain always."""
        sc = self.prescription.scores
        rows: list[ScoreRow] = []
        pain = sc.pain
        if pain is not None:
            rows.append(_pain_row(pain.nprs_now, pain.nprs_worst_24h, pain.band))
        elif "pain.nprs_now" in self.prescription.facts:
            # Scores not filled in (older composer): the NPRS still stands in the fact base.
            now = int(self.prescription.facts["pain.nprs_now"])
            worst = int(self.prescription.facts.get("pain.nprs_worst_24h", now))
            rows.append(_pain_row(now, worst, words.pain_band(now)))
        sb = sc.start_back
        if sb is not None:
            rows.append(
                ScoreRow(
                    instrument="STarT Back",
                    score=f"{sb.total}/9, distress subscale {sb.distress}/5",
                    band=f"{sb.category} risk",
                    meaning=words.START_BACK_MEANING.get(sb.category, ""),
                )
            )
        odi = sc.odi
        if odi is not None:
            rows.append(
                ScoreRow(
                    instrument="Oswestry Disability Index",
                    score=f"{odi.percent:g}% ({odi.sections_answered} of 10 sections)",
                    band=odi.band.replace("_", "-"),
                    meaning=words.ODI_MEANING.get(odi.band, "")
                    + " A change of 10 points is beyond measurement error.",
                )
            )
        qd = sc.quickdash
        if qd is not None:
            rows.append(
                ScoreRow(
                    instrument="QuickDASH (shoulder)",
                    score=("no score" if qd.score is None else f"{qd.score:g}/100")
                    + f" ({qd.items_answered} of 11 items)",
                    band="—",
                    meaning=qd.note
                    or "0 = no disability of the arm, shoulder and hand; 100 = the most.",
                )
            )
        rm = sc.roland_morris
        if rm is not None:
            rows.append(
                ScoreRow(
                    instrument="Roland-Morris",
                    score=f"{rm.score}/24 statements ticked",
                    band="—",
                    meaning="Higher means more disability; a change of 2-3 points matters. "
                    "Scores below 4 or above 20 sit at the floor or ceiling.",
                )
            )
        parq = sc.parq_plus
        if parq is not None:
            yes = ", ".join(f"Q{n}" for n in parq.yes_answers) or "none"
            until = (
                f"; valid until {parq.clearance_valid_until}" if parq.clearance_valid_until else ""
            )
            rows.append(
                ScoreRow(
                    instrument="PAR-Q+",
                    score=f"YES answers: {yes}{until}",
                    band=parq.outcome.replace("_", " "),
                    meaning=" ".join(
                        x for x in (words.PARQ_MEANING.get(parq.outcome, ""), parq.note) if x
                    ),
                )
            )
        return rows

    # -- what was left out --

    def dose_changes(self) -> list[DoseChange]:
        """Every item given a lower dose than the catalogue's, once per exercise and change."""
        seen: dict[tuple[str, str], tuple[Item, list[str]]] = {}
        labelled = [(g.short_days, g.items) for g in self.session_groups()]
        if self.prescription.daily:
            labelled.append(("daily", self.prescription.daily))
        for days, items in labelled:
            for i in items:
                if not i.adjustments:
                    continue
                key = (i.exercise, repr([a.model_dump() for a in i.adjustments]))
                seen.setdefault(key, (i, []))[1].append(days)
        return [
            DoseChange(
                name=i.name,
                changes=[words.change_text(a.field, a.before, a.after) for a in i.adjustments],
                rules=[self.rule(r) for r in dict.fromkeys(a.rule for a in i.adjustments)],
                sessions=", ".join(days),
            )
            for i, days in seen.values()
        ]

    def fact_groups(self) -> list[FactGroup]:
        """The fact base by first name segment; true/false and red-flag answers bucketed."""
        intake: dict[str, list[FactNote]] = {}
        derived: list[FactNote] = []
        for note in self.facts.values():
            if note.derived:
                derived.append(note)
            else:
                intake.setdefault(note.name.split(".", 1)[0], []).append(note)
        out = []
        for prefix, notes in intake.items():
            buckets: dict[str, list[str]] = {}
            values: list[str] = []
            for n in notes:
                rest = n.name.split(".", 1)[-1]
                if isinstance(n.value, bool) or prefix == "red_flag":
                    buckets.setdefault(words.value_text(n.value), []).append(rest)
                elif n.value != "absent":  # a condition's severity when it is absent says nothing
                    values.append(f"{rest} = {words.value_text(n.value)}")
            order = ["true", "yes", "false", "no"]
            ranked = sorted(
                buckets.items(),
                key=lambda kv: (
                    kv[0] not in order,
                    order.index(kv[0]) if kv[0] in order else 0,
                    kv[0],
                ),
            )
            out.append(FactGroup(label=prefix.replace("_", " "), buckets=ranked, values=values))
        if derived:
            out.append(
                FactGroup(
                    label="derived by the rules",
                    buckets=[],
                    values=[
                        f"{n.name} = {words.value_text(n.value)}"
                        + (f" (from: {', '.join(n.basis)})" if n.basis else "")
                        for n in derived
                    ],
                )
            )
        return out


# --- building the context --------------------------------------------------------------------


def _pain_row(now: int, worst: int, band: str) -> ScoreRow:
    return ScoreRow(
        instrument="Pain (NPRS)",
        score=f"{now}/10 now, {worst}/10 worst in 24 h",
        band=band,
        meaning=f"{words.PAIN_MEANING.get(band, '')} {words.NPRS_CHANGE}",
    )


def _fact_notes(p: Prescription) -> dict[str, FactNote]:
    """Every fact of the fact base in words; derived facts carry the facts they came from."""
    derived_by: dict[tuple[str, FactValue], list[dict[str, FactValue]]] = {}
    for t in p.trace:
        for c in t.conclusions:
            if c.get("kind") == "derive":
                derived_by.setdefault((c["fact"], c["value"]), []).append(t.matched)

    def basis(name: str, value: FactValue, seen: frozenset[str]) -> list[str]:
        out: list[str] = []
        for matched in derived_by.get((name, value), []):
            for n, v in sorted(matched.items()):
                if n in seen:
                    continue
                if (n, v) in derived_by:
                    out.extend(basis(n, v, seen | {n}))
                else:
                    out.append(words.fact_text(n, v))
        return list(dict.fromkeys(out))

    notes = {}
    for name, value in p.facts.items():
        spec = FACTS.get(name)
        derived = bool(spec and spec.derived) or (name, value) in derived_by
        notes[name] = FactNote(
            name=name,
            value=value,
            text=words.fact_text(name, value),
            derived=derived,
            basis=basis(name, value, frozenset({name})) if derived else [],
        )
    return notes


def _rule_refs(p: Prescription) -> Iterable[list[str]]:
    """Every list of rule ids the prescription cites."""
    if p.referral is not None:
        yield from (r.because for r in p.referral.reasons)
    yield from (lim.because for lim in p.limitations)
    if p.schedule is not None:
        yield p.schedule.because
    for item in [i for s in p.sessions for i in s.items] + p.daily:
        yield item.because
        yield [a.rule for a in item.adjustments]
        if item.substitutes_for is not None:
            yield item.substitutes_for.because
    yield from (x.because for x in p.excluded)
    yield from (f.because for f in p.flags)


def css_string(text: str) -> Markup:
    """Text as a CSS string literal that can neither end early nor close the <style> element."""
    body = "".join(ch if ch.isalnum() and ch.isascii() else f"\\{ord(ch):06x}" for ch in text)
    # Safe: every character but an ASCII letter or digit is a CSS hex escape by now.
    return Markup(f'"{body}"')  # noqa: S704


# --- rendering -------------------------------------------------------------------------------


def templates_directory() -> Path:
    """The report templates: the repository's `reports/templates/`, or the wheel's copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[1] / "reports" / "templates", here / "_data" / "templates"):
        if (candidate / TEMPLATE_FILES["clinician"]).is_file():
            return candidate
    raise ReportError(f"no report templates found next to {here} (looked for reports/templates)")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja2 environment: autoescaped HTML, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_directory()),
        # Templates are named *.html.j2, so name the extension explicitly; anything else
        # (the stylesheet holds no expressions) escapes too.
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2"), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        dose=words.dose_text,
        how_many=words.how_many,
        log_target=words.log_target,
        effort_words=words.effort_words,
        tempo_words=words.tempo_words,
        rest_words=words.rest_words,
        reps=words.reps_text,
        clause=words.clause,
        conclusion=words.conclusion_text,
        css_string=css_string,
        value=words.value_text,
        day_name=words.DAY_NAMES.__getitem__,
    )
    env.globals.update(indicator_text=words.INDICATOR_TEXT)
    return env


def render_html(context: ReportContext) -> str:
    """Render a report to one self-contained HTML document (styles inline, no external files)."""
    name = TEMPLATE_FILES[context.kind]
    try:
        return environment().get_template(name).render(ctx=context)
    except jinja2.TemplateError as exc:
        raise ReportError(f"{context.kind} report: template {name}: {exc}") from exc


def render_pdf(html: str) -> bytes:
    """Render report HTML to an A4 PDF with WeasyPrint."""
    import weasyprint  # imported here: it loads Pango, which only PDF output needs

    # WeasyPrint allocates hundreds of thousands of short-lived objects and frees them by
    # reference counting; pausing the cycle collector meanwhile saves about a tenth of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
        raise ReportError(f"PDF rendering failed: {exc}") from exc
    finally:
        if collecting:
            gc.enable()
    return pdf


def write(path: str | Path, data: str | bytes) -> None:
    """Write a report atomically: a temporary file in the same directory, then a rename."""
    target = Path(path)
    blob = data.encode() if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
                f.flush()
                os.fsync(f.fileno())
            # mkstemp creates the file 0600; a report is an ordinary file.
            umask = os.umask(0)
            os.umask(umask)
            Path(tmp).chmod(0o666 & ~umask)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}", str(target)) from exc


__all__ = [
    "ReportContext",
    "environment",
    "render_html",
    "render_pdf",
    "templates_directory",
    "write",
]
