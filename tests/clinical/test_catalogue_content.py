"""The catalogue's content: the clinic's exercises, their tags, and words a client understands.

`purpose` and `cues` are printed on the client's handout, so they are checked for jargon, source
tags and length here; the clinical detail belongs in the YAML comments. The tags of the clinic
additions are written out below (domain reference 2, section 15) rather than read from the
catalogue, so a wrong tag fails here instead of agreeing with itself.
"""

from __future__ import annotations

import re

import pytest

from backexpert.clinical.catalogue import Catalogue, Exercise
from backexpert.clinical.words import Equipment, Pattern, Tag
from backexpert.present.figures import poses
from factories import shipped_catalogue

T = Tag
# The clinic additions and the tags section 15 gives them, in catalogue words. Where the table is
# silent, the arm words of Tag apply as they do to the rest of the catalogue: a load held in the
# hand is grip_load and resisted_shoulder, one arm at a time is one_arm, an arm that reaches
# overhead unloaded is active_shoulder and overhead_reach, weight through the hands is
# shoulder_weight_bearing.
CLINIC_TAGS: dict[str, frozenset[Tag]] = {
    ex: frozenset(tags)
    for ex, tags in {
        "glute_bridge": {T.supine},  # SUP
        "hip_thrust": {T.supine, T.breath_hold},  # SUP (upper back on the bench), BH; bar on hips
        "sit_to_stand": set(),  # BAL-L: Tag has no low-balance word
        "step_up": {T.balance_medium},  # BAL-M; unloaded by default, so no AX
        "farmers_carry": {T.axial_moderate, T.breath_hold, T.grip_load, T.resisted_shoulder},
        "suitcase_carry": {T.axial_light, T.grip_load, T.resisted_shoulder, T.one_arm},
        "dead_bug": {T.supine, T.active_shoulder, T.overhead_reach},  # SUP; the arm goes overhead
        "prone_press_up": {T.prone, T.end_range_extension, T.shoulder_weight_bearing},  # PRN, EXT
        "sciatic_nerve_slider": set(),  # -
        "single_leg_stance": {T.balance_high},  # BAL-H
        "tandem_stance": {T.balance_medium},  # BAL-M (the tandem walk would be BAL-H)
        "walking_program": {T.impact_low},  # IMP-L
        # AX; "BH-L" (breath-hold risk low): a bell held at the chest stays light, so no BH
        "goblet_squat": {T.axial_light, T.grip_load, T.resisted_shoulder},
        "prone_ytw": {T.prone, T.overhead_reach, T.active_shoulder},  # PRN, OH (the Y, unloaded)
        "band_external_rotation": {T.resisted_shoulder, T.one_arm},  # -
        "back_extensor_isometric": {T.prone, T.extension_isometric},  # PRN, EXT to neutral
        "knee_to_chest": {T.supine, T.end_range_flexion},  # SUP; repeated flexion toward end range
        "pelvic_floor_training": set(),  # -
        "wall_push_up": {T.shoulder_weight_bearing},  # QWB
        "incline_push_up": {T.shoulder_weight_bearing},  # QWB
        "one_arm_cable_row": {T.rotation_light, T.loaded_pull, T.grip_load, T.one_arm},  # ROT-L
        "one_arm_band_row": {T.rotation_light, T.loaded_pull, T.one_arm},  # ROT-L; a band
        "tempo_deadlift": {  # the deadlift's tags
            T.axial_heavy,
            T.loaded_flexion,
            T.grip_load,
            T.resisted_shoulder,
            T.breath_hold,
            T.technical_lift,
        },
        "side_lying_hip_abduction": set(),
        "seated_march": set(),
    }.items()
}
LOADED = {
    "hip_thrust",
    "farmers_carry",
    "suitcase_carry",
    "goblet_squat",
    "band_external_rotation",
    "one_arm_cable_row",
    "one_arm_band_row",
    "tempo_deadlift",
}
# Only real hinges are hinges: the hinge coverage plane, hinge caps and stand-in cover count them.
HINGES = {"tempo_deadlift"}

# Words a client should not meet in a purpose or a cue: source tags, eponyms, anatomy and gym
# jargon, and the one breathing instruction never to give. Matched at the start of a word, so
# "scapula" also catches "scapular" and "eccentric" catches "eccentrically".
FORBIDDEN = (
    "(seed)",
    "seed",
    "serratus",
    "kibler",
    "mcgill",
    "posterior chain",
    "intervertebral",
    "ego",
    "hip height",
    "erector",
    "rhomboid",
    "scapula",
    "glenohumeral",
    "closed-chain",
    "closed chain",
    "eccentric",
    "concentric",
    "hold your breath",
    "valsalva",
    "lumbar",
    "thoracic",
    "trapezius",
    "deltoid",
    "oblique",
    "quadratus",
    "lats",
    "sacrum",
    "kinetic",
    "isometric",
    "flexion",
    "retraction",
    "pallof",
    "mckenzie",
    "neutral spine",
    "rpe",
    "1rm",
)
_FORBIDDEN = re.compile("|".join(rf"(?<!\w){re.escape(w)}" for w in FORBIDDEN), re.IGNORECASE)
MAX_WORDS = 25
# Loaded exercises whose load is not held in the hands (a band handle is not a held load).
NOT_HELD = {"hip_thrust": "the bar rests across the hips"}
HELD_LOADS = {
    Equipment.barbell,
    Equipment.trap_bar,
    Equipment.dumbbells,
    Equipment.kettlebell,
    Equipment.medicine_ball,
    Equipment.cable_station,
    Equipment.pull_up_bar,
}


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return shipped_catalogue()


def _client_texts(e: Exercise) -> list[tuple[str, str]]:
    return [("purpose", e.purpose)] + [(f"cue {n}", c) for n, c in enumerate(e.cues, 1)]


def _words(text: str) -> int:
    return len(text.split())


# --- the clinic's exercises ------------------------------------------------------------------


def test_every_clinic_exercise_is_in_the_catalogue(cat: Catalogue) -> None:
    assert len(CLINIC_TAGS) == 25
    assert sorted(ex for ex in CLINIC_TAGS if ex not in cat) == []


@pytest.mark.parametrize("exercise", sorted(CLINIC_TAGS))
def test_clinic_exercise_tags_follow_section_15(cat: Catalogue, exercise: str) -> None:
    assert set(cat[exercise].tags) == CLINIC_TAGS[exercise]
    assert len(cat[exercise].tags) == len(set(cat[exercise].tags)), "a tag is repeated"


def test_clinic_exercises_are_loaded_as_intended(cat: Catalogue) -> None:
    assert {ex for ex in CLINIC_TAGS if cat[ex].loaded} == LOADED


def test_only_real_hinges_are_hinges(cat: Catalogue) -> None:
    assert {ex for ex in CLINIC_TAGS if cat[ex].pattern is Pattern.hinge} == HINGES


def test_clinic_links(cat: Catalogue) -> None:
    """The steps the rules rely on: easier and harder versions of the same movement."""
    assert cat["hip_thrust"].regression == "glute_bridge"
    assert cat["glute_bridge"].progression == "hip_thrust"
    assert cat["goblet_squat"].regression == "sit_to_stand"
    assert cat["step_up"].regression == "sit_to_stand"
    assert cat["sit_to_stand"].regression == "seated_march"
    assert cat["wall_push_up"].progression == "incline_push_up"
    assert cat["incline_push_up"].regression == "wall_push_up"
    assert "one_arm_band_row" in cat["one_arm_cable_row"].substitutes
    assert cat["tempo_deadlift"].regression == "deadlift"
    assert cat["single_leg_stance"].regression == "tandem_stance"
    assert cat["farmers_carry"].regression == "suitcase_carry"


def test_every_catalogue_exercise_has_a_pose(cat: Catalogue) -> None:
    book = poses.load()
    assert sorted(e.id for e in cat if e.id not in book) == []


# --- tags that must travel together ----------------------------------------------------------


def test_a_load_held_in_the_hand_is_a_grip_load(cat: Catalogue) -> None:
    for e in cat:
        if e.loaded and HELD_LOADS & set(e.equipment) and e.id not in NOT_HELD:
            assert Tag.grip_load in e.tags, e.id
    for ex in NOT_HELD:
        assert Tag.grip_load not in cat[ex].tags, ex


def test_a_grip_load_is_also_shoulder_work(cat: Catalogue) -> None:
    """The cuff-repair exclusions name resisted_shoulder and loaded_pull, not grip_load yet."""
    for e in cat:
        if Tag.grip_load in e.tags:
            assert {Tag.resisted_shoulder, Tag.loaded_pull} & set(e.tags), e.id


def test_one_arm_exercises_are_dosed_per_side(cat: Catalogue) -> None:
    for e in cat:
        if Tag.one_arm in e.tags:
            assert e.dose.per_side, e.id


def test_axial_load_means_a_loaded_exercise(cat: Catalogue) -> None:
    axial = {Tag.axial_light, Tag.axial_moderate, Tag.axial_heavy}
    for e in cat:
        if axial & set(e.tags):
            assert e.loaded, e.id
            assert len(axial & set(e.tags)) == 1, f"{e.id}: one axial grade only"


# --- words for the client --------------------------------------------------------------------


def test_no_jargon_or_source_tags_for_the_client(cat: Catalogue) -> None:
    found = [
        f"{e.id} {where}: {m.group(0)!r}"
        for e in cat
        for where, text in _client_texts(e)
        for m in _FORBIDDEN.finditer(text)
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    ["Pre-activates serratus anterior (seed).", "Scapular setting", "no ego lifting"],
)
def test_the_jargon_check_catches(text: str) -> None:
    assert _FORBIDDEN.search(text) is not None


@pytest.mark.parametrize("text", ["a category", "exceed", "flats", "regular"])
def test_the_jargon_check_spares_ordinary_words(text: str) -> None:
    assert _FORBIDDEN.search(text) is None


def test_purposes_and_cues_are_short(cat: Catalogue) -> None:
    long = [
        f"{e.id} {where}: {_words(text)} words"
        for e in cat
        for where, text in _client_texts(e)
        if _words(text) > MAX_WORDS
    ]
    assert long == []


def test_a_purpose_is_one_sentence(cat: Catalogue) -> None:
    for e in cat:
        assert e.purpose.endswith("."), e.id
        assert re.search(r"[.!?]\s", e.purpose) is None, e.id


def test_two_or_three_cues(cat: Catalogue) -> None:
    assert [e.id for e in cat if not 2 <= len(e.cues) <= 3] == []


def test_loaded_work_and_holds_say_how_to_breathe(cat: Catalogue) -> None:
    """Breathe out on the effort or keep breathing through a hold (no breath-holding)."""
    quiet = [
        e.id
        for e in cat
        if (e.loaded or e.dose.hold_s is not None)
        and not any(re.search(r"\bbreath", c, re.IGNORECASE) for c in e.cues)
    ]
    assert quiet == []
