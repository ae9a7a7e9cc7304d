"""Child entry of `rag bench`: python -m rag.bench scale FACTOR BACKEND N WORKDIR build|reuse → one JSON line.

Each scale runs in its own process so that its peak RSS is its own (see scale_child).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.bench import scale_child


def main(argv: list[str]) -> None:
    """Measure one scale and print its row as one JSON line."""
    _, cmd, factor, backend, count, workdir, how = argv
    if cmd != "scale":
        raise SystemExit(f"unknown command {cmd!r}")
    print(json.dumps(scale_child(int(factor), backend, int(count), Path(workdir), how == "reuse")))


if __name__ == "__main__":
    main(sys.argv)
