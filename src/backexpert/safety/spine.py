"""The spine: its load level, and what back pain, surgery, a pars defect or a slip rule out."""

from __future__ import annotations

from ..clinical.intake import Intake
from ..clinical.words import (
    ConditionCode,
    Finding,
    Irritability,
    LoadLevel,
    PainRegion,
    Pattern,
    Tag,
)
from .limits import Cap, Conditions, Expectations, Forbid

C = ConditionCode
T = Tag
# Loads each spinal load level rules out, and its effort cap (domain reference 2, section 1).
LEVEL_FORBIDS: dict[LoadLevel, frozenset[Tag]] = {
    LoadLevel.none: frozenset(
        {
            T.axial_light,
            T.axial_moderate,
            T.axial_heavy,
            T.loaded_flexion,
            T.spinal_rotation_load,
            T.rotation_light,
            T.spinal_extension_load,
            T.impact,
        }
    ),
    LoadLevel.low: frozenset(
        {
            T.axial_moderate,
            T.axial_heavy,
            T.loaded_flexion,
            T.spinal_rotation_load,
            T.spinal_extension_load,
            T.impact,
        }
    ),
    LoadLevel.moderate: frozenset({T.axial_heavy, T.loaded_flexion, T.spinal_extension_load}),
    LoadLevel.full: frozenset(),
}
LEVEL_EFFORT: dict[LoadLevel, int] = {
    LoadLevel.none: 4,
    LoadLevel.low: 5,
    LoadLevel.moderate: 7,
    LoadLevel.full: 8,
}
# Each level's forbid and cap, the same for every intake at that level (they are immutable).
LEVEL_LIMITS: dict[LoadLevel, tuple[Forbid, Cap]] = {
    level: (
        Forbid(LEVEL_FORBIDS[level], f"spinal load level {level.value}"),
        Cap(f"spinal load level {level.value}", effort=LEVEL_EFFORT[level]),
    )
    for level in LoadLevel
}
LIGHT_CHOPS = Cap(
    "load level moderate: light chops", effort=6, loads=frozenset({T.spinal_rotation_load})
)
# Loaded exercises of these patterns load the lumbar spine through a hinge or an extension.
SPINE_LIFTS = frozenset({Pattern.hinge, Pattern.back_extension})


def _symptom_weeks(i: Intake, has: Conditions) -> int | None:
    """How long the symptoms have lasted: the pain's duration, else a radiculopathy's weeks."""
    if i.pain.duration_weeks is not None:
        return i.pain.duration_weeks
    radiculopathy = has.get(C.radiculopathy)
    return None if radiculopathy is None else radiculopathy.weeks_since


def load_level(i: Intake, has: Conditions, out: Expectations) -> None:
    """The spinal load level from pain, irritability and duration (reference 2, section 1)."""
    p = i.pain
    if p.nprs_now >= 7 or p.worst >= 7:
        out.forbids.append(
            Forbid(frozenset({T.spinal_rotation_load}), "severe pain", patterns=SPINE_LIFTS)
        )
        out.caps.append(Cap("severe pain", effort=6, loaded_only=True))
    if p.region is PainRegion.shoulder:  # shoulder pain alone does not set the spinal level
        return
    now, worst, irr, weeks = p.nprs_now, p.worst, p.irritability, _symptom_weeks(i, has)
    course = (
        "unknown"
        if weeks is None
        else "acute"
        if weeks < 6
        else "subacute"
        if weeks <= 12
        else "persistent"
    )
    tolerant = course == "persistent" and irr in (Irritability.low, Irritability.moderate)
    if now >= 7:
        out.at_most(LoadLevel.low if tolerant else LoadLevel.none, f"pain now {now}/10")
    if course == "acute" and irr is Irritability.high:
        out.at_most(LoadLevel.none, "acute and highly irritable pain")
    if worst >= 6:
        out.at_most(LoadLevel.moderate if tolerant else LoadLevel.low, f"worst pain {worst}/10")
    if irr is Irritability.high:
        out.at_most(LoadLevel.low, "highly irritable pain")
    if worst in (4, 5) and not tolerant:
        out.at_most(LoadLevel.moderate, f"worst pain {worst}/10")
    if irr is Irritability.moderate:
        out.at_most(LoadLevel.moderate, "moderately irritable pain")
    if course == "acute" and worst >= 1:
        out.at_most(LoadLevel.moderate, "acute pain")


def spine(i: Intake, has: Conditions, out: Expectations) -> None:
    """Radicular pain, surgery, pars, instability, directional preference (section 2-4)."""
    f = set(i.findings)
    p = i.pain
    weeks = _symptom_weeks(i, has)
    early = weeks is None or weeks <= 12
    radicular = (
        has.get(C.radiculopathy) is not None
        or Finding.positive_straight_leg_raise in f
        or (
            p.region is PainRegion.low_back_and_leg
            and has.get(C.lumbar_disc_herniation) is not None
        )
    )
    if radicular and early:
        out.at_most(LoadLevel.low, "early radicular pain")
        out.forbid("early radicular pain", T.loaded_flexion, T.axial_heavy, exercises=("curl_up",))
    elif radicular:
        out.at_most(LoadLevel.moderate, "persistent radicular pain")
    disc = has.get(C.lumbar_discectomy)
    if disc is not None and disc.weeks_since is not None:
        w = disc.weeks_since
        if w < 2:
            out.at_most(LoadLevel.none, "discectomy under 2 weeks")
        elif w < 6:
            out.at_most(LoadLevel.low, "discectomy 2-6 weeks")
        elif w < 12:
            out.at_most(LoadLevel.moderate, "discectomy 6-12 weeks")
            out.forbid("discectomy 6-12 weeks", T.spinal_rotation_load)
        if disc.cleared is False:
            out.at_most(LoadLevel.low, "discectomy not cleared by the surgeon")
    fusion = has.get(C.lumbar_fusion)
    if fusion is not None and fusion.weeks_since is not None:
        w = fusion.weeks_since
        end_range = (T.end_range_flexion, T.end_range_rotation, T.end_range_extension)
        if w < 6:
            out.at_most(LoadLevel.none, "fusion under 6 weeks")
            out.forbid("fusion under 6 weeks: no bending or twisting", *end_range)
        elif w < 12:
            out.at_most(LoadLevel.low, "fusion 6-12 weeks")
            out.forbid("fusion 6-12 weeks", *end_range)
            out.unloaded_only.append("fusion 6-12 weeks: about 5 kg at most")
        elif w <= 26 or fusion.cleared is not True:
            out.at_most(LoadLevel.moderate, "fusion not yet solid")
            out.forbid("fusion not yet solid", *end_range, T.spinal_rotation_load)
    pars = (
        i.client.age < 25 and Finding.extension_sport in f and Finding.extension_provoked_pain in f
    )
    lysis = has.get(C.spondylolysis)
    listhesis = has.get(C.spondylolisthesis)
    symptomatic_slip = listhesis is not None and p.worst >= 1
    lysis_unsettled = lysis is not None and (lysis.cleared is not True or p.worst >= 1)
    if pars or lysis_unsettled or symptomatic_slip:
        out.forbid(
            "pars injury or symptomatic slip", T.spinal_extension_load, T.spinal_rotation_load
        )
    if (pars or lysis is not None) and Finding.directional_preference_extension not in f:
        out.forbid("pars injury", T.end_range_extension)
    if pars or lysis_unsettled or symptomatic_slip:
        out.at_most(LoadLevel.low, "suspected, symptomatic or uncleared pars defect or slip")
    if lysis is not None and lysis.cleared is True and p.worst == 0:
        out.at_most(LoadLevel.moderate, "cleared pars defect")
    if listhesis is not None:
        out.forbid("spondylolisthesis", T.spinal_extension_load)
        grade, severity = listhesis.grade, listhesis.severity
        high = (
            grade >= 3 if grade is not None else severity is not None and severity.value == "severe"
        )
        if high:
            out.forbid(
                "high-grade spondylolisthesis",
                T.axial_heavy,
                T.axial_moderate,
                T.spinal_extension_load,
                T.end_range_extension,
                T.loaded_flexion,
            )
            if listhesis.cleared is not True:
                out.clearance.append("high-grade spondylolisthesis")
        elif radicular and listhesis.cleared is not True:
            out.clearance.append("spondylolisthesis with nerve-root signs")
    instability = has.get(C.lumbar_instability)
    if instability is not None and (
        i.client.age >= 40 or instability.severity is None or instability.severity.value != "mild"
    ):
        out.forbid(
            "high lumbar-load risk", T.spinal_rotation_load, exercises=("deadlift", "barbell_row")
        )
    elevated = (
        instability is not None
        or has.get(C.lumbar_disc_herniation) is not None
        or Finding.aberrant_movement in f
        or Finding.positive_prone_instability_test in f
    )
    if elevated:
        out.caps.append(
            Cap(
                "lumbar-load risk: loaded hinge",
                effort=7,
                sets=2,
                loaded_only=True,
                patterns=frozenset({Pattern.hinge}),
            )
        )
    if p.region in (PainRegion.low_back, PainRegion.low_back_and_leg) and p.nprs_now >= 1:
        out.forbid("back pain now", exercises=("controlled_hyperextension",))
    if Finding.directional_preference_extension in f:
        out.forbid("extension preference", T.end_range_flexion)
    if Finding.directional_preference_flexion in f:
        out.forbid("flexion preference", T.end_range_extension, T.spinal_extension_load)
    if has.get(C.hyperkyphosis) is not None:
        out.forbid("hyperkyphosis", T.end_range_flexion)
    if has.get(C.hypermobility) is not None:
        out.forbid(
            "hypermobility", T.end_range_flexion, T.end_range_rotation, T.end_range_extension
        )
