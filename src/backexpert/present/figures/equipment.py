"""Equipment drawn with the figures: weights, bands, cables, benches, boxes, walls and more.

Held weights follow the hands; furniture is put under the body point named by `under` and
reaches down to the floor, so its height comes from the pose.
"""

from __future__ import annotations

import math

from .body import HEAD_R, Body, Vec, add, mid
from .poses import Prop, PropKind
from .svg import INK, PROP, PROP_FILL, WALL, Canvas, ball, box, disc, num, rod, stroke


def hands_of(body: Body, at: str) -> list[Vec]:
    if at == "hands":
        return [body.landmarks["right_hand"][0], body.landmarks["left_hand"][0]]
    return [body.landmarks[at][0]]


def held_bottom(prop: Prop, body: Body) -> float:
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
    return min(h[1] for h in hands_of(body, prop.at)) - drop


def _near(cv: Canvas, body: Body, p: Vec) -> int:
    return 2 if cv.project(p)[2] >= cv.depth(s.centre for s in body.torso) - 1 else 0


def draw_prop(cv: Canvas, prop: Prop, body: Body, start: Body) -> None:
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
        c = mid(*hands_of(body, prop.at)) if prop.at == "hands" else body.landmarks[prop.at][0]
        rod(cv, add(c, (0, 0, -34)), add(c, (0, 0, 34)), 2.2, INK)
        if k is PropKind.trap_bar:
            rod(cv, add(c, (-13, 0, 0)), add(c, (13, 0, 0)), 2.2, INK)
        for z in (-27.0, 27.0):
            plate = add(c, (0, 0, z))
            near = cv.project(plate)[2] > cv.project(c)[2]
            disc(cv, plate, (0, 0, 1), 11.0, 2 if near else 0, "none" if near else PROP_FILL)
    elif k is PropKind.dumbbell and prop.at:
        axis = (0.0, 1.0, 0.0) if prop.upright else (1.0, 0.0, 0.0)
        for h in hands_of(body, prop.at):
            layer = _near(cv, body, h)
            rod(cv, add(h, axis, -6), add(h, axis, 6), 2.0, INK, layer)
            for s in (-5.0, 5.0):
                disc(cv, add(h, axis, s), axis, 3.8, layer, PROP_FILL)
    elif k is PropKind.kettlebell and prop.at:
        for h in hands_of(body, prop.at):
            layer = _near(cv, body, h)
            ball(cv, add(h, (0, -8.5, 0)), 5.2, layer)
            cv.add(layer, cv.depth([h]) + 0.1, _ring(cv, add(h, (0, -1.5, 0)), 2.8))
    elif k is PropKind.medicine_ball and prop.at:
        c = mid(*hands_of(body, prop.at)) if prop.at == "hands" else body.landmarks[prop.at][0]
        ball(cv, add(c, (2.5, 0, 0)), 6.5, 2)
    elif k in (PropKind.band, PropKind.cable) and prop.at:
        hands = hands_of(body, prop.at)
        if prop.to is None:
            rod(cv, hands[0], hands[-1], 1.6, INK, 2)
        else:
            to = (float(prop.to[0]), float(prop.to[1]), float(prop.to[2]))
            if k is PropKind.cable:
                base, head = (to[0], 0.0, to[2]), (to[0], max(to[1] + 8, 45.0), to[2])
                rod(cv, add(base, (-3, 0, 0)), add(head, (-3, 0, 0)), 5.0, PROP_FILL)
                ball(cv, to, 2.4)
            else:
                ball(cv, to, 1.6, fill=INK)
            for h in hands:
                rod(cv, to, h, 1.0 if k is PropKind.cable else 1.6, INK, 0)
            if k is PropKind.cable and prop.at == "hands":
                c = mid(*hands)
                rod(cv, add(c, (0, 0, -20)), add(c, (0, 0, 20)), 2.2, INK, 2)
    elif k is PropKind.pull_up_bar and prop.at:
        c = mid(*hands_of(body, prop.at))
        for z in (-30.0, 30.0):
            arm = add(c, (-24, 0, z))
            rod(cv, add(c, (0, 0, z)), arm, 3.0, PROP)
            rod(cv, arm, (arm[0], 0.0, z), 4.0, PROP)
        rod(cv, add(c, (0, 0, -30)), add(c, (0, 0, 30)), 3.2, INK)
    elif k is PropKind.bench:
        a = math.radians(float(prop.angle))
        u, down = (math.cos(a), math.sin(a), 0.0), (math.sin(a), -math.cos(a), 0.0)
        centre = add(add(point, u, sh), down, 2.6)
        p0, p1 = add(centre, u, -24), add(centre, u, 24)
        for p in (add(p0, u, 5), add(p1, u, -5)):
            rod(cv, p, (p[0], 0.0, 0.0), 3.0)
        rod(cv, p0, p1, 5.2, PROP_FILL)
        rod(cv, p0, p1, 0.8, PROP)
    elif k is PropKind.box:
        box(cv, (point[0] - 15, 0.0, -14), (point[0] + 15, top, 14))
    elif k is PropKind.chair:
        x0, x1 = point[0] - 13, point[0] + 10
        for x in (x0 + 1.5, x1 - 1.5):
            rod(cv, (x, top - 3, 0), (x, 0.0, 0), 2.2)
        rod(cv, (x0 + 1.5, top, 0), (x0 - 2, top + 32, 0), 2.6)
        box(cv, (x0, top - 3.2, -12), (x1, top, 12))
    elif k is PropKind.table:
        x0, x1 = point[0] - 20, point[0] + 20
        for x in (x0 + 2, x1 - 2):
            rod(cv, (x, top, 0), (x, 0.0, 0), 2.4)
        box(cv, (x0, top - 3.5, -20), (x1, top, 20))
    elif k is PropKind.wall and prop.at:
        x = body.landmarks[prop.at][0][0] + sh
        lo, hi = (x - 5, 0.0, -40.0), (x, 140.0, 40.0)
        lo, hi = (lo, hi) if sh < 0 else ((x, 0.0, -40.0), (x + 5, 140.0, 40.0))
        box(cv, lo, hi, fill=WALL)
    elif k is PropKind.foam_roller:
        r = max(top / 2, 3.0)
        rod(cv, (point[0], r, -16), (point[0], r, 16), 2 * r, PROP_FILL)
        disc(cv, (point[0], r, 16), (0, 0, 1), r, 0, PROP_FILL)
    elif k is PropKind.mat:
        every = [p for limb in body.limbs for p in limb.points] + [body.head]
        # Across the body the mat covers the trunk and legs only: arms spread wide (a T) or
        # reaching forward would otherwise stretch it into a backdrop.
        core = [s.centre for s in body.torso] + [
            p for limb in body.limbs if limb.name.endswith("leg") for p in limb.points
        ]
        xs, zs = [p[0] for p in every], [p[2] for p in core]
        box(cv, (min(xs) - 5, 0.0, min(zs) - 12), (max(xs) + 5, 1.6, max(zs) + 12))
    elif k is PropKind.dowel:
        hip = body.torso[0]
        low = add(hip.centre, hip.anterior, -(hip.half_depth + 1.6))
        ant, up, _ = body.head_axes
        high = add(add(body.head, ant, -(HEAD_R + 1.4)), up, 1.0)
        rod(
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
    return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" {stroke(INK, 1.4)}/>'


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
    rod(cv, beam0, beam1, 3.0)
    for p in (beam0, beam1):
        rod(cv, p, (p[0], 0.0, p[2]), 3.0)
    rod(cv, (beam0[0], 0.0, 0.0), (beam1[0], 0.0, 0.0), 3.0)
    rod(cv, add(pad, along, -6), add(pad, along, 6), 6.8, PROP_FILL, 2)
    rod(cv, add(sole, along, -8), add(sole, along, 1), 2.4)
    ball(cv, add(ankle, below, -6.0), 2.8, 2)
