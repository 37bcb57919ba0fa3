"""Drawing primitives: a canvas that projects world points and queues SVG in paint order.

Numbers are rounded to one decimal and ties keep insertion order, so output is byte-stable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .body import Vec

BODY, FAR, PAPER = "#2f4f6f", "#a7b9cb", "#ffffff"
PROP, PROP_FILL, INK, WALL = "#808080", "#dcdcdc", "#505050", "#eeeeee"
# Camera yaw (0 looks at the figure's right side, 90 at its front) and elevation above the floor.
CAMERA = {
    "side": (0.0, 0.0),
    "front": (90.0, 0.0),
    "oblique": (65.0, 0.0),
    "above": (0.0, 50.0),
    "top": (0.0, 90.0),
}


def num(v: float) -> str:
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

    def grow(self, u: float, v: float, r: float) -> None:
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
            self.grow(u, v, r)
            out.append((u, -v))
        return out

    def path(self, points: Iterable[Vec], r: float = 0.0, closed: bool = False) -> str:
        """An SVG path `d` through the projected points."""
        xy = self.pts(points, r)
        d = "M" + " L".join(f"{num(x)} {num(y)}" for x, y in xy)
        return d + (" Z" if closed else "")

    def depth(self, points: Iterable[Vec]) -> float:
        """Mean depth of some points."""
        ds = [self.project(p)[2] for p in points]
        return sum(ds) / len(ds)

    def svg(self) -> str:
        """The queued elements in paint order."""
        return "".join(m for *_, m in sorted(self.items))


def stroke(colour: str, width: float, cap: str = "round") -> str:
    return (
        f'fill="none" stroke="{colour}" stroke-width="{num(width)}" '
        f'stroke-linecap="{cap}" stroke-linejoin="round"'
    )


def rod(cv: Canvas, a: Vec, b: Vec, w: float, colour: str = PROP, layer: int = 0) -> None:
    cv.add(layer, cv.depth([a, b]), f'<path d="{cv.path([a, b], w / 2)}" {stroke(colour, w)}/>')


def ball(cv: Canvas, c: Vec, r: float, layer: int = 0, fill: str = PROP_FILL) -> None:
    (x, y), d = cv.pts([c], r)[0], cv.project(c)[2]
    cv.add(
        layer,
        d,
        f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{fill}" stroke="{PROP}" '
        f'stroke-width="1"/>',
    )


def disc(cv: Canvas, c: Vec, normal: Vec, r: float, layer: int, fill: str) -> None:
    """A flat disc (a weight plate) seen at an angle: an ellipse."""
    (x, y), d = cv.pts([c], r)[0], cv.project(c)[2]
    nu, nv, nd = cv.project(normal)
    minor = max(r * abs(nd), 1.8)
    angle = math.degrees(math.atan2(-nv, nu)) if math.hypot(nu, nv) > 1e-6 else 0.0
    cv.add(
        layer,
        d,
        f'<ellipse cx="{num(x)}" cy="{num(y)}" rx="{num(minor)}" ry="{num(r)}" '
        f'transform="rotate({num(angle)} {num(x)} {num(y)})" fill="{fill}" stroke="{PROP}" '
        f'stroke-width="1.2"/>',
    )


def box(cv: Canvas, lo: Vec, hi: Vec, layer: int = 0, fill: str = PROP_FILL) -> None:
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
    d = "M" + " L".join(f"{num(x)} {num(y)}" for x, y in hull) + " Z"
    cv.add(
        layer, cv.depth(corners), f'<path d="{d}" fill="{fill}" stroke="{PROP}" stroke-width="1"/>'
    )
