"""The soak's CI variant: a real server, concurrent asks and feedback, zero 5xx, no row lost or doubled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.bench import start_server
from rag.bench.soak import soak
from tests.conftest import make_settings


def test_concurrent_asks_and_feedback(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    env = os.environ | {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir),
                        "RAG_DATA_DIR": str(s.data_dir), "RAG_RATE_LIMIT": "0"}
    env.setdefault("RAG_EMBED_MODEL", "none")
    proc, base, _ = start_server(env, workers=2)
    try:
        res = soak(base, s.data_dir / "guideqa.sqlite3", total=1500, clients=50)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert res["5xx"] == 0, res
    # A client-side connection error under a busy CI machine is counted, not hidden: at most 0.5 %.
    assert res["other_errors"] <= 0.005 * res["requests"], res
    assert res["feedback_acked"] > 100
    assert res["stored_exactly_once"], res


def test_two_replicas_on_postgres_through_a_restart(pg_cluster, pg_url: str, tmp_path: Path) -> None:
    """Two replicas, one PostgreSQL, restarted halfway: no 5xx on /api/ask, no acknowledged feedback lost."""
    s = make_settings(tmp_path)
    env = os.environ | {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir),
                        "RAG_DATA_DIR": str(s.data_dir), "RAG_RATE_LIMIT": "0", "RAG_EMBED_MODEL": "none",
                        "RAG_DATABASE_URL": pg_url}
    procs = []
    try:
        for _ in range(2):
            proc, base, _ = start_server(env, workers=1)
            procs.append((proc, base))
        res = soak([b for _, b in procs], pg_url, total=1500, clients=40,
                   midway=lambda: pg_cluster.restart(down_seconds=2.0))
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(timeout=20)
    assert res["ask_5xx"] == 0, res
    assert res["other_errors"] <= 0.005 * res["requests"], res
    assert res["feedback_acked"] > 100 and res["midway_seconds"] >= 2.0
    assert res["acked_lost"] == 0 and res["stored_twice"] == 0 and res["stored_exactly_once"], res


@pytest.mark.parametrize("limit", ["3"])
def test_rate_limited_server_answers_429_not_5xx(tmp_path: Path, limit: str) -> None:
    s = make_settings(tmp_path)
    env = os.environ | {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir),
                        "RAG_DATA_DIR": str(s.data_dir), "RAG_RATE_LIMIT": limit, "RAG_EMBED_MODEL": "none"}
    proc, base, _ = start_server(env, workers=1)
    try:
        res = soak(base, s.data_dir / "guideqa.sqlite3", total=60, clients=10, feedback_share=0.0)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert res["5xx"] == 0 and res["429"] > 0
