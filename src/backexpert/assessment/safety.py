"""The safety monitor: invariants checked on every prescription before it leaves the system.

The checks here are independent of the rules: they read the intake and the catalogue's tags, not
the conclusions that produced the program. A violation is a bug in the rule base or the composer,
so the prescription is withheld (`SafetyError`), never printed. Each invariant has a stable id
(`referral.no_program`, `dose.max_sets`, ...) that its violations carry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..clinical.catalogue import Catalogue, Exercise
from ..clinical.intake import Intake
from ..clinical.words import (
    CORE_RED_FLAG_SCREEN,
    ConditionCode,
    Experience,
    Pattern,
    Phase,
    RedFlagQuestion,
    Tag,
    Urgency,
)
from ..errors import SafetyError
from ..knowledge.rules import Rulebook
from .prescription import Item, Prescription
from .week import gaps_hours

MIN_RECOVERY_HOURS = 48  # seed; ACSM 2011
CLEARANCE_MAX_EFFORT = 5  # PAR-Q+ clearance pending: unloaded work at RPE 5 or less

Q = RedFlagQuestion
# A YES to any of these alone always means an emergency or urgent referral (domain reference 2).
MUST_REFER: frozenset[RedFlagQuestion] = frozenset(
    {
        Q.saddle_anaesthesia,
        Q.bladder_or_bowel_dysfunction,
        Q.bilateral_or_progressive_neurological_deficit,
        Q.bilateral_leg_pain,
        Q.new_sexual_dysfunction,
        Q.fever_or_recent_infection,
        Q.new_neurological_deficit,
        Q.inflammatory_back_pain_pattern,
        Q.shoulder_unreduced_dislocation,
        Q.hot_swollen_joint,
        Q.sudden_arm_weakness_or_numbness,
        Q.acute_traumatic_cuff_tear_signs,
    }
)
# These matter only together with other findings (cancer, osteoporosis, trauma): alone they
# modify the program (bone-health caps) rather than stop it.
CONTEXT_ONLY: frozenset[RedFlagQuestion] = frozenset(
    {Q.long_term_steroid_use, Q.recent_minor_trauma, Q.pain_worse_on_straining}
)
# A YES to any of these alone means no loaded work before a medical review.
MUST_NOT_LOAD: frozenset[RedFlagQuestion] = frozenset(
    {
        Q.history_of_cancer,
        Q.unexplained_weight_loss,
        Q.constant_night_pain,
        Q.iv_drug_use_or_immunosuppression,
        Q.significant_trauma_or_osteoporotic_fracture_risk,
        Q.no_improvement_after_one_month,
    }
)
MAX_SETS = 4  # seed: deadlift 3-4 sets is the most any exercise gets
MAX_EFFORT = 8  # RPE 8 (2 reps in reserve): no prescription goes nearer failure
NOVICE_MAX_SETS = 3  # ACSM 2009 novice: 1-3 sets
NOVICE_MAX_EFFORT = 7
LIGHT_DAY_MAX_EFFORT = 6


@dataclass(frozen=True)
class Violation:
    """One broken invariant: its id and what is wrong."""

    invariant: str
    message: str

    def __str__(self) -> str:
        return f"[{self.invariant}] {self.message}"


@dataclass(frozen=True)
class Contraindication:
    """A client state and what it rules out, stated in catalogue terms."""

    name: str
    applies: Callable[[Intake], bool]
    forbids: Callable[[Exercise], bool]
    source: str


def _cuff_weeks(intake: Intake) -> int | None:
    for c in intake.conditions:
        if c.code is ConditionCode.rotator_cuff_repair:
            return c.weeks_since
    return None


def _has(code: ConditionCode) -> Callable[[Intake], bool]:
    return lambda i: any(c.code is code for c in i.conditions)


def _tagged(*tags: Tag) -> Callable[[Exercise], bool]:
    return lambda e: any(t in e.tags for t in tags)


def _lumbar_high_risk(i: Intake) -> bool:
    return any(
        c.code is ConditionCode.lumbar_instability
        and (i.client.age >= 40 or c.severity is None or c.severity.value != "mild")
        for c in i.conditions
    )


CONTRAINDICATIONS: tuple[Contraindication, ...] = (
    Contraindication(
        "rotator-cuff repair under 12 weeks",
        lambda i: (w := _cuff_weeks(i)) is not None and w < 12,
        _tagged(Tag.loaded_pull, Tag.overhead, Tag.resisted_shoulder, Tag.shoulder_weight_bearing),
        "ASSET (Thigpen 2016): strengthening from week 12; vignette 9",
    ),
    Contraindication(
        "rotator-cuff repair under 6 weeks",
        lambda i: (w := _cuff_weeks(i)) is not None and w < 6,
        _tagged(Tag.active_shoulder, Tag.overhead_reach),
        "ASSET (Thigpen 2016): passive range only in weeks 2-6",
    ),
    Contraindication(
        "severe pain (NPRS 7 or more)",
        lambda i: i.pain.worst >= 7,
        lambda e: (
            (e.loaded and e.pattern in (Pattern.hinge, Pattern.back_extension))
            or Tag.spinal_rotation_load in e.tags
        ),
        "Vignette 8 (design choice): NPRS >= 7 -> no loaded deadlift",
    ),
    Contraindication(
        "spondylolisthesis",
        _has(ConditionCode.spondylolisthesis),
        _tagged(Tag.spinal_extension_load),
        "PAR-Q+ follow-up 1b",
    ),
    Contraindication(
        "lumbar instability, age 40+ or more than mild",
        _lumbar_high_risk,
        _tagged(Tag.technical_lift),
        "Vignette 8: hinge regression instead of the barbell deadlift",
    ),
)


def violations(
    p: Prescription, intake: Intake, rulebook: Rulebook, cat: Catalogue
) -> list[Violation]:
    """Every invariant the prescription breaks (empty when it is safe)."""
    out: list[Violation] = []

    def bad(invariant: str, message: str) -> None:
        out.append(Violation(invariant, message))

    items = p.items()
    if p.referral is not None and p.referral.urgency in (Urgency.emergency, Urgency.urgent):
        if p.sessions or p.daily:
            bad("referral.no_program", "emergency or urgent referral, yet sessions were prescribed")
        if p.status != "referral":
            bad("referral.status", "emergency or urgent referral, yet status is not referral")
    yes = {q for q, a in intake.red_flag_screen.items() if a}
    if yes & MUST_REFER and p.status != "referral":
        names = ", ".join(sorted(q.value for q in yes & MUST_REFER))
        bad(
            "referral.red_flag",
            f"red flag ({names}) answered yes, yet no emergency or urgent referral",
        )
    loaded = [f"{where}: {i.exercise}" for where, i in items if i.loaded]
    no_load_because = []
    if yes & MUST_NOT_LOAD:
        no_load_because.append(
            "red flag " + ", ".join(sorted(q.value for q in yes & MUST_NOT_LOAD))
        )
    if any(q not in intake.red_flag_screen for q in CORE_RED_FLAG_SCREEN):
        no_load_because.append("incomplete red-flag screen")
    if p.referral is not None:
        no_load_because.append(f"{p.referral.urgency.value} referral")
    if p.status in ("limited", "clearance_required"):
        no_load_because.append(f"status {p.status}")
    if no_load_because and loaded:
        bad(
            "load.withheld",
            f"loaded work despite {' and '.join(no_load_because)}: {', '.join(loaded)}",
        )
    if p.status == "clearance_required":
        for where, i in items:
            if i.effort > CLEARANCE_MAX_EFFORT:
                bad(
                    "clearance.effort",
                    f"{where}: {i.exercise} at RPE {i.effort} while clearance is pending",
                )
    for ci in CONTRAINDICATIONS:
        if ci.applies(intake):
            for where, i in items:
                if i.exercise in cat and ci.forbids(cat[i.exercise]):
                    bad(
                        "contraindication",
                        f"{where}: {i.exercise} is contraindicated by {ci.name} ({ci.source})",
                    )
    for s in p.sessions:
        primed = False
        for i in s.items:
            primed = primed or i.phase is Phase.priming
            if i.loaded and not primed:
                bad(
                    "priming.first",
                    f"{s.day.value}: loaded {i.exercise} comes before any priming item",
                )
        if s.intensity == "light":
            for i in s.items:
                if i.loaded and i.effort > LIGHT_DAY_MAX_EFFORT:
                    bad(
                        "light_day.effort",
                        f"{s.day.value}: light-day {i.exercise} at RPE {i.effort} > "
                        f"{LIGHT_DAY_MAX_EFFORT}",
                    )
    intense = [s.day for s in p.sessions if s.intensity == "intense"]
    for gap in gaps_hours(intense) if len(intense) > 1 else []:
        if gap < MIN_RECOVERY_HOURS:
            bad(
                "recovery.minimum",
                f"intense sessions only {gap} h apart (minimum {MIN_RECOVERY_HOURS} h)",
            )
    if p.schedule is not None and len(intense) > 1:  # noqa: SIM102
        if min(gaps_hours(intense)) < p.schedule.recovery_hours:
            bad(
                "recovery.schedule",
                f"intense sessions closer than the {p.schedule.recovery_hours} h required",
            )
    novice = intake.training.experience is Experience.novice
    for where, i in items:
        out.extend(_dose_violations(where, i, novice))
        if not i.because:
            bad("explained.because", f"{where}: {i.exercise} has no because")
        for rule_id in [*i.because, *(a.rule for a in i.adjustments)]:
            if rule_id not in rulebook:
                bad("explained.known_rule", f"{where}: {i.exercise} names unknown rule {rule_id}")
        if i.exercise not in cat:
            bad("catalogue.known", f"{where}: {i.exercise} is not in the catalogue")
    return out


def _dose_violations(where: str, i: Item, novice: bool) -> list[Violation]:
    out = []
    if i.sets > MAX_SETS:
        out.append(
            Violation("dose.max_sets", f"{where}: {i.exercise} has {i.sets} sets > {MAX_SETS}")
        )
    if i.effort > MAX_EFFORT:
        out.append(
            Violation("dose.max_effort", f"{where}: {i.exercise} at RPE {i.effort} > {MAX_EFFORT}")
        )
    if novice and i.sets > NOVICE_MAX_SETS:
        out.append(
            Violation(
                "dose.novice_sets",
                f"{where}: novice given {i.sets} sets of {i.exercise} > {NOVICE_MAX_SETS}",
            )
        )
    if novice and i.loaded and i.effort > NOVICE_MAX_EFFORT:
        out.append(
            Violation(
                "dose.novice_effort",
                f"{where}: novice given {i.exercise} at RPE {i.effort} > {NOVICE_MAX_EFFORT}",
            )
        )
    return out


def check(p: Prescription, intake: Intake, rulebook: Rulebook, cat: Catalogue) -> None:
    """Raise SafetyError when the prescription breaks any invariant."""
    found = violations(p, intake, rulebook, cat)
    if found:
        raise SafetyError([str(v) for v in found])


def forbidden_for(intake: Intake, cat: Catalogue) -> dict[str, list[str]]:
    """Exercise id → the contraindications that rule it out for this client."""
    out: dict[str, list[str]] = {}
    for ci in CONTRAINDICATIONS:
        if ci.applies(intake):
            for e in cat:
                if ci.forbids(e):
                    out.setdefault(e.id, []).append(ci.name)
    return out
