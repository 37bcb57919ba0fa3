"""The compiled-rulebook cache: a hit only when nothing the compilation reads has changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from backexpert import documents, shipped
from backexpert.assessment import pipeline
from backexpert.errors import RuleSetError
from backexpert.knowledge import cache


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(where))
    return where


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), root)
    return root


class Builds:
    """A build that counts its calls and returns something new each time."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, int]:
        self.calls += 1
        return {"build": self.calls}


def test_the_second_load_reads_what_the_first_compiled(store: Path, rules: Path) -> None:
    build = Builds()
    first = cache.load_or_build("assessment", rules, build)
    second = cache.load_or_build("assessment", rules, build)
    assert build.calls == 1
    assert first == second == {"build": 1}
    assert len(list(store.glob("*.pickle"))) == 1


def test_any_change_to_a_rule_file_is_a_miss(store: Path, rules: Path) -> None:
    build = Builds()
    cache.load_or_build("assessment", rules, build)
    target = rules / "posture.yaml"
    stat = target.stat()
    # One byte, same size, same modification time: only the content tells them apart.
    text = target.read_bytes()
    target.write_bytes(text.replace(b"rationale", b"Rationale", 1))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.load_or_build("assessment", rules, build) == {"build": 2}


def test_a_new_or_deleted_file_and_another_pipeline_are_misses(store: Path, rules: Path) -> None:
    build = Builds()
    cache.load_or_build("assessment", rules, build)
    (rules / "extra.yaml").write_text("area: x\n")
    assert cache.load_or_build("assessment", rules, build) == {"build": 2}
    (rules / "extra.yaml").unlink()
    assert cache.load_or_build("assessment", rules, build) == {"build": 1}  # the first entry
    assert cache.load_or_build("progression", rules, build) == {"build": 3}


def test_a_change_to_the_package_code_is_a_miss(
    store: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = Builds()
    cache.load_or_build("assessment", rules, build)
    monkeypatch.setattr(cache, "code_signature", lambda: b"another release")
    assert cache.load_or_build("assessment", rules, build) == {"build": 2}


def test_a_damaged_entry_is_rebuilt(store: Path, rules: Path) -> None:
    build = Builds()
    cache.load_or_build("assessment", rules, build)
    (entry,) = store.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cache.load_or_build("assessment", rules, build) == {"build": 2}
    assert cache.load_or_build("assessment", rules, build) == {"build": 2}


def test_an_entry_others_can_write_is_never_read(store: Path, rules: Path) -> None:
    build = Builds()
    cache.load_or_build("assessment", rules, build)
    (entry,) = store.glob("*.pickle")
    entry.chmod(0o666)
    assert cache.load_or_build("assessment", rules, build) == {"build": 2}


def test_off_turns_it_off(rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, "off")
    build = Builds()
    cache.load_or_build("assessment", rules, build)
    cache.load_or_build("assessment", rules, build)
    assert build.calls == 2


def test_an_unwritable_cache_only_costs_the_compile(
    rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))
    assert cache.load_or_build("assessment", rules, Builds()) == {"build": 1}


def test_it_keeps_only_the_newest_entries(store: Path, rules: Path) -> None:
    for i in range(cache.KEEP + 5):
        cache.load_or_build(f"kind{i}", rules, Builds())
    assert len(list(store.glob("*.pickle"))) == cache.KEEP


def test_a_rule_base_that_does_not_compile_is_never_stored(store: Path, rules: Path) -> None:
    (rules / "posture.yaml").write_text("area: posture\ndescription: broken\nrules: []\n")
    for _ in range(2):
        with pytest.raises(RuleSetError):
            cache.load_or_build("assessment", rules, lambda: pipeline.compile_rulebook(rules))
    assert not list(store.glob("*.pickle"))


def test_an_edited_rule_base_is_never_served_stale(store: Path, rules: Path) -> None:
    """The rule base a process compiles is the rule files as they are now, through the cache."""
    before = pipeline._rule_base.__wrapped__(str(rules))
    text = (rules / "posture.yaml").read_text()
    rid = next(r.id for r in before.rulebook.rules if r.file == "posture.yaml")
    (rules / "posture.yaml").write_text(text.replace(f"id: {rid}\n", f"id: {rid}_renamed\n", 1))
    after = pipeline._rule_base.__wrapped__(str(rules))
    assert rid in before.rulebook and rid not in after.rulebook
    assert f"{rid}_renamed" in after.rulebook
    assert after.rulebook.version != before.rulebook.version
    again = pipeline._rule_base.__wrapped__(str(rules))
    assert again.rulebook.version == after.rulebook.version


def test_no_home_directory_means_no_cache(rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", homeless)
    assert cache.directory() is None
    assert cache.load_or_build("assessment", rules, Builds()) == {"build": 1}


def test_only_the_rule_files_make_the_key(store: Path, rules: Path) -> None:
    """Anything else in the directory, however large, is never read to make the key."""
    build = Builds()
    cache.load_or_build("assessment", rules, build)
    with (rules / "notes.bin").open("wb") as f:
        f.truncate(8 * 1024**3)  # sparse: 8 GB that would take minutes to hash
    (rules / "deep" / "er").mkdir(parents=True)
    (rules / "deep" / "er" / "x.yaml").write_text("ignored: true\n")
    assert cache.load_or_build("assessment", rules, build) == {"build": 1}


def test_a_rule_file_too_large_to_compile_is_left_to_the_compiler(store: Path, rules: Path) -> None:
    with (rules / "huge.yaml").open("wb") as f:
        f.truncate(documents.MAX_BYTES + 1)
    build = Builds()
    cache.load_or_build("assessment", rules, build)
    cache.load_or_build("assessment", rules, build)
    assert build.calls == 2 and not list(store.glob("*.pickle"))


def test_the_largest_rule_file_is_what_the_reader_accepts() -> None:
    assert cache.LARGEST_FILE == documents.MAX_BYTES
