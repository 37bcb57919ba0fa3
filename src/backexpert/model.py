"""The base of every document model: strict, closed and immutable; and the shared field types.

Unknown fields are refused (a typo in a YAML key must never pass silently), and a validated
document cannot be changed afterwards, so what was checked is what is used.

The shared types bound what a user can type, the same for every document and both databases
(SQLite stores what PostgreSQL refuses, so the limits are checked before anything is written):

- `Text` (multi-line prose such as notes) and `Line` (one line: ids, tokens, a clinician) refuse
  NUL and the other control characters (a `Text` keeps tab and newline), DEL, the C1 controls,
  the bidirectional overrides and isolates U+202A-U+202E and U+2066-U+2069 (they reorder what a
  reader sees: "Trojan Source") and lone surrogates (not text; PostgreSQL refuses them). ESC
  is a control character, so no terminal escape sequence is ever stored.
- `Name`: a `Line` without surrounding whitespace, 1 to 200 characters, at least one of them
  visible (a name of zero-width spaces identifies no one); `LongText` (4,000),
  `ShortText` (2,000), `Identifier` (1-64) and `Token` (16) carry their length.
- `CalendarDate`: a date written YYYY-MM-DD (a YAML date or that string; never a number, which
  pydantic would read as seconds since 1970), from 1900-01-01 to 2100-12-31.
- `Moment`: a time with its zone, stored in UTC, in the same years.
- `Kilograms`: a finite number of kilograms with at most 2 decimals (what NUMERIC(7, 2) holds).

What the store reads back is validated with the context `STORED`: the characters and years
checked on input are not checked again, so a row an earlier version stored can still be read and
exported (an import of it then names the field).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    model_serializer,
)

# Prose folded from YAML (`>`) keeps line breaks and a trailing newline: store it as one line.
Prose = Annotated[str, AfterValidator(lambda text: " ".join(text.split())), Field(min_length=1)]

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
NAME_MAX = 200

_BIDI = "\u202a-\u202e\u2066-\u2069"
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_UNSAFE_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

STORED: dict[str, Any] = {"backexpert": "stored"}  # the validation context of rows read back


def _stored(info: ValidationInfo) -> bool:
    return info.context is STORED or (
        isinstance(info.context, dict) and info.context.get("backexpert") == "stored"
    )


def describe(ch: str) -> str:
    """A character named so a reader sees it: `U+001B (a control character)`."""
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "a bidirectional control"
    else:
        kind = "a control character"
    name = unicodedata.name(ch, "")
    return f"U+{code:04X} ({kind}{', ' + name if name else ''})"


def unsafe_character(text: str, multiline: bool = True) -> tuple[int, str] | None:
    """The first character a user may not type here, and where (0-based), or None."""
    found = (_UNSAFE_TEXT if multiline else _UNSAFE_LINE).search(text)
    return None if found is None else (found.start(), found.group())


def _checked(text: str, multiline: bool, info: ValidationInfo) -> str:
    bad = None if _stored(info) else unsafe_character(text, multiline)
    if bad is not None:
        at, ch = bad
        raise ValueError(f"character {at + 1} is {describe(ch)}: not allowed in text")
    return text


def _text(text: str, info: ValidationInfo) -> str:
    return _checked(text.replace("\r\n", "\n").replace("\r", "\n"), True, info)


def _line(text: str, info: ValidationInfo) -> str:
    return _checked(text, False, info)


# Characters that show nothing by themselves: spaces, format characters (zero-width space,
# joiners, BOM), combining marks and controls.
_INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})


def visible(text: str) -> bool:
    """Whether the text shows at least one character (not only spaces, zero-width or marks)."""
    return any(unicodedata.category(ch) not in _INVISIBLE for ch in text)


def _named(text: str, info: ValidationInfo) -> str:
    _line(text, info)
    if not _stored(info) and not visible(text):
        raise ValueError("must show at least one letter, digit or sign (not only spaces)")
    return text


Text = Annotated[str, AfterValidator(_text)]
Line = Annotated[str, AfterValidator(_line)]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
    AfterValidator(_named),
]
# The lengths inside the type, so a long value is refused before it is scanned, and the message
# says characters ("String should have at most 4000 characters").
LongText = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_text)]
ShortText = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_text)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_line)]
Token = Annotated[str, StringConstraints(max_length=16), AfterValidator(_line)]


def _date_as_written(v: Any, info: ValidationInfo) -> Any:
    if _stored(info):
        return v
    if isinstance(v, dt.datetime):
        raise ValueError(f"must be a date, YYYY-MM-DD, without a time (got {v.isoformat()})")
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and _ISO_DATE.fullmatch(v.strip()):
        return v.strip()
    shown = repr(v) if len(repr(v)) <= 40 else repr(v)[:37] + "..."
    raise ValueError(f"must be a date, YYYY-MM-DD (got {shown})")


def _plausible(d: dt.date, info: ValidationInfo) -> dt.date:
    if not _stored(info) and not EARLIEST <= d <= LATEST:
        raise ValueError(f"must be from {EARLIEST} to {LATEST} (got {d})")
    return d


CalendarDate = Annotated[dt.date, BeforeValidator(_date_as_written), AfterValidator(_plausible)]


def _utc(v: dt.datetime, info: ValidationInfo) -> dt.datetime:
    try:
        utc = v.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"{v.isoformat()} is out of range once converted to UTC") from None
    if not _stored(info) and not EARLIEST.year <= utc.year <= LATEST.year:
        raise ValueError(f"must be in the years {EARLIEST.year} to {LATEST.year} (got {v})")
    return utc


Moment = Annotated[AwareDatetime, AfterValidator(_utc)]


def _centigrams(v: float, info: ValidationInfo) -> float:
    if not _stored(info) and abs(round(v, 2) - v) > 1e-9:
        raise ValueError(f"{v} kg has more than 2 decimals")
    return float(v) if _stored(info) else round(float(v), 2)


Kilograms = Annotated[FiniteFloat, AfterValidator(_centigrams)]


class Model(BaseModel):
    """A strict, frozen pydantic model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sparse(Model):
    """A model written without its unset (None) fields, as rule files write conclusions."""

    @model_serializer(mode="wrap")
    def _set_fields_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None}
