"""Replicas sharing one PostgreSQL: feedback crosswise stored once, every export shows the whole
fleet once, the database going away and coming back, and a new index build taken up without a restart."""

from __future__ import annotations

import csv
import io
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from rag.bench.loadgen import start_server, stop_server
from rag.bench.pgcluster import free_port
from tests.conftest import ROOT, make_settings
from tests.web.conftest import TOKEN, make_client

QUESTIONS = ["项目四出资要求", "实施周期多久", "申报截止时间是什么时候", "项目三的考核指标", "谁能申报",
             "How long is project 3?", "项目六组织方式", "资助强度是多少"]


def _port() -> int:
    """Return a free port in 8300-8399 (this suite's range for servers)."""
    return free_port(range(8300, 8400))


def _export(base: str) -> list[dict]:
    r = httpx.get(base + "/staff/export.csv", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))


def test_two_replicas_share_questions_and_feedback(pg_url: str, tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    env = os.environ | {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir),
                        "RAG_DATA_DIR": str(s.data_dir), "RAG_RATE_LIMIT": "0", "RAG_EMBED_MODEL": "none",
                        "RAG_DATABASE_URL": pg_url, "RAG_STAFF_TOKEN": TOKEN}
    first, a, _ = start_server(env, workers=1, port=_port())
    try:
        second, b, _ = start_server(env, workers=1, port=_port())
    except BaseException:
        stop_server(first)
        raise
    try:
        replicas = [a, b]
        asked: dict[str, int] = {}  # answer id -> replica that answered
        with httpx.Client(timeout=30) as c:
            for i in range(240):
                r = c.post(replicas[i % 2] + "/api/ask", json={"question": f"{QUESTIONS[i % len(QUESTIONS)]} {i}"})
                assert r.status_code == 200
                asked[r.json()["id"]] = i % 2
            posted = []
            for n, (aid, served_by) in enumerate(asked.items()):
                other = replicas[1 - served_by]  # feedback always to the replica that did not answer
                vote, comment = ("up", "down")[n % 2], f"交叉 {n}"
                r = c.post(other + "/api/feedback", json={"answer_id": aid, "vote": vote, "comment": comment})
                assert r.status_code == 201, r.text
                posted.append((aid, vote, comment))
                if n % 6 == 0:  # a retry to the answering replica: the same row; another vote: refused
                    again = c.post(replicas[served_by] + "/api/feedback",
                                   json={"answer_id": aid, "vote": vote, "comment": comment})
                    assert again.status_code == 201 and again.json()["id"] == r.json()["id"]
                    other_vote = "down" if vote == "up" else "up"
                    assert c.post(replicas[served_by] + "/api/feedback",
                                  json={"answer_id": aid, "vote": other_vote}).status_code == 409
            assert len(posted) == 240
            assert c.post(a + "/api/feedback", json={"answer_id": "f" * 32, "vote": "up"}).status_code == 404
        exports = [_export(base) for base in replicas]
        assert exports[0] == exports[1]  # every replica shows the whole fleet
        rows = exports[0]
        voted = [(r["answer_id"], r["vote"], r["comment"]) for r in rows if r["vote"]]
        assert sorted(voted) == sorted(posted)  # each vote once, whichever replica took it
        # Questions without feedback (start_server's readiness question on each replica) once each too.
        unvoted = [r["answer_id"] for r in rows if not r["vote"]]
        assert len(unvoted) == len(set(unvoted)) == 2 and not set(unvoted) & set(asked)
        assert {r["answer_id"] for r in rows} == set(asked) | set(unvoted)
        health = httpx.get(b + "/healthz").json()["store"]
        assert health["backend"] == "postgresql" and health["ok"] and health["schema_version"] >= 2
        assert "postgres@" not in str(health) and str(tmp_path) not in str(health)
    finally:
        stop_server(first)
        stop_server(second)


def test_database_away_answers_go_on_feedback_503_then_reconnects(
        engine, pg_cluster, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_DATABASE_URL", pg_url)
    original = engine.settings
    try:
        with make_client(engine, tmp_path / "data", monkeypatch, rate_limit=0) as c:
            before = c.post("/api/ask", json={"question": "项目四出资要求"}).json()["id"]
            pg_cluster.stop()
            try:
                during = []
                for q in QUESTIONS:
                    r = c.post("/api/ask", json={"question": q})
                    assert r.status_code == 200 and r.json()["id"], r.text  # answered, id kept in memory
                    during.append(r.json()["id"])
                r = c.post("/api/feedback", json={"answer_id": before, "vote": "down", "comment": "库停了"})
                assert r.status_code == 503 and "请稍后再试" in r.json()["error"]
                health = c.get("/healthz")
                assert health.status_code == 200
                store = health.json()["store"]
                assert not store["ok"] and store["questions_pending"] == len(QUESTIONS)
                assert "unreachable" in store["error"] and str(pg_cluster.port) not in health.text
            finally:
                pg_cluster.start()
            deadline = time.monotonic() + 30  # the question log writes its queue once the database is back
            while c.get("/healthz").json()["store"]["questions_pending"] and time.monotonic() < deadline:
                time.sleep(0.2)
            store = c.get("/healthz").json()["store"]
            assert store["ok"] and store["questions_pending"] == 0 and store["questions_written_late"] == len(QUESTIONS)
            assert c.post("/api/feedback", json={"answer_id": during[0], "vote": "down",
                                                 "comment": "库回来了"}).status_code == 201
            rows = c.app.state.store.export_rows()
            assert sorted(r["answer_id"] for r in rows) == sorted([before, *during])
            assert [r["comment"] for r in rows if r["vote"]] == ["库回来了"]
    finally:
        engine.settings = original


def test_new_index_build_is_served_without_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from rag import index as idx
    from rag.encoder import HashEncoder
    from rag.engine import Engine
    from web import app_state
    from web.app import create_app

    s = make_settings(tmp_path)
    engine = Engine.open(s, encoder=HashEncoder())
    monkeypatch.setattr(app_state, "REFRESH_SECONDS", 0.0)
    with TestClient(create_app(engine, replace(s, rate_limit=0))) as c:
        old = c.get("/healthz").json()
        # A build host adds a guide and builds; this replica's index/CURRENT changes under it.
        second = s.corpus_dir / "second-guide.txt"
        shutil.copy(ROOT / "corpus" / "2023-chongqing-ai-major-projects-batch1.txt", second)
        new_build = idx.build(s, HashEncoder())
        deadline = time.monotonic() + 60
        while c.get("/healthz").json()["documents"] == old["documents"] and time.monotonic() < deadline:
            assert c.post("/api/ask", json={"question": "项目四出资要求"}).status_code == 200  # served meanwhile
            time.sleep(0.1)
        assert c.get("/healthz").json()["documents"] == old["documents"] + 1
        assert c.app.state.holder.get().build_dir == new_build
        assert not c.app.state.holder.reload_if_changed()  # nothing newer: no work, no swap


def test_serve_refuses_a_database_url_it_cannot_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from rag.cli import main

    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RAG_DATABASE_URL", "mysql://guideqa:secret@db/guideqa")
    r = CliRunner().invoke(main, ["serve", "--port", str(_port())])
    assert r.exit_code == 1 and "postgresql://" in r.output and "secret" not in r.output
