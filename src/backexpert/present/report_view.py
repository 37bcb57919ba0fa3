"""The clinician report's program: every item and exclusion with its reasons, rules said once.

Each item shows its dose, load and minutes, what it stands in for, the clinician's changes and
choices, and the rules that put it there; an item shown in full in an earlier session with the
same dose is a one-line repeat. Rules that fire for every client are said once, in the report's
"Always part of the program" list.
"""

from __future__ import annotations

from functools import cached_property

from ..assessment.prescription import CLINICIAN, Excluded, Item, OverrideOut
from ..knowledge.explanation import RuleInfo
from . import handout, screening
from . import wording as words
from .reasons import Reason, ReasonsView, View
from .week_view import DAILY_ANCHOR, DAILY_TITLE, WeekView


class DoseChange(View):
    """An exercise prescribed at a lower dose than the catalogue's, across its sessions."""

    name: str
    changes: list[str]
    rules: list[RuleInfo]
    sessions: str


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
    left_out: list[str] = []  # noqa: RUF012 - a pydantic field (View is a BaseModel)

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


class ReportView(ReasonsView, WeekView):
    """What the clinician report shows of the program, each decision with its reasons."""

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

    # -- the program: each rule explained once --

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
