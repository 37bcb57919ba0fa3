"""Exercise figures: start and end positions drawn as inline SVG from `rules/poses.yaml`.

The pose convention is in `backexpert.present.poses`. Output is deterministic (numbers rounded to
one decimal, shapes in a fixed order), uses inline attributes only (no `<style>`, no scripts, no
external references) and reads in black-and-white print: one body colour, a lighter far side,
grey equipment and a thin floor line.
"""

from __future__ import annotations

import math
from html import escape
from typing import Literal

from .body import BAR_HEIGHT, HEAD_R, HIP_HALF, SHOULDER_HALF, Body, add, build
from .equipment import draw_prop, held_bottom
from .poses import ExercisePose, Position, PropKind, load
from .svg import BODY, CAMERA, FAR, INK, PAPER, PROP, Canvas, num, stroke

Which = Literal["start", "end"]

FRAME_W, GAP, MARGIN = 120.0, 18.0, 4.0
# Captions are printed about 2 mm tall (the handout prints a 240 px card 43 mm wide); a caption
# wider than its frame goes on two lines (DejaVu Sans averages about 0.6 em a letter).
CAPTION_PX, LINE_PX, EM_PER_LETTER = 11.0, 12.5, 0.6
_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def caption_lines(text: str, width: float) -> list[str]:
    """A caption in at most two lines, each about as wide as its frame (`width` px)."""
    fits = max(1, int(width / (CAPTION_PX * EM_PER_LETTER)))
    if len(text) <= fits:
        return [text]
    words, first = text.split(), ""
    while words and len(f"{first} {words[0]}".strip()) <= fits:
        first = f"{first} {words.pop(0)}".strip()
    return [first, " ".join(words)] if first and words else [text]


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
    cv.grow(flat.lo[0], flat.lo[1], 0)
    cv.grow(flat.hi[0], flat.hi[1], 0)
    cv.add(
        1,
        torso_depth,
        f'<path d="{d}" fill="{BODY}" stroke="{PAPER}" stroke-width="1.2" '
        'stroke-linejoin="round"/>',
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
            f'<path d="{cv.path([a, b], w / 2)}" {stroke(PAPER, w + 2.2)}/>' for a, b, w in segs
        )
        ink = "".join(f'<path d="{cv.path([a, b])}" {stroke(colour, w)}/>' for a, b, w in segs)
        cv.add(1, depth + (0.5 if limb.name == "neck" else 0.0), halo + ink)
    (x, y), hd = cv.pts([body.head], HEAD_R)[0], cv.project(body.head)[2]
    face = ""
    for side in (0.38, -0.38):
        ant, up, rt = body.head_axes
        eye = add(add(add(body.head, ant, HEAD_R * 0.72), up, HEAD_R * 0.2), rt, HEAD_R * side)
        eu, ev, ed = cv.project(eye)
        if ed > hd + 1.0:
            face += f'<circle cx="{num(eu)}" cy="{num(-ev)}" r="0.9" fill="{PAPER}"/>'
    cv.add(
        1,
        hd + 1.0,
        f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(HEAD_R)}" fill="{BODY}" stroke="{PAPER}" '
        f'stroke-width="1.2"/>' + face,
    )


# --- placing and composing -----------------------------------------------------------------


def place(pose: ExercisePose, position: Position) -> Body:
    """The posed body resting on the floor (or hanging from the bar), its anchor at x = z = 0."""
    body = build(position)
    if position.ground == "hang":
        dy = BAR_HEIGHT - body.landmarks["hands"][0][1]
    else:
        held = min((held_bottom(p, body) for p in pose.props), default=math.inf)
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
        draw_prop(cv, prop, body, start)
    for cue in position.cues:
        (x, y) = cv.pts([body.landmarks[cue.at][0]])[0]
        x, y = x + float(cue.offset[0]), y - float(cue.offset[1])
        a = math.radians(float(cue.toward))
        dx, dy = math.cos(a), -math.sin(a)
        x0, y0, x1, y1 = x - 4.5 * dx, y - 4.5 * dy, x + 4.5 * dx, y + 4.5 * dy
        cv.grow(x0, -y0, 3)
        cv.grow(x1, -y1, 3)
        cv.add(3, 0, _arrow(x0, y0, x1, y1, INK, 1.3))
    return cv


def _arrow(x0: float, y0: float, x1: float, y1: float, colour: str, w: float) -> str:
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    h = 3.2
    bx, by = x1 - ux * h, y1 - uy * h
    wing = [(bx - uy * h * 0.7, by + ux * h * 0.7), (bx + uy * h * 0.7, by - ux * h * 0.7)]
    head = f"M{num(x1)} {num(y1)}" + "".join(f" L{num(x)} {num(y)}" for x, y in wing) + " Z"
    return (
        f'<path d="M{num(x0)} {num(y0)} L{num(bx)} {num(by)}" {stroke(colour, w, "butt")}/>'
        f'<path d="{head}" fill="{colour}"/>'
    )


def _frames(
    pose: ExercisePose, which: tuple[Which, ...]
) -> tuple[list[Canvas], float, float, float, float]:
    """Canvases sharing one frame, so the anchor stays put: left edge, top, width and height."""
    canvases = [_figure(pose, w) for w in which]
    x_lo, x_hi = min(c.lo[0] for c in canvases), max(c.hi[0] for c in canvases)
    y_lo = min(c.lo[1] for c in canvases)
    if CAMERA[pose.view][1] == 0:
        y_lo = min(y_lo, 0.0)
    y_hi = max(c.hi[1] for c in canvases)
    width = max(FRAME_W, x_hi - x_lo + 2 * MARGIN)
    return canvases, (x_lo + x_hi - width) / 2, y_hi + MARGIN, width, y_hi - y_lo + 2 * MARGIN


def _group(cv: Canvas, view: str, dx: float, x0: float, top: float, width: float) -> str:
    floor = ""
    if CAMERA[view][1] == 0:
        floor = f'<path d="M{num(x0)} 0 L{num(x0 + width)} 0" {stroke(PROP, 0.8, "butt")}/>'
    return f'<g transform="translate({num(dx - x0)} {num(top)})">{floor}{cv.svg()}</g>'


def _svg(width_px: float, w: float, h: float, title: str, body: str) -> str:
    t = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{t}" '
        f'width="{num(width_px)}" height="{num(width_px * h / w)}" '
        f'viewBox="0 0 {num(w)} {num(h)}"><title>{t}</title>{body}</svg>'
    )


def figure_svg(pose: ExercisePose, position: Which, size: float = 120, title: str = "") -> str:
    """One position as a standalone SVG `size` px wide."""
    (cv,), x0, top, width, height = _frames(pose, (position,))
    label = title or f"{position.capitalize()} position"
    return _svg(size, width, height, label, _group(cv, pose.view, 0.0, x0, top, width))


def card_figures(
    exercise_id: str, name: str | None = None, *, poses: dict[str, ExercisePose] | None = None
) -> str:
    """Start and end side by side, an arrow between and captions below; 240 px wide."""
    pose = (poses or load())[exercise_id]
    (a, b), x0, top, width, height = _frames(pose, ("start", "end"))
    captions = [
        caption_lines(pos.label or ("Start" if i == 0 else "Finish"), width + GAP / 2)
        for i, pos in enumerate((pose.start, pose.end))
    ]
    rows = max(len(c) for c in captions)
    total, full, arrow_y = 2 * width + GAP, height + rows * LINE_PX + 4, height * 0.55
    parts = [
        _group(a, pose.view, 0.0, x0, top, width),
        _group(b, pose.view, width + GAP, x0, top, width),
        _arrow(width + 4, arrow_y, width + GAP - 4, arrow_y, INK, 1.4),
    ]
    for i, lines in enumerate(captions):
        x = num(width / 2 + i * (width + GAP))
        for j, line in enumerate(lines):
            parts.append(
                f'<text x="{x}" y="{num(height + (j + 1) * LINE_PX)}" font-family="{_FONT}" '
                f'font-size="{num(CAPTION_PX)}" fill="{INK}" text-anchor="middle">'
                f"{escape(line)}</text>"
            )
    title = f"{name or exercise_id.replace('_', ' ').capitalize()}: start and end position"
    # One scale for every card (a wider card is wider), so figures match in size.
    return _svg(240 * total / (2 * FRAME_W + GAP), total, full, title, "".join(parts))
