"""What the documents' readers see: every example and case rendered, and the handout's prose.

Shared by the handout, clinician, escaping and golden tests. A handout's prose is the text of
its paragraphs and list items (tables are not sentences); each ends a sentence, so a readability
formula counts sentences as a reader meets them.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import casebook
from backexpert import assessment
from backexpert.assessment.prescription import Prescription
from backexpert.clinical import intake as intake_mod
from backexpert.clinical.intake import Intake
from backexpert.present import html as report
from backexpert.present.prescription_view import Kind, PrescriptionView

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CASES = casebook.case_paths()
DAY = dt.date(2025, 3, 14)
SOURCES = [f"example:{p.stem}" for p in EXAMPLES] + [f"case:{p.stem}" for p in CASES]

# Words that frighten and are never needed (domain reference 2, section 14; Stewart & Loftus,
# JOSPT 2018): none of them may appear anywhere in a handout, whoever wrote the text.
FEAR_WORDS = (
    "damage",
    "degenerat",
    "wear and tear",
    "worn out",
    "bone on bone",
    "unstable",
    "instability",
    "slipped disc",
    "out of place",
    "protect your back",
    "never bend",
    "always brace",
    "fragile",
    "crumbl",
    "crush",
    "collapse",
    "rupture",
    r"\btear\b",
    r"\btorn\b",
    "injur",
    "harm your back",
    "harmful",
    "dangerous",
    "trapped nerve",
    "pinched nerve",
)
# Clinical terms a client is not expected to know: the handout's own words never use them
# (exercise names, purposes and cues come from the catalogue and are checked apart).
CLINICAL_TERMS = (
    r"\bRPE\b",
    r"\b1RM\b",
    "eccentric",
    "concentric",
    "isometric",
    "priming",
    "unloaded",
    "contraindicat",
    "radicul",
    "cauda equina",
    "neurolog",
    "valsalva",
    "hypertension",
    "osteoporo",
    "vertebra",
    "spondyl",
    "start back",
    "oswestry",
    "par-q",
    "nprs",
    "referral",
    "lumbar",
    "thoracic",
    "scapula",
    "rotator cuff",
    "tendinopath",
    "flexion",
    "extension",
    "dyskinesis",
    "motor control",
    "clearance",
    "prescription",
)
# Where a rule or its evidence would show: never on a handout.
SOURCE_TAGS = (
    r"\(seed\)",
    "seed article",
    "vignette",
    "domain reference",
    r"\bissue \d",
    "source:",
)


@cache
def intake(source: str) -> Intake:
    kind, _, stem = source.partition(":")
    if kind == "example":
        return intake_mod.load(str(ROOT / "examples" / f"{stem}.yaml"))
    return casebook.load(casebook.CASES_DIR / f"{stem}.yaml").intake


@cache
def prescription(source: str) -> Prescription:
    return assessment.assess(intake(source))


def view(p: Prescription, kind: Kind, *, trace: bool = True) -> PrescriptionView:
    return PrescriptionView(p, kind, DAY, "Sam Physio", trace=trace)


@cache
def handout(source: str) -> str:
    return report.render_html(view(prescription(source), "handout"))


@cache
def clinician(source: str) -> str:
    return report.render_html(view(prescription(source), "clinician"))


class _Prose(HTMLParser):
    BLOCKS = frozenset({"p", "li"})
    SKIP = frozenset({"style", "title", "script"})

    def __init__(self) -> None:
        super().__init__()
        self.open = 0
        self.skipping = 0
        self.parts: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skipping += tag in self.SKIP
        if tag in self.BLOCKS:
            self.flush()
            self.open += 1

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in self.SKIP
        if tag in self.BLOCKS:
            self.flush()
            self.open -= 1

    def handle_data(self, data: str) -> None:
        if self.open and not self.skipping:
            self.current.append(data)

    def flush(self) -> None:
        said = " ".join("".join(self.current).split()).lstrip("• ")
        if said:
            self.parts.append(said if said[-1] in ".!?:" else said + ".")
        self.current = []


def prose(page: str) -> list[str]:
    """The sentences of a page: its paragraphs and list items, in order."""
    parser = _Prose()
    parser.feed(page)
    parser.flush()
    return parser.parts


def text(page: str, p: Prescription | None = None) -> str:
    """All the visible text of a page, whitespace collapsed (styles and titles left out).

    Given the prescription, the client's name is left out: it is what the clinician typed
    (test clients are called "Vignette Eight" or "Max Extension"), not the handout's words.
    """
    body = page[page.index("<body") :]
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return words.replace(p.client.name, " ") if p is not None else words


def catalogue_texts(p: Prescription) -> list[str]:
    """The texts a handout takes from the exercise catalogue: names, purposes and cues."""
    out: list[str] = []
    for _, i in p.items():
        out += [i.name, i.purpose, *i.cues]
    return [t for t in dict.fromkeys(out) if t]


def own_text(page: str, p: Prescription) -> str:
    """A handout's own words: its text with every catalogue text taken out."""
    words = text(page, p)
    for t in sorted(catalogue_texts(p), key=len, reverse=True):
        words = words.replace(" ".join(t.split()), " ")
    return words


def find(terms: tuple[str, ...], words: str) -> list[str]:
    """Each term found in the words, with a little context."""
    hits = []
    for term in terms:
        for m in re.finditer(term, words, flags=re.IGNORECASE):
            hits.append(f"{term!r} in …{words[max(0, m.start() - 40) : m.end() + 30]}…")
    return hits
