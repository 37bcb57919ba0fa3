"""Clinical words: the codes an intake, the catalogue and the rules share.

Each enumeration is a closed list: an intake, a catalogue entry or a rule naming anything else is
refused. The values are the public contract of the intake and the prescription documents.
"""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"


class Occupation(StrEnum):
    desk = "desk"
    manual = "manual"
    athlete = "athlete"
    other = "other"


class Experience(StrEnum):
    novice = "novice"
    intermediate = "intermediate"
    advanced = "advanced"


class Goal(StrEnum):
    posture = "posture"
    pain_management = "pain_management"
    strength = "strength"
    hypertrophy = "hypertrophy"
    endurance = "endurance"
    general_fitness = "general_fitness"


class Equipment(StrEnum):
    barbell = "barbell"
    trap_bar = "trap_bar"
    dumbbells = "dumbbells"
    kettlebell = "kettlebell"
    pull_up_bar = "pull_up_bar"
    cable_station = "cable_station"
    resistance_band = "resistance_band"
    medicine_ball = "medicine_ball"
    hyperextension_bench = "hyperextension_bench"
    bench = "bench"
    foam_roller = "foam_roller"


class Finding(StrEnum):
    """Physical-examination findings."""

    rounded_shoulders = "rounded_shoulders"
    forward_head_posture = "forward_head_posture"
    scapular_dyskinesis = "scapular_dyskinesis"
    thoracic_stiffness = "thoracic_stiffness"
    poor_extensor_endurance = "poor_extensor_endurance"
    aberrant_movement = "aberrant_movement"
    positive_prone_instability_test = "positive_prone_instability_test"
    straight_leg_raise_over_91 = "straight_leg_raise_over_91"
    poor_hip_hinge_pattern = "poor_hip_hinge_pattern"
    trunk_rotation_asymmetry = "trunk_rotation_asymmetry"
    limited_shoulder_flexion = "limited_shoulder_flexion"
    positive_straight_leg_raise = "positive_straight_leg_raise"
    directional_preference_extension = "directional_preference_extension"
    directional_preference_flexion = "directional_preference_flexion"
    history_of_falls = "history_of_falls"
    balance_impairment = "balance_impairment"
    frailty = "frailty"
    pelvic_floor_symptoms = "pelvic_floor_symptoms"
    supine_tolerated = "supine_tolerated"
    extension_sport = "extension_sport"
    extension_provoked_pain = "extension_provoked_pain"
    caesarean_delivery = "caesarean_delivery"


class ConditionCode(StrEnum):
    """Injuries and conditions a client may bring."""

    lumbar_instability = "lumbar_instability"
    chronic_low_back_pain = "chronic_low_back_pain"
    lumbar_disc_herniation = "lumbar_disc_herniation"
    spondylolisthesis = "spondylolisthesis"
    osteoporosis = "osteoporosis"
    rotator_cuff_repair = "rotator_cuff_repair"
    rotator_cuff_tendinopathy = "rotator_cuff_tendinopathy"
    shoulder_impingement = "shoulder_impingement"
    hypertension = "hypertension"
    pregnancy = "pregnancy"
    postpartum = "postpartum"
    lumbar_discectomy = "lumbar_discectomy"
    lumbar_fusion = "lumbar_fusion"
    spondylolysis = "spondylolysis"
    radiculopathy = "radiculopathy"
    vertebral_fracture = "vertebral_fracture"
    hyperkyphosis = "hyperkyphosis"
    scoliosis = "scoliosis"
    hypermobility = "hypermobility"
    hip_osteoarthritis = "hip_osteoarthritis"
    knee_osteoarthritis = "knee_osteoarthritis"
    neck_pain = "neck_pain"
    other = "other"


# Conditions whose timeline drives loading: `weeks_since` is required for them.
DATED_CONDITIONS: frozenset[ConditionCode] = frozenset(
    {
        ConditionCode.rotator_cuff_repair,
        ConditionCode.pregnancy,
        ConditionCode.postpartum,
        ConditionCode.lumbar_discectomy,
        ConditionCode.lumbar_fusion,
    }
)
# Conditions that are one-sided or both: a missing `side` means both.
SIDED_CONDITIONS: frozenset[ConditionCode] = frozenset(
    {ConditionCode.rotator_cuff_repair, ConditionCode.radiculopathy}
)


class Severity(StrEnum):
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class ConditionSeverity(StrEnum):
    """A condition's severity as a closed-world fact."""

    absent = "absent"
    unspecified = "unspecified"
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class Side(StrEnum):
    left = "left"
    right = "right"
    both = "both"


class Irritability(StrEnum):
    """How easily pain is provoked and how long it takes to settle (Maitland; explicit fields).

    high: light activity provokes pain lasting over 2 h or to the next day, or night pain that
    wakes; moderate: settles within 1-2 h; low: settles within minutes.
    """

    low = "low"
    moderate = "moderate"
    high = "high"


class PainRegion(StrEnum):
    none = "none"
    low_back = "low_back"
    low_back_and_leg = "low_back_and_leg"
    thoracic = "thoracic"
    neck = "neck"
    shoulder = "shoulder"
    multiple = "multiple"


class RedFlagQuestion(StrEnum):
    """The red-flag screen: each question is answered yes or no, or was not asked.

    The first ten are the core spinal screen: a screen is complete when all ten are answered.
    The others refine it (cauda equina, metastasis, fracture, inflammatory and shoulder flags)
    and are asked when the presentation calls for them; a yes to any of them acts at once.
    """

    saddle_anaesthesia = "saddle_anaesthesia"
    bladder_or_bowel_dysfunction = "bladder_or_bowel_dysfunction"
    bilateral_or_progressive_neurological_deficit = "bilateral_or_progressive_neurological_deficit"
    history_of_cancer = "history_of_cancer"
    unexplained_weight_loss = "unexplained_weight_loss"
    constant_night_pain = "constant_night_pain"
    fever_or_recent_infection = "fever_or_recent_infection"
    iv_drug_use_or_immunosuppression = "iv_drug_use_or_immunosuppression"
    significant_trauma_or_osteoporotic_fracture_risk = (
        "significant_trauma_or_osteoporotic_fracture_risk"
    )
    long_term_steroid_use = "long_term_steroid_use"
    # refinements, asked when relevant
    bilateral_leg_pain = "bilateral_leg_pain"
    new_sexual_dysfunction = "new_sexual_dysfunction"
    new_neurological_deficit = "new_neurological_deficit"
    pain_worse_on_straining = "pain_worse_on_straining"
    no_improvement_after_one_month = "no_improvement_after_one_month"
    recent_minor_trauma = "recent_minor_trauma"
    inflammatory_back_pain_pattern = "inflammatory_back_pain_pattern"
    shoulder_unreduced_dislocation = "shoulder_unreduced_dislocation"
    hot_swollen_joint = "hot_swollen_joint"
    sudden_arm_weakness_or_numbness = "sudden_arm_weakness_or_numbness"
    acute_traumatic_cuff_tear_signs = "acute_traumatic_cuff_tear_signs"


CORE_RED_FLAG_SCREEN: tuple[RedFlagQuestion, ...] = tuple(RedFlagQuestion)[:10]


class Answer(StrEnum):
    """A red-flag answer as a closed-world fact."""

    yes = "yes"
    no = "no"
    not_asked = "not_asked"


class Pattern(StrEnum):
    """Movement patterns of the catalogue."""

    scapular_activation = "scapular_activation"
    vertical_pull = "vertical_pull"
    horizontal_pull = "horizontal_pull"
    hinge = "hinge"
    back_extension = "back_extension"
    rotation = "rotation"
    anti_rotation = "anti_rotation"
    anti_extension = "anti_extension"
    lateral_stability = "lateral_stability"
    mobility = "mobility"
    squat = "squat"  # knee-dominant lower body: squat, sit-to-stand, step-up
    hip_extension = "hip_extension"  # bridge and hip thrust
    carry = "carry"
    balance = "balance"
    gait = "gait"
    push = "push"  # wall and incline push-ups
    pelvic_floor = "pelvic_floor"


class Tag(StrEnum):
    """What an exercise does to the body; contraindications are stated in these words.

    Spine (domain reference 2, section 15): axial load in three grades, loaded and end-range
    flexion, loaded and end-range rotation, loaded, end-range and isometric extension, breath-hold
    when heavy, impact. Positions: supine, prone, quadruped, balance demand. Arms: weight through
    the hands, a load gripped, resisted pulling, overhead, one arm at a time.
    """

    axial_light = "axial_light"  # light load through the spine: goblet, kettlebell, suitcase
    axial_moderate = "axial_moderate"  # trap-bar deadlift, farmer's carry
    axial_heavy = "axial_heavy"  # barbell lifts from the floor, bent-over barbell row
    loaded_flexion = "loaded_flexion"  # the trunk held in a flexion moment under load
    end_range_flexion = "end_range_flexion"  # the lumbar spine to end-range flexion
    spinal_rotation_load = "spinal_rotation_load"  # rotation under load: chops
    rotation_light = "rotation_light"  # a light asymmetric pull the trunk resists
    end_range_rotation = "end_range_rotation"  # unloaded rotation to end range
    spinal_extension_load = "spinal_extension_load"  # dynamic extension under load
    end_range_extension = "end_range_extension"  # unloaded repeated extension (press-up)
    extension_isometric = "extension_isometric"  # extensors held to neutral
    breath_hold = "breath_hold"  # heavy enough that people hold their breath
    impact = "impact"  # impact above walking: jumping, running
    impact_low = "impact_low"  # walking
    supine = "supine"
    prone = "prone"
    quadruped = "quadruped"
    balance_medium = "balance_medium"
    balance_high = "balance_high"
    shoulder_weight_bearing = "shoulder_weight_bearing"  # weight through hands or forearms
    grip_load = "grip_load"  # a load held in the hand
    loaded_pull = "loaded_pull"
    overhead = "overhead"  # loaded work with the arms overhead
    overhead_reach = "overhead_reach"  # reaching overhead, unloaded
    resisted_shoulder = "resisted_shoulder"  # the shoulder moves or holds against resistance
    active_shoulder = "active_shoulder"  # the shoulder moves actively, unloaded
    one_arm = "one_arm"  # one arm works at a time; a prescription says which
    technical_lift = "technical_lift"  # needs an established technique


class Phase(StrEnum):
    """Where an item sits in a session: priming always comes before loading."""

    priming = "priming"
    main = "main"
    accessory = "accessory"


PHASE_ORDER: dict[Phase, int] = {Phase.priming: 0, Phase.main: 1, Phase.accessory: 2}


class LoadLevel(StrEnum):
    """How much the spine may be loaded now, most restrictive first (domain reference 2, §1)."""

    none = "none"
    low = "low"
    moderate = "moderate"
    full = "full"


LOAD_LEVELS: tuple[LoadLevel, ...] = tuple(LoadLevel)

# What each level allows (domain reference 2, section 1), for the clinician and the client.
LOAD_LEVEL_MEANING: dict[LoadLevel, str] = {
    LoadLevel.none: (
        "Body weight and walking only, effort 4 of 10 or less: keep active and move within "
        "comfort - never bed rest. Reassess as the pain settles."
    ),
    LoadLevel.low: (
        "Light load only (a goblet or kettlebell), anti-rotation held still, no loaded bending "
        "or arching, effort 5 of 10 or less (about half of a one-rep maximum); walk every day."
    ),
    LoadLevel.moderate: (
        "A neutral hinge and squat (trap bar, kettlebell), no barbell lifts from the floor or "
        "bent-over rows, light chops, arching only to neutral, effort 7 of 10 or less (about 70% "
        "of a one-rep maximum)."
    ),
    LoadLevel.full: "No spinal restriction from pain: progress by the usual dosing rules.",
}


class DayType(StrEnum):
    """Daily undulating load on intense days: heavy, moderate or light (reference part 2 §13)."""

    heavy = "heavy"
    moderate = "moderate"
    light = "light"


class SessionKind(StrEnum):
    intense = "intense"
    light = "light"
    daily = "daily"


class Urgency(StrEnum):
    emergency = "emergency"
    urgent = "urgent"
    before_exercise = "before_exercise"


class Indicator(StrEnum):
    """How loudly a flag speaks (CDS Hooks card indicators)."""

    info = "info"
    warning = "warning"
    critical = "critical"


class Day(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


WEEK: tuple[Day, ...] = tuple(Day)


class AdviceTopic(StrEnum):
    """What a precaution for the client is about (the handout groups them by topic)."""

    safety_net = "safety_net"  # when to seek care at once
    keep_active = "keep_active"
    pain_monitoring = "pain_monitoring"
    breathing = "breathing"
    bone_health = "bone_health"
    operated_arm = "operated_arm"
    after_surgery = "after_surgery"
    nerve_pain = "nerve_pain"
    pregnancy = "pregnancy"
    balance = "balance"
    blood_pressure = "blood_pressure"
    movement = "movement"


class FlagCode(StrEnum):
    """Flags a rule may raise for the clinician; the message comes from the rule."""

    technique_focus = "technique_focus"
    recheck_extensor_endurance = "recheck_extensor_endurance"
    lumbar_load_monitor = "lumbar_load_monitor"
    cuff_repair_protected = "cuff_repair_protected"
    cuff_repair_milestones = "cuff_repair_milestones"
    pain_free_range = "pain_free_range"
    progress_deadlift_variations = "progress_deadlift_variations"
    older_adult_dosing = "older_adult_dosing"
    pain_monitoring = "pain_monitoring"
    blood_pressure = "blood_pressure"
    bone_health = "bone_health"
    progression_principle = "progression_principle"
    # screening
    red_flag_screen_incomplete = "red_flag_screen_incomplete"
    psychologically_informed_care = "psychologically_informed_care"
    stratified_care = "stratified_care"
    parq_clearance = "parq_clearance"
    vigorous_effort_over_45 = "vigorous_effort_over_45"
    disability_severe = "disability_severe"
    shoulder_disability = "shoulder_disability"
    # clinical depth: the presentations of domain reference 2
    keep_active = "keep_active"
    both_arms_protected = "both_arms_protected"
    stabilisation_responder = "stabilisation_responder"
    radicular_pain = "radicular_pain"
    safety_netting = "safety_netting"
    after_surgery = "after_surgery"
    surgeon_clearance = "surgeon_clearance"
    pars_stress_injury = "pars_stress_injury"
    spondylolisthesis = "spondylolisthesis"
    fracture = "fracture"
    pregnancy = "pregnancy"
    obstetric_clearance = "obstetric_clearance"
    postpartum = "postpartum"
    pelvic_health = "pelvic_health"
    falls_risk = "falls_risk"
    frailty = "frailty"
    youth_supervision = "youth_supervision"
    directional_preference = "directional_preference"
    review_other_condition = "review_other_condition"
    hyperkyphosis = "hyperkyphosis"
    scoliosis = "scoliosis"
    hypermobility = "hypermobility"
    osteoarthritis = "osteoarthritis"
    neck_pain = "neck_pain"
