"""Prints each example's sessions: items, minutes, priming minutes and loaded working sets."""

from __future__ import annotations

import sys
from pathlib import Path

from backexpert import assessment, services
from backexpert.clinical.words import Phase
from backexpert.present import wording

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main(names: list[str]) -> None:
    """One line per session of each example named (default: every example)."""
    paths = [EXAMPLES / f"{n}.yaml" for n in names] or sorted(EXAMPLES.glob("*.yaml"))
    head = f"{'example':28} {'day':4} {'type':9} {'items':>5} {'min':>4} {'prime':>5}"
    print(f"{head} {'loaded sets':>11}")
    for path in paths:
        p = assessment.assess(services.load_intake(str(path)))
        for s in p.sessions:
            secs = [wording.item_seconds(i) for i in s.items]
            prime = sum(t for t, i in zip(secs, s.items, strict=True) if i.phase is Phase.priming)
            loaded = sum(i.sets for i in s.items if i.loaded)
            kind = getattr(s, "day_type", None) or s.intensity
            total = getattr(s, "minutes", None) or round(sum(secs) / 60)
            print(
                f"{path.stem:28} {s.day.value:4} {kind:9} {len(s.items):5} {total:4} "
                f"{round(prime / 60):5} {loaded:11}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
