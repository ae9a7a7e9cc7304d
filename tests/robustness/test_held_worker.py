"""No question holds a worker: a real uvicorn server keeps answering while one answer hogs the CPU.

The slow answer is made deterministic, not hoped for: an encoder that spins (holding the GIL as
hostile CPU work would) for one marked question until the test lets it go. The assertions are
about order, not milliseconds: /healthz and an ordinary question come back while the slow one
is still in flight; over the budget the slow one gets a 503; stopping the server is bounded.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import numpy as np
import pytest

from rag.encoder import HashEncoder
from rag.engine import Engine
from tests.conftest import make_settings

MARK = "慢慢慢"
SPIN_LIMIT_S = 60  # the spinner gives up on its own, so a failing test cannot hang the suite


class SpinningEncoder(HashEncoder):
    """HashEncoder that, for a query holding MARK, busy-loops until released."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def encode(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        if kind == "query" and any(MARK in t for t in texts):
            self.entered.set()
            stop = time.monotonic() + SPIN_LIMIT_S
            while not self.release.is_set() and time.monotonic() < stop:
                pass  # pure Python: holds the GIL between switches, like a hostile answer would
        return super().encode(texts, kind)


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, SpinningEncoder]:
    enc = SpinningEncoder()
    s = make_settings(tmp_path_factory.mktemp("held"), rate_limit=0)
    return Engine.open(s, encoder=enc), enc


@contextmanager
def _serve(engine: Engine, **settings: object) -> Iterator[tuple[str, object, threading.Thread]]:
    import uvicorn

    from web.app import create_app, uvicorn_options

    engine.settings = replace(engine.settings, **settings)  # type: ignore[arg-type]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine), **uvicorn_options(engine.settings)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield base, server, thread
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def _in_background(fn, *args) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def run() -> None:
        out["response"] = fn(*args)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def _slow(base: str, which: str) -> httpx.Response:
    # A question of its own per test: an answer cached by an earlier test would not spin.
    return httpx.post(base + "/api/ask", json={"question": f"{which}的申报条件 {MARK}"}, timeout=SPIN_LIMIT_S + 10)


def test_health_and_ordinary_answers_pass_a_slow_one(gated, tmp_path: Path) -> None:
    engine, enc = gated
    enc.entered.clear()
    enc.release.clear()
    with _serve(engine, data_dir=tmp_path / "data", answer_budget_s=SPIN_LIMIT_S) as (base, _server, _thread):
        slow, out = _in_background(_slow, base, "项目二")
        assert enc.entered.wait(30), "the slow answer never started"
        try:
            t = time.perf_counter()
            health = httpx.get(base + "/healthz", timeout=30)
            health_ms = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            ordinary = httpx.post(base + "/api/ask", json={"question": "项目四出资要求"}, timeout=30)
            ordinary_ms = (time.perf_counter() - t) * 1000
            # Both answered while the slow one still spins: nothing waited for it.
            assert slow.is_alive() and "response" not in out
            assert health.status_code == 200 and ordinary.status_code == 200 and ordinary.json()["answered"]
            print(f"with a CPU-bound answer in flight: /healthz {health_ms:.0f} ms, ordinary {ordinary_ms:.0f} ms")
        finally:
            enc.release.set()
        slow.join(30)
        assert out["response"].status_code == 200


def test_over_budget_is_a_503_and_the_server_goes_on(gated, tmp_path: Path) -> None:
    engine, enc = gated
    enc.entered.clear()
    enc.release.clear()
    with _serve(engine, data_dir=tmp_path / "data", answer_budget_s=0.2) as (base, _server, _thread):
        try:
            slow = _slow(base, "项目五")  # returns at the budget (+ grace) while the encoder still spins
            assert enc.entered.is_set() and not enc.release.is_set()
            assert slow.status_code == 503 and "too complex" in slow.json()["error"]
            ok = httpx.post(base + "/api/ask", json={"question": "项目三实施周期"}, timeout=30)
            assert ok.status_code == 200 and ok.json()["answered"]
        finally:
            enc.release.set()


def test_stopping_with_an_answer_in_flight_is_bounded(gated, tmp_path: Path) -> None:
    engine, enc = gated
    enc.entered.clear()
    enc.release.clear()
    # No budget at all: only the graceful-shutdown timeout can end the request in flight.
    with _serve(engine, data_dir=tmp_path / "data", answer_budget_s=0) as (base, server, thread):
        try:
            slow, out = _in_background(_slow, base, "项目六")
            assert enc.entered.wait(30), "the slow answer never started"
            server.should_exit = True  # type: ignore[attr-defined]
            thread.join(timeout=SPIN_LIMIT_S / 2)
            # The server stopped while the answer still spins: it did not wait for it.
            assert not thread.is_alive() and not enc.release.is_set()
        finally:
            enc.release.set()
