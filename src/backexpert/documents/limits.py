"""The limits on an untrusted document, and the characters, tags and numbers it may not hold."""

from __future__ import annotations

import re

from .messages import echo

MAX_BYTES = 2 * 1024 * 1024
BYTES_PER_NODE = 10
MAX_ALIASES = 100
MAX_DEPTH = 64
MAX_ENTRIES = 10_000
MAX_DIGITS = 4_300

BAD_CHAR = re.compile("[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
REFUSED_TAGS = {
    "tag:yaml.org,2002:binary": "binary values (!!binary) are not accepted",
    "tag:yaml.org,2002:merge": "merge keys (<<) are not supported",
    "tag:yaml.org,2002:value": "a bare = is not a value: quote it",
}


# Numbers as people write them. YAML 1.1 also reads 034 as octal 28, 0x1c, 0b11100, 2_8 and
# 1:2 (sexagesimal, 62): an age of 065 would silently become 53.
NUMBER = {
    "tag:yaml.org,2002:int": re.compile(r"[-+]?(?:0|[1-9][0-9]*)"),
    "tag:yaml.org,2002:float": re.compile(
        r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    ),
}


def not_decimal(value: str, tag: str) -> str:
    """Why a YAML number written otherwise than in decimal is refused."""
    # Named, never parsed again: a long base-60 integer takes quadratic time.
    bare = value.lstrip("+-").lower()
    how = (
        "base 60" if ":" in bare
        else "hexadecimal" if bare.startswith("0x")
        else "binary" if bare.startswith("0b")
        else "digit groups" if "_" in bare
        else "octal"
    )  # fmt: skip
    kind = "a whole number" if tag.endswith("int") else "a number"
    return f"write {kind} in decimal digits (YAML reads {echo(value)} as {how})"


def char_kind(char: str) -> str:
    """Name a forbidden character for a message."""
    code = ord(char)
    kind = "control" if code < 0x202A else "bidirectional control" if code < 0xD800 else "surrogate"
    return f"{kind} character U+{code:04X}"
