"""The SQLite backend (WAL) in the data folder: the default, right for one machine."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rag.errors import StoreError
from rag.types import Answer
from web.store import EXPORT_COLS, RECENT_COLS, QuestionRecord, StoreHealth, between, of_guide, utcnow
from web.store import vote_once as _vote
from web.store.migrations import LATEST, SQLITE, migrate

TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _text(t: datetime) -> str:
    """Return a UTC time as sortable text (SQLite has no time type)."""
    return t.astimezone(UTC).strftime(TIME_FORMAT)


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    fmt = TIME_FORMAT if "." in value else "%Y-%m-%d %H:%M:%S"
    return datetime.strptime(value, fmt).replace(tzinfo=UTC)


def _row(r: sqlite3.Row) -> dict:
    d = dict(r)
    for k in ("asked_at", "created_at", "feedback_at", "last_asked"):
        if k in d:
            d[k] = _time(d[k])
    return d


class SqliteStore:
    """A thread-safe handle on the SQLite file: one connection per thread, writes in transactions."""

    backend = "sqlite"
    # Several server workers share the file: wait this long for a lock rather than fail at once.
    busy_timeout = 30.0

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "guideqa.sqlite3"
        self._local = threading.local()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            with self._tx() as db:
                self.version = migrate(lambda sql, args: db.execute(sql.replace("{mark}", "?"), args).fetchall(),
                                       SQLITE, _text(utcnow()))
        except (OSError, sqlite3.Error) as e:
            raise StoreError(f"cannot open the question database {self.path}: {e}") from e

    def _conn(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._conn()
        lock = getattr(self._local, "lock", None)
        if lock is None:
            lock = self._local.lock = open(self.path.with_suffix(".lock"), "a+")  # noqa: SIM115
        # Writers queue on a kernel file lock, woken the moment it is free. SQLite's own busy
        # handler sleeps 1, 2, 5 … 100 ms between retries: with several server workers writing,
        # that sleeping was most of the p95 latency (rag bench).
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

    def add_questions(self, records: list[QuestionRecord]) -> None:
        try:
            with self._tx() as db:
                db.executemany(
                    "INSERT INTO questions (id, asked_at, question, previous, answered, answer_json, took_ms, client,"
                    " answer_text, citation, understood, doc, scope_doc, answer_docs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (id) DO NOTHING",
                    [(r.id, _text(r.asked_at), r.question, r.previous, int(r.answered), r.answer_json, r.took_ms,
                      r.client, r.answer_text, r.citation, r.understood, r.doc, r.scope_doc, r.answer_docs) for r in records])
        except sqlite3.Error as e:
            raise StoreError(f"could not save the question: {e}") from e

    def log_answer(self, answer: Answer, previous: str | None = None, client: str = "",
                   scope_doc: str | None = None) -> str:
        record = QuestionRecord.of(answer, previous, client, scope_doc=scope_doc)
        self.add_questions([record])
        return record.id

    def add_feedback(self, answer_id: str, vote: str, comment: str | None, client: str = "") -> int:
        try:
            with self._tx() as db:
                if db.execute("SELECT 1 FROM questions WHERE id = ?", (answer_id,)).fetchone() is None:
                    raise KeyError(answer_id)
                return _vote(lambda sql, args: db.execute(sql, args).fetchone(), "?", answer_id, vote,
                             comment, _text(utcnow()), client)
        except sqlite3.Error as e:
            raise StoreError(f"could not save the feedback: {e}") from e

    def _rows(self, sql: str, *args: object) -> list[dict]:
        args = tuple(_text(a) if isinstance(a, datetime) else a for a in args)
        try:
            return [_row(r) for r in self._conn().execute(sql, args).fetchall()]
        except sqlite3.Error as e:
            raise StoreError(f"could not read the database: {e}") from e

    def recent(self, n: int = 50, since: datetime | None = None, until: datetime | None = None,
               guide: str | None = None) -> list[dict]:
        cond, args = between("asked_at", since, until, "?")
        more, extra = of_guide("", guide, "?", "instr")
        cond, args = cond + more, args + extra
        return self._rows(f"SELECT {RECENT_COLS} FROM questions WHERE 1=1{cond} "
                          "ORDER BY asked_at DESC, rowid DESC LIMIT ?", *args, n)

    def unanswered(self, n: int = 50, since: datetime | None = None, until: datetime | None = None) -> list[dict]:
        cond, args = between("asked_at", since, until, "?")
        return self._rows(f"SELECT {RECENT_COLS} FROM questions WHERE answered = 0{cond} "
                          "ORDER BY asked_at DESC, rowid DESC LIMIT ?", *args, n)

    def unanswered_grouped(self, n: int = 50, since: datetime | None = None,
                           until: datetime | None = None, guide: str | None = None) -> list[dict]:
        cond, args = between("asked_at", since, until, "?")
        more, extra = of_guide("", guide, "?", "instr")
        cond, args = cond + more, args + extra
        return self._rows("SELECT question, COUNT(*) AS times, MAX(asked_at) AS last_asked FROM questions "
                          f"WHERE answered = 0{cond} GROUP BY question ORDER BY times DESC, last_asked DESC "
                          "LIMIT ?", *args, n)

    def downvotes(self, n: int = 50, since: datetime | None = None, until: datetime | None = None,
                  guide: str | None = None) -> list[dict]:
        cond, args = between("f.created_at", since, until, "?")
        more, extra = of_guide("q.", guide, "?", "instr")
        cond, args = cond + more, args + extra
        return self._rows(
            "SELECT f.created_at, f.comment, q.question, q.id AS answer_id, q.answer_text, q.citation, "
            f"q.understood, q.doc, q.scope_doc, q.answer_docs, q.previous FROM feedback f JOIN questions q ON q.id = f.answer_id WHERE f.vote = 'down'{cond} "
            "ORDER BY f.created_at DESC, f.id DESC LIMIT ?", *args, n)

    def counts_by_day(self, days: int = 30, utc_offset_minutes: int = 0) -> list[dict]:
        shift = f"{int(utc_offset_minutes):+d} minutes"
        return self._rows(
            "WITH q AS (SELECT date(asked_at, ?) AS day, answered FROM questions),"
            " f AS (SELECT date(created_at, ?) AS day FROM feedback WHERE vote = 'down')"
            " SELECT day, COUNT(*) AS questions, SUM(answered = 0) AS unanswered,"
            " (SELECT COUNT(*) FROM f WHERE f.day = q.day) AS downvotes"
            " FROM q GROUP BY day ORDER BY day DESC LIMIT ?", shift, shift, days)

    def export_rows(self, since: datetime | None = None, until: datetime | None = None,
                    guide: str | None = None) -> list[dict]:
        cond, args = between("q.asked_at", since, until, "?")
        more, extra = of_guide("q.", guide, "?", "instr")
        cond, args = cond + more, args + extra
        return self._rows(f"SELECT {EXPORT_COLS} FROM questions q LEFT JOIN feedback f ON f.answer_id = q.id "
                          f"WHERE 1=1{cond} ORDER BY q.asked_at, q.rowid, f.id", *args)

    def count(self, table: str) -> int:
        assert table in ("questions", "feedback")
        return int(self._rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])

    def question(self, answer_id: str) -> dict | None:
        rows = self._rows("SELECT question, previous FROM questions WHERE id = ?", answer_id)
        return rows[0] if rows else None

    def health(self) -> StoreHealth:
        try:
            self._conn().execute("SELECT 1").fetchone()
        except sqlite3.Error as e:
            return StoreHealth(self.backend, False, self.version, f"database unreadable ({type(e).__name__})")
        return StoreHealth(self.backend, True, self.version)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


__all__ = ["LATEST", "SqliteStore"]
