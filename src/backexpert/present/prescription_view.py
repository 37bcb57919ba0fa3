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

from ..assessment.prescription import (
    CLINICIAN,
    Excluded,
    FlagOut,
    Item,
    LeftOut,
    OverrideOut,
    Prescription,
    Session,
)
from ..assessment.week import gaps_hours
from ..clinical.words import WEEK, AdviceTopic, Day, Indicator, Urgency
from ..knowledge.explanation import RuleInfo
from ..knowledge.rules import Derive
from ..knowledge.vocabulary import FactValue
from . import handout, screening
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


class PlanRow(View):
    """One phase of the plan over weeks, as the reports show it."""

    weeks: str
    name: str
    focus: str
    dose: str
    next: str
    deloads: str
    because: list[str]
    plain: str


class SessionGroup(View):
    """Sessions with the same content, shown once under all their days."""

    days: list[Day]
    intensity: Literal["intense", "light"]
    items: list[Item]
    minutes: float | None = None  # the composer's estimate, when the document has one
    day_type: str | None = None  # heavy, moderate or light on an undulating week
    left_out: list[LeftOut] = []

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
        day = f", {self.day_type} day" if self.day_type else ""
        if kind == "clinician":
            return f"{self.short_days} — {self.intensity} session{day}"
        kind_ = "strength" if self.intensity == "intense" else "light"
        return f"{self.long_days}: {kind_} session{day}"

    def left_out_lines(self) -> list[str]:
        """What the session left out, in one line per reason kind (for time; variants)."""
        for_time = [x.name for x in self.left_out if "time" in x.reason]
        twins = [f"{x.name} ({x.reason})" for x in self.left_out if "time" not in x.reason]
        out = [f"Left out for time: {', '.join(for_time)}."] if for_time else []
        return out + ([f"Not in this session: {'; '.join(twins)}."] if twins else [])


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


# Fact families whose false values the appendix leaves out (and says so): a client has a few
# conditions, findings and goals, not the forty others.
FALSE_UNLISTED = frozenset({"condition", "finding", "goal"})


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


class Reason(View):
    """One rule behind a decision, explained once: its first sentence and the client's facts.

    A rule explained earlier in the report says where (`see`); a rule that fires for every
    client (`always`) is explained once, in the report's "Always part of the program" list.
    """

    rule: RuleInfo
    text: str
    client: str
    always: bool
    see: str


class StandIn(View):
    """What an item stands in for: why the original was wanted, and why it was left out."""

    original: str
    wanted: list[Reason]
    excluded: list[Reason]
    reason: str  # when no rule left it out (equipment): the plain reason


class Row(View):
    """One item of the program in the clinician report."""

    item: Item
    number: int
    dose: str
    load: str
    minutes: int
    stands_in: StandIn | None
    changes: list[tuple[str, RuleInfo]]
    reasons: list[Reason]
    repeat: bool  # shown in full in an earlier session with the same dose
    chosen: str = ""  # "Chosen by the clinician (name): why", for an item a clinician put here


class ProgramPart(View):
    anchor: str
    title: str
    minutes: int
    rows: list[Row]
    left_out: list[str] = []

    @property
    def runs(self) -> list[tuple[bool, list[Row]]]:
        """The rows in runs: (True, rows) for items shown in full earlier, said in one line."""
        out: list[tuple[bool, list[Row]]] = []
        for r in self.rows:
            if out and out[-1][0] == r.repeat and r.repeat:
                out[-1][1].append(r)
            else:
                out.append((r.repeat, [r]))
        return out


class AlwaysRule(View):
    rule: RuleInfo
    adds: list[str]


class ExclusionRow(View):
    excluded: Excluded
    reasons: list[Reason]
    reason: str
    instead: str


class Advice(View):
    """A precaution as the handout prints it: do and don't lines, a long list split out."""

    topic: str
    title: str
    urgent: bool
    do: str
    do_list: list[str]
    dont: str
    because: list[str]


class PrescriptionView:
    """Everything a renderer may use of one prescription, computed once."""

    def __init__(
        self,
        prescription: Prescription,
        kind: Kind = "clinician",
        report_date: dt.date | None = None,
        clinician: str | None = None,
        trace: bool = True,
    ) -> None:
        self.prescription = prescription
        self.kind = kind
        self.report_date = report_date or dt.date.today()
        self.clinician = clinician or None
        # The clinician report's appendix (rule texts, fact base, inference trace) can be left
        # out: `--no-trace`.
        self.trace = trace
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

    @cached_property
    def load_level(self) -> tuple[str, list[Reason], str] | None:
        """The spinal load level and why (`prescription.load_level`, when the document has one).

        Its reasons are rule ids (explained like any rule) or, in an older shape, text.
        """
        level = getattr(self.prescription, "load_level", None)
        if level is None:
            return None
        value = getattr(level, "level", None) if not isinstance(level, dict) else level.get("level")
        because = (
            getattr(level, "because", None) if not isinstance(level, dict) else level.get("because")
        )
        label = str(getattr(value, "value", value) or "").replace("_", " ")
        if isinstance(because, list) and all(isinstance(b, str) for b in because):
            known = [b for b in because if b in self._rules]
            text = "; ".join(b for b in because if b not in self._rules)
            return label, [self._reason(r, "the load level") for r in known], text
        return label, [], "" if because is None else str(because)

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
            rule = a.rule
            if rule == CLINICIAN:  # the clinician's changes are grouped by their reason
                rule = f"{CLINICIAN}: {getattr(a, 'reason', None) or 'no reason given'}"
            by_rule.setdefault(rule, []).append(words.change_text(a.field, a.before, a.after))
        return [(self._edit_rule(r), ", ".join(texts)) for r, texts in by_rule.items()]

    def _edit_rule(self, rule_id: str) -> RuleInfo:
        if rule_id.startswith(f"{CLINICIAN}: "):
            return RuleInfo(id=rule_id, area=CLINICIAN, file="", rationale=rule_id, source="-")
        return self.rule(rule_id)

    # -- the clinician's edits --

    @property
    def edits(self) -> list[tuple[str, str]]:
        """The clinician's edits as applied: (what, why)."""
        a = getattr(self.prescription, "adjustments", None)
        return [] if a is None else [(e.summary, e.edit.reason) for e in a.edits]

    @property
    def edited_by(self) -> str:
        a = getattr(self.prescription, "adjustments", None)
        return "" if a is None else a.clinician

    @property
    def overrides(self) -> list[OverrideOut]:
        """Every safety invariant an edit broke and the clinician overrode."""
        a = getattr(self.prescription, "adjustments", None)
        return [] if a is None else list(a.overrides)

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
            SessionGroup(
                days=[s.day for s in ss],
                intensity=ss[0].intensity,
                items=ss[0].items,
                minutes=getattr(ss[0], "minutes", None),
                day_type=getattr(ss[0], "day_type", None),
                left_out=list(getattr(ss[0], "left_out", [])),
            )
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
                if n.value is False and prefix in FALSE_UNLISTED:
                    continue  # the closed world's default: the appendix says so once
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
            if ranked or values:  # a family of only unlisted false values says nothing
                out.append(FactGroup(label=prefix.replace("_", " "), buckets=ranked, values=values))
        if derived:
            out.append(
                FactGroup(
                    label="derived by the rules (how: appendix C)",
                    buckets=[],
                    # What each came from is its `derive` line in the trace: said once, there.
                    values=[f"{n.name} = {words.value_text(n.value)}" for n in derived],
                )
            )
        return out

    # -- the clinician report: each rule explained once ------------------------------------------

    @cached_property
    def always(self) -> frozenset[str]:
        """Rules that fire for every client: no firing of theirs matched a fact."""
        fired: dict[str, bool] = {}
        for t in self.prescription.trace:
            fired[t.rule] = fired.get(t.rule, True) and not t.matched
        return frozenset(r for r, unconditional in fired.items() if unconditional)

    def _reason(self, rule_id: str, where: str) -> Reason:
        rule = self.rule(rule_id)
        if rule_id in self.always:
            return Reason(rule=rule, text=rule.summary, client="", always=True, see="")
        if rule_id in self._explained:
            return Reason(
                rule=rule, text=rule.summary, client="", always=False, see=self._explained[rule_id]
            )
        self._explained[rule_id] = where
        (why,) = self.why([rule_id])
        # A rule that fired twice (risk elevated, then high) matched one fact at two values:
        # one entry per fact, its values together.
        by_name: dict[str, list[FactNote]] = {}
        for f in why.facts:
            by_name.setdefault(f.name, []).append(f)
        facts = []
        for notes in by_name.values():
            head = notes[0].text
            if len(notes) > 1:
                head = (
                    head.rpartition(": ")[0]
                    + ": "
                    + ", ".join(words.value_text(n.value).replace("_", " ") for n in notes)
                )
            basis = list(dict.fromkeys(b for n in notes if n.derived for b in n.basis))
            # A derived fact says what it came from the first time the report shows it.
            key = notes[0].name + "=" + ",".join(str(n.value) for n in notes)
            if key in self._based:
                basis = []
            self._based.add(key)
            facts.append(head + (f" (from: {', '.join(basis)})" if basis else ""))
        return Reason(rule=rule, text=rule.summary, client="; ".join(facts), always=False, see="")

    @cached_property
    def _explained(self) -> dict[str, str]:
        return {}

    @cached_property
    def _based(self) -> set[str]:
        return set()

    def reasons(self, rule_ids: list[str], where: str) -> list[Reason]:
        """Rules in the report's reading order: the first mention explains, later ones point."""
        return [self._reason(r, where) for r in rule_ids]

    def _adders(self, exercise: str) -> set[str]:
        """The rules whose firings added an exercise (from the trace)."""
        return {
            t.rule
            for t in self.prescription.trace
            for c in t.conclusions
            if getattr(c, "kind", "") == "add" and getattr(c, "exercise", "") == exercise
        }

    def _row(self, i: Item, number: int, repeat: bool) -> Row:
        sub = i.substitutes_for
        own = [r for r in i.because if r != CLINICIAN]  # the clinician is said in words
        stand = None
        if sub is not None and not repeat:
            wanted_by = [r for r in own if r in self._adders(sub.exercise)]
            own = [r for r in own if r not in wanted_by]
            stand = StandIn(
                original=sub.name,
                wanted=self.reasons(wanted_by, i.name),
                excluded=self.reasons([r for r in sub.because if r != CLINICIAN], i.name),
                reason=words.plain_reason(sub.reason),
            )
        chosen = ""
        if getattr(i, "chosen_by", None) == CLINICIAN:
            who = f" ({self.edited_by})" if self.edited_by else ""
            chosen = f"Chosen by the clinician{who}: {i.clinician_reason or ''}".rstrip(": ")
        return Row(
            item=i,
            number=number,
            dose=words.dose_line(i),
            load=" · ".join(x for x in (words.load_text(i), words.warmup_text(i)) if x),
            minutes=words.minutes_of(words.item_seconds(i)),
            stands_in=stand,
            changes=[(text, rule) for rule, text in self.changes(i)],
            reasons=[] if repeat else self.reasons(own, i.name),
            repeat=repeat,
            chosen=chosen,
        )

    @cached_property
    def program(self) -> list[ProgramPart]:
        """The sessions (intense first) and the daily drills, each rule explained once.

        An item shown in full in an earlier session with the same dose is a one-line repeat.
        Call `week_reasons` first: the report explains the week before the program.
        """
        _ = (self.load_level, self.week_reasons)  # explained before the program, as printed
        shown: dict[str, str] = {}
        out = []
        parts: list[tuple[str, str, list[Item], float | None, list[str]]] = [
            (g.anchor, g.title("clinician"), g.items, g.minutes, g.left_out_lines())
            for g in self.session_groups(intense_first=True)
        ]
        if self.prescription.daily:
            daily = self.prescription.daily
            parts.append((DAILY_ANCHOR, DAILY_TITLE["clinician"], daily, None, []))
        for anchor, title, items, given, left in parts:
            rows = []
            for n, i in enumerate(items, start=1):
                key = i.model_dump_json(include={"sets", "reps", "hold_s", "per_side", "tempo"})
                key += f"{i.effort}/{i.rest_s}"
                repeat = shown.get(i.exercise) == key
                shown.setdefault(i.exercise, key)
                rows.append(self._row(i, n, repeat))
            minutes = handout.session_minutes(items, given)
            out.append(
                ProgramPart(anchor=anchor, title=title, minutes=minutes, rows=rows, left_out=left)
            )
        return out

    @cached_property
    def week_reasons(self) -> list[Reason]:
        s = self.prescription.schedule
        return [] if s is None else self.reasons(s.because, "the week")

    def always_rules(self) -> list[AlwaysRule]:
        """Rules part of every program, said once, with what each one adds for this client."""
        out = []
        for rule_id in sorted(self.always, key=self._order):
            adds = [self._added_as(ex) for ex in self._added_by(rule_id)]
            s = self.prescription.schedule
            if s is not None and rule_id in s.because:
                adds.insert(0, "the week's structure")
            adds += [
                f.code.value.replace("_", " ")
                for f in self.prescription.flags
                if rule_id in f.because
            ]
            out.append(AlwaysRule(rule=self.rule(rule_id), adds=list(dict.fromkeys(adds))))
        return out

    def _added_by(self, rule_id: str) -> list[str]:
        """The exercises a rule's firings added (from the trace), in order."""
        return list(
            dict.fromkeys(
                str(getattr(c, "exercise", ""))
                for t in self.prescription.trace
                if t.rule == rule_id
                for c in t.conclusions
                if getattr(c, "kind", "") == "add"
            )
        )

    def _added_as(self, exercise: str) -> str:
        """An added exercise as the program has it: itself, a stand-in, or not prescribed."""
        items = {i.exercise: i for _, i in self.prescription.items()}
        if exercise in items:
            return items[exercise].name
        for i in items.values():
            if i.substitutes_for is not None and i.substitutes_for.exercise == exercise:
                return f"{i.substitutes_for.name} (as {i.name})"
        return f"{self.exercise_name(exercise)} (not prescribed)"

    def _order(self, rule_id: str) -> int:
        ids = [t.rule for t in self.prescription.trace]
        return ids.index(rule_id) if rule_id in ids else len(ids)

    def exclusions(self) -> list[ExclusionRow]:
        """Everything considered and not prescribed, each reason explained once."""
        _ = self.program  # printed after the program: its rules are explained there first
        return [
            ExclusionRow(
                excluded=x,
                reasons=self.reasons([r for r in x.because if r != CLINICIAN], x.name),
                reason=words.plain_reason(x.reason),
                instead=self.exercise_name(x.replaced_by) if x.replaced_by else "",
            )
            for x in self.prescription.excluded
        ]

    def gap_lines(self) -> list[str]:
        """`Tue → Fri: 72 h` for each recovery gap between intense sessions."""
        intense = [c.day for c in self.week().cells if c.kind == "intense"]
        if len(intense) < 2:
            return []
        hours = gaps_hours(intense)
        return [
            f"{d.value.capitalize()} → {intense[(n + 1) % len(intense)].value.capitalize()}: "
            f"{hours[n]} h"
            for n, d in enumerate(intense)
        ]

    def trace_lines(self) -> list[tuple[int, str, str, str]]:
        """The trace appendix: (number, rule, facts matched, what it concluded); a rule that
        fires again with the same conclusions says `as in N` instead of repeating them."""
        out = []
        first: dict[tuple[str, str], int] = {}
        for n, t in enumerate(self.prescription.trace, start=1):
            matched = "; ".join(f"{k} = {words.value_text(v)}" for k, v in t.matched.items())
            concluded = "; ".join(words.conclusion_text(c) for c in t.conclusions)
            seen = first.setdefault((t.rule, concluded), n)
            said = concluded if seen == n else f"as in {seen}"
            out.append((n, t.rule, matched or "(always)", said))
        return out

    def appendix_rules(self) -> list[tuple[RuleInfo, str]]:
        """Each rule cited, with the part of its rationale the report has not given yet: the
        rest after the first sentence where the report explained it, else all of it."""
        given = set(self._explained)
        if self.prescription.status != "referral":
            given |= self.always  # the "Always part of the program" list gives their sentence
        return [(r, r.rest if r.id in given else r.rationale) for r in self.rules_cited()]

    def rules_cited(self) -> list[RuleInfo]:
        """Every rule the document cites, once, in the order they fired (the appendix)."""
        return sorted(self.prescription.rules, key=lambda r: (self._order(r.id), r.id))

    # -- precautions ---------------------------------------------------------------------------

    def advice(self, urgent: bool | None = None) -> list[Advice]:
        """The client's precautions (urgent first), as the documents print them."""
        out = []
        for pc in self.prescription.precautions:
            if urgent is not None and pc.urgent is not urgent:
                continue
            lead, items = words.split_list(pc.do or "")
            out.append(
                Advice(
                    topic=pc.topic.value,
                    title=words.TOPIC_TITLE.get(pc.topic.value, pc.topic.value),
                    urgent=pc.urgent,
                    do=lead,
                    do_list=items,
                    dont=pc.dont or "",
                    because=pc.because,
                )
            )
        return out

    def take_care(self) -> list[Advice]:
        """Non-urgent advice for the handout's "Take care" list (confidence goes with pain)."""
        return [a for a in self.advice(urgent=False) if a.topic not in _WITH_PAIN_GUIDE]

    def care_topics(self) -> list[tuple[str, list[Advice]]]:
        """The "Take care" advice under its topics, in order (a topic's lines kept together)."""
        out: dict[str, list[Advice]] = {}
        for a in self.take_care():
            out.setdefault(a.title, []).append(a)
        return list(out.items())

    def confidence(self) -> list[Advice]:
        """Advice that belongs with the pain guide: moving with confidence, pain monitoring."""
        return [a for a in self.advice(urgent=False) if a.topic in _WITH_PAIN_GUIDE]

    @property
    def pain_guide(self) -> tuple[str, ...]:
        return words.PAIN_GUIDE

    @property
    def get_help(self) -> str:
        return words.GET_HELP

    @property
    def rest_days(self) -> str:
        return words.REST_DAYS

    @cached_property
    def usual_pace(self) -> words.Pace | None:
        """The speed most cards share: said once above the cards, not on each."""
        return handout.usual_pace(self.cards)

    @property
    def speed_guide(self) -> str:
        return handout.speed_guide(self.usual_pace)

    @property
    def hurts_more(self) -> str:
        return words.HURTS_MORE

    def dose_text(self, card: handout.Card) -> str:
        return handout.dose_text(card, self.usual_pace)

    @property
    def weight_guide(self) -> str:
        """How to find a starting weight, when a card leaves it to the words above the cards."""
        items = [i for _, i in self.prescription.items()]
        return words.WEIGHT_GUIDE if handout.finds_weights(items) else ""

    @property
    def effort_guide(self) -> str:
        return words.EFFORT_GUIDE

    # -- the handout ---------------------------------------------------------------------------

    @cached_property
    def cards(self) -> list[handout.Card]:
        return handout.cards(self.session_groups(), self.prescription.daily)

    @cached_property
    def plans(self) -> list[handout.SessionPlan]:
        numbers = {c.exercise: c.number for c in self.cards}
        return handout.plans(self.session_groups(), self.prescription.daily, numbers)

    @cached_property
    def plan_rows(self) -> list[PlanRow]:
        """The plan's phases: weeks, name, focus, dose, what allows the next, deloads."""
        plan = self.prescription.plan
        if plan is None:
            return []
        out = []
        for ph in plan.phases:
            last = ph.first_week + ph.weeks - 1
            weeks = str(ph.first_week) if ph.weeks == 1 else f"{ph.first_week}–{last}"
            span = f"Week {weeks}" if ph.weeks == 1 else f"Weeks {ph.first_week} to {last}"
            effort = f" Effort up to {ph.effort} out of 10." if ph.effort is not None else ""
            easy = ""
            if ph.deload_weeks:
                n = len(ph.deload_weeks)
                listed = " and ".join(str(w) for w in ph.deload_weeks)
                easy = (
                    f" Week {listed} is an easy week." if n == 1 else f" Weeks {listed} are easy."
                )
            out.append(
                PlanRow(
                    weeks=weeks,
                    name=ph.name,
                    focus=ph.focus,
                    dose=ph.dose,
                    next=_sentences(ph.milestones),
                    deloads=", ".join(str(w) for w in ph.deload_weeks),
                    because=ph.because,
                    plain=f"{span}: {ph.plain or ph.focus}{effort}{easy}",
                )
            )
        return out

    def plan_returns(self) -> list[str]:
        """What a condition's timeline brings back, and in which week of the plan."""
        plan = self.prescription.plan
        if plan is None:
            return []
        return [
            f"{r.activity}: {'already back' if r.week <= 1 else f'week {r.week}'}"
            for r in plan.returns
        ]

    def calendar(self) -> list[handout.DayPlan]:
        return handout.calendar(self.prescription, self.session_groups())

    def log(self) -> tuple[list[Day], list[handout.LogRow]]:
        return handout.log_rows(self.cards, self.prescription)

    def daily_cards(self) -> list[int]:
        """The card numbers of the daily drills (ticked off each day in the log)."""
        numbers = {c.exercise: c.number for c in self.cards}
        return [numbers[i.exercise] for i in self.prescription.daily]

    @property
    def limited_text(self) -> str:
        """Why the plan is limited, in the client's words."""
        p = self.prescription
        if p.status == "clearance_required":
            return words.LIMITED_FOR["clearance"]
        if p.referral is not None and p.referral.urgency is Urgency.before_exercise:
            return words.LIMITED_FOR["doctor"]
        return words.LIMITED_FOR["screen"]

    # -- a referral, in the client's words -------------------------------------------------------

    def client_signs(self) -> list[str]:
        """What the client told us that leads to the referral: their YES red-flag answers."""
        facts = self.prescription.facts
        return [
            plain
            for q, plain in words.RED_FLAG_PLAIN.items()
            if facts.get(f"red_flag.{q}") == "yes"
        ]

    @property
    def referral_heading(self) -> str:
        """What to do, as the heading: for an urgent referral, how soon (from the actions)."""
        r = self.prescription.referral
        if r is None:
            return ""
        if r.urgency is Urgency.urgent:
            return words.referral_when([x.action for x in r.reasons])
        return words.REFERRAL_HEADING[r.urgency]

    @property
    def referral_why(self) -> str:
        r = self.prescription.referral
        return "" if r is None else words.REFERRAL_WHY[r.urgency]

    @property
    def referral_now(self) -> tuple[str, ...]:
        r = self.prescription.referral
        return () if r is None else words.REFERRAL_NOW[r.urgency]

    @property
    def keep_active_meanwhile(self) -> str:
        return words.KEEP_ACTIVE_MEANWHILE

    @property
    def after_referral(self) -> str:
        return words.AFTER_REFERRAL


_WITH_PAIN_GUIDE = frozenset({AdviceTopic.movement.value, AdviceTopic.pain_monitoring.value})


def _sentences(parts: list[str]) -> str:
    """Milestones as one text: each a sentence of its own (no "form.; Pain")."""
    return " ".join(p if p.rstrip().endswith((".", "!", "?")) else p.rstrip() + "." for p in parts)
