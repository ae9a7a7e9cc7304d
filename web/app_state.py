"""What the app holds (the engine in service, the store, the templates) and accessors for routes."""

from __future__ import annotations

import gc
import threading
import time

from fastapi import Request
from fastapi.templating import Jinja2Templates

from rag.engine import Engine
from rag.settings import Settings
from rag.store import Store

# How often a request may check whether `rag build` switched the index (a small file read).
REFRESH_SECONDS = 5.0


class EngineHolder:
    """The engine in service; swaps to a new build when one appears, keeps the last good one."""

    def __init__(self, engine: Engine | None, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def get(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = Engine.open(self._settings)
            elif time.monotonic() - self._checked > REFRESH_SECONDS:
                self._checked = time.monotonic()
                engine = self._engine.refreshed()
                if engine is not self._engine:
                    self._engine = engine
                    settle_heap()
            return self._engine

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


def templates_of(request: Request) -> Jinja2Templates:
    """Return the Jinja2 templates (autoescaped)."""
    return request.app.state.templates


def client_of(request: Request) -> str:
    """Return the client's address, as logged with a question and used by the rate limit."""
    return request.client.host if request.client else ""
