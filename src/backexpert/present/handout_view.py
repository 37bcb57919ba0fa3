"""What the client handout shows: precautions, exercise cards, the plan, a referral in plain words.

The plan over weeks (`plan_rows`, `plan_returns`) and the precautions (`advice`) are shown in
the clinician report too.
"""

from __future__ import annotations

from functools import cached_property

from ..clinical.words import AdviceTopic, Day, Urgency
from . import handout
from . import wording as words
from .reasons import View
from .week_view import WeekView


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


class Advice(View):
    """A precaution as the handout prints it: do and don't lines, a long list split out."""

    topic: str
    title: str
    urgent: bool
    do: str
    do_list: list[str]
    dont: str
    because: list[str]


class HandoutView(WeekView):
    """The handout's parts, each in the client's words."""

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
