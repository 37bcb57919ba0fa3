"""HTML and PDF: one Jinja2 environment renders every document; WeasyPrint makes the PDFs.

The environment is autoescaped with `StrictUndefined`; templates live in `present/templates/`
and render from a view (`PrescriptionView`, `ProgressView`), never from raw dictionaries. The
clinician report explains every item (rule rationale, the client's facts that triggered it, the
source); the handout says the same program in plain words, without rule ids. Files are written
atomically.
"""

from __future__ import annotations

import gc
import os
import re
import tempfile
import threading
import zlib
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from .. import shipped
from ..errors import ReportError
from . import pictures
from . import wording as words
from .prescription_view import Kind, PrescriptionView

if TYPE_CHECKING:
    import weasyprint

TEMPLATE_FILES: dict[Kind, str] = {"clinician": "clinician.html.j2", "handout": "handout.html.j2"}
# The stylesheet a document shares with every other of its kind (base.html.j2 marks it).
_SHARED_STYLE = re.compile(r"<style data-shared>(.*?)</style>", re.DOTALL)


def css_string(text: str) -> Markup:
    """Text as a CSS string literal that can neither end early nor close the <style> element."""
    body = "".join(ch if ch.isalnum() and ch.isascii() else f"\\{ord(ch):06x}" for ch in text)
    # Safe: every character but an ASCII letter or digit is a CSS hex escape by now.
    return Markup(f'"{body}"')  # noqa: S704


# --- rendering -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja2 environment: autoescaped HTML, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(shipped.templates_directory()),
        # Templates are named *.html.j2, so name the extension explicitly; anything else
        # (the stylesheet holds no expressions) escapes too.
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2"), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        dose=words.dose_text,
        how_many=words.how_many,
        log_target=words.log_target,
        effort_words=words.effort_words,
        tempo_words=words.tempo_words,
        rest_words=words.rest_words,
        reps=words.reps_text,
        clause=words.clause,
        conclusion=words.conclusion_text,
        css_string=css_string,
        value=words.value_text,
        day_name=words.DAY_NAMES.__getitem__,
        long_date=words.long_date,
    )
    env.globals.update(indicator_text=words.INDICATOR_TEXT)
    return env


def render(template: str, view: Any) -> str:
    """Render one template from its view into a self-contained HTML document."""
    try:
        return environment().get_template(template).render(ctx=view)
    except jinja2.TemplateError as exc:
        raise ReportError(f"template {template}: {exc}") from exc


def render_html(view: PrescriptionView) -> str:
    """A clinician report or handout as one self-contained HTML document."""
    return render(TEMPLATE_FILES[view.kind], view)


@lru_cache(maxsize=8)
def shared_stylesheet(css: str) -> weasyprint.CSS:
    """A stylesheet parsed once per process."""
    # Parsing it for every document took a tenth of a handout's time.
    import weasyprint

    return weasyprint.CSS(string=css)


_FONTS = threading.local()


def font_config() -> Any:
    """Fontconfig and Pango's font map, loaded once per thread."""
    # Loading them for every document took a tenth of its time (Pango keeps the fonts it has
    # opened in the map); a font map is not to be shared between threads, and the web app
    # renders in a thread pool.
    config = getattr(_FONTS, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _FONTS.config = FontConfiguration()
    return config


# zlib's default: pydyf deflates every page at level 9, a tenth of an 8-page report's time, for
# a file 4 % smaller than this level gives (56 against 58 kB for the desk worker's report).
PDF_DEFLATE_LEVEL = 6


class _Deflate:
    """zlib as pydyf (WeasyPrint's PDF writer) sees it: page streams at `PDF_DEFLATE_LEVEL`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(PDF_DEFLATE_LEVEL)


@cache
def _faster_deflate() -> None:
    import pydyf  # type: ignore[import-untyped]

    pydyf.zlib = _Deflate()


def render_pdf(html: str) -> bytes:
    """Render report HTML to an A4 PDF with WeasyPrint (exercise figures as print images)."""
    import weasyprint  # imported here: it loads Pango, which only PDF output needs

    _faster_deflate()

    html = pictures.for_print(html)
    # The shared stylesheet goes in parsed; as a user stylesheet it yields to the page's own
    # styles (the running header), which no rule of it contradicts. Parsed stylesheets and
    # fonts are kept; the document is laid out and drawn anew every time.
    shared = _SHARED_STYLE.search(html)
    sheets = [shared_stylesheet(shared.group(1))] if shared else []
    if shared:
        html = html[: shared.start()] + html[shared.end() :]
    # WeasyPrint allocates hundreds of thousands of short-lived objects and frees them by
    # reference counting; pausing the cycle collector meanwhile saves about a tenth of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        pdf: bytes = weasyprint.HTML(string=html, url_fetcher=pictures.fetcher()).write_pdf(
            stylesheets=sheets, font_config=font_config()
        )
    except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
        raise ReportError(f"PDF rendering failed: {exc}") from exc
    finally:
        if collecting:
            gc.enable()
    return pdf


def write(path: str | Path, data: str | bytes) -> None:
    """Write a report atomically: a temporary file in the same directory, then a rename."""
    target = Path(path)
    blob = data.encode() if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
                f.flush()
                os.fsync(f.fileno())
            # mkstemp creates the file 0600; a report is an ordinary file.
            umask = os.umask(0)
            os.umask(umask)
            Path(tmp).chmod(0o666 & ~umask)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}", str(target)) from exc


__all__ = ["environment", "render", "render_html", "render_pdf", "write"]
