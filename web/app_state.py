"""What the app holds (the engine in service, the store, the templates) and accessors for routes."""

from __future__ import annotations

import gc
import logging
import threading
import time

from fastapi import Request
from fastapi.templating import Jinja2Templates

from rag.engine import Engine
from rag.settings import Settings
from web.store import Store
from web.store.questionlog import QuestionLog

log = logging.getLogger("guideqa.web")

# How often a request may check whether `rag build` (here, or on a build host whose index/ is
# copied or shared here) switched index/CURRENT: one stat and a small read.
REFRESH_SECONDS = 5.0


class EngineHolder:
    """The engine in service. A newer build named by index/CURRENT is loaded off the event loop, in a
    background thread, and swapped in whole; a build that fails to load never replaces the last good one."""

    def __init__(self, engine: Engine | None, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings
        self._checked = time.monotonic()
        self._seen = self._current()
        self._lock = threading.Lock()  # opening the first engine
        self._loading = threading.Lock()  # one load of a new build at a time

    def get(self) -> Engine:
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = Engine.open(self._settings)
                    self._seen = self._current()
                engine = self._engine
        elif time.monotonic() - self._checked > REFRESH_SECONDS:
            self._checked = time.monotonic()
            if self._current() != self._seen and not self._loading.locked():
                threading.Thread(target=self.reload_if_changed, name="guideqa-index-reload", daemon=True).start()
        return engine

    def _current(self) -> tuple[str, int]:
        """Return what index/CURRENT says now (name and mtime), cheaply; ('', 0) when absent."""
        path = self._settings.index_dir / "CURRENT"
        try:
            return path.read_text().strip(), path.stat().st_mtime_ns
        except OSError:
            return "", 0

    def reload_if_changed(self) -> bool:
        """Load the build index/CURRENT names if it is not the one in service, and swap it in.

        Blocks the calling thread while loading (call it from a thread, as `get` does, or from a
        staff upload after `rag build`); returns True when a new engine is now in service.
        """
        with self._loading:
            seen = self._current()
            old = self._engine
            if old is None or seen == self._seen:
                return False
            new = old.refreshed()  # the last good engine when the new build fails to load
            self._seen = seen
            if new is old:
                return False
            self._engine = new  # one reference assignment: requests see the old or the new engine
            log.info("index switched to %s", new.build_dir.name)
            settle_heap()
            return True

    def install(self, engine: Engine) -> None:
        """Serve `engine` from now on: a staff rebuild loaded it beside the one in service (H10b's swap;
        H13's reload_if_changed covers other processes, which see the new CURRENT on their own)."""
        with self._lock:
            self._engine = engine
            self._checked = time.monotonic()
        settle_heap()


def settle_heap() -> None:
    """Move everything alive now (model, index, jieba's dictionary) out of the garbage collector's sight.

    A loaded engine is ~450,000 Python objects that live as long as the process. Each full
    collection walked them all: 200 ms during which a worker answered nobody, which was the p95
    of `rag bench`'s 100-client run. Frozen objects are still freed by reference counting.
    """
    gc.collect()
    gc.freeze()


def engine_of(request: Request) -> Engine:
    """Return the engine in service (opening it on first use)."""
    return request.app.state.holder.get()


def store_of(request: Request) -> Store:
    """Return the question and feedback store."""
    return request.app.state.store


def log_of(request: Request) -> QuestionLog:
    """Return the question log (writes through to the store, queues while it is down)."""
    return request.app.state.question_log


def reload_if_changed(request: Request) -> bool:
    """Switch to the build index/CURRENT names if it is newer than the one in service (blocking)."""
    return request.app.state.holder.reload_if_changed()


def templates_of(request: Request) -> Jinja2Templates:
    """Return the Jinja2 templates (autoescaped)."""
    return request.app.state.templates


def client_of(request: Request) -> str:
    """Return the client's address, as logged with a question and used by the rate limit."""
    return request.client.host if request.client else ""
