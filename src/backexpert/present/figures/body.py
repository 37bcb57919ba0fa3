"""The joint model: forward kinematics from a pose's joint angles to body points.

Angles follow the convention in `backexpert.present.poses`; lengths are in units of 1 % of
standing height, with segment proportions after Drillis & Contini.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

from .poses import FlatSides, Position, Sides

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]

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


def _rot(axis: int, deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    if axis == 0:
        return ((1, 0, 0), (0, c, -s), (0, s, c))
    if axis == 1:
        return ((c, 0, s), (0, 1, 0), (-s, 0, c))
    return ((c, -s, 0), (s, c, 0), (0, 0, 1))


def _mul(a: Mat, b: Mat) -> Mat:
    def row(r: Vec) -> Vec:
        return (
            r[0] * b[0][0] + r[1] * b[1][0] + r[2] * b[2][0],
            r[0] * b[0][1] + r[1] * b[1][1] + r[2] * b[2][1],
            r[0] * b[0][2] + r[1] * b[1][2] + r[2] * b[2][2],
        )

    return (row(a[0]), row(a[1]), row(a[2]))


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
            for (a, b), w in zip(itertools.pairwise(limb.points), limb.widths, strict=True):
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
