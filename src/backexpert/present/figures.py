"""Exercise figures: start and end positions drawn as inline SVG from `rules/poses.yaml`.

The pose convention is in `backexpert.present.poses`. Output is deterministic (numbers rounded to
one decimal, shapes in a fixed order), uses inline attributes only (no `<style>`, no scripts, no
external references) and reads in black-and-white print: one body colour, a lighter far side,
grey equipment and a thin floor line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from .poses import (
    BAR_HEIGHT,
    HEAD_R,
    HIP_HALF,
    SHOULDER_HALF,
    Body,
    ExercisePose,
    Position,
    Prop,
    PropKind,
    Vec,
    add,
    build,
    load,
    mid,
)

Which = Literal["start", "end"]

BODY, FAR, PAPER = "#2f4f6f", "#a7b9cb", "#ffffff"
PROP, PROP_FILL, INK, WALL = "#808080", "#dcdcdc", "#505050", "#eeeeee"
FRAME_W, GAP, CAPTION, MARGIN = 120.0, 18.0, 12.0, 4.0
# Camera yaw (0 looks at the figure's right side, 90 at its front) and elevation above the floor.
CAMERA = {
    "side": (0.0, 0.0),
    "front": (90.0, 0.0),
    "oblique": (65.0, 0.0),
    "above": (0.0, 50.0),
    "top": (0.0, 90.0),
}
_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def _n(v: float) -> str:
    """A number with at most one decimal and no negative zero, so output is byte-stable."""
    r = round(v, 1)
    return f"{r:.1f}".rstrip("0").rstrip(".") if r != 0 else "0"


@dataclass
class Canvas:
    """Shapes in picture units (y up), each with a layer and depth for painter's order."""

    view: str
    items: list[tuple[int, float, int, str]] = field(default_factory=list)
    lo: list[float] = field(default_factory=lambda: [math.inf, math.inf])
    hi: list[float] = field(default_factory=lambda: [-math.inf, -math.inf])

    def project(self, p: Vec) -> tuple[float, float, float]:
        """Picture x, picture y and depth (larger is nearer) of a world point."""
        yaw, elevation = (math.radians(a) for a in CAMERA[self.view])
        c, s = math.cos(yaw), math.sin(yaw)
        u, d = p[0] * c - p[2] * s, p[0] * s + p[2] * c
        ce, se = math.cos(elevation), math.sin(elevation)
        return u, p[1] * ce - d * se, d * ce + p[1] * se

    def _grow(self, u: float, v: float, r: float) -> None:
        self.lo = [min(self.lo[0], u - r), min(self.lo[1], v - r)]
        self.hi = [max(self.hi[0], u + r), max(self.hi[1], v + r)]

    def add(self, layer: int, depth: float, markup: str) -> None:
        """Queue one element; ties keep insertion order, so output is stable."""
        self.items.append((layer, depth, len(self.items), markup))

    def pts(self, points: Iterable[Vec], r: float = 0.0) -> list[tuple[float, float]]:
        """Project points, widening the bounds by r; y is flipped for SVG."""
        out = []
        for p in points:
            u, v, _ = self.project(p)
            self._grow(u, v, r)
            out.append((u, -v))
        return out

    def path(self, points: Iterable[Vec], r: float = 0.0, closed: bool = False) -> str:
        """An SVG path `d` through the projected points."""
        xy = self.pts(points, r)
        d = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in xy)
        return d + (" Z" if closed else "")

    def depth(self, points: Iterable[Vec]) -> float:
        """Mean depth of some points."""
        ds = [self.project(p)[2] for p in points]
        return sum(ds) / len(ds)

    def svg(self) -> str:
        """The queued elements in paint order."""
        return "".join(m for *_, m in sorted(self.items))


def _stroke(colour: str, width: float, cap: str = "round") -> str:
    return (
        f'fill="none" stroke="{colour}" stroke-width="{_n(width)}" '
        f'stroke-linecap="{cap}" stroke-linejoin="round"'
    )


def _rod(cv: Canvas, a: Vec, b: Vec, w: float, colour: str = PROP, layer: int = 0) -> None:
    cv.add(layer, cv.depth([a, b]), f'<path d="{cv.path([a, b], w / 2)}" {_stroke(colour, w)}/>')


def _ball(cv: Canvas, c: Vec, r: float, layer: int = 0, fill: str = PROP_FILL) -> None:
    (x, y), d = cv.pts([c], r)[0], cv.project(c)[2]
    cv.add(
        layer,
        d,
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}" stroke="{PROP}" '
        f'stroke-width="1"/>',
    )


def _disc(cv: Canvas, c: Vec, normal: Vec, r: float, layer: int, fill: str) -> None:
    """A flat disc (a weight plate) seen at an angle: an ellipse."""
    (x, y), d = cv.pts([c], r)[0], cv.project(c)[2]
    nu, nv, nd = cv.project(normal)
    minor = max(r * abs(nd), 1.8)
    angle = math.degrees(math.atan2(-nv, nu)) if math.hypot(nu, nv) > 1e-6 else 0.0
    cv.add(
        layer,
        d,
        f'<ellipse cx="{_n(x)}" cy="{_n(y)}" rx="{_n(minor)}" ry="{_n(r)}" '
        f'transform="rotate({_n(angle)} {_n(x)} {_n(y)})" fill="{fill}" stroke="{PROP}" '
        f'stroke-width="1.2"/>',
    )


def _box(cv: Canvas, lo: Vec, hi: Vec, layer: int = 0, fill: str = PROP_FILL) -> None:
    """An axis-aligned box, drawn as the outline of its projected corners."""
    corners = [(x, y, z) for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])]
    flat = sorted(set(cv.pts(corners)))
    hull: list[tuple[float, float]] = []
    for seq in (flat, flat[::-1]):  # monotone chain, lower then upper half
        start = len(hull)
        for p in seq:
            while len(hull) >= start + 2:
                (ax, ay), (bx, by) = hull[-2], hull[-1]
                if (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax) > 1e-9:
                    break
                hull.pop()
            hull.append(p)
        hull.pop()
    d = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in hull) + " Z"
    cv.add(
        layer, cv.depth(corners), f'<path d="{d}" fill="{fill}" stroke="{PROP}" stroke-width="1"/>'
    )


# --- the body --------------------------------------------------------------------------------


def _draw_body(cv: Canvas, body: Body) -> None:
    torso_depth = cv.depth(s.centre for s in body.torso)
    left, right = [], []
    for i, s in enumerate(body.torso):
        a = body.torso[max(i - 1, 0)].centre
        b = body.torso[min(i + 1, len(body.torso) - 1)].centre
        du, dv, _ = cv.project(add(b, a, -1))
        length = math.hypot(du, dv) or 1.0
        nu, nv = -dv / length, du / length
        lu, lv, _ = cv.project(s.lateral)
        au, av, _ = cv.project(s.anterior)
        e = math.hypot(s.half_width * (lu * nu + lv * nv), s.half_depth * (au * nu + av * nv))
        c = cv.project(s.centre)
        left.append((c[0] + e * nu, c[1] + e * nv, 0.0))
        right.append((c[0] - e * nu, c[1] - e * nv, 0.0))
    outline = left + right[::-1]
    # The outline is already in picture coordinates: undo the view before projecting again.
    flat = Canvas("side")
    d = flat.path(outline, closed=True)
    cv._grow(flat.lo[0], flat.lo[1], 0)
    cv._grow(flat.hi[0], flat.hi[1], 0)
    cv.add(
        1,
        torso_depth,
        f'<path d="{d}" fill="{BODY}" stroke="{PAPER}" stroke-width="1.2" stroke-linejoin="round"/>',
    )
    roots = {"arm": body.torso[-1].centre, "leg": body.torso[0].centre}
    for limb in body.limbs:
        depth = cv.depth(limb.points)
        root = roots.get(limb.name.rpartition("_")[2])
        # A limb is on the far side when its root joint lies behind the trunk's midline.
        behind = cv.project(root)[2] - cv.project(limb.points[0])[2] if root else 0.0
        far = behind > 0.6 * (SHOULDER_HALF if limb.name.endswith("arm") else HIP_HALF)
        colour = FAR if far else BODY
        segs = list(zip(limb.points, limb.points[1:], limb.widths, strict=False))
        halo = "".join(
            f'<path d="{cv.path([a, b], w / 2)}" {_stroke(PAPER, w + 2.2)}/>' for a, b, w in segs
        )
        ink = "".join(f'<path d="{cv.path([a, b])}" {_stroke(colour, w)}/>' for a, b, w in segs)
        cv.add(1, depth + (0.5 if limb.name == "neck" else 0.0), halo + ink)
    (x, y), hd = cv.pts([body.head], HEAD_R)[0], cv.project(body.head)[2]
    face = ""
    for side in (0.38, -0.38):
        ant, up, rt = body.head_axes
        eye = add(add(add(body.head, ant, HEAD_R * 0.72), up, HEAD_R * 0.2), rt, HEAD_R * side)
        eu, ev, ed = cv.project(eye)
        if ed > hd + 1.0:
            face += f'<circle cx="{_n(eu)}" cy="{_n(-ev)}" r="0.9" fill="{PAPER}"/>'
    cv.add(
        1,
        hd + 1.0,
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(HEAD_R)}" fill="{BODY}" stroke="{PAPER}" '
        f'stroke-width="1.2"/>' + face,
    )


# --- equipment -------------------------------------------------------------------------------


def _hands(body: Body, at: str) -> list[Vec]:
    if at == "hands":
        return [body.landmarks["right_hand"][0], body.landmarks["left_hand"][0]]
    return [body.landmarks[at][0]]


def _held_bottom(prop: Prop, body: Body) -> float:
    """The lowest point of a held weight, so that a lifted bar can rest on the floor."""
    drop = {
        PropKind.barbell: 11.0,
        PropKind.trap_bar: 11.0,
        PropKind.kettlebell: 13.5,
        PropKind.dumbbell: 7.5 if prop.upright else 3.8,
        PropKind.medicine_ball: 7.0,
    }.get(prop.kind)
    if drop is None or prop.at is None:
        return math.inf
    return min(h[1] for h in _hands(body, prop.at)) - drop


def _near(cv: Canvas, body: Body, p: Vec) -> int:
    return 2 if cv.project(p)[2] >= cv.depth(s.centre for s in body.torso) - 1 else 0


def _draw_prop(cv: Canvas, prop: Prop, body: Body, start: Body) -> None:
    if prop.fixed:
        body = start
    k, sh = prop.kind, float(prop.shift)
    top, point = 0.0, (0.0, 0.0, 0.0)
    if prop.under is not None:
        point = body.landmarks[prop.under][1]
        top = point[1]
        if k is not PropKind.bench:
            point = add(point, (sh, 0, 0))
    if k in (PropKind.barbell, PropKind.trap_bar) and prop.at:
        c = mid(*_hands(body, prop.at)) if prop.at == "hands" else body.landmarks[prop.at][0]
        _rod(cv, add(c, (0, 0, -34)), add(c, (0, 0, 34)), 2.2, INK)
        if k is PropKind.trap_bar:
            _rod(cv, add(c, (-13, 0, 0)), add(c, (13, 0, 0)), 2.2, INK)
        for z in (-27.0, 27.0):
            plate = add(c, (0, 0, z))
            near = cv.project(plate)[2] > cv.project(c)[2]
            _disc(cv, plate, (0, 0, 1), 11.0, 2 if near else 0, "none" if near else PROP_FILL)
    elif k is PropKind.dumbbell and prop.at:
        axis = (0.0, 1.0, 0.0) if prop.upright else (1.0, 0.0, 0.0)
        for h in _hands(body, prop.at):
            layer = _near(cv, body, h)
            _rod(cv, add(h, axis, -6), add(h, axis, 6), 2.0, INK, layer)
            for s in (-5.0, 5.0):
                _disc(cv, add(h, axis, s), axis, 3.8, layer, PROP_FILL)
    elif k is PropKind.kettlebell and prop.at:
        for h in _hands(body, prop.at):
            layer = _near(cv, body, h)
            _ball(cv, add(h, (0, -8.5, 0)), 5.2, layer)
            cv.add(layer, cv.depth([h]) + 0.1, _ring(cv, add(h, (0, -1.5, 0)), 2.8))
    elif k is PropKind.medicine_ball and prop.at:
        c = mid(*_hands(body, prop.at)) if prop.at == "hands" else body.landmarks[prop.at][0]
        _ball(cv, add(c, (2.5, 0, 0)), 6.5, 2)
    elif k in (PropKind.band, PropKind.cable) and prop.at:
        hands = _hands(body, prop.at)
        if prop.to is None:
            _rod(cv, hands[0], hands[-1], 1.6, INK, 2)
        else:
            to = (float(prop.to[0]), float(prop.to[1]), float(prop.to[2]))
            if k is PropKind.cable:
                base, head = (to[0], 0.0, to[2]), (to[0], max(to[1] + 8, 45.0), to[2])
                _rod(cv, add(base, (-3, 0, 0)), add(head, (-3, 0, 0)), 5.0, PROP_FILL)
                _ball(cv, to, 2.4)
            else:
                _ball(cv, to, 1.6, fill=INK)
            for h in hands:
                _rod(cv, to, h, 1.0 if k is PropKind.cable else 1.6, INK, 0)
            if k is PropKind.cable and prop.at == "hands":
                c = mid(*hands)
                _rod(cv, add(c, (0, 0, -20)), add(c, (0, 0, 20)), 2.2, INK, 2)
    elif k is PropKind.pull_up_bar and prop.at:
        c = mid(*_hands(body, prop.at))
        for z in (-30.0, 30.0):
            arm = add(c, (-24, 0, z))
            _rod(cv, add(c, (0, 0, z)), arm, 3.0, PROP)
            _rod(cv, arm, (arm[0], 0.0, z), 4.0, PROP)
        _rod(cv, add(c, (0, 0, -30)), add(c, (0, 0, 30)), 3.2, INK)
    elif k is PropKind.bench:
        a = math.radians(float(prop.angle))
        u, down = (math.cos(a), math.sin(a), 0.0), (math.sin(a), -math.cos(a), 0.0)
        centre = add(add(point, u, sh), down, 2.6)
        p0, p1 = add(centre, u, -24), add(centre, u, 24)
        for p in (add(p0, u, 5), add(p1, u, -5)):
            _rod(cv, p, (p[0], 0.0, 0.0), 3.0)
        _rod(cv, p0, p1, 5.2, PROP_FILL)
        _rod(cv, p0, p1, 0.8, PROP)
    elif k is PropKind.box:
        _box(cv, (point[0] - 15, 0.0, -14), (point[0] + 15, top, 14))
    elif k is PropKind.chair:
        x0, x1 = point[0] - 13, point[0] + 10
        for x in (x0 + 1.5, x1 - 1.5):
            _rod(cv, (x, top - 3, 0), (x, 0.0, 0), 2.2)
        _rod(cv, (x0 + 1.5, top, 0), (x0 - 2, top + 32, 0), 2.6)
        _box(cv, (x0, top - 3.2, -12), (x1, top, 12))
    elif k is PropKind.table:
        x0, x1 = point[0] - 20, point[0] + 20
        for x in (x0 + 2, x1 - 2):
            _rod(cv, (x, top, 0), (x, 0.0, 0), 2.4)
        _box(cv, (x0, top - 3.5, -20), (x1, top, 20))
    elif k is PropKind.wall and prop.at:
        x = body.landmarks[prop.at][0][0] + sh
        lo, hi = (x - 5, 0.0, -40.0), (x, 140.0, 40.0)
        lo, hi = (lo, hi) if sh < 0 else ((x, 0.0, -40.0), (x + 5, 140.0, 40.0))
        _box(cv, lo, hi, fill=WALL)
    elif k is PropKind.foam_roller:
        r = max(top / 2, 3.0)
        _rod(cv, (point[0], r, -16), (point[0], r, 16), 2 * r, PROP_FILL)
        _disc(cv, (point[0], r, 16), (0, 0, 1), r, 0, PROP_FILL)
    elif k is PropKind.mat:
        every = [p for limb in body.limbs for p in limb.points] + [body.head]
        xs, zs = [p[0] for p in every], [p[2] for p in every]
        _box(cv, (min(xs) - 5, 0.0, min(zs) - 5), (max(xs) + 5, 1.6, max(zs) + 5))
    elif k is PropKind.dowel:
        hip = body.torso[0]
        low = add(hip.centre, hip.anterior, -(hip.half_depth + 1.6))
        ant, up, _ = body.head_axes
        high = add(add(body.head, ant, -(HEAD_R + 1.4)), up, 1.0)
        _rod(
            cv,
            add(low, add(high, low, -1), -0.12),
            add(high, add(high, low, -1), 0.15),
            2.2,
            INK,
            2,
        )
    elif k is PropKind.hyperextension_bench:
        _hyperextension(cv, body)


def _ring(cv: Canvas, c: Vec, r: float) -> str:
    (x, y) = cv.pts([c], r)[0]
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {_stroke(INK, 1.4)}/>'


def _hyperextension(cv: Canvas, body: Body) -> None:
    """A 45-degree back-extension bench: thigh pad, ankle roller, foot plate and frame."""
    hip, knee, ankle, heel, toe = next(lb for lb in body.limbs if lb.name == "right_leg").points
    along = add(knee, hip, -1)
    n = math.hypot(along[0], along[1]) or 1.0
    along = (along[0] / n, along[1] / n, 0.0)
    below = (along[1], -along[0], 0.0) if along[0] > 0 else (-along[1], along[0], 0.0)
    pad = add(add(hip, along, 7), below, 4.2 + 3.4)
    sole = add(mid(heel, toe), below, 2.6)
    beam0, beam1 = add(pad, below, 6), add(sole, below, 5)
    _rod(cv, beam0, beam1, 3.0)
    for p in (beam0, beam1):
        _rod(cv, p, (p[0], 0.0, p[2]), 3.0)
    _rod(cv, (beam0[0], 0.0, 0.0), (beam1[0], 0.0, 0.0), 3.0)
    _rod(cv, add(pad, along, -6), add(pad, along, 6), 6.8, PROP_FILL, 2)
    _rod(cv, add(sole, along, -8), add(sole, along, 1), 2.4)
    _ball(cv, add(ankle, below, -6.0), 2.8, 2)


# --- placing and composing -----------------------------------------------------------------


def place(pose: ExercisePose, position: Position) -> Body:
    """The posed body resting on the floor (or hanging from the bar), its anchor at x = z = 0."""
    body = build(position)
    if position.ground == "hang":
        dy = BAR_HEIGHT - body.landmarks["hands"][0][1]
    else:
        held = min((_held_bottom(p, body) for p in pose.props), default=math.inf)
        mat = 1.6 if any(p.kind is PropKind.mat for p in pose.props) else 0.0
        dy = float(position.lift) + mat - min(body.lowest(), held)
    anchor = body.landmarks[pose.anchor][0]
    return body.moved((-anchor[0], dy, -anchor[2]))


def _figure(pose: ExercisePose, which: Which) -> Canvas:
    position = pose.start if which == "start" else pose.end
    body = place(pose, position)
    cv = Canvas(pose.view)
    _draw_body(cv, body)
    start = body if which == "start" else place(pose, pose.start)
    for prop in pose.props:
        _draw_prop(cv, prop, body, start)
    for cue in position.cues:
        (x, y) = cv.pts([body.landmarks[cue.at][0]])[0]
        x, y = x + float(cue.offset[0]), y - float(cue.offset[1])
        a = math.radians(float(cue.toward))
        dx, dy = math.cos(a), -math.sin(a)
        x0, y0, x1, y1 = x - 4.5 * dx, y - 4.5 * dy, x + 4.5 * dx, y + 4.5 * dy
        cv._grow(x0, -y0, 3)
        cv._grow(x1, -y1, 3)
        cv.add(3, 0, _arrow(x0, y0, x1, y1, INK, 1.3))
    return cv


def _arrow(x0: float, y0: float, x1: float, y1: float, colour: str, w: float) -> str:
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    h = 3.2
    bx, by = x1 - ux * h, y1 - uy * h
    head = f"M{_n(x1)} {_n(y1)} L{_n(bx - uy * h * 0.7)} {_n(by + ux * h * 0.7)} L{_n(bx + uy * h * 0.7)} {_n(by - ux * h * 0.7)} Z"
    return (
        f'<path d="M{_n(x0)} {_n(y0)} L{_n(bx)} {_n(by)}" {_stroke(colour, w, "butt")}/>'
        f'<path d="{head}" fill="{colour}"/>'
    )


def _title(exercise_id: str) -> str:
    return exercise_id.replace("_", " ").capitalize()


def _frames(
    pose: ExercisePose, which: tuple[Which, ...]
) -> tuple[list[Canvas], float, float, float]:
    """Canvases with a shared frame: x0 (left edge), top and height in picture units."""
    canvases = [_figure(pose, w) for w in which]
    x_lo = min(c.lo[0] for c in canvases)
    x_hi = max(c.hi[0] for c in canvases)
    y_lo = min(min(c.lo[1] for c in canvases), 0.0 if CAMERA[pose.view][1] == 0 else math.inf)
    y_hi = max(c.hi[1] for c in canvases)
    width = max(FRAME_W, x_hi - x_lo + 2 * MARGIN)
    x0 = (x_lo + x_hi) / 2 - width / 2
    return canvases, x0, y_hi + MARGIN, y_hi - y_lo + 2 * MARGIN


def _group(cv: Canvas, view: str, dx: float, x0: float, top: float, width: float) -> str:
    floor = ""
    if CAMERA[view][1] == 0:
        floor = f'<path d="M{_n(x0)} 0 L{_n(x0 + width)} 0" {_stroke(PROP, 0.8, "butt")}/>'
    return f'<g transform="translate({_n(dx - x0)} {_n(top)})">{floor}{cv.svg()}</g>'


def _svg(width_px: float, w: float, h: float, title: str, body: str) -> str:
    t = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{t}" '
        f'width="{_n(width_px)}" height="{_n(width_px * h / w)}" viewBox="0 0 {_n(w)} {_n(h)}">'
        f"<title>{t}</title>{body}</svg>"
    )


def figure_svg(pose: ExercisePose, position: Which, size: float = 120, title: str = "") -> str:
    """One position as a standalone SVG `size` px wide."""
    (cv,), x0, top, height = _frames(pose, (position,))
    width = max(FRAME_W, cv.hi[0] - cv.lo[0] + 2 * MARGIN)
    label = title or f"{position.capitalize()} position"
    return _svg(size, width, height, label, _group(cv, pose.view, 0.0, x0, top, width))


def card_figures(
    exercise_id: str, name: str | None = None, *, poses: dict[str, ExercisePose] | None = None
) -> str:
    """Start and end side by side with an arrow between and captions: an SVG 240 px wide."""
    pose = (poses or load())[exercise_id]
    (a, b), x0, top, height = _frames(pose, ("start", "end"))
    width = max(FRAME_W, a.hi[0] - a.lo[0], b.hi[0] - b.lo[0]) if False else _frame_width(a, b)
    total, full = 2 * width + GAP, height + CAPTION
    mid_y = height * 0.55
    parts = [
        _group(a, pose.view, 0.0, x0, top, width),
        _group(b, pose.view, width + GAP, x0, top, width),
        _arrow(width + 4, mid_y, width + GAP - 4, mid_y, INK, 1.4),
    ]
    for i, pos in enumerate((pose.start, pose.end)):
        text = pos.label or ("Start" if i == 0 else "Finish")
        parts.append(
            f'<text x="{_n(width / 2 + i * (width + GAP))}" y="{_n(full - 3)}" '
            f'font-family="{_FONT}" font-size="8.5" fill="{INK}" text-anchor="middle">'
            f"{escape(text)}</text>"
        )
    title = f"{name or _title(exercise_id)}: start and end position"
    return _svg(240 * total / (2 * FRAME_W + GAP), total, full, title, "".join(parts))


def _frame_width(a: Canvas, b: Canvas) -> float:
    return max(FRAME_W, max(a.hi[0], b.hi[0]) - min(a.lo[0], b.lo[0]) + 2 * MARGIN)
