"""Exercise pictures for the handout: each card's start-and-end SVG as an image the page links.

The figure (`figures.card_figures`) is embedded as a `data:image/svg+xml` image rather than as
inline SVG: browsers and WeasyPrint read the same bytes, so the HTML and the PDF show the same
picture, and WeasyPrint draws an SVG image about twice as fast as inline SVG. Every figure is
drawn once per process (a pose never changes while a process runs) and printed at one scale, so
a standing figure and a lying one match in size; the tallest are scaled down to fit a card.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from typing import NamedTuple

from .figures import card_figures

# 240 px of figure (two positions side by side) print 62 mm wide; no picture is taller than
# MAX_HEIGHT_MM, so a card stays about the same height whatever the exercise.
MM_PER_PX = 0.26
MAX_HEIGHT_MM = 27.0
_SIZE = re.compile(r'<svg [^>]*?width="([\d.]+)" height="([\d.]+)"')


class Picture(NamedTuple):
    """A figure ready for an `<img>`: its data URI and printed size in millimetres."""

    uri: str
    width_mm: float
    height_mm: float
    alt: str


@lru_cache(maxsize=256)
def picture(exercise_id: str, name: str) -> Picture | None:
    """The start and end positions of an exercise, or None when it has no pose."""
    try:
        svg = card_figures(exercise_id, name)
    except KeyError:  # an exercise of another catalogue (a stored prescription): no picture
        return None
    size = _SIZE.match(svg)
    width_px, height_px = (float(size.group(1)), float(size.group(2))) if size else (240.0, 110.0)
    scale = min(MM_PER_PX, MAX_HEIGHT_MM / height_px)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Picture(
        uri=f"data:image/svg+xml;base64,{data}",
        width_mm=round(width_px * scale, 1),
        height_mm=round(height_px * scale, 1),
        alt=f"{name}: start and end position",
    )
