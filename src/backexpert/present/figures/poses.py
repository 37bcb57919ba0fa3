"""The pose format of `rules/poses.yaml`: how each exercise's start and end position look.

Each exercise id maps to a `view`, an `anchor` (the body point that stays put between the two
pictures), `props` (equipment) and a `start` and `end` position of joint angles. Conventions
(angles in degrees, lengths in units of 1 % of standing height):

* World axes: x forward (the way a standing figure faces), y up, z toward the viewer of a `side`
  view, which is the figure's right side. The floor is y = 0. In `side` view the figure faces
  right and its left limbs are the far ones, drawn lighter. `front` looks at the figure's front,
  `oblique` from 65 degrees round toward the front, `above` from the front and 50 degrees up
  (floor exercises), `top` straight down.
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
  of the forearm.
* `hip`: flexion, 0 thigh along the trunk, 90 sitting. `hip_abd`: abduction. `knee`: flexion
  (heel toward buttock). `ankle`: dorsiflexion, toes up; negative points the toes.
* A limb angle is one number for both sides or `{right: a, left: b}`; `ankle` and `wrist` may
  be `flat`, solved so that the sole or the hand lies level with the floor.

A position is placed so that the body's lowest point, or a held weight's, rests on the floor
(on a mat when there is one), raised by `lift` (standing on a box); `ground: hang` instead puts
the hands on a bar. Furniture named with `under` reaches from the floor up to that body point;
`fixed` keeps it where the start position put it. `cues` add small arrows for what a still
picture cannot show (shoulder blades squeezing, a gentle lift).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from ...errors import RuleSetError

POSE_FILE = "poses.yaml"


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
    """The shipped pose file, beside the shipped exercise catalogue."""
    from ... import shipped

    path = shipped.rules_directory() / POSE_FILE
    if not path.is_file():
        raise RuleSetError([f"no {POSE_FILE} in {path.parent}"])
    return path


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
