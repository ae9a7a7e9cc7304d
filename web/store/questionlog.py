"""The question log in front of a store: an applicant's answer never waits on, or fails with, the database.

A question is written at once while the database answers. When a write fails (the database is
down, restarting, locked), the question joins a bounded in-memory queue that a background thread
writes, oldest first, as soon as the database is back; meanwhile new questions queue without
touching the database. The answer id is made here, so the applicant gets one either way and
feedback works once the question is written. Writes are idempotent (a retried batch that had in
fact been committed is not stored twice). A full queue drops the newest question and counts it.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from dataclasses import dataclass

from rag.errors import StoreError
from rag.types import Answer
from web.store import QuestionRecord, Store

log = logging.getLogger("guideqa.store")


@dataclass(frozen=True)
class LogStats:
    """The queue's state for /healthz."""

    writing: bool  # False while questions queue because the database failed
    pending: int  # questions waiting to be written
    dropped: int  # questions lost because the queue was full (since start)
    written_late: int  # questions written from the queue (since start)


class QuestionLog:
    """Write questions through to `store`, or queue them while it fails."""

    capacity = 10_000  # about an hour of a busy help desk, a few MB of memory
    batch = 200
    retry_seconds = 0.5

    def __init__(self, store: Store) -> None:
        self.store = store
        self._queue: deque[QuestionRecord] = deque()
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._writing = True
        self._dropped = 0
        self._late = 0
        self._thread: threading.Thread | None = None

    def record(self, answer: Answer, previous: str | None, client: str, scope_doc: str | None = None) -> str | None:
        """Log a question (asked of guide `scope_doc`, if any); return its answer id, or None when dropped."""
        rec = QuestionRecord.of(answer, previous, client, scope_doc=scope_doc)
        if self._writing and not self._queue:
            try:
                self.store.add_questions([rec])
                return rec.id
            except StoreError as e:
                log.warning("question queued, the database failed: %s", e)
                self._writing = False
        with self._lock:
            if len(self._queue) >= self.capacity:
                self._dropped += 1
                return None
            self._queue.append(rec)
        self._start()
        self._wake.set()
        return rec.id

    def pending(self, answer_id: str) -> bool:
        """Return True if this answer's question is still waiting in the queue."""
        with self._lock:
            return any(r.id == answer_id for r in self._queue)

    def flush(self) -> None:
        """Write every queued question now; StoreError if the database still fails."""
        with self._flushing:  # one writer at a time; questions are only ever appended on the right
            while True:
                with self._lock:
                    batch = list(itertools.islice(self._queue, self.batch))
                if not batch:
                    self._writing = True
                    return
                try:
                    self.store.add_questions(batch)
                except StoreError:
                    self._writing = False
                    raise
                with self._lock:
                    for _ in batch:
                        self._queue.popleft()
                    self._late += len(batch)

    def stats(self) -> LogStats:
        with self._lock:
            return LogStats(self._writing, len(self._queue), self._dropped, self._late)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, name="guideqa-question-log", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.retry_seconds)
            self._wake.clear()
            if not self._queue:
                continue
            try:
                self.flush()
                log.info("question log: database back, queue written")
            except StoreError:
                pass  # logged by the store; try again after retry_seconds

    def close(self, timeout: float = 5.0) -> None:
        """Try once more to write what is queued, then stop the thread."""
        try:
            self.flush()
        except StoreError:
            log.error("question log: %d questions not written at shutdown", len(self._queue))
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
