"""PostgreSQL for tests: the throwaway server of rag/bench/pgcluster.py, or a skip.

Missing binaries skip the tests that need them, unless GUIDEQA_REQUIRE_POSTGRES=1 (CI), where
they fail.
"""

from __future__ import annotations

import os

import pytest

from rag.bench.pgcluster import Cluster, bin_dir, free_port

__all__ = ["Cluster", "free_port", "require"]


def require() -> None:
    """Skip (fail in CI) when PostgreSQL is not installed."""
    if bin_dir() is None:
        msg = "PostgreSQL is not installed (apt-get install postgresql)"
        if os.environ.get("GUIDEQA_REQUIRE_POSTGRES") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
