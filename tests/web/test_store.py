"""The SQLite store on its own: ids, feedback, the staff queries, threads, restarts, failures."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from rag.store import Store, StoreError
from rag.types import Answer, Citation


def _answer(question: str, answered: bool = True) -> Answer:
    cite = Citation("doc", "项目四", "标题", "资助强度", "出资不低于 3000 万元", 10, 22, 1.0, 0, 40)
    return Answer(question, answered, "出资不低于 3000 万元" if answered else "",
                  [cite] if answered else [], took_ms=3.5)


def test_log_and_feedback_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = store.log_answer(_answer("项目四出资要求"), None, "127.0.0.1")
    b = store.log_answer(_answer("申报截止时间", answered=False), "项目四出资要求", "127.0.0.1")
    assert len({a, b}) == 2 and len(a) == 32
    store.add_feedback(a, "down", "不够具体")
    store.add_feedback(b, "up", None)
    assert [r["question"] for r in store.recent(10)] == ["申报截止时间", "项目四出资要求"]
    assert [r["question"] for r in store.unanswered(10)] == ["申报截止时间"]
    assert [(r["question"], r["comment"]) for r in store.downvotes(10)] == [("项目四出资要求", "不够具体")]
    day = store.counts_by_day()[0]
    assert (day["questions"], day["unanswered"], day["downvotes"]) == (2, 1, 1)
    rows = store.export_rows()
    assert [(r["question"], r["vote"]) for r in rows] == [("项目四出资要求", "down"), ("申报截止时间", "up")]
    assert rows[1]["previous"] == "项目四出资要求"
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    stored = json.loads(db.execute("SELECT answer_json FROM questions WHERE id = ?", (a,)).fetchone()[0])
    assert stored["citations"][0]["project"] == "项目四" and "3000" in stored["answer"]


def test_unknown_answer_id_is_a_key_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        Store(tmp_path).add_feedback("no-such-answer", "up", None)


def test_survives_reopening(tmp_path: Path) -> None:
    a = Store(tmp_path).log_answer(_answer("项目六组织方式"))
    Store(tmp_path).add_feedback(a, "down", "重启后")
    assert Store(tmp_path).downvotes()[0]["comment"] == "重启后"


def test_many_threads_store_every_row_exactly_once(tmp_path: Path) -> None:
    store = Store(tmp_path)
    ids: list[str] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(25):
            aid = store.log_answer(_answer(f"问题 {n}-{i}"))
            store.add_feedback(aid, "down", f"意见 {n}-{i}")
            with lock:
                ids.append(aid)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 200 == store.count("questions") == store.count("feedback")
    assert len({r["comment"] for r in store.downvotes(1000)}) == 200


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StoreError, match="cannot open the question database"):
        Store(blocker)


def test_write_failure_raises_store_error_not_silence(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.busy_timeout = 0.1
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="could not save the question"):
            store.log_answer(_answer("被锁住的问题"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.count("questions") == 0
    store.log_answer(_answer("解锁后"))
    assert store.count("questions") == 1
