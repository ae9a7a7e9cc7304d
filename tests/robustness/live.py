"""A real uvicorn server in a thread, configured as `rag serve` configures it, for socket-level tests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rag.bench import pgcluster

PORTS = range(8200, 8300)  # this suite's share of the machine's ports


def free_port() -> int:
    return pgcluster.free_port(PORTS)


@contextlib.contextmanager
def serving(engine, data: Path, monkeypatch: pytest.MonkeyPatch, **settings: object) -> Iterator[int]:
    """Serve the engine's app on a local port with the server options of `rag serve`; yield the port."""
    import uvicorn

    from web.app import create_app
    from web.server import server_options

    monkeypatch.setenv("RAG_STAFF_TOKEN", "live-token")
    original = engine.settings
    engine.settings = replace(engine.settings, data_dir=data, **settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port,
                                           **server_options(engine.settings)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.settings = original


def connect(port: int, timeout: float = 10.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def exchange(port: int, raw: bytes, timeout: float = 10.0) -> bytes:
    """Send raw bytes, return everything the server sends until it closes (or `timeout`)."""
    with connect(port, timeout) as s:
        with contextlib.suppress(OSError):  # the server may refuse and close before all is sent
            s.sendall(raw)
        return read_all(s)


def read_all(s: socket.socket) -> bytes:
    """Read until the server closes the connection; TimeoutError if it keeps it open."""
    chunks = []
    with contextlib.suppress(ConnectionResetError):
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.") else 0


def request(path: str, headers: dict[str, str] | None = None, method: str = "GET", body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@contextlib.contextmanager
def in_process(engine, data: Path, monkeypatch: pytest.MonkeyPatch, **settings: object) -> Iterator[TestClient]:
    """A TestClient on the engine's app with these settings (rate limit off unless given); restores them."""
    from tests.web.conftest import make_client

    original = engine.settings
    try:
        with make_client(engine, data, monkeypatch, **({"rate_limit": 0} | settings)) as c:
            yield c
    finally:
        engine.settings = original
