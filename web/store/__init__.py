"""Questions and feedback: one interface, two backends.

Unset `RAG_DATABASE_URL`: SQLite in the data folder (one machine). `postgresql://…`: PostgreSQL,
shared by every replica of a fleet. Answer ids are made by the replica that answers (time-ordered,
random, 32 hex digits), so feedback reaches any replica and is stored once.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from rag.errors import StoreError
from rag.settings import Settings
from rag.types import Answer

__all__ = ["QuestionRecord", "Store", "StoreError", "StoreHealth", "VoteTaken", "new_answer_id", "open_store"]


class VoteTaken(Exception):
    """The answer already has a different vote: one vote per answer (docs/security.md)."""


def new_answer_id() -> str:
    """Return a fleet-wide unique answer id: 48 bits of milliseconds, then 80 random bits (ULID-like).

    Time first keeps PostgreSQL's primary-key index appending at its end; the random part makes a
    collision between replicas as likely as guessing an 80-bit secret.
    """
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(10)}"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class QuestionRecord:
    """One asked question as stored: what the staff view shows, and the whole answer as JSON."""

    id: str
    asked_at: datetime  # UTC
    question: str
    previous: str | None
    answered: bool
    answer_json: str
    took_ms: float
    client: str
    answer_text: str  # the answer as given (the guide's words)
    citation: str  # the first citation's label, e.g. '项目四 · 资助强度'
    understood: str  # the question as the engine understood it (a follow-up merged)
    doc: str  # the cited (or asked-about) guide, '' when none
    scope_doc: str = ""  # the guide the question was asked of (the picker's `doc`), '' for all guides
    answer_docs: str = ""  # every guide the answer cites, first cited first, joined by ','

    @classmethod
    def of(cls, answer: Answer, previous: str | None = None, client: str = "",
           answer_id: str | None = None, scope_doc: str | None = None) -> QuestionRecord:
        """Return the record of an answer just given (asked of guide `scope_doc`, if any)."""
        first = answer.citations[0] if answer.citations else None
        cited = ",".join(dict.fromkeys(c.doc for c in answer.citations if c.doc))
        return cls(answer_id or new_answer_id(), utcnow(), answer.question, previous, bool(answer.answered),
                   answer.to_json(), round(answer.took_ms, 2), client, answer.answer,
                   first.label if first else "", answer.resolved or answer.question, first.doc if first else "",
                   scope_doc or "", cited)


@dataclass(frozen=True)
class StoreHealth:
    """What /healthz says about the store: no address, password or path."""

    backend: str  # "sqlite" or "postgresql"
    ok: bool
    schema_version: int
    error: str = ""  # the kind of failure, e.g. "database unreachable (OperationalError)"
    pool_size: int = 0
    pool_available: int = 0


class Store(Protocol):
    """What the web layer needs from a database. Reads return flat dicts (one per row), times as
    timezone-aware UTC datetimes; every failure is a StoreError with a plain message."""

    backend: str

    def add_questions(self, records: list[QuestionRecord]) -> None:
        """Store questions; a record whose id is already stored is skipped (retries are safe)."""
        ...

    def log_answer(self, answer: Answer, previous: str | None = None, client: str = "",
                   scope_doc: str | None = None) -> str:
        """Store a question with its answer now; return the id feedback refers to."""
        ...

    def add_feedback(self, answer_id: str, vote: str, comment: str | None, client: str = "") -> int:
        """Store a vote; KeyError if the answer id is unknown. One vote per answer (an answer id goes
        only to the client that asked): the same vote and comment again returns the stored id,
        anything else raises VoteTaken. A unique index makes this hold across replicas."""
        ...

    # `guide` (a guide id) keeps the questions asked of that guide or answered from it.
    def recent(self, n: int = 50, since: datetime | None = None, until: datetime | None = None,
               guide: str | None = None) -> list[dict]: ...

    def unanswered(self, n: int = 50, since: datetime | None = None,
                   until: datetime | None = None) -> list[dict]: ...

    def unanswered_grouped(self, n: int = 50, since: datetime | None = None,
                           until: datetime | None = None, guide: str | None = None) -> list[dict]:
        """Return unanswered questions grouped by text: question, times, last_asked; most asked first."""
        ...

    def downvotes(self, n: int = 50, since: datetime | None = None,
                  until: datetime | None = None, guide: str | None = None) -> list[dict]: ...

    def counts_by_day(self, days: int = 30, utc_offset_minutes: int = 0) -> list[dict]: ...

    def export_rows(self, since: datetime | None = None, until: datetime | None = None,
                    guide: str | None = None) -> list[dict]:
        """Return every question with its feedback (one row per vote), oldest first."""
        ...

    def count(self, table: str) -> int: ...

    def question(self, answer_id: str) -> dict | None:
        """Return the logged question an answer id names (question, previous), or None."""
        ...

    def health(self) -> StoreHealth: ...

    def close(self) -> None: ...


def open_store(settings: Settings, url: str | None = None) -> Store:
    """Open (creating or migrating) the store `RAG_DATABASE_URL` names, or SQLite in the data folder."""
    url = os.environ.get("RAG_DATABASE_URL", "") if url is None else url
    if url.startswith(("postgresql://", "postgres://")):
        from web.store.postgres import PostgresStore

        return PostgresStore(url)
    if url:
        raise StoreError("RAG_DATABASE_URL must start with postgresql:// (leave it unset for SQLite "
                         "in the data folder)")
    from web.store.sqlite import SqliteStore

    return SqliteStore(settings.data_dir)


# Columns of the staff queries, the same in both backends (the SQL differs only in dialect).
RECENT_COLS = ("id, asked_at, question, previous, answered, took_ms, answer_text, citation, understood, doc, "
               "scope_doc, answer_docs")
EXPORT_COLS = ("q.id AS answer_id, q.asked_at, q.question, q.previous, q.answered, q.took_ms, q.answer_text, "
               "q.citation, q.understood, q.doc, q.scope_doc, q.answer_docs, f.vote, f.comment, "
               "f.created_at AS feedback_at")


def of_guide(prefix: str, guide: str | None, mark: str, find: str) -> tuple[str, list]:
    """Return an SQL condition (starting with AND) keeping questions asked of `guide` or answered
    from it, and its arguments; `find` is the dialect's substring position (instr / strpos)."""
    if not guide:
        return "", []
    return (f" AND ({prefix}scope_doc = {mark} OR {find}(',' || {prefix}answer_docs || ',', {mark}) > 0)",
            [guide, f",{guide},"])


def between(column: str, since: datetime | None, until: datetime | None, mark: str) -> tuple[str, list]:
    """Return an SQL condition (starting with AND) and its arguments for a time window."""
    sql, args = "", []
    if since is not None:
        sql += f" AND {column} >= {mark}"
        args.append(since)
    if until is not None:
        sql += f" AND {column} < {mark}"
        args.append(until)
    return sql, args


def vote_once(fetch: Callable[[str, tuple], Any], mark: str, answer_id: str, vote: str, comment: str | None,
              now: object, client: str) -> int:
    """Store a vote inside the caller's transaction (both backends): one vote per answer.

    The unique index `feedback_once` settles a race between replicas: the loser's insert does
    nothing, and it then compares with the winner's vote like any repeat.
    """
    comment = comment or None
    select = f"SELECT id, vote, comment FROM feedback WHERE answer_id = {mark} ORDER BY id LIMIT 1"
    had = fetch(select, (answer_id,))
    if had is None:
        row = fetch("INSERT INTO feedback (answer_id, vote, comment, created_at, client) VALUES "
                    f"({mark}, {mark}, {mark}, {mark}, {mark}) ON CONFLICT (answer_id) WHERE client <> '' "
                    "DO NOTHING RETURNING id", (answer_id, vote, comment, now, client or "-"))
        if row is not None:
            return int(row[0])
        had = fetch(select, (answer_id,))
    if (had[1], had[2]) == (vote, comment):
        return int(had[0])
    raise VoteTaken(answer_id)
