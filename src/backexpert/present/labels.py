"""The report's labels: days, statuses, urgencies, indicators, changed fields and dates."""

from __future__ import annotations

import datetime as dt

from ..clinical.words import Day, Indicator, Urgency

DAY_NAMES: dict[Day, str] = {
    Day.mon: "Monday",
    Day.tue: "Tuesday",
    Day.wed: "Wednesday",
    Day.thu: "Thursday",
    Day.fri: "Friday",
    Day.sat: "Saturday",
    Day.sun: "Sunday",
}
STATUS_TEXT: dict[str, str] = {
    "program": "Program",
    "limited": "Limited program",
    "clearance_required": "Clearance required",
    "referral": "Referral",
}
URGENCY_TEXT: dict[Urgency, str] = {
    Urgency.emergency: "Emergency referral — act today",
    Urgency.urgent: "Urgent referral",
    Urgency.before_exercise: "Medical review before exercise",
}
INDICATOR_TEXT: dict[Indicator, str] = {
    Indicator.critical: "Critical",
    Indicator.warning: "Warning",
    Indicator.info: "Note",
}
FIELD_NAMES = {"effort": "RPE cap", "rest_s": "rest (s)", "load_kg": "load (kg)"}


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """`14 March 2025`: a date a client reads without thinking (no locale involved)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def change_text(name: str, before: object, after: object) -> str:
    """`sets 3 → 2`, `RPE cap 7 → 6`."""
    return f"{FIELD_NAMES.get(name, name)} {before} → {after}"
