"""Exercise figures: the pose file, the joint model's placement and the SVG the handout embeds."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from backexpert.errors import RuleSetError
from backexpert.present.figures import cards as figures
from backexpert.present.figures import poses
from backexpert.present.figures.body import BAR_HEIGHT
from backexpert.present.figures.equipment import held_bottom
from backexpert.present.figures.poses import Ground, PropKind

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"

_IDS = """
scapular_push_up wall_scapular_push_up band_pull_apart wall_slide isometric_scapular_retraction
low_row lawnmower cat_camel thoracic_open_book thoracic_extension_foam_roller hip_hinge_drill
kettlebell_deadlift dumbbell_deadlift trap_bar_deadlift deadlift paused_deadlift tempo_deadlift
pull_up_neutral_grip lat_pulldown band_lat_pulldown barbell_row chest_supported_row
seated_cable_row one_arm_dumbbell_row band_row face_pull band_face_pull controlled_hyperextension
bird_dog side_plank curl_up pallof_press band_pallof_press medicine_ball_rotational_chop cable_chop
glute_bridge hip_thrust sit_to_stand step_up farmers_carry suitcase_carry dead_bug prone_press_up
sciatic_nerve_slider single_leg_stance tandem_stance walking_program goblet_squat prone_ytw
band_external_rotation back_extensor_isometric knee_to_chest pelvic_floor_training wall_push_up
incline_push_up one_arm_cable_row one_arm_band_row side_lying_hip_abduction seated_march
"""
EXERCISES = _IDS.split()

BOOK = poses.load()
CARDS = {ex: figures.card_figures(ex, poses=BOOK) for ex in BOOK}


def test_every_exercise_has_a_pose() -> None:
    assert len(EXERCISES) == len(set(EXERCISES)) == 59
    assert sorted(BOOK) == sorted(EXERCISES)


def test_every_catalogue_exercise_has_a_pose() -> None:
    catalogue = yaml.safe_load((ROOT / "rules" / "exercises.yaml").read_text(encoding="utf-8"))
    assert {e["id"] for e in catalogue["exercises"]} <= set(BOOK)


def test_cards_are_deterministic() -> None:
    fresh = poses.parse((ROOT / "rules" / "poses.yaml").read_text(encoding="utf-8"), "poses.yaml")
    for ex in ("deadlift", "bird_dog", "thoracic_open_book", "wall_slide"):
        assert figures.card_figures(ex, poses=fresh) == CARDS[ex]
        pose = BOOK[ex]
        assert figures.figure_svg(pose, "end") == figures.figure_svg(pose, "end")


@pytest.mark.parametrize("which", ["start", "end"])
def test_every_position_renders_alone(which: figures.Which) -> None:
    for ex, pose in BOOK.items():
        root = ET.fromstring(figures.figure_svg(pose, which, size=100))
        assert root.get("width") == "100", ex


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]


def test_cards_are_safe_accessible_inline_svg() -> None:
    for ex, svg in CARDS.items():
        root = ET.fromstring(svg)  # well-formed XML
        assert root.tag == f"{SVG}svg" and root.get("role") == "img", ex
        title = root.find(f"{SVG}title")
        assert title is not None and title.text and title.text.endswith("start and end position")
        assert root.get("aria-label") == title.text
        for el in root.iter():
            assert el.tag.removeprefix(SVG) not in {"script", "style", "image", "use", "a"}, ex
            assert not any("href" in k or k.startswith("on") or k == "style" for k in el.attrib)
            assert not any("url(" in v for v in el.attrib.values()), ex
        assert "<style" not in svg and "<script" not in svg and "http://www.w3.org/2000/svg" in svg
        # every number has at most one decimal, so output does not drift in the last digits
        assert not re.search(r"\d\.\d\d", svg), ex
    title = ET.fromstring(CARDS["deadlift"]).find(f"{SVG}title")
    assert title is not None and title.text == "Deadlift: start and end position"
    named = figures.card_figures("deadlift", "Deadlift (conventional)", poses=BOOK)
    assert "<title>Deadlift (conventional): start and end position</title>" in named


def test_every_drawn_point_is_finite_and_inside_the_view_box() -> None:
    for ex, svg in CARDS.items():
        root = ET.fromstring(svg)
        _, _, width, height = _numbers(root.get("viewBox", ""))
        for group in root.iter(f"{SVG}g"):
            dx, dy = _numbers(group.get("transform", ""))
            for el in group.iter():
                xs: list[float] = []
                ys: list[float] = []
                if el.tag == f"{SVG}path":
                    nums = _numbers(el.get("d", ""))
                    xs, ys = nums[0::2], nums[1::2]
                elif el.tag in (f"{SVG}circle", f"{SVG}ellipse"):
                    xs, ys = [float(el.get("cx", "nan"))], [float(el.get("cy", "nan"))]
                for x, y in zip(xs, ys, strict=True):
                    assert math.isfinite(x) and math.isfinite(y), ex
                    assert -0.5 <= x + dx <= width + 0.5, (ex, x + dx, width)
                    assert -0.5 <= y + dy <= height + 0.5, (ex, y + dy, height)


def test_figures_rest_on_the_floor_or_hang_from_the_bar() -> None:
    for ex, pose in BOOK.items():
        mat = 1.6 if any(p.kind is PropKind.mat for p in pose.props) else 0.0
        for which in ("start", "end"):
            position = getattr(pose, which)
            body = figures.place(pose, position)
            if position.ground is Ground.hang:
                assert body.landmarks["hands"][0][1] == pytest.approx(BAR_HEIGHT), ex
                assert body.lowest() > 5.0, f"{ex} {which}: feet must clear the floor"
                continue
            held = min((held_bottom(p, body) for p in pose.props), default=math.inf)
            base = float(position.lift) + mat
            assert min(body.lowest(), held) == pytest.approx(base, abs=0.05), (ex, which)
            # The body itself touches the floor (or the box it stands on), not only a weight.
            assert body.lowest() - base < 2.5, f"{ex} {which}: body floats"
            for point in [p for limb in body.limbs for p in limb.points]:
                assert all(map(math.isfinite, point)), ex


POSE = """\
poses:
  squat:
    start: {ground: stand}
    end: {ground: stand, hip: 90, knee: 90}
"""


def test_a_valid_snippet_parses() -> None:
    book = poses.parse(POSE, "snippet.yaml")
    assert book["squat"].end.knee == 90


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("end: {ground: stand, elbw: 30}", "exercise squat: end.elbw: Extra inputs"),
        ("props: [{kind: sofa, under: hips}]", "exercise squat: props.0.kind: Input should be"),
        ("props: [{kind: bench, under: nose}]", "exercise squat: props.0.under: Input should be"),
        ("props: [{kind: bench}]", "exercise squat: props.0: Value error, a bench needs `under`"),
        ("end: {ground: flying}", "exercise squat: end.ground: Input should be"),
        ("end: {ground: stand, knee: '90'}", "exercise squat: end.knee"),
    ],
)
def test_an_unknown_joint_or_prop_is_refused_with_file_exercise_and_field(
    bad: str, expected: str
) -> None:
    key = bad.split(":")[0]
    lines = [ln for ln in POSE.splitlines() if not ln.strip().startswith(f"{key}:")]
    text = "\n".join([*lines, f"    {bad}"]) + "\n"
    with pytest.raises(RuleSetError) as err:
        poses.parse(text, "rules/poses.yaml")
    message = str(err.value)
    assert "rules/poses.yaml:" in message and expected in message, message
