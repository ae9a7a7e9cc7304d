"""Questions and feedback, kept in SQLite (WAL) in the data folder: nothing submitted is lost."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.types import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
  id TEXT PRIMARY KEY, asked_at TEXT NOT NULL, question TEXT NOT NULL, previous TEXT,
  answered INTEGER NOT NULL, answer_json TEXT NOT NULL, took_ms REAL, client TEXT
);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL REFERENCES questions(id),
  vote TEXT NOT NULL CHECK (vote IN ('up', 'down')), comment TEXT, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_asked ON questions(asked_at);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
"""


class StoreError(RuntimeError):
    """The database cannot be written or read; the message says so plainly."""


class VoteTaken(Exception):
    """The answer already has a different vote: one vote per answer (docs/security.md)."""


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())


class Store:
    """A thread-safe handle on the SQLite file: one connection per thread, writes in transactions."""

    # Several server workers share the file: wait this long for a lock rather than fail at once.
    busy_timeout = 30.0

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "guideqa.sqlite3"
        self._local = threading.local()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            self._conn().executescript(SCHEMA)
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

    def log_answer(self, answer: Answer, previous: str | None = None, client: str = "") -> str:
        """Store a question with its answer; return the id feedback refers to."""
        qid = uuid.uuid4().hex
        try:
            with self._tx() as db:
                db.execute(
                    "INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (qid, _now(), answer.question, previous, int(answer.answered), answer.to_json(),
                     round(answer.took_ms, 2), client),
                )
        except sqlite3.Error as e:
            raise StoreError(f"could not save the question: {e}") from e
        return qid

    def add_feedback(self, answer_id: str, vote: str, comment: str | None) -> int:
        """Store a vote on an answer; KeyError if the answer id is unknown.

        One vote per answer: an answer id goes only to the client that asked, so this is one vote
        per answer per client. The same vote again returns the stored one's id (nothing stored
        twice); a different one raises VoteTaken.
        """
        try:
            with self._tx() as db:
                if db.execute("SELECT 1 FROM questions WHERE id = ?", (answer_id,)).fetchone() is None:
                    raise KeyError(answer_id)
                had = db.execute("SELECT id, vote, comment FROM feedback WHERE answer_id = ? ORDER BY id LIMIT 1",
                                 (answer_id,)).fetchone()
                if had is not None:
                    if (had["vote"], had["comment"]) == (vote, comment or None):
                        return int(had["id"])
                    raise VoteTaken(answer_id)
                cur = db.execute(
                    "INSERT INTO feedback (answer_id, vote, comment, created_at) VALUES (?, ?, ?, ?)",
                    (answer_id, vote, comment or None, _now()),
                )
                return int(cur.lastrowid or 0)
        except sqlite3.Error as e:
            raise StoreError(f"could not save the feedback: {e}") from e

    def _rows(self, sql: str, *args: object) -> list[dict]:
        try:
            return [dict(r) for r in self._conn().execute(sql, args).fetchall()]
        except sqlite3.Error as e:
            raise StoreError(f"could not read the database: {e}") from e

    def recent(self, n: int = 50) -> list[dict]:
        return self._rows("SELECT id, asked_at, question, answered, took_ms FROM questions "
                          "ORDER BY asked_at DESC, rowid DESC LIMIT ?", n)

    def unanswered(self, n: int = 50) -> list[dict]:
        return self._rows("SELECT id, asked_at, question FROM questions WHERE answered = 0 "
                          "ORDER BY asked_at DESC, rowid DESC LIMIT ?", n)

    def downvotes(self, n: int = 50) -> list[dict]:
        return self._rows(
            "SELECT f.created_at, f.comment, q.question, q.id AS answer_id FROM feedback f "
            "JOIN questions q ON q.id = f.answer_id WHERE f.vote = 'down' ORDER BY f.id DESC LIMIT ?", n)

    def counts_by_day(self, days: int = 30) -> list[dict]:
        return self._rows(
            "SELECT substr(asked_at, 1, 10) AS day, COUNT(*) AS questions, SUM(answered = 0) AS unanswered, "
            "(SELECT COUNT(*) FROM feedback f WHERE substr(f.created_at, 1, 10) = substr(q.asked_at, 1, 10) "
            " AND f.vote = 'down') AS downvotes FROM questions q GROUP BY day ORDER BY day DESC LIMIT ?", days)

    def export_rows(self) -> list[dict]:
        """Return every question with its feedback, oldest first, for the CSV export."""
        return self._rows(
            "SELECT q.asked_at, q.question, q.previous, q.answered, q.took_ms, f.vote, f.comment, f.created_at "
            "AS feedback_at FROM questions q LEFT JOIN feedback f ON f.answer_id = q.id ORDER BY q.asked_at, q.rowid")

    def count(self, table: str) -> int:
        assert table in ("questions", "feedback")
        return int(self._rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])
