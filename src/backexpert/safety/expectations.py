"""What the monitor expects of a safe program, recomputed from the intake alone.

This is the second opinion: it never reads the rules, the catalogue or anything the rules
produced. From the intake it decides, in its own code, the red-flag urgency, whether the program
is withheld, limited or awaits clearance, the spinal load level, which loads each condition and
phase rules out, the effort and set caps, and the recovery between intense sessions. The monitor
then checks the prescription against these expectations using its own classification of every
exercise (`classification`).

Each part is decided in its own module: `screening` (red flags and questionnaires), `spine` (the
spinal load level and the back), `conditions` (bone, pregnancy, age, blood pressure, the
shoulder), `limits` (what the parts add up to, and the dose every program is held to) and
`starting_loads` (the one-rep maxima the intake implies).
"""

from __future__ import annotations

from ..clinical.intake import Intake
from ..clinical.words import LoadLevel
from .conditions import age_and_balance, blood_pressure, bone, pregnancy, shoulder
from .limits import Expectations, conditions, dose
from .screening import red_flags, screening
from .spine import LEVEL_LIMITS, LIGHT_CHOPS, load_level, spine
from .starting_loads import one_rep_maxes


def expectations(intake: Intake) -> Expectations:
    """Everything a safe program for this intake must respect, decided from the intake alone."""
    out = Expectations()
    has = conditions(intake)
    red_flags(intake, has, out)
    screening(intake, out)
    load_level(intake, has, out)
    spine(intake, has, out)
    bone(intake, has, out)
    pregnancy(intake, has, out)
    age_and_balance(intake, out)
    blood_pressure(intake, has, out)
    shoulder(intake, has, out)
    dose(intake, out)
    out.one_rm = one_rep_maxes(intake)
    level = out.level
    if level is LoadLevel.none:
        out.unloaded_only.append("spinal load level none: body weight and walking")
    forbid, cap = LEVEL_LIMITS[level]
    out.forbids.append(forbid)
    out.caps.append(cap)
    if level is LoadLevel.moderate:
        out.caps.append(LIGHT_CHOPS)
    return out
