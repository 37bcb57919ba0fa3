"""The monitor's own classification of every exercise: loaded or not, its movement pattern, and
what it does to the body (the load tags of domain reference 2, section 15).

Kept in code, apart from `rules/exercises.yaml`, on purpose: the monitor is a second opinion, so
an edit to the catalogue alone (marking a barbell deadlift unloaded, dropping a tag) cannot make
an unsafe program pass. `rules check` refuses a catalogue that disagrees with this table, and
an exercise this table does not know is refused in any program. Adding an exercise means adding
it here too, deliberately, and a test pins this table's content hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from ..clinical.catalogue import Catalogue
from ..clinical.words import Pattern, Tag

P = Pattern
T = Tag
_K = TypeVar("_K", Tag, Pattern)


@dataclass(frozen=True)
class Profile:
    """What one exercise is, as the monitor knows it."""

    loaded: bool
    pattern: Pattern
    loads: frozenset[Tag]


def _p(loaded: bool, pattern: Pattern, *loads: Tag) -> Profile:
    return Profile(loaded, pattern, frozenset(loads))


EXERCISES: dict[str, Profile] = {
    "scapular_push_up": _p(False, P.scapular_activation, T.shoulder_weight_bearing, T.quadruped),
    "wall_scapular_push_up": _p(False, P.scapular_activation, T.shoulder_weight_bearing),
    "band_pull_apart": _p(False, P.scapular_activation, T.resisted_shoulder, T.active_shoulder),
    "wall_slide": _p(False, P.scapular_activation, T.overhead_reach, T.active_shoulder),
    "isometric_scapular_retraction": _p(False, P.scapular_activation),
    "low_row": _p(False, P.scapular_activation),
    "lawnmower": _p(False, P.scapular_activation, T.active_shoulder, T.rotation_light),
    "cat_camel": _p(False, P.mobility, T.quadruped, T.shoulder_weight_bearing, T.end_range_flexion),
    "thoracic_open_book": _p(False, P.mobility, T.end_range_rotation, T.active_shoulder),
    "thoracic_extension_foam_roller": _p(
        False, P.mobility, T.supine, T.active_shoulder, T.overhead_reach
    ),
    "hip_hinge_drill": _p(False, P.hinge, T.active_shoulder),  # hands on a stick behind the back
    "kettlebell_deadlift": _p(True, P.hinge, T.axial_light, T.grip_load, T.resisted_shoulder),
    "dumbbell_deadlift": _p(True, P.hinge, T.axial_light, T.grip_load, T.resisted_shoulder),
    "trap_bar_deadlift": _p(
        True, P.hinge, T.axial_moderate, T.grip_load, T.resisted_shoulder, T.breath_hold
    ),
    "deadlift": _p(
        True,
        P.hinge,
        T.axial_heavy,
        T.loaded_flexion,
        T.grip_load,
        T.resisted_shoulder,
        T.breath_hold,
        T.technical_lift,
    ),
    "paused_deadlift": _p(
        True,
        P.hinge,
        T.axial_heavy,
        T.loaded_flexion,
        T.grip_load,
        T.resisted_shoulder,
        T.breath_hold,
        T.technical_lift,
    ),
    "pull_up_neutral_grip": _p(True, P.vertical_pull, T.loaded_pull, T.overhead, T.grip_load),
    "lat_pulldown": _p(True, P.vertical_pull, T.loaded_pull, T.overhead, T.grip_load),
    "band_lat_pulldown": _p(True, P.vertical_pull, T.loaded_pull, T.overhead),
    "barbell_row": _p(
        True,
        P.horizontal_pull,
        T.loaded_pull,
        T.axial_heavy,
        T.loaded_flexion,
        T.grip_load,
        T.breath_hold,
        T.technical_lift,
    ),
    "chest_supported_row": _p(True, P.horizontal_pull, T.loaded_pull, T.grip_load, T.prone),
    "seated_cable_row": _p(True, P.horizontal_pull, T.loaded_pull, T.grip_load),
    "one_arm_dumbbell_row": _p(
        True, P.horizontal_pull, T.loaded_pull, T.grip_load, T.one_arm, T.shoulder_weight_bearing
    ),
    "band_row": _p(True, P.horizontal_pull, T.loaded_pull),
    "face_pull": _p(True, P.horizontal_pull, T.loaded_pull, T.resisted_shoulder, T.grip_load),
    "band_face_pull": _p(False, P.horizontal_pull, T.resisted_shoulder, T.active_shoulder),
    "controlled_hyperextension": _p(True, P.back_extension, T.spinal_extension_load, T.prone),
    "bird_dog": _p(
        False, P.anti_rotation, T.quadruped, T.shoulder_weight_bearing, T.active_shoulder
    ),
    "side_plank": _p(False, P.lateral_stability, T.shoulder_weight_bearing),
    "curl_up": _p(False, P.anti_extension, T.supine),
    "pallof_press": _p(True, P.anti_rotation, T.resisted_shoulder, T.grip_load),
    "band_pallof_press": _p(False, P.anti_rotation, T.resisted_shoulder),
    "medicine_ball_rotational_chop": _p(
        True, P.rotation, T.spinal_rotation_load, T.resisted_shoulder, T.grip_load
    ),
    "cable_chop": _p(
        True, P.rotation, T.spinal_rotation_load, T.resisted_shoulder, T.grip_load, T.balance_medium
    ),
    "glute_bridge": _p(False, P.hip_extension, T.supine),
    "hip_thrust": _p(True, P.hip_extension, T.supine, T.breath_hold),
    "sit_to_stand": _p(False, P.squat),
    "step_up": _p(False, P.squat, T.balance_medium),
    "goblet_squat": _p(True, P.squat, T.axial_light, T.grip_load, T.resisted_shoulder),
    "seated_march": _p(False, P.squat),
    "side_lying_hip_abduction": _p(False, P.lateral_stability),
    "farmers_carry": _p(
        True, P.carry, T.axial_moderate, T.grip_load, T.resisted_shoulder, T.breath_hold
    ),
    "suitcase_carry": _p(True, P.carry, T.axial_light, T.grip_load, T.resisted_shoulder, T.one_arm),
    "dead_bug": _p(False, P.anti_extension, T.supine, T.active_shoulder, T.overhead_reach),
    "pelvic_floor_training": _p(False, P.pelvic_floor),
    "prone_press_up": _p(
        False, P.back_extension, T.prone, T.end_range_extension, T.shoulder_weight_bearing
    ),
    "back_extensor_isometric": _p(False, P.back_extension, T.prone, T.extension_isometric),
    "knee_to_chest": _p(False, P.mobility, T.supine, T.end_range_flexion),
    "sciatic_nerve_slider": _p(False, P.mobility),
    "walking_program": _p(False, P.gait, T.impact_low),
    "single_leg_stance": _p(False, P.balance, T.balance_high),
    "tandem_stance": _p(False, P.balance, T.balance_medium),
    "prone_ytw": _p(False, P.scapular_activation, T.prone, T.overhead_reach, T.active_shoulder),
    "band_external_rotation": _p(True, P.scapular_activation, T.resisted_shoulder, T.one_arm),
    "wall_push_up": _p(False, P.push, T.shoulder_weight_bearing),
    "incline_push_up": _p(False, P.push, T.shoulder_weight_bearing),
    "one_arm_cable_row": _p(
        True, P.horizontal_pull, T.loaded_pull, T.grip_load, T.one_arm, T.rotation_light
    ),
    "one_arm_band_row": _p(True, P.horizontal_pull, T.loaded_pull, T.one_arm, T.rotation_light),
    "tempo_deadlift": _p(
        True,
        P.hinge,
        T.axial_heavy,
        T.loaded_flexion,
        T.grip_load,
        T.resisted_shoulder,
        T.breath_hold,
        T.technical_lift,
    ),
}


# The classification indexed, so a forbid or a cap finds every exercise it reaches at once.
CLASSIFIED: frozenset[str] = frozenset(EXERCISES)
LOADED: frozenset[str] = frozenset(e for e, p in EXERCISES.items() if p.loaded)
WITH_LOAD: dict[Tag, frozenset[str]] = {
    t: frozenset(e for e, p in EXERCISES.items() if t in p.loads) for t in Tag
}
OF_PATTERN: dict[Pattern, frozenset[str]] = {
    pattern: frozenset(e for e, p in EXERCISES.items() if p.pattern is pattern) for pattern in P
}


def with_any(index: dict[_K, frozenset[str]], keys: frozenset[_K]) -> frozenset[str]:
    """The exercises an index gives any of the keys."""
    return frozenset().union(*map(index.__getitem__, keys))


def disagreements(catalogue: Catalogue) -> list[str]:
    """Where a catalogue's exercises differ from this classification (empty when they agree)."""
    out: list[str] = []
    for e in catalogue:
        known = EXERCISES.get(e.id)
        if known is None:
            out.append(f"exercise {e.id} is not classified by the safety monitor")
            continue
        if e.loaded != known.loaded:
            out.append(
                f"exercise {e.id}: loaded is {e.loaded}, the safety monitor says {known.loaded}"
            )
        if e.pattern is not known.pattern:
            out.append(
                f"exercise {e.id}: pattern {e.pattern.value}, the safety monitor says "
                f"{known.pattern.value}"
            )
        tags = frozenset(e.tags)
        if tags != known.loads:
            missing = ", ".join(sorted(t.value for t in known.loads - tags))
            extra = ", ".join(sorted(t.value for t in tags - known.loads))
            what = "; ".join(
                x
                for x in (
                    f"missing {missing}" if missing else "",
                    f"extra {extra}" if extra else "",
                )
                if x
            )
            out.append(f"exercise {e.id}: tags differ from the safety monitor's ({what})")
    return out
