"""Faults: a database that cannot be written, a build killed midway, secrets kept out of logs."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rag import index as idx
from rag.engine import Engine
from tests.conftest import make_settings


def _client(engine, data: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    from web.app import create_app

    monkeypatch.setenv("RAG_STAFF_TOKEN", "fault-token")
    engine.settings = replace(engine.settings, data_dir=data, rate_limit=0)
    return TestClient(create_app(engine))


def test_locked_database_gives_clear_errors_and_loses_nothing_acknowledged(engine, tmp_path, monkeypatch) -> None:
    with _client(engine, tmp_path / "data", monkeypatch) as c:
        store = c.app.state.store
        store.busy_timeout = 0.2
        aid = c.post("/api/ask", json={"question": "项目四出资要求"}).json()["id"]
        # Another process holds the write lock (a backup, a stuck writer): writes cannot happen.
        other = sqlite3.connect(store.path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        r = c.post("/api/feedback", json={"answer_id": aid, "vote": "down", "comment": "锁住了"})
        assert r.status_code == 503 and "反馈" in r.json()["error"]
        r = c.post("/api/ask", json={"question": "项目三实施周期"})
        # The applicant is answered, with an id: the question waits in memory for the database.
        assert r.status_code == 200 and r.json()["answered"] and r.json()["id"]
        queued = r.json()["id"]
        health = c.get("/healthz").json()["store"]  # the service keeps running and says what is wrong
        assert health["questions_pending"] == 1 and not health["ok"]
        other.execute("ROLLBACK")
        other.close()
        # Feedback on the queued answer writes its question first, then the vote.
        assert c.post("/api/feedback", json={"answer_id": queued, "vote": "down", "comment": "等了一下"}).status_code == 201
        assert c.post("/api/feedback", json={"answer_id": aid, "vote": "down", "comment": "好了"}).status_code == 201
        assert sorted(d["comment"] for d in store.downvotes()) == ["好了", "等了一下"]
        assert store.count("questions") == 2
        health = c.get("/healthz").json()["store"]
        assert health["ok"] and health["questions_pending"] == 0 and health["questions_written_late"] == 1


def test_unwritable_data_folder_is_a_clear_error(engine, tmp_path, monkeypatch) -> None:
    from rag.errors import StoreError

    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError, match="cannot open the question database"):
        _client(engine, blocker, monkeypatch)


@pytest.mark.integration
def test_killing_build_midway_leaves_previous_index(real_model: str, tmp_path: Path) -> None:
    s = make_settings(tmp_path, embed_model=real_model)
    before = idx.build(s, None)  # a good index to fall back on
    env = os.environ | {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir),
                        "RAG_EMBED_MODEL": real_model}
    proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "build"], env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in iter(proc.stderr.readline, ""):  # kill it once it is embedding, the longest step
        if "embed" in line:
            break
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert idx.current_build(s.index_dir) == before
    e = Engine.open(s, use_model=False, build_if_needed=False)
    assert "3000" in e.ask("项目四出资要求").answer


def test_staff_token_never_reaches_the_logs(engine, tmp_path, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with _client(engine, tmp_path / "d", monkeypatch) as c:
        c.get("/staff", headers={"Authorization": "Bearer fault-token"})
        c.get("/staff", headers={"Authorization": "Bearer wrong-guess"})
        c.post("/staff/login", data={"token": "fault-token"})
    assert "fault-token" not in caplog.text and "wrong-guess" not in caplog.text


def test_full_question_queue_drops_and_counts_never_fails(engine, tmp_path, monkeypatch) -> None:
    with _client(engine, tmp_path / "data", monkeypatch) as c:
        store, log = c.app.state.store, c.app.state.question_log
        store.busy_timeout = 0.05
        log.capacity = 2
        other = sqlite3.connect(store.path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            replies = [c.post("/api/ask", json={"question": q}).json() for q in ("项目四出资要求", "实施周期多久", "谁能申报")]
            assert [bool(r["id"]) for r in replies] == [True, True, False]  # answered all the same
            assert "warning" in replies[2] and replies[2]["answered"]
            health = c.get("/healthz").json()["store"]
            assert (health["questions_pending"], health["questions_dropped"]) == (2, 1)
        finally:
            other.execute("ROLLBACK")
            other.close()
        log.flush()
        assert store.count("questions") == 2
