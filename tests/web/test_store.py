"""The store on its own, every test against both backends (SQLite and a real PostgreSQL): ids,
feedback once, the staff queries, threads, restarts, migrations, failures."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rag.errors import StoreError
from rag.types import Answer, Citation
from web.store import QuestionRecord, Store, VoteTaken, open_store
from web.store.migrations import LATEST, POSTGRES, SQLITE
from web.store.sqlite import SqliteStore


def _answer(question: str, answered: bool = True) -> Answer:
    cite = Citation("doc", "项目四", "标题", "资助强度", "出资不低于 3000 万元", 10, 22, 1.0, 0, 40)
    return Answer(question, answered, "出资不低于 3000 万元" if answered else "",
                  [cite] if answered else [], took_ms=3.5)


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Return a function opening a new handle on one database of the backend under test."""
    opened: list[Store] = []
    if request.param == "sqlite":
        def make() -> Store:
            return open_store_kept(SqliteStore(tmp_path / "data"))
    else:
        url = request.getfixturevalue("pg_url")

        def make() -> Store:
            from web.store.postgres import PostgresStore

            return open_store_kept(PostgresStore(url))

    def open_store_kept(store: Store) -> Store:
        opened.append(store)
        return store

    yield make
    for s in opened:
        s.close()


def test_log_and_feedback_round_trip(opener: Callable[[], Store]) -> None:
    store = opener()
    before = datetime.now(UTC)
    a = store.log_answer(_answer("项目四出资要求"), None, "127.0.0.1")
    b = store.log_answer(_answer("申报截止时间", answered=False), "项目四出资要求", "127.0.0.1")
    assert len({a, b}) == 2 and len(a) == 32 and a[:12] <= b[:12]  # milliseconds first
    store.add_feedback(a, "down", "不够具体", "10.0.0.1")
    store.add_feedback(b, "up", None, "10.0.0.1")
    recent = store.recent(10)
    assert [r["question"] for r in recent] == ["申报截止时间", "项目四出资要求"]
    assert (recent[1]["answer_text"], recent[1]["citation"], recent[1]["understood"], recent[1]["doc"]) == (
        "出资不低于 3000 万元", "项目四 · 资助强度", "项目四出资要求", "doc")
    asked = recent[0]["asked_at"]
    assert asked.tzinfo is not None and before - timedelta(seconds=5) <= asked <= datetime.now(UTC)
    assert [r["question"] for r in store.unanswered(10)] == ["申报截止时间"]
    down = store.downvotes(10)
    assert [(r["question"], r["comment"], r["citation"]) for r in down] == [("项目四出资要求", "不够具体", "项目四 · 资助强度")]
    day = store.counts_by_day()[0]
    assert (day["questions"], day["unanswered"], day["downvotes"]) == (2, 1, 1)
    assert day["day"] == datetime.now(UTC).date().isoformat()
    rows = store.export_rows()
    assert [(r["question"], r["vote"], r["answer_id"]) for r in rows] == [("项目四出资要求", "down", a),
                                                                          ("申报截止时间", "up", b)]
    assert rows[1]["previous"] == "项目四出资要求" and rows[0]["answered"] == 1 and rows[1]["answered"] == 0


def test_unknown_answer_id_is_a_key_error(opener: Callable[[], Store]) -> None:
    with pytest.raises(KeyError):
        opener().add_feedback("no-such-answer", "up", None, "10.0.0.1")


def test_survives_reopening(opener: Callable[[], Store]) -> None:
    a = opener().log_answer(_answer("项目六组织方式"))
    opener().add_feedback(a, "down", "重启后", "10.0.0.1")
    assert opener().downvotes()[0]["comment"] == "重启后"


def test_one_vote_per_answer(opener: Callable[[], Store]) -> None:
    store = opener()
    a = store.log_answer(_answer("项目四出资要求"))
    first = store.add_feedback(a, "down", "不够具体", "10.0.0.1")
    assert store.add_feedback(a, "down", "不够具体", "10.0.0.1") == first  # a retry or a double click
    assert store.add_feedback(a, "down", " 不够具体 ".strip(), "10.0.0.2") == first  # the same vote via a proxy
    for vote, comment in (("up", None), ("down", "改主意了"), ("down", None)):
        with pytest.raises(VoteTaken):
            store.add_feedback(a, vote, comment, "10.0.0.1")
    assert store.count("feedback") == 1 and store.downvotes()[0]["comment"] == "不够具体"


def test_replicas_racing_on_one_answer_store_one_vote(opener: Callable[[], Store]) -> None:
    stores = [opener(), opener()]
    a = stores[0].log_answer(_answer("项目四出资要求"))
    outcomes: list[object] = []

    def vote(n: int) -> None:
        try:
            outcomes.append(stores[n % 2].add_feedback(a, "down" if n % 3 else "up", f"第 {n} 票", "10.0.0.1"))
        except VoteTaken:
            outcomes.append("taken")

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stores[0].count("feedback") == 1 and outcomes.count("taken") == 11


def test_question_written_twice_is_stored_once(opener: Callable[[], Store]) -> None:
    store = opener()
    rec = QuestionRecord.of(_answer("项目三实施周期"), None, "10.0.0.1")
    store.add_questions([rec])
    store.add_questions([rec, QuestionRecord.of(_answer("项目五"), None, "10.0.0.1")])  # a retried batch
    assert store.count("questions") == 2


def test_time_windows_and_grouped_unanswered(opener: Callable[[], Store]) -> None:
    store = opener()
    now = datetime.now(UTC)
    old = QuestionRecord.of(_answer("邮箱是多少", answered=False))
    store.add_questions([QuestionRecord(**{**old.__dict__, "asked_at": now - timedelta(days=3)})])
    for _ in range(3):
        store.log_answer(_answer("邮箱是多少", answered=False))
    store.log_answer(_answer("电话是多少", answered=False))
    grouped = store.unanswered_grouped(10)
    assert [(g["question"], g["times"]) for g in grouped] == [("邮箱是多少", 4), ("电话是多少", 1)]
    assert grouped[0]["last_asked"] > now - timedelta(seconds=5)
    since = now - timedelta(days=1)
    assert [(g["question"], g["times"]) for g in store.unanswered_grouped(10, since=since)][0] == ("邮箱是多少", 3)
    assert len(store.recent(10, since=since)) == 4 and len(store.recent(10, until=since)) == 1
    assert len(store.export_rows(since=since)) == 4 and len(store.unanswered(10, until=since)) == 1
    assert [d["questions"] for d in store.counts_by_day()] == [4, 1]


def test_many_threads_store_every_row_exactly_once(opener: Callable[[], Store]) -> None:
    store = opener()
    ids: list[str] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(25):
            aid = store.log_answer(_answer(f"问题 {n}-{i}"))
            store.add_feedback(aid, "down", f"意见 {n}-{i}", f"10.0.0.{n}")
            with lock:
                ids.append(aid)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 200 == store.count("questions") == store.count("feedback")
    assert len({r["comment"] for r in store.downvotes(1000)}) == 200


def test_replicas_starting_together_migrate_once(opener: Callable[[], Store]) -> None:
    stores: list[Store] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            stores.append(opener())
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(stores) == 6
    assert {s.health().schema_version for s in stores} == {LATEST}
    assert _versions(stores[0]) == list(range(1, LATEST + 1))  # each version applied exactly once


def _versions(store: Store) -> list[int]:
    if isinstance(store, SqliteStore):
        return [r[0] for r in sqlite3.connect(store.path).execute("SELECT version FROM schema_version ORDER BY 1")]
    import psycopg

    with psycopg.connect(store._pool.conninfo) as conn:  # type: ignore[attr-defined]
        return [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")]


def test_version_1_database_is_migrated_with_its_rows(request: pytest.FixtureRequest, tmp_path: Path,
                                                      backend: str) -> None:
    """A database written by the single-machine release (schema 1) is upgraded in place."""
    legacy = _answer("项目四出资要求").to_json()
    if backend == "sqlite":
        old_tz = os.environ.get("TZ")
        os.environ["TZ"] = "Asia/Shanghai"  # a help desk's zone: local times move 8 hours
        time.tzset()
        request.addfinalizer(lambda: _restore_tz(old_tz))
        db = sqlite3.connect(tmp_path / "guideqa.sqlite3", isolation_level=None)
        for sql in SQLITE[1]:
            db.execute(sql)
        local = datetime(2026, 11, 30, 9, 30, 0)  # the server's local time, as version 1 wrote it
        db.execute("INSERT INTO questions VALUES ('q1', ?, '项目四出资要求', NULL, 1, ?, 3.5, '1.2.3.4')",
                   (local.strftime("%Y-%m-%d %H:%M:%S"), legacy))
        db.execute("INSERT INTO feedback (answer_id, vote, comment, created_at) VALUES ('q1', 'down', '旧的', ?)",
                   (local.strftime("%Y-%m-%d %H:%M:%S"),))
        db.close()
        store: Store = SqliteStore(tmp_path)
        utc = local.astimezone(UTC)  # naive = this machine's zone, as SQLite's 'utc' reads it
    else:
        import psycopg

        url = request.getfixturevalue("pg_url")
        utc = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
        with psycopg.connect(url) as conn:
            for sql in POSTGRES[1]:
                conn.execute(sql)
            conn.execute("INSERT INTO questions VALUES ('q1', %s, '项目四出资要求', NULL, true, %s, 3.5, '1.2.3.4')",
                         (utc, legacy))
            conn.execute("INSERT INTO feedback (answer_id, vote, comment, created_at) VALUES ('q1', 'down', '旧的', %s)",
                         (utc,))
        from web.store.postgres import PostgresStore

        store = PostgresStore(url)
    try:
        row = store.recent(1)[0]
        assert (row["answer_text"], row["citation"], row["understood"], row["doc"]) == (
            "出资不低于 3000 万元", "项目四 · 资助强度", "项目四出资要求", "doc")
        assert row["asked_at"] == utc.replace(microsecond=0)
        assert store.downvotes()[0]["comment"] == "旧的"
        assert _versions(store) == list(range(1, LATEST + 1))
        with pytest.raises(VoteTaken):  # the legacy vote counts: one vote per answer
            store.add_feedback("q1", "down", "新的", "10.0.0.1")
        assert store.count("feedback") == 1
    finally:
        store.close()


def _restore_tz(old: str | None) -> None:
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_open_store_follows_rag_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.settings import Settings

    monkeypatch.delenv("RAG_DATABASE_URL", raising=False)
    store = open_store(Settings(data_dir=tmp_path))
    assert store.backend == "sqlite" and (tmp_path / "guideqa.sqlite3").exists()
    store.close()
    monkeypatch.setenv("RAG_DATABASE_URL", "mysql://somewhere/db")
    with pytest.raises(StoreError, match="postgresql://"):
        open_store(Settings(data_dir=tmp_path))


# SQLite only: the data folder and the file lock.

def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StoreError, match="cannot open the question database"):
        SqliteStore(blocker)


def test_write_failure_raises_store_error_not_silence(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
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
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    stored = json.loads(db.execute("SELECT answer_json FROM questions").fetchone()[0])
    assert stored["question"] == "解锁后"


# PostgreSQL only: a server that is away, and one that comes back.

def test_unreachable_server_is_a_clear_error_without_the_password(pg_cluster) -> None:
    from tests.pg import free_port
    from web.store.postgres import PostgresStore

    PostgresStore.start_wait = 1.0
    try:
        with pytest.raises(StoreError) as err:
            PostgresStore(f"postgresql://guideqa:s3cret-pw@127.0.0.1:{free_port()}/guideqa")
    finally:
        PostgresStore.start_wait = 30.0
    assert "cannot open the question database" in str(err.value) and "s3cret" not in str(err.value)


def test_restarted_server_fails_clearly_then_reconnects(pg_cluster, pg_url: str) -> None:
    from web.store.postgres import PostgresStore

    store = PostgresStore(pg_url)
    try:
        a = store.log_answer(_answer("项目四出资要求"))
        pg_cluster.stop()
        with pytest.raises(StoreError, match="could not save the feedback: database unreachable"):
            store.add_feedback(a, "down", "数据库停了", "10.0.0.1")
        h = store.health()
        assert not h.ok and "unreachable" in h.error and str(pg_cluster.port) not in h.error
        pg_cluster.start()
        store.add_feedback(a, "down", "数据库回来了", "10.0.0.1")  # no new store: the pool reconnects
        assert store.downvotes()[0]["comment"] == "数据库回来了" and store.count("feedback") == 1
    finally:
        store.close()


def _cited(question: str, *docs: str) -> Answer:
    cites = [Citation(d, "项目一", "标题", "支持强度", "不超过 500 万元", 0, 9, 1.0, 0, 9, doc_title=d.upper())
             for d in docs]
    return Answer(question, bool(docs), "不超过 500 万元" if docs else "", cites, took_ms=2.0)


def test_guide_asked_of_and_answered_from_are_logged_and_filter(opener: Callable[[], Store]) -> None:
    store = opener()
    a = store.log_answer(_cited("项目一支持强度", "agri", "mfg", "agri"), None, "10.0.0.1", scope_doc=None)
    b = store.log_answer(_cited("申报截止时间"), None, "10.0.0.1", scope_doc="mfg")  # scoped, unanswered
    c = store.log_answer(_cited("项目一支持强度", "mfg"), None, "10.0.0.1", scope_doc="mfg")
    store.log_answer(_cited("项目一支持强度", "bio"), None, "10.0.0.1")
    rows = {r["id"]: r for r in store.recent(10)}
    assert (rows[a]["scope_doc"], rows[a]["answer_docs"]) == ("", "agri,mfg")  # first cited first, once each
    assert (rows[b]["scope_doc"], rows[b]["answer_docs"]) == ("mfg", "")
    assert (rows[c]["scope_doc"], rows[c]["answer_docs"]) == ("mfg", "mfg")
    assert {r["id"] for r in store.recent(10, guide="mfg")} == {a, b, c}
    assert {r["id"] for r in store.recent(10, guide="agri")} == {a}
    assert store.recent(10, guide="mf") == [] and store.recent(10, guide="%") == []  # whole ids, no wildcards
    assert [g["question"] for g in store.unanswered_grouped(10, guide="mfg")] == ["申报截止时间"]
    assert store.unanswered_grouped(10, guide="agri") == []
    store.add_feedback(a, "down", "不对", "10.0.0.1")
    assert [r["answer_docs"] for r in store.downvotes(10, guide="agri")] == ["agri,mfg"]
    assert store.downvotes(10, guide="bio") == []
    assert {r["answer_id"] for r in store.export_rows(guide="mfg")} == {a, b, c}
    assert {(r["scope_doc"], r["answer_docs"]) for r in store.export_rows(guide="bio")} == {("", "bio")}


def test_version_2_database_gains_the_guides_of_its_answers(request: pytest.FixtureRequest, tmp_path: Path,
                                                            backend: str) -> None:
    """Rows written before version 3 keep their answers; answer_docs is filled from their citations."""
    legacy = _cited("项目一支持强度", "mfg", "agri", "mfg").to_json()
    now = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
    if backend == "sqlite":
        from web.store.migrations import VERSION_TABLE

        db = sqlite3.connect(tmp_path / "guideqa.sqlite3", isolation_level=None)
        db.execute(VERSION_TABLE)
        for v in (1, 2):
            for sql in SQLITE[v]:
                db.execute(sql)
            db.execute("INSERT INTO schema_version VALUES (?, ?)", (v, "2026-11-30 00:00:00"))
        db.execute("INSERT INTO questions (id, asked_at, question, answered, answer_json, took_ms, client, doc)"
                   " VALUES ('q1', '2026-11-30 01:30:00.000000', '项目一支持强度', 1, ?, 2.0, 'x', 'mfg')", (legacy,))
        db.close()
        store: Store = SqliteStore(tmp_path)
    else:
        import psycopg

        from web.store.migrations import VERSION_TABLE

        url = request.getfixturevalue("pg_url")
        with psycopg.connect(url) as conn:
            conn.execute(VERSION_TABLE)
            for v in (1, 2):
                for sql in POSTGRES[v]:
                    conn.execute(sql)
                conn.execute("INSERT INTO schema_version VALUES (%s, %s)", (v, "2026-11-30"))
            conn.execute("INSERT INTO questions (id, asked_at, question, answered, answer_json, took_ms, client, doc)"
                         " VALUES ('q1', %s, '项目一支持强度', true, %s, 2.0, 'x', 'mfg')", (now, legacy))
        from web.store.postgres import PostgresStore

        store = PostgresStore(url)
    try:
        row = store.recent(1)[0]
        assert (row["scope_doc"], row["answer_docs"], row["doc"]) == ("", "mfg,agri", "mfg")
        assert _versions(store) == list(range(1, LATEST + 1)) and LATEST >= 3
        assert [r["id"] for r in store.recent(5, guide="agri")] == ["q1"]
    finally:
        store.close()
