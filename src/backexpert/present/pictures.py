"""Exercise pictures for the handout: each card's start-and-end figure as an image.

The HTML embeds the figure (`figures.card_figures`) as a `data:image/svg+xml` image, so a
browser draws the vector drawing. For the PDF, `for_print` swaps each figure for the same SVG
rasterised by resvg (a browser-grade SVG renderer) at about 300 dpi and stored as JPEG: WeasyPrint
copies a JPEG into the PDF as it is, while it draws an SVG node by node, which cost half of a
handout's rendering time. The print page names each image by a short `backexpert-figure:` URL
that `fetcher` serves from memory, so WeasyPrint does not parse and decode a page of base64.
Without `resvg_py` the PDF keeps the SVG: slower, the same picture. Every figure is drawn and
rasterised once per process (poses do not change while it runs) and printed at one scale, so a
standing and a lying figure match; the tallest are scaled to fit.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from functools import lru_cache
from typing import Any, NamedTuple

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


SCHEME = "backexpert-figure"
_PRINTED: dict[str, tuple[bytes, str]] = {}  # a figure's key: its print image and media type


def for_print(html: str) -> str:
    """The page with each figure as a print-resolution image that `fetcher` serves."""
    return _FIGURE.sub(lambda m: f'{m.group(1)}{_print_url(m.group(2))}"', html)


def _print_url(svg_base64: str) -> str:
    key = hashlib.sha256(svg_base64.encode("ascii")).hexdigest()[:32]
    if key not in _PRINTED:
        _PRINTED[key] = _raster(svg_base64)
    return f"{SCHEME}:{key}"


def printed(url: str) -> tuple[bytes, str] | None:
    """The image and media type a print page's figure URL names (None for any other URL)."""
    scheme, _, key = url.partition(":")
    return _PRINTED.get(key) if scheme == SCHEME else None


def fetcher() -> Any:
    """A WeasyPrint URL fetcher serving the figures of `for_print` from memory."""
    # A new one per document: WeasyPrint's fetcher keeps state between calls.
    return _fetcher_class()()


@lru_cache(maxsize=1)
def _fetcher_class() -> Any:
    from weasyprint import urls  # imported here: it loads Pango, which only PDF output needs

    if not hasattr(urls, "URLFetcherResponse"):  # before WeasyPrint 70: a function, a dict

        def figures(url: str) -> dict[str, Any]:
            image = printed(url)
            if image is None:
                return dict(urls.default_url_fetcher(url))
            return {"string": image[0], "mime_type": image[1]}

        return lambda: figures

    class Figures(urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            image = printed(url)
            if image is None:
                return super().fetch(url, headers)
            return urls.URLFetcherResponse(url, image[0], {"Content-Type": image[1]})

    return Figures


@lru_cache(maxsize=256)
def _raster(svg_base64: str) -> tuple[bytes, str]:
    svg = base64.b64decode(svg_base64)
    try:
        import resvg_py  # type: ignore[import-not-found, unused-ignore]
        from PIL import Image
    except ImportError:  # the vector figure prints too, only more slowly
        return svg, "image/svg+xml"
    try:
        png = bytes(
            resvg_py.svg_to_bytes(
                svg_string=svg.decode("utf-8"), zoom=PRINT_ZOOM, background="#ffffff"
            )
        )
    except ValueError:
        return svg, "image/svg+xml"
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(
        out, "JPEG", quality=JPEG_QUALITY, subsampling=0
    )
    return out.getvalue(), "image/jpeg"
