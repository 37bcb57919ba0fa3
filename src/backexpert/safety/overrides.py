"""Which safety answers a clinician's override may change, and which none can.

A clinician who edits a program may accept an edit the monitor refuses (a barbell deadlift for
a client at load level `none`, a fifth set, two intense days 24 h apart) by giving a clinical
reason and their name: the override is recorded in the prescription and shown in the clinician
report. Some answers belong to the intake, not to the program, and no edit or override changes
them; only a change in the intake (a recorded clearance, an answered screen) does.
"""

from __future__ import annotations

BINDING: frozenset[str] = frozenset(
    {
        # A red-flag referral: an emergency or urgent referral has no program to edit (this
        # includes a pregnancy with an absolute contraindication, which is referred urgently).
        "referral.no_program",
        "referral.status",
        "referral.red_flag",
        "referral.urgency",
        "referral.review",
        # A required PAR-Q+ or obstetric (or postpartum) clearance: only a clearance recorded
        # in the intake lifts it.
        "clearance.status",
        "clearance.loaded",
        "clearance.effort",
        # Load level `none` while a serious red flag awaits review: no loaded work, and nothing
        # beyond what level `none` allows.
        "red_flag.loaded",
        "red_flag.level",
        "load.level",
        # The document must explain itself and name only exercises the monitor knows.
        "catalogue.known",
        "catalogue.loaded",
        "explained.because",
        "explained.known_rule",
    }
)
"""Invariant ids no override lifts: an edit that breaks one is refused whatever it carries.

Every other invariant (`contraindication`, `dose.sets`, `dose.effort`, `dose.intensity`,
`dose.timed`, `load.withheld`, `limited.status`, `priming.first`, `light_day.effort`,
`recovery.hours`, `side.protected_arm`) may be overridden with a clinical reason and the
clinician's name.
"""


ADVISORY: frozenset[str] = frozenset({"time.session_minutes", "days.available"})
"""Invariants about the client's time and days, not their safety: a clinician's edit may go
past them without an override, and the adjusted program says so in `schedule.notes`."""


def overridable(invariant: str) -> bool:
    """Whether a clinician's override may accept a breach of this invariant."""
    return invariant not in BINDING
