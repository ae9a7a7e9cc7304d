"""The `[bench]` extra: what `rag bench` needs beyond a plain install, and whether it is there."""

from __future__ import annotations

import importlib

EXTRA = "bench"
# httpx drives and probes the server (loadgen, soak); psutil sums its workers' CPU time.
MODULES = ("httpx", "psutil")


def missing() -> list[str]:
    """Return the modules of the extra that cannot be imported here (empty when all are)."""
    gone = []
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            gone.append(name)
    return gone


def hint(gone: list[str]) -> str:
    """Return the message telling which extra to install for the missing modules."""
    return (f"rag bench needs {', '.join(gone)}, which a plain install leaves out; "
            f"install the extra: pip install 'guideqa[{EXTRA}]'")
