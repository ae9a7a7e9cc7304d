"""The PostgreSQL backend: one database shared by every replica of a fleet.

Plain SQL through psycopg 3 and psycopg_pool, not SQLAlchemy Core: the store is a dozen fixed
statements, already written twice (SQLite and PostgreSQL differ in times, upserts and JSON); a
query builder would add a dependency and a layer to read through without removing either dialect.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from rag.errors import StoreError
from rag.types import Answer
from web.store import EXPORT_COLS, RECENT_COLS, QuestionRecord, StoreHealth, between, of_guide, utcnow
from web.store import vote_once as _vote
from web.store.migrations import PG_LOCK_KEY, POSTGRES, migrate

log = logging.getLogger("guideqa.store")
T = TypeVar("T")
# /healthz may be polled often by a load balancer: one database round trip per this many seconds.
HEALTH_SECONDS = 2.0

# libpq settings: give up on an unreachable server in seconds, not TCP's minutes.
CONNECT_KWARGS = {"connect_timeout": 3, "application_name": "guideqa", "keepalives": 1,
                  "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3,
                  "tcp_user_timeout": 10000}


def _kind(e: BaseException) -> str:
    """Return what failed without the server's message (which names hosts, ports, sockets)."""
    import psycopg
    import psycopg_pool

    if isinstance(e, psycopg_pool.PoolTimeout | psycopg.OperationalError):
        return f"database unreachable ({type(e).__name__})"
    return f"database error ({type(e).__name__})"


class PostgresStore:
    """A pool of connections to the fleet's database; every call is one short transaction."""

    backend = "postgresql"
    # How long a call waits for a connection: a request answers 503 (feedback) or queues its
    # question rather than hang while the database is down.
    wait = 2.0
    question_wait = 0.5
    # At start: how long to wait for the database to come up (replicas may start before it).
    start_wait = 30.0

    def __init__(self, url: str, min_size: int = 1, max_size: int = 8) -> None:
        from psycopg_pool import ConnectionPool

        self.version = 0
        self._error = ""
        self._health: tuple[float, StoreHealth] | None = None
        self._pool = ConnectionPool(url, min_size=min_size, max_size=max_size, open=False, timeout=self.wait,
                                    kwargs=CONNECT_KWARGS, check=ConnectionPool.check_connection,
                                    # Keep trying for ever: the database coming back is the normal case.
                                    reconnect_timeout=10 * 365 * 86400, name="guideqa")
        deadline = time.monotonic() + self.start_wait
        self._pool.open(wait=False)
        while True:
            try:
                self.version = self._run(self._migrate, "could not prepare the database")
                break
            except StoreError:
                if time.monotonic() > deadline:
                    self._pool.close()
                    raise StoreError(f"cannot open the question database at RAG_DATABASE_URL: {self._error}") from None
                time.sleep(0.5)

    def _migrate(self, conn: Any) -> int:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (PG_LOCK_KEY,))

        def execute(sql: str, args: tuple) -> list[tuple]:
            cur = conn.execute(sql.replace("{mark}", "%s"), args or None)
            return cur.fetchall() if cur.description else []

        return migrate(execute, POSTGRES, utcnow().isoformat())

    @contextmanager
    def _conn(self, wait: float | None = None) -> Iterator[Any]:
        with self._pool.connection(timeout=wait) as conn:  # commits at the end of the block, rolls back on error
            yield conn

    def _run(self, work: Callable[[Any], T], what: str, wait: float | None = None) -> T:
        """Run `work` in one transaction; turn any database failure into a plain StoreError."""
        import psycopg
        import psycopg_pool

        try:
            with self._conn(wait) as conn:
                out = work(conn)
            self._error = ""
            if self._health is not None and not self._health[1].ok:
                self._health = None  # the cached "down" is out of date
            return out
        except (psycopg.Error, psycopg_pool.PoolTimeout) as e:
            self._error = _kind(e)
            if self._health is not None and self._health[1].ok:
                self._health = None
            log.warning("%s: %s", what, e)
            raise StoreError(f"{what}: {self._error}") from e

    def add_questions(self, records: list[QuestionRecord]) -> None:
        def work(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO questions (id, asked_at, question, previous, answered, answer_json, took_ms, client,"
                    " answer_text, citation, understood, doc, scope_doc, answer_docs) VALUES"
                    " (%s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    [(r.id, r.asked_at, r.question, r.previous, r.answered, r.answer_json, r.took_ms, r.client,
                      r.answer_text, r.citation, r.understood, r.doc, r.scope_doc, r.answer_docs) for r in records])

        # A short wait: the question log calls this inline on the event loop, and queues on failure.
        self._run(work, "could not save the question", wait=self.question_wait)

    def log_answer(self, answer: Answer, previous: str | None = None, client: str = "",
                   scope_doc: str | None = None) -> str:
        record = QuestionRecord.of(answer, previous, client, scope_doc=scope_doc)
        self.add_questions([record])
        return record.id

    def add_feedback(self, answer_id: str, vote: str, comment: str | None, client: str = "") -> int:
        def work(conn: Any) -> int | None:
            if conn.execute("SELECT 1 FROM questions WHERE id = %s", (answer_id,)).fetchone() is None:
                return None
            return _vote(lambda sql, args: conn.execute(sql, args).fetchone(), "%s", answer_id, vote,
                         comment, utcnow(), client)

        fid = self._run(work, "could not save the feedback")
        if fid is None:
            raise KeyError(answer_id)
        return fid

    def _rows(self, sql: str, *args: object) -> list[dict]:
        def work(conn: Any) -> list[dict]:
            cur = conn.execute(sql, args)
            names = [c.name for c in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

        rows = self._run(work, "could not read the database")
        for r in rows:  # the same shapes as SQLite: answered as 0/1
            if "answered" in r:
                r["answered"] = int(r["answered"])
        return rows

    def recent(self, n: int = 50, since: datetime | None = None, until: datetime | None = None,
               guide: str | None = None) -> list[dict]:
        cond, args = between("asked_at", since, until, "%s")
        more, extra = of_guide("", guide, "%s", "strpos")
        cond, args = cond + more, args + extra
        return self._rows(f"SELECT {RECENT_COLS} FROM questions WHERE true{cond} "
                          "ORDER BY asked_at DESC, id DESC LIMIT %s", *args, n)

    def unanswered(self, n: int = 50, since: datetime | None = None, until: datetime | None = None) -> list[dict]:
        cond, args = between("asked_at", since, until, "%s")
        return self._rows(f"SELECT {RECENT_COLS} FROM questions WHERE NOT answered{cond} "
                          "ORDER BY asked_at DESC, id DESC LIMIT %s", *args, n)

    def unanswered_grouped(self, n: int = 50, since: datetime | None = None,
                           until: datetime | None = None, guide: str | None = None) -> list[dict]:
        cond, args = between("asked_at", since, until, "%s")
        more, extra = of_guide("", guide, "%s", "strpos")
        cond, args = cond + more, args + extra
        return self._rows("SELECT question, COUNT(*) AS times, MAX(asked_at) AS last_asked FROM questions "
                          f"WHERE NOT answered{cond} GROUP BY question ORDER BY times DESC, last_asked DESC "
                          "LIMIT %s", *args, n)

    def downvotes(self, n: int = 50, since: datetime | None = None, until: datetime | None = None,
                  guide: str | None = None) -> list[dict]:
        cond, args = between("f.created_at", since, until, "%s")
        more, extra = of_guide("q.", guide, "%s", "strpos")
        cond, args = cond + more, args + extra
        return self._rows(
            "SELECT f.created_at, f.comment, q.question, q.id AS answer_id, q.answer_text, q.citation, "
            f"q.understood, q.doc, q.scope_doc, q.answer_docs, q.previous FROM feedback f JOIN questions q ON q.id = f.answer_id WHERE f.vote = 'down'{cond} "
            "ORDER BY f.created_at DESC, f.id DESC LIMIT %s", *args, n)

    def counts_by_day(self, days: int = 30, utc_offset_minutes: int = 0) -> list[dict]:
        shift = f"{int(utc_offset_minutes)} minutes"
        rows = self._rows(
            "WITH q AS (SELECT ((asked_at AT TIME ZONE 'UTC') + %s::interval)::date AS day, answered FROM questions),"
            " f AS (SELECT ((created_at AT TIME ZONE 'UTC') + %s::interval)::date AS day FROM feedback"
            " WHERE vote = 'down')"
            " SELECT day, COUNT(*) AS questions, COUNT(*) FILTER (WHERE NOT answered) AS unanswered,"
            " (SELECT COUNT(*) FROM f WHERE f.day = q.day) AS downvotes"
            " FROM q GROUP BY day ORDER BY day DESC LIMIT %s", shift, shift, days)
        for r in rows:
            r["day"] = r["day"].isoformat()
        return rows

    def export_rows(self, since: datetime | None = None, until: datetime | None = None,
                    guide: str | None = None) -> list[dict]:
        cond, args = between("q.asked_at", since, until, "%s")
        more, extra = of_guide("q.", guide, "%s", "strpos")
        cond, args = cond + more, args + extra
        return self._rows(f"SELECT {EXPORT_COLS} FROM questions q LEFT JOIN feedback f ON f.answer_id = q.id "
                          f"WHERE true{cond} ORDER BY q.asked_at, q.id, f.id", *args)

    def count(self, table: str) -> int:
        assert table in ("questions", "feedback")
        return int(self._rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])

    def question(self, answer_id: str) -> dict | None:
        rows = self._rows("SELECT question, previous FROM questions WHERE id = %s", answer_id)
        return rows[0] if rows else None

    def health(self) -> StoreHealth:
        """Ping the database (at most every HEALTH_SECONDS, waiting 1 s at most) and report."""
        import psycopg
        import psycopg_pool

        now = time.monotonic()
        if self._health is not None and now - self._health[0] < HEALTH_SECONDS:
            return self._health[1]
        stats = self._pool.get_stats()
        ok, error = True, ""
        try:
            with self._pool.connection(timeout=1.0) as conn:
                conn.execute("SELECT 1").fetchone()
        except (psycopg.Error, psycopg_pool.PoolTimeout) as e:
            ok, error = False, _kind(e)
        h = StoreHealth(self.backend, ok, self.version, error, stats.get("pool_size", 0),
                        stats.get("pool_available", 0))
        self._health = (now, h)
        return h

    def close(self) -> None:
        self._pool.close()
