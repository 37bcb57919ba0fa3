"""Check that every YAML file under the given directories parses (duplicate keys refused).

`python -m backexpert.tools.check_yaml rules examples tests/cases` prints one line per broken
file, with its line, and exits 1 when any is broken.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import documents
from ..errors import InputError


def main(argv: list[str]) -> int:
    """Parse every *.yaml file under the directories named; report the ones that do not parse."""
    broken = 0
    files = [p for d in argv for p in sorted(Path(d).rglob("*.yaml"))]
    for path in files:
        try:
            documents.read(path)
        except InputError as exc:
            broken += 1
            print(exc, file=sys.stderr)
    print(f"{len(files)} YAML files, {broken} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
