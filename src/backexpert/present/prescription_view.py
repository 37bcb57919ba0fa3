"""The view of a prescription: what the terminal, the reports and the web pages show of it.

Built from the prescription document alone (it carries its rules' rationale and source, its
facts and derivations), so a stored assessment renders the same years later, whatever has
happened to the rule files since. Every shell renders this one view: the session groups, the
week strip and its recovery gaps, the screening rows, each item's reasons and dose changes.

The view is made of parts, each in the module of its concept: `reasons` (rules and facts in
words, each rule explained once), `week_view` (the sessions and the week strip), `report_view`
(the clinician report's program), `appendix_view` (its appendix) and `handout_view` (the client
handout); this module adds the header and the safety box.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ..assessment.prescription import FlagOut, Prescription
from ..clinical.words import Indicator
from . import wording as words
from .appendix_view import AppendixView
from .handout_view import HandoutView
from .report_view import ReportView

Kind = Literal["clinician", "handout"]


class PrescriptionView(ReportView, AppendixView, HandoutView):
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
