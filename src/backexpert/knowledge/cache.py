"""The compiled-rulebook cache: a rule directory compiled once, reused by the next process.

Parsing and checking some 300 kB of rule YAML costs a cold start about 0.1 s; unpickling what it
compiled to costs 3 ms. An entry's key is the SHA-256 of everything the compilation depends on:
the bytes and names of the directory's YAML files (and its folders'), its own path, the
package's source files (by size and modification time, as Python keys its own bytecode cache),
and the Python and pydantic versions. Any change is a miss, never a stale hit; a damaged or
unreadable entry is a miss too, and a rule base that does not compile is never stored.

The cache lives in `$BACKEXPERT_CACHE_DIR`, else `$XDG_CACHE_HOME/backexpert`, else
`~/.cache/backexpert`; `BACKEXPERT_CACHE_DIR=off` turns it off. Entries are pickles, so only
files the current user owns and nobody else can write are read (the same trust as `~/.bashrc`),
and the directory keeps its newest `KEEP` entries.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar, cast

T = TypeVar("T")

ENV = "BACKEXPERT_CACHE_DIR"
KEEP = 32  # rule directories edited in a session (tests, `rules impact`) each leave one entry
_FORMAT = b"backexpert-rulebook-cache/1"
LARGEST_FILE = 2 * 1024 * 1024  # bytes: what the document reader accepts (documents.MAX_BYTES)
_PACKAGE = Path(__file__).resolve().parents[1]


def directory() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in {"", "off", "0", "none"} else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory (a service account): no cache
            return None
    return Path(base) / "backexpert"


@lru_cache(maxsize=1)
def code_signature() -> bytes:
    """The package's source files by name, size and modification time (what compiles rules)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(_PACKAGE)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.digest()


def key(kind: str, root: Path) -> str | None:
    """The entry name of a rule directory compiled for one pipeline; None when a file is larger
    than a rule file may be (then the compiler, not the cache, reads it and says so)."""
    import pydantic

    digest = hashlib.sha256(_FORMAT)
    digest.update(f"\0{kind}\0{root.resolve()}\0{sys.version}\0{pydantic.VERSION}\0".encode())
    digest.update(code_signature())
    for path in rule_files(root):
        if path.stat().st_size > LARGEST_FILE:
            return None
        digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
        with path.open("rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return f"{kind}-{digest.hexdigest()[:40]}.pickle"


def rule_files(root: Path) -> list[Path]:
    """What a pipeline may read from a rule directory: its YAML files and its folders' (the
    progression rules); nothing else under it, however large, is read to make the key."""
    return sorted(p for p in [*root.glob("*.yaml"), *root.glob("*/*.yaml")] if p.is_file())


def load_or_build(kind: str, root: Path, build: Callable[[], T]) -> T:
    """What `build` compiles from `root`, read from the cache when nothing it depends on changed."""
    where = directory()
    if where is None:
        return build()
    try:
        name = key(kind, root)
    except OSError:
        return build()
    if name is None:
        return build()
    entry = where / name
    found = _read(entry)
    if found is not None:
        return cast(T, found)
    value = build()
    _write(where, entry, value)
    return value


def _trusted(st: os.stat_result) -> bool:
    owner = st.st_uid == os.getuid() if hasattr(os, "getuid") else True
    return owner and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(entry: Path) -> object | None:
    try:
        with entry.open("rb") as f:
            if not _trusted(os.fstat(f.fileno())):
                return None
            # Trusted as the user's own files are: written by this user, writable by no one else.
            value: object = pickle.load(f)  # noqa: S301
            return value
    except Exception:  # a missing, damaged or outdated entry is a miss
        return None


def _write(where: Path, entry: Path, value: object) -> None:
    # Written to a private temporary file and renamed, so a reader never sees half an entry.
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".part")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(entry)
        finally:
            tmp.unlink(missing_ok=True)
        _prune(where)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return  # a cache that cannot be written only costs the next process its compile


def _prune(where: Path) -> None:
    entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
