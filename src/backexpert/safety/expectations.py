"""What the monitor expects of a safe program, recomputed from the intake alone.

This is the second opinion: it never reads the rules, the catalogue or anything the rules
produced. From the intake it decides, in its own code, the red-flag urgency, whether the program
is withheld, limited or awaits clearance, the spinal load level, which loads each condition and
phase rules out, the effort and set caps, and the recovery between intense sessions. The monitor
then checks the prescription against these expectations using its own classification of every
exercise (`classification`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..clinical import instruments
from ..clinical.intake import Intake
from ..clinical.words import (
    CORE_RED_FLAG_SCREEN,
    LOAD_LEVELS,
    ConditionCode,
    Experience,
    Finding,
    Irritability,
    LoadLevel,
    PainRegion,
    Pattern,
    RedFlagQuestion,
    Side,
    Tag,
    Urgency,
)
from .classification import Profile

Q = RedFlagQuestion
C = ConditionCode
T = Tag
URGENCY_ORDER = (Urgency.emergency, Urgency.urgent, Urgency.before_exercise)
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
MAX_SETS = 4  # seed: deadlift 3-4 sets is the most any exercise gets
MAX_EFFORT = 8  # RPE 8 (2 reps in reserve): no prescription goes nearer failure
NOVICE_MAX_SETS = 3  # ACSM 2009 novice: 1-3 sets
NOVICE_MAX_EFFORT = 7
LIGHT_DAY_MAX_EFFORT = 6
CLEARANCE_MAX_EFFORT = 5
# Starting loads: the highest ratio of one-rep maxima the monitor accepts between an exercise and
# a relative whose load the client gave. Kept apart from the catalogue's `load_from` on purpose,
# as the classification is: a catalogue edit alone cannot make a heavier first load pass.
LOAD_RELATIVES: dict[str, dict[str, float]] = {
    "trap_bar_deadlift": {"deadlift": 1.0},
    "deadlift": {"trap_bar_deadlift": 0.9},
    "paused_deadlift": {"deadlift": 0.85},
    "tempo_deadlift": {"deadlift": 0.8},
    "chest_supported_row": {"one_arm_dumbbell_row": 0.85, "barbell_row": 0.35},
    "one_arm_dumbbell_row": {"chest_supported_row": 1.0, "barbell_row": 0.4},
    "one_arm_cable_row": {"seated_cable_row": 0.45},
}
LOAD_ROUNDING_KG = 1.25  # a load may be rounded to the nearest 2.5 kg step, not beyond


@dataclass(frozen=True)
class Forbid:
    """Loads (or exercises) a client state rules out, and why."""

    loads: frozenset[Tag]
    reason: str
    exercises: frozenset[str] = frozenset()
    unless: frozenset[Tag] = frozenset()  # exercises with any of these loads stay allowed
    patterns: frozenset[Pattern] = frozenset()  # loaded exercises of these movement patterns

    def rules_out(self, exercise: str, p: Profile) -> bool:
        """Whether this forbids the exercise, as the monitor classifies it."""
        if exercise in self.exercises:
            return True
        if self.patterns and p.loaded and p.pattern in self.patterns:
            return True
        return bool(self.loads & p.loads) and not (self.unless & p.loads)


@dataclass(frozen=True)
class Cap:
    """An upper bound on effort or sets for exercises with some loads (all when empty)."""

    reason: str
    effort: int | None = None
    sets: int | None = None
    loads: frozenset[Tag] = frozenset()
    loaded_only: bool = False
    patterns: frozenset[Pattern] = frozenset()

    percent_1rm: int | None = None  # the heaviest set a rep range allows, by the effort

    def applies(self, p: Profile) -> bool:
        """Whether this cap bounds the exercise, as the monitor classifies it."""
        if self.loaded_only and not p.loaded:
            return False
        if self.patterns and p.pattern not in self.patterns:
            return False
        return not self.loads or bool(self.loads & p.loads)


# Reference 2, section 9 [choice]: 160-179/100-109 mmHg allows resistance at 60 % 1RM or less.
BP_HIGH_MAX_PERCENT_1RM = 60


def heaviest_percent_1rm(reps: str, effort: int) -> float:
    """The %1RM of the heaviest set a dose allows: its fewest reps, with 10 - RPE in reserve."""
    fewest = int(reps.replace("–", "-").split("-")[0])
    return epley_percent(fewest + 10 - effort)


@dataclass
class Expectations:
    """What a safe program for this client must respect."""

    urgency: Urgency | None = None
    referral_reasons: list[str] = field(default_factory=list)
    unloaded_only: list[str] = field(default_factory=list)
    clearance: list[str] = field(default_factory=list)
    level: LoadLevel = LoadLevel.full
    level_reasons: list[str] = field(default_factory=list)
    forbids: list[Forbid] = field(default_factory=list)
    caps: list[Cap] = field(default_factory=list)
    recovery_hours: int = 48
    protected_arm: Side | None = None
    one_rm: dict[str, float] = field(default_factory=dict)
    serious_flags: list[str] = field(default_factory=list)  # serious red flags awaiting review

    @property
    def stops_program(self) -> bool:
        return self.urgency in (Urgency.emergency, Urgency.urgent)

    def refer(self, urgency: Urgency, reason: str) -> None:
        if self.urgency is None or URGENCY_ORDER.index(urgency) < URGENCY_ORDER.index(self.urgency):
            self.urgency = urgency
        self.referral_reasons.append(reason)

    def at_most(self, level: LoadLevel, reason: str) -> None:
        if LOAD_LEVELS.index(level) < LOAD_LEVELS.index(self.level):
            self.level = level
            self.level_reasons = [reason]
        elif level is self.level and level is not LoadLevel.full:
            self.level_reasons.append(reason)

    def forbid(self, reason: str, *loads: Tag, exercises: tuple[str, ...] = ()) -> None:
        self.forbids.append(Forbid(frozenset(loads), reason, frozenset(exercises)))

    def effort_cap(self, loaded: bool) -> int:
        """The effort (RPE) every loaded (or unloaded) exercise is held to today: the caps that
        bound all of them, and the clearance cap while a clearance is pending."""
        caps = [
            c.effort
            for c in self.caps
            if c.effort is not None
            and not c.loads
            and not c.patterns
            and (loaded or not c.loaded_only)
        ]
        if self.clearance:
            caps.append(CLEARANCE_MAX_EFFORT)
        return min(caps, default=MAX_EFFORT)


def expectations(intake: Intake) -> Expectations:
    """Everything a safe program for this intake must respect, decided from the intake alone."""
    out = Expectations()
    _red_flags(intake, out)
    _screening(intake, out)
    _load_level(intake, out)
    _spine(intake, out)
    _bone(intake, out)
    _pregnancy(intake, out)
    _age_and_balance(intake, out)
    _blood_pressure(intake, out)
    _shoulder(intake, out)
    _dose(intake, out)
    out.one_rm = one_rep_maxes(intake)
    level = out.level
    if level is LoadLevel.none:
        out.unloaded_only.append("spinal load level none: body weight and walking")
    out.forbids.append(Forbid(LEVEL_FORBIDS[level], f"spinal load level {level.value}"))
    out.caps.append(Cap(f"spinal load level {level.value}", effort=LEVEL_EFFORT[level]))
    if level is LoadLevel.moderate:
        out.caps.append(
            Cap(
                "load level moderate: light chops",
                effort=6,
                loads=frozenset({T.spinal_rotation_load}),
            )
        )
    return out


def _yes(intake: Intake, *questions: RedFlagQuestion) -> bool:
    return any(intake.red_flag_screen.get(q) is True for q in questions)


def _red_flags(i: Intake, out: Expectations) -> None:
    """Urgency from the red-flag answers (domain reference 1, section 2; part 2, section 2)."""
    cancer = _yes(i, Q.history_of_cancer)
    neuro = _yes(
        i,
        Q.new_neurological_deficit,
        Q.bilateral_or_progressive_neurological_deficit,
        Q.bladder_or_bowel_dysfunction,
        Q.bilateral_leg_pain,
    )
    if _yes(
        i,
        Q.saddle_anaesthesia,
        Q.bladder_or_bowel_dysfunction,
        Q.bilateral_or_progressive_neurological_deficit,
        Q.bilateral_leg_pain,
        Q.new_sexual_dysfunction,
    ):
        out.refer(Urgency.emergency, "possible cauda equina syndrome")
    if cancer and neuro:
        out.refer(Urgency.emergency, "cancer with neurological signs")
    if _yes(
        i, Q.shoulder_unreduced_dislocation, Q.hot_swollen_joint, Q.sudden_arm_weakness_or_numbness
    ):
        out.refer(Urgency.emergency, "shoulder emergency")
    spinal = _yes(
        i, Q.constant_night_pain, Q.pain_worse_on_straining, Q.no_improvement_after_one_month
    )
    if cancer and (spinal or i.pain.region in (PainRegion.thoracic, PainRegion.neck)):
        out.refer(Urgency.urgent, "cancer with spinal pain")
    if cancer and i.client.age > 50:
        out.refer(Urgency.urgent, "history of cancer over 50")
    weight, night, slow = (
        _yes(i, Q.unexplained_weight_loss),
        _yes(i, Q.constant_night_pain),
        _yes(i, Q.no_improvement_after_one_month),
    )
    over_50 = i.client.age > 50
    if (weight and (night or over_50 or slow)) or (night and over_50):
        out.refer(Urgency.urgent, "suspected tumour")
    if _yes(i, Q.fever_or_recent_infection) or (
        _yes(i, Q.iv_drug_use_or_immunosuppression) and night
    ):
        out.refer(Urgency.urgent, "suspected infection")
    osteoporosis = i.condition(C.osteoporosis) is not None
    minor = _yes(i, Q.recent_minor_trauma)
    if _yes(i, Q.significant_trauma_or_osteoporotic_fracture_risk) or (
        minor and (_yes(i, Q.long_term_steroid_use) or osteoporosis)
    ):
        out.refer(Urgency.urgent, "suspected vertebral fracture")
    if _yes(i, Q.new_neurological_deficit):
        out.refer(Urgency.urgent, "new neurological deficit")
    if _yes(i, Q.inflammatory_back_pain_pattern):
        out.refer(Urgency.before_exercise, "inflammatory back pain")
        out.unloaded_only.append("inflammatory back pain awaiting rheumatology")
    if _yes(i, Q.acute_traumatic_cuff_tear_signs):
        out.refer(Urgency.urgent, "acute traumatic cuff tear")
    before = [
        q.value
        for q in (
            Q.history_of_cancer,
            Q.unexplained_weight_loss,
            Q.constant_night_pain,
            Q.no_improvement_after_one_month,
            Q.iv_drug_use_or_immunosuppression,
        )
        if _yes(i, q)
    ]
    if before:
        out.refer(Urgency.before_exercise, "red flag " + ", ".join(before))
    serious = before + (
        ["significant trauma"]
        if _yes(i, Q.significant_trauma_or_osteoporotic_fracture_risk)
        else []
    )
    if serious:
        out.serious_flags = serious
        out.unloaded_only.append("red flag " + ", ".join(serious))
        out.at_most(LoadLevel.none, "a serious red flag awaits review")


def _screening(i: Intake, out: Expectations) -> None:
    if any(q not in i.red_flag_screen for q in CORE_RED_FLAG_SCREEN):
        out.unloaded_only.append("incomplete red-flag screen")
        out.at_most(LoadLevel.low, "incomplete red-flag screen")
    date = instruments.assessed_on(i)
    scores = instruments.score(i, date)
    parq = scores.parq_plus
    if parq is not None and parq.outcome in ("follow_up_needed", "clearance_required"):
        out.clearance.append(f"PAR-Q+ {parq.outcome.replace('_', ' ')}")
    if parq is not None and parq.outcome == "cleared_low_to_moderate":
        out.caps.append(Cap("PAR-Q+ low to moderate", effort=6, loaded_only=True))
    vigorous = i.training.accustomed_to_vigorous_effort
    if i.client.age > 45 and vigorous is False:
        out.caps.append(Cap("over 45, not used to vigorous effort", effort=7, loaded_only=True))
    if scores.start_back is not None and scores.start_back.category == "high":
        out.caps.append(Cap("STarT Back high", effort=6, loaded_only=True))
    if scores.odi is not None and scores.odi.band in ("severe", "crippled", "bed_bound"):
        out.forbids.append(
            Forbid(frozenset(), "Oswestry severe or worse: no loaded hinge", patterns=_SPINE_LIFTS)
        )
    qd = scores.quickdash
    if qd is not None and qd.score is not None and qd.score >= 40:
        out.forbid("QuickDASH 40 or more", T.overhead)
        out.caps.append(
            Cap("QuickDASH 40 or more", effort=6, sets=2, loads=frozenset({T.loaded_pull}))
        )


# Loaded exercises of these patterns load the lumbar spine through a hinge or an extension.
_SPINE_LIFTS = frozenset({Pattern.hinge, Pattern.back_extension})


def _symptom_weeks(i: Intake) -> int | None:
    """How long the symptoms have lasted: the pain's duration, else a radiculopathy's weeks."""
    if i.pain.duration_weeks is not None:
        return i.pain.duration_weeks
    radiculopathy = i.condition(C.radiculopathy)
    return None if radiculopathy is None else radiculopathy.weeks_since


def _load_level(i: Intake, out: Expectations) -> None:
    """The spinal load level from pain, irritability and duration (reference 2, section 1)."""
    p = i.pain
    if p.nprs_now >= 7 or p.worst >= 7:
        out.forbids.append(
            Forbid(frozenset({T.spinal_rotation_load}), "severe pain", patterns=_SPINE_LIFTS)
        )
        out.caps.append(Cap("severe pain", effort=6, loaded_only=True))
    if p.region is PainRegion.shoulder:  # shoulder pain alone does not set the spinal level
        return
    now, worst, irr, weeks = p.nprs_now, p.worst, p.irritability, _symptom_weeks(i)
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


def _spine(i: Intake, out: Expectations) -> None:
    """Radicular pain, surgery, pars, instability, directional preference (section 2-4)."""
    f = set(i.findings)
    p = i.pain
    weeks = _symptom_weeks(i)
    early = weeks is None or weeks <= 12
    radicular = (
        i.condition(C.radiculopathy) is not None
        or Finding.positive_straight_leg_raise in f
        or (
            p.region is PainRegion.low_back_and_leg
            and i.condition(C.lumbar_disc_herniation) is not None
        )
    )
    if radicular and early:
        out.at_most(LoadLevel.low, "early radicular pain")
        out.forbid("early radicular pain", T.loaded_flexion, T.axial_heavy, exercises=("curl_up",))
    elif radicular:
        out.at_most(LoadLevel.moderate, "persistent radicular pain")
    disc = i.condition(C.lumbar_discectomy)
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
    fusion = i.condition(C.lumbar_fusion)
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
    lysis = i.condition(C.spondylolysis)
    listhesis = i.condition(C.spondylolisthesis)
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
    instability = i.condition(C.lumbar_instability)
    if instability is not None and (
        i.client.age >= 40 or instability.severity is None or instability.severity.value != "mild"
    ):
        out.forbid(
            "high lumbar-load risk", T.spinal_rotation_load, exercises=("deadlift", "barbell_row")
        )
    elevated = (
        instability is not None
        or i.condition(C.lumbar_disc_herniation) is not None
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
    if i.condition(C.hyperkyphosis) is not None:
        out.forbid("hyperkyphosis", T.end_range_flexion)
    if i.condition(C.hypermobility) is not None:
        out.forbid(
            "hypermobility", T.end_range_flexion, T.end_range_rotation, T.end_range_extension
        )


def _bone(i: Intake, out: Expectations) -> None:
    """Osteoporosis, steroids and vertebral fracture (reference 2, section 5)."""
    fracture = i.condition(C.vertebral_fracture)
    fragile = (
        i.condition(C.osteoporosis) is not None
        or fracture is not None
        or _yes(i, Q.long_term_steroid_use)
    )
    if fragile:
        out.forbid(
            "fragile bone",
            T.end_range_flexion,
            T.spinal_rotation_load,
            T.end_range_rotation,
            exercises=("barbell_row",),
        )
        out.caps.append(
            Cap(
                "fragile bone",
                effort=7,
                loads=frozenset({T.axial_light, T.axial_moderate, T.axial_heavy}),
            )
        )
        if i.training.experience is Experience.novice:
            out.forbid("fragile bone, novice", T.axial_heavy)
    if fracture is not None:
        out.at_most(LoadLevel.moderate, "known vertebral fracture")
        recent = fracture.weeks_since is None or fracture.weeks_since < 12
        if (recent and fracture.cleared is not True) or fracture.cleared is False:
            out.clearance.append("vertebral fracture not cleared")
            out.at_most(LoadLevel.none, "vertebral fracture not cleared")


def _pregnancy(i: Intake, out: Expectations) -> None:
    """Pregnancy and postpartum (reference 2, section 6)."""
    pregnancy = i.condition(C.pregnancy)
    screen = i.questionnaires.pregnancy
    if pregnancy is not None:
        if screen is not None and any(screen.absolute):
            out.refer(Urgency.urgent, "pregnancy with an absolute contraindication")
        elif (screen is None or any(screen.relative)) and pregnancy.cleared is not True:
            out.clearance.append("pregnancy: obstetric clearance")
        out.forbid("pregnancy", T.breath_hold, T.impact, T.technical_lift)
        out.caps.append(Cap("pregnancy", effort=7, loaded_only=True))
        weeks = pregnancy.weeks_since or 0
        if weeks >= 20:
            out.forbid("pregnancy from 20 weeks", T.prone)
            if Finding.supine_tolerated not in i.findings:
                out.forbid("pregnancy from 20 weeks", T.supine)
        if weeks >= 28:
            out.forbid("third trimester", T.balance_high)
    postpartum = i.condition(C.postpartum)
    if (
        postpartum is not None
        and postpartum.weeks_since is not None
        and postpartum.weeks_since < 12
    ):
        out.forbid("under 12 weeks after delivery", T.impact, T.axial_heavy, T.breath_hold)
        out.caps.append(Cap("under 12 weeks after delivery", effort=6, loaded_only=True))
    caesarean = Finding.caesarean_delivery in i.findings
    if postpartum is not None and (
        postpartum.cleared is False or (caesarean and postpartum.cleared is None)
    ):
        out.clearance.append("after delivery: not cleared")
    if Finding.pelvic_floor_symptoms in i.findings:
        out.forbid("pelvic-floor symptoms", T.impact, T.breath_hold)


def _age_and_balance(i: Intake, out: Expectations) -> None:
    """Older adults, falls, frailty and youth (reference 2, sections 7-8)."""
    f = set(i.findings)
    age = i.client.age
    if age >= 65 and i.training.experience is not Experience.advanced:
        out.forbid(
            "65 or older: machines and dumbbells before barbells",
            T.technical_lift,
            exercises=("pull_up_neutral_grip",),
        )
    parq = i.questionnaires.parq_plus
    dizzy = parq is not None and parq.general[2]
    if dizzy or f & {Finding.history_of_falls, Finding.balance_impairment, Finding.frailty}:
        out.forbid("falls risk", T.balance_high, T.spinal_rotation_load)
    if Finding.frailty in f:
        out.at_most(LoadLevel.low, "frailty")
        out.forbid("frailty", T.axial_moderate, T.axial_heavy, T.technical_lift)
    if age < 18:
        out.forbid("under 18: technique before load", T.technical_lift)
        out.caps.append(Cap("under 18", sets=3, loaded_only=True))


def _blood_pressure(i: Intake, out: Expectations) -> None:
    """Hypertension and resting blood pressure (reference 2, section 9)."""
    v = i.vitals
    sys_, dia = v.resting_systolic or 0, v.resting_diastolic or 0
    if sys_ >= 180 or dia >= 110:
        out.refer(Urgency.urgent, "resting blood pressure 180/110 or more")
    high = i.condition(C.hypertension) is not None or sys_ >= 160 or dia >= 100
    if high:
        out.forbid("high blood pressure", T.breath_hold)
        out.caps.append(Cap("high blood pressure", effort=6, loaded_only=True))
    if sys_ >= 160 or dia >= 100:
        out.caps.append(
            Cap(
                "resting blood pressure 160/100 or more",
                effort=5,
                loaded_only=True,
                percent_1rm=BP_HIGH_MAX_PERCENT_1RM,
            )
        )
    parq = i.questionnaires.parq_plus
    answered = (
        parq is not None and parq.follow_up is not None and parq.follow_up.hypertension is not None
    )
    q1 = parq is not None and parq.general[0]
    if i.condition(C.hypertension) is not None and not (q1 and answered):
        out.clearance.append("high blood pressure without a complete PAR-Q+")
    elif high and not answered:
        out.clearance.append("high blood pressure without the PAR-Q+ follow-up")


def _shoulder(i: Intake, out: Expectations) -> None:
    """Rotator-cuff repair by phase and side (reference 2, section 10)."""
    cuff = i.condition(C.rotator_cuff_repair)
    if cuff is None or cuff.weeks_since is None:
        return
    w = cuff.weeks_since
    side = cuff.side or Side.both
    arm_loads = (T.loaded_pull, T.grip_load, T.resisted_shoulder)
    if w < 12:
        out.protected_arm = side
        reason = "cuff repair under 12 weeks"
        out.forbids.append(
            Forbid(
                frozenset(arm_loads),
                reason,
                unless=frozenset() if side is Side.both else frozenset({T.one_arm}),
            )
        )
        out.forbid(
            reason,
            T.overhead,
            T.quadruped,
            exercises=(
                "scapular_push_up",
                "side_plank",
                "incline_push_up",
                "one_arm_dumbbell_row",
                "prone_press_up",
            ),
        )
        if side is Side.both:
            out.forbid("both shoulders protected", T.one_arm)
    if w < 8:
        out.forbid("cuff repair under 8 weeks", T.shoulder_weight_bearing)
    if w < 6:
        out.forbid("cuff repair under 6 weeks", T.active_shoulder, T.overhead_reach)
    if 12 <= w < 16:
        out.forbid("cuff repair 12-16 weeks", T.overhead)
    if 16 <= w < 26:
        out.forbid("cuff repair under six months", exercises=("pull_up_neutral_grip",))
        out.caps.append(
            Cap(
                "cuff repair under six months: overhead",
                effort=6,
                sets=2,
                loads=frozenset({T.overhead}),
            )
        )
    if 12 <= w < 26:
        out.caps.append(
            Cap("cuff repair: loaded rows", effort=6, sets=2, loads=frozenset({T.loaded_pull}))
        )


def _dose(i: Intake, out: Expectations) -> None:
    """Recovery and volume by experience and age (seed; ACSM 2009 and 2011)."""
    novice = i.training.experience is Experience.novice
    if novice or i.client.age >= 65:
        out.recovery_hours = 72
    if novice:
        out.caps.append(Cap("novice", sets=NOVICE_MAX_SETS))
        out.caps.append(Cap("novice", effort=NOVICE_MAX_EFFORT, loaded_only=True))
    out.caps.append(Cap("every program", sets=MAX_SETS, effort=MAX_EFFORT))


def epley_percent(rm: int) -> float:
    """%1RM that can be lifted `rm` times: 100 / (1 + RM/30), 100 at 1 RM (reference 2, s12)."""
    return 100.0 if rm <= 1 else 100.0 / (1 + rm / 30)


def one_rep_maxes(i: Intake) -> dict[str, float]:
    """The lowest 1RM each exercise's own current loads imply, else its relatives' lowest.

    Reps plus reps in reserve (10 - RPE) are the set's RM; a set without an RPE counts as a true
    RM, which gives the lightest estimate.
    """
    own: dict[str, float] = {}
    for c in i.training.current_loads:
        rir = 0 if c.rpe is None else 10 - c.rpe
        est = c.load_kg * 100 / epley_percent(c.reps + rir)
        own[c.exercise] = min(est, own.get(c.exercise, est))
    out = dict(own)
    for exercise, relatives in LOAD_RELATIVES.items():
        found = [own[r] * ratio for r, ratio in relatives.items() if r in own]
        if exercise not in own and found:
            out[exercise] = min(found)
    return out
