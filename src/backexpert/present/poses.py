"""Exercise poses (`rules/poses.yaml`) and the joint model that turns a pose into body points.

Conventions (angles in degrees, lengths in units of 1 % of standing height):

* World axes: x forward (the way a standing figure faces), y up, z toward the viewer of a `side`
  view, which is the figure's right side. The floor is y = 0. In `side` view the figure faces
  right and its left limbs are the far ones, drawn lighter.
* `trunk` pitches the whole body about its left-right axis: 0 upright, 90 face down (prone,
  quadruped, plank), -90 face up (supine). `roll` first turns the body about its long axis:
  -90 shows its front to a side view, so `roll: -90, trunk: -90` lies on the right side facing
  the viewer with the head to the left, and `roll: -90, trunk: -70` is a right side plank.
* `spine` curves the back: positive rounds it (flexion), negative arches it (extension). The
  limbs keep their angles to the straight trunk, so a cat-camel only changes the back and head.
  `side_bend` tips the chest toward its right; `twist` turns the chest toward its right.
* `head`: neck flexion, positive chin down, negative looking up.
* `shoulder`: flexion, 0 arm along the trunk, 90 forward, 180 overhead, negative behind.
  `shoulder_abd`: abduction, 90 out to the side; it acts after flexion, so with `shoulder: 90` it
  is horizontal abduction. `shoulder_rot`: external rotation of the upper arm (with the elbow
  bent, the forearm turns outward). `elbow`: flexion. `wrist`: tips the hand toward the palm side
  of the forearm (90 puts a hand flat on the floor under a vertical arm).
* `hip`: flexion, 0 thigh along the trunk, 90 sitting. `hip_abd`: abduction. `knee`: flexion
  (heel toward buttock). `ankle`: dorsiflexion, toes up; negative points the toes.
* A limb angle is one number for both sides or `{right: a, left: b}`.

A position is placed so that the body's lowest point, or a held weight's, rests on the floor,
raised by `lift` (a foot on a box); `ground: hang` instead puts the hands on a bar.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    Strict,
    StrictStr,
    ValidationError,
    model_validator,
)

from backexpert.errors import RuleSetError

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]

POSE_FILE = "poses.yaml"
BAR_HEIGHT = (
    135.0  # hands on a pull-up bar; high enough that a hanging figure's feet clear the floor
)

# Segment lengths after Drillis & Contini's proportions of standing height.
LUMBAR, THORAX, NECK, HEAD_R = 14.0, 15.0, 4.5, 6.3
SHOULDER_HALF, HIP_HALF = 9.5, 4.5
UPPER_ARM, FOREARM, HAND = 18.6, 14.6, 6.5
THIGH, SHANK = 24.0, 24.5
WIDTH = {"upper_arm": 5.6, "forearm": 4.6, "hand": 3.8, "thigh": 8.4, "shank": 6.2, "foot": 3.8}
WIDTH["neck"] = 4.6


class Ground(StrEnum):
    """The posture family: what bears the weight."""

    stand = "stand"
    sit = "sit"
    kneel = "kneel"
    half_kneel = "half_kneel"
    quadruped = "quadruped"
    supine = "supine"
    prone = "prone"
    side_lying = "side_lying"
    hang = "hang"


class Landmark(StrEnum):
    """A body point that props and cues attach to."""

    head = "head"
    shoulders = "shoulders"
    hands = "hands"
    right_hand = "right_hand"
    left_hand = "left_hand"
    elbows = "elbows"
    chest = "chest"
    upper_back = "upper_back"
    mid_back = "mid_back"
    hips = "hips"
    knees = "knees"
    right_knee = "right_knee"
    left_knee = "left_knee"
    feet = "feet"
    right_foot = "right_foot"
    left_foot = "left_foot"


class PropKind(StrEnum):
    """Equipment the renderer can draw."""

    barbell = "barbell"
    trap_bar = "trap_bar"
    dumbbell = "dumbbell"
    kettlebell = "kettlebell"
    medicine_ball = "medicine_ball"
    band = "band"
    cable = "cable"
    bench = "bench"
    box = "box"
    chair = "chair"
    table = "table"
    wall = "wall"
    foam_roller = "foam_roller"
    pull_up_bar = "pull_up_bar"
    mat = "mat"
    dowel = "dowel"
    hyperextension_bench = "hyperextension_bench"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Angle = Annotated[StrictFloat | StrictInt, Field(ge=-360, le=360)]


class Sides(_Strict):
    """One angle for each side."""

    right: Angle
    left: Angle


Flat = Literal["flat"]


class FlatSides(_Strict):
    """One angle, or `flat` (parallel to the floor), for each side."""

    right: Angle | Flat
    left: Angle | Flat


Sided = Angle | Sides
Flattable = Angle | Flat | FlatSides


class Cue(_Strict):
    """A small arrow beside a body point: the movement a still picture cannot show."""

    at: Annotated[Landmark, Strict(False)]
    toward: Angle = Field(description="picture direction: 0 right, 90 up")
    offset: list[StrictFloat | StrictInt] = Field(default=[0, 12], min_length=2, max_length=2)


class Position(_Strict):
    """Joint angles of one position (start or end); see the module docstring."""

    ground: Annotated[Ground, Strict(False)]
    label: StrictStr | None = Field(default=None, max_length=24)
    trunk: Angle = 0
    roll: Angle = 0
    spine: Angle = 0
    side_bend: Angle = 0
    twist: Angle = 0
    head: Angle = 0
    shoulder: Sided = 0
    shoulder_abd: Sided = 0
    shoulder_rot: Sided = 0
    elbow: Sided = 0
    wrist: Flattable = 0
    hip: Sided = 0
    hip_abd: Sided = 0
    knee: Sided = 0
    ankle: Flattable = 0
    lift: Annotated[StrictFloat | StrictInt, Field(ge=0, le=100)] = 0
    cues: list[Cue] = Field(default_factory=list, max_length=3)


class Prop(_Strict):
    """A piece of equipment, placed against a body landmark in each position."""

    kind: Annotated[PropKind, Strict(False)]
    at: Annotated[Landmark, Strict(False)] | None = None
    under: Annotated[Landmark, Strict(False)] | None = None
    to: list[StrictFloat | StrictInt] | None = Field(default=None, min_length=3, max_length=3)
    angle: Annotated[StrictFloat | StrictInt, Field(ge=-80, le=80)] = 0
    shift: Annotated[StrictFloat | StrictInt, Field(ge=-60, le=60)] = 0
    upright: bool = False
    fixed: bool = Field(default=False, description="placed in the start position, kept in the end")

    @model_validator(mode="after")
    def _placed_once(self) -> Self:
        if self.kind in _HELD and self.at is None:
            raise ValueError(f"a {self.kind} needs `at` (the hand or hands holding it)")
        if self.kind in _UNDER and self.under is None:
            raise ValueError(f"a {self.kind} needs `under` (the body point resting on it)")
        if self.kind is PropKind.wall and self.at is None:
            raise ValueError("a wall needs `at` (the body point touching it)")
        if self.kind is PropKind.cable and self.to is None:
            raise ValueError("a cable needs `to` (its pulley, [x, y, z] from the anchor point)")
        return self


_HELD = {
    PropKind.barbell,
    PropKind.trap_bar,
    PropKind.dumbbell,
    PropKind.kettlebell,
    PropKind.medicine_ball,
    PropKind.band,
    PropKind.cable,
    PropKind.pull_up_bar,
}
_UNDER = {
    PropKind.bench,
    PropKind.box,
    PropKind.chair,
    PropKind.table,
    PropKind.foam_roller,
    PropKind.hyperextension_bench,
}


class ExercisePose(_Strict):
    """How one exercise looks: the view, its equipment and its two positions."""

    view: Literal["side", "front", "oblique", "above", "top"] = "side"
    anchor: Annotated[Landmark, Strict(False)] = Field(
        default=Landmark.feet, description="stays put between the two"
    )
    props: list[Prop] = Field(default_factory=list)
    start: Position
    end: Position
    note: StrictStr | None = None


class PoseFile(_Strict):
    poses: dict[str, ExercisePose] = Field(min_length=1)


# --- loading -------------------------------------------------------------------------------


def default_path() -> Path:
    """The shipped pose file: the repository's `rules/`, or the wheel's copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[2] / "rules", here.parent / "_data" / "rules"):
        if (candidate / POSE_FILE).is_file():
            return candidate / POSE_FILE
    raise RuleSetError([f"no {POSE_FILE} found near {here}"])


def _line(node: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the value at `loc`, as deep as the node tree goes."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def parse(text: str, source: str) -> dict[str, ExercisePose]:
    """Validate pose YAML; every problem names the file, line, exercise id and field."""
    try:
        data = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise RuleSetError([f"{source}: not valid YAML: {exc}"]) from None
    try:
        return PoseFile.model_validate(data).poses
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
            at = _line(tree, loc)
            where = f"{source}:{at}" if at else source
            if len(loc) >= 2 and loc[0] == "poses":
                field = ".".join(str(p) for p in loc[2:]) or "(exercise)"
                problems.append(f"{where}: exercise {loc[1]}: {field}: {err['msg']}")
            else:
                problems.append(f"{where}: {'.'.join(map(str, loc))}: {err['msg']}")
        raise RuleSetError(list(dict.fromkeys(problems))) from None


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> dict[str, ExercisePose]:
    """Load and validate a pose file (the shipped one by default); cached."""
    where = path or default_path()
    return parse(where.read_text(encoding="utf-8"), str(where))


# --- the joint model -----------------------------------------------------------------------


def _rot(axis: int, deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    if axis == 0:
        return ((1, 0, 0), (0, c, -s), (0, s, c))
    if axis == 1:
        return ((c, 0, s), (0, 1, 0), (-s, 0, c))
    return ((c, -s, 0), (s, c, 0), (0, 0, 1))


def _mul(a: Mat, b: Mat) -> Mat:
    cols = list(zip(*b, strict=True))
    return tuple(
        tuple(sum(x * y for x, y in zip(row, col, strict=True)) for col in cols) for row in a
    )  # type: ignore[return-value]


def apply(m: Mat, v: Vec) -> Vec:
    """The matrix times a vector."""
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def add(a: Vec, b: Vec, k: float = 1.0) -> Vec:
    """a + k·b."""
    return (a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2])


def mid(a: Vec, b: Vec) -> Vec:
    """The midpoint of a and b."""
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2)


def _chain(m: Mat, *rotations: tuple[int, float]) -> Mat:
    for axis, deg in rotations:
        m = _mul(m, _rot(axis, deg))
    return m


@dataclass(frozen=True)
class Limb:
    """Segments drawn as one rounded chain: joint points and each segment's width."""

    name: str
    points: tuple[Vec, ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class Section:
    """A torso cross-section: centre, then lateral and anterior axes with their half sizes."""

    centre: Vec
    lateral: Vec
    half_width: float
    anterior: Vec
    half_depth: float


@dataclass(frozen=True)
class Body:
    """A posed body in world coordinates."""

    limbs: tuple[Limb, ...]
    torso: tuple[Section, ...]
    head: Vec
    head_axes: Mat  # anterior, up and right, as rows
    landmarks: dict[str, tuple[Vec, Vec]]  # centre, and the lowest body surface point near it

    def moved(self, d: Vec) -> Body:
        """The same body translated by d."""
        return replace(
            self,
            limbs=tuple(
                replace(limb, points=tuple(add(p, d) for p in limb.points)) for limb in self.limbs
            ),
            torso=tuple(replace(s, centre=add(s.centre, d)) for s in self.torso),
            head=add(self.head, d),
            landmarks={k: (add(p, d), add(b, d)) for k, (p, b) in self.landmarks.items()},
        )

    def lowest(self) -> float:
        """Height of the lowest surface point."""
        low = self.head[1] - HEAD_R
        for limb in self.limbs:
            for (a, b), w in zip(zip(limb.points, limb.points[1:]), limb.widths, strict=True):
                low = min(low, a[1] - w / 2, b[1] - w / 2)
        return min([low, *(s.centre[1] - vertical_extent(s) for s in self.torso)])


def vertical_extent(s: Section) -> float:
    """How far a torso cross-section reaches up or down from its centre."""
    return math.hypot(s.half_width * s.lateral[1], s.half_depth * s.anterior[1])


def _bottom(s: Section) -> Vec:
    """The lowest point of a torso cross-section (an ellipse)."""
    r = vertical_extent(s) or 1.0
    k_lat, k_ant = -(s.half_width**2) * s.lateral[1] / r, -(s.half_depth**2) * s.anterior[1] / r
    return add(add(s.centre, s.lateral, k_lat), s.anterior, k_ant)


def _side(value: float | Sides, side: str) -> float:
    if isinstance(value, Sides):
        return float(value.right if side == "right" else value.left)
    return float(value)


def _flat(value: float | str | FlatSides, side: str, frame: Mat, hand: bool, ahead: Vec) -> float:
    """The joint angle, solving `flat`: a foot sole or a hand level with the floor."""
    if isinstance(value, FlatSides):
        value = value.right if side == "right" else value.left
    if value != "flat":
        return float(value)
    psi = math.degrees(math.atan2(frame[1][1], frame[1][0]))
    if not hand:
        return (psi - 90 + 180) % 360 - 180
    for w in (psi, psi + 180):
        a = math.radians(w)
        d = apply(frame, (math.sin(a), -math.cos(a), 0.0))
        if d[0] * ahead[0] + d[1] * ahead[1] + d[2] * ahead[2] >= -1e-9:
            return (w + 180) % 360 - 180
    return 0.0


# Torso half-width and half-depth from the pelvis (0) to the shoulders (1).
_TORSO_SHAPE = ((0.0, 8.6, 7.6), (0.45, 7.6, 6.6), (0.8, 9.2, 7.8), (1.0, 10.2, 6.2))


def _shape(t: float) -> tuple[float, float]:
    for (t0, w0, d0), (t1, w1, d1) in itertools.pairwise(_TORSO_SHAPE):
        if t <= t1:
            k = (t - t0) / (t1 - t0)
            return w0 + k * (w1 - w0), d0 + k * (d1 - d0)
    return _TORSO_SHAPE[-1][1:]


def build(p: Position) -> Body:
    """Forward kinematics: the body for a position, mid-hip at the origin."""
    ident: Mat = ((1, 0, 0), (0, 1, 0), (0, 0, 1))
    base = _chain(ident, (2, -p.trunk), (1, p.roll))
    lumbar = _chain(base, (2, p.spine / 2))
    thorax = _chain(base, (2, -p.spine / 2), (0, p.side_bend), (1, -p.twist))
    arm_ref = _chain(base, (0, p.side_bend), (1, -p.twist))
    hips = add((0.0, 0.0, 0.0), apply(lumbar, (0, -3.0, 0)))
    back = apply(lumbar, (0, LUMBAR, 0))
    neck = add(back, apply(thorax, (0, THORAX, 0)))
    ctrl = add(add(back, back), mid(hips, neck), -1.0)
    torso = []
    for i in range(7):
        t = i / 6
        a, b, e = (1 - t) ** 2, 2 * (1 - t) * t, t * t
        c = (
            a * hips[0] + b * ctrl[0] + e * neck[0],
            a * hips[1] + b * ctrl[1] + e * neck[1],
            a * hips[2] + b * ctrl[2] + e * neck[2],
        )
        frame = lumbar if t < 0.5 else thorax
        w, d = _shape(t)
        torso.append(Section(c, apply(frame, (0, 0, 1)), w, apply(frame, (1, 0, 0)), d))
    limbs: list[Limb] = []
    marks: dict[str, tuple[Vec, Vec]] = {}
    for side, sign in (("right", 1.0), ("left", -1.0)):
        sh = add(neck, apply(thorax, (0, -2.5, sign * SHOULDER_HALF)))
        arm = _chain(
            arm_ref,
            (2, _side(p.shoulder, side)),
            (0, -sign * _side(p.shoulder_abd, side)),
            (1, -sign * _side(p.shoulder_rot, side)),
        )
        elbow = add(sh, apply(arm, (0, -UPPER_ARM, 0)))
        fore = _chain(arm, (2, _side(p.elbow, side)))
        wrist = add(elbow, apply(fore, (0, -FOREARM, 0)))
        ahead = apply(base, (0, 1, 0))
        tilt = _flat(p.wrist, side, fore, True, ahead)
        hand = add(wrist, apply(_chain(fore, (2, tilt)), (0, -HAND, 0)))
        wd = WIDTH
        limbs.append(
            Limb(
                f"{side}_arm",
                (sh, elbow, wrist, hand),
                (wd["upper_arm"], wd["forearm"], wd["hand"]),
            )
        )
        hip = apply(base, (0, 0, sign * HIP_HALF))
        thigh = _chain(base, (2, _side(p.hip, side)), (0, -sign * _side(p.hip_abd, side)))
        knee = add(hip, apply(thigh, (0, -THIGH, 0)))
        shank = _chain(thigh, (2, -_side(p.knee, side)))
        ankle = add(knee, apply(shank, (0, -SHANK, 0)))
        foot = _chain(shank, (2, _flat(p.ankle, side, shank, False, ahead)))
        heel = add(ankle, apply(foot, (-2.5, -3.4, 0)))
        toe = add(ankle, apply(foot, (11.0, -3.4, 0)))
        limbs.append(
            Limb(f"{side}_leg", (hip, knee, ankle, heel, toe), (wd["thigh"], wd["shank"], 4.2, 3.8))
        )
        for name, centre, r in (
            ("hand", mid(wrist, hand), wd["hand"] / 2),
            ("elbow", elbow, wd["forearm"] / 2),
            ("knee", knee, wd["shank"] / 2),
            ("foot", mid(heel, toe), 1.9 + abs(heel[1] - toe[1]) / 2),
            ("shoulder", sh, wd["upper_arm"] / 2),
        ):
            marks[f"{side}_{name}"] = (centre, add(centre, (0, -r, 0)))
    head_frame = _chain(thorax, (2, -p.head))
    head = add(neck, apply(head_frame, (0, NECK + HEAD_R, 0)))
    limbs.append(Limb("neck", (neck, add(neck, apply(head_frame, (0, NECK, 0)))), (WIDTH["neck"],)))
    for name in ("hand", "elbow", "knee", "foot", "shoulder"):
        (ra, ra_low), (la, la_low) = marks[f"right_{name}"], marks[f"left_{name}"]
        low = mid(ra_low, la_low)
        low = (low[0], min(ra_low[1], la_low[1]), low[2])
        marks[f"{name}s" if name != "foot" else "feet"] = (mid(ra, la), low)
    for name, section in (("chest", torso[4]), ("upper_back", torso[4]), ("mid_back", torso[3])):
        marks[name] = (section.centre, _bottom(section))
    marks["hips"] = (torso[0].centre, _bottom(torso[0]))
    marks["head"] = (head, add(head, (0, -HEAD_R, 0)))
    axes = (
        apply(head_frame, (1, 0, 0)),
        apply(head_frame, (0, 1, 0)),
        apply(head_frame, (0, 0, 1)),
    )
    return Body(tuple(limbs), tuple(torso), head, axes, marks)
