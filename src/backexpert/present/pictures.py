"""Exercise pictures for the handout: each card's start-and-end figure as an image.

The HTML embeds the figure (`figures.card_figures`) as a `data:image/svg+xml` image, so a
browser draws the vector drawing. For the PDF, `for_print` swaps each figure for the same SVG
rasterised by resvg (a browser-grade SVG renderer) at about 300 dpi and stored as JPEG: WeasyPrint
copies a JPEG into the PDF as it is, while it draws an SVG node by node, which cost half of a
handout's rendering time. Without `resvg_py` the PDF keeps the SVG: slower, the same picture.
Every figure is drawn and rasterised once per process (poses do not change while it runs) and
printed at one scale, so a standing and a lying figure match; the tallest are scaled to fit.
"""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache
from typing import NamedTuple

from .figures import card_figures

# 240 px of figure (two positions side by side) print 43 mm wide, beside the dose on a card half
# a page wide; no picture is taller than MAX_HEIGHT_MM, so a card stays about the same height
# whatever the exercise, nor wider than MAX_WIDTH_MM, so the dose keeps room beside it.
MM_PER_PX = 0.18
MAX_HEIGHT_MM = 19.0
MAX_WIDTH_MM = 45.0
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
    scale = min(MM_PER_PX, MAX_HEIGHT_MM / height_px, MAX_WIDTH_MM / width_px)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Picture(
        uri=f"data:image/svg+xml;base64,{data}",
        width_mm=round(width_px * scale, 1),
        height_mm=round(height_px * scale, 1),
        alt=f"{name}: start and end position",
    )


# Print resolution: about 300 dpi at the printed size (px per SVG px = dpi × mm per px / 25.4);
# JPEG without chroma subsampling keeps the flat colours and thin lines of a figure clean.
PRINT_DPI = 300
PRINT_ZOOM = PRINT_DPI * MM_PER_PX / 25.4
JPEG_QUALITY = 90
_FIGURE = re.compile(r'(<img class="figure" src=")data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def for_print(html: str) -> str:
    """The page with each figure as a print-resolution JPEG (unchanged without resvg)."""
    return _FIGURE.sub(lambda m: f'{m.group(1)}{_raster(m.group(2))}"', html)


@lru_cache(maxsize=256)
def _raster(svg_base64: str) -> str:
    svg_uri = f"data:image/svg+xml;base64,{svg_base64}"
    try:
        import resvg_py  # type: ignore[import-not-found, unused-ignore]
        from PIL import Image
    except ImportError:  # the vector figure prints too, only more slowly
        return svg_uri
    svg = base64.b64decode(svg_base64).decode("utf-8")
    try:
        png = bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=PRINT_ZOOM, background="#ffffff"))
    except ValueError:
        return svg_uri
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(
        out, "JPEG", quality=JPEG_QUALITY, subsampling=0
    )
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
