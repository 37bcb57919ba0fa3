"""The view of a prescription: what the terminal, the reports and the web pages show of it.

Built from the prescription document alone (it carries its rules' rationale and source, its
facts and derivations), so a stored assessment renders the same years later, whatever has
happened to the rule files since. Every shell renders this one view: the session groups, the
week strip and its recovery gaps, the screening rows, each item's reasons and dose changes.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..assessment.prescription import FlagOut, Item, Prescription, Session
from ..assessment.week import gaps_hours
from ..clinical.words import WEEK, Day, Indicator
from ..knowledge.explanation import RuleInfo
from ..knowledge.rules import Derive
from ..knowledge.vocabulary import FactValue
from . import screening
from . import wording as words

Kind = Literal["clinician", "handout"]
DAILY_ANCHOR = "daily"
DAILY_TITLE: dict[Kind, str] = {
    "clinician": "Every day — short drills, e.g. before work",
    "handout": "Every day: a few minutes, for example before work",
}


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactNote(View):
    """One fact in plain words, and for a derived fact the facts it was concluded from."""

    name: str
    value: FactValue
    text: str
    derived: bool
    basis: list[str]


class Why(View):
    """One reason for an item: a rule and the client's facts that made it fire."""

    rule: RuleInfo
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


class DoseChange(View):
    """An exercise prescribed at a lower dose than the catalogue's, across its sessions."""

    name: str
    changes: list[str]
    rules: list[RuleInfo]
    sessions: str


class PrescriptionView:
    """Everything a renderer may use of one prescription, computed once."""

    def __init__(
        self,
        prescription: Prescription,
        kind: Kind = "clinician",
        report_date: dt.date | None = None,
        clinician: str | None = None,
    ) -> None:
        self.prescription = prescription
        self.kind = kind
        self.report_date = report_date or dt.date.today()
        self.clinician = clinician or None
        self._rules = {r.id: r for r in prescription.rules}

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

    def rule(self, rule_id: str) -> RuleInfo:
        """A cited rule as the document records it (unknown: its id alone)."""
        found = self._rules.get(rule_id)
        return found if found is not None else self.prescription.rule(rule_id)

    def why(self, rule_ids: list[str]) -> list[Why]:
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

    @cached_property
    def facts(self) -> dict[str, FactNote]:
        """Every fact of the fact base in words; derived facts with the facts they came from."""
        derived_by: dict[tuple[str, FactValue], list[dict[str, FactValue]]] = {}
        for d in self.prescription.derivations:
            derived_by.setdefault((d.fact, d.value), []).append(d.basis)
        if not self.prescription.derivations:  # a document stored before derivations were kept
            for t in self.prescription.trace:
                for c in t.conclusions:
                    if isinstance(c, Derive):
                        derived_by.setdefault((c.fact, c.value), []).append(t.matched)

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
        for name, value in self.prescription.facts.items():
            derived = (name, value) in derived_by or words.is_derived(name)
            notes[name] = FactNote(
                name=name,
                value=value,
                text=words.fact_text(name, value),
                derived=derived,
                basis=basis(name, value, frozenset({name})) if derived else [],
            )
        return notes

    def changes(self, item: Item) -> list[tuple[RuleInfo, str]]:
        """An item's dose changes by the rule that made them: `sets 3 → 2, RPE cap 7 → 6`."""
        by_rule: dict[str, list[str]] = {}
        for a in item.adjustments:
            by_rule.setdefault(a.rule, []).append(words.change_text(a.field, a.before, a.after))
        return [(self.rule(r), ", ".join(texts)) for r, texts in by_rule.items()]

    @cached_property
    def _names(self) -> dict[str, str]:
        p = self.prescription
        names = {x.exercise: x.name for x in p.excluded}
        names |= {i.exercise: i.name for _, i in p.items()}
        return names

    def exercise_name(self, exercise_id: str) -> str:
        return self._names.get(exercise_id, exercise_id)

    def purpose(self, exercise_id: str) -> str:
        return next(
            (i.purpose for _, i in self.prescription.items() if i.exercise == exercise_id), ""
        )

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
        hours = gaps_hours([c.day for c in intense])
        gaps: list[GapSpan] = []
        if len(intense) > 1:
            for i, c in enumerate(intense):
                nxt = intense[(i + 1) % len(intense)]
                wraps = nxt.x <= c.x
                # Spans stop short of the day centres so two gaps meeting at a day stay apart.
                x2 = width if wraps else nxt.x + cell // 2 - 3
                gaps.append(
                    GapSpan(
                        x1=c.x + cell // 2 + 3, x2=x2, hours=hours[i], wraps=wraps, to_day=nxt.day
                    )
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

    # -- screening and what was left out --

    def screening(self) -> list[screening.ScoreRow]:
        """Every questionnaire given, with its band and meaning; pain always."""
        return screening.rows(self.prescription.scores)

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
        order = ["true", "yes", "false", "no"]
        for prefix, notes in intake.items():
            buckets: dict[str, list[str]] = {}
            values: list[str] = []
            for n in notes:
                rest = n.name.split(".", 1)[-1]
                if isinstance(n.value, bool) or prefix == "red_flag":
                    buckets.setdefault(words.value_text(n.value), []).append(rest)
                elif n.value != "absent":  # a condition's severity when it is absent says nothing
                    values.append(f"{rest} = {words.value_text(n.value)}")
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
