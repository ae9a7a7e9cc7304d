"""Findings 1, 2 and 5a of the hostile-network review, over real sockets against the server as
`rag serve` runs it: header size and count, silent and slow connections, the connection bound,
and X-Forwarded-For not believed by default."""

from __future__ import annotations

import contextlib
import json
import time

from tests.robustness.live import connect, exchange, read_all, request, serving, status_of


def test_1_header_block_over_16_kb_is_431_and_a_smaller_one_is_served(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with serving(engine, tmp_path / "d", monkeypatch) as port:
        assert status_of(exchange(port, request("/healthz", {"X-Pad": "a" * 12_000}))) == 200
        reply = exchange(port, request("/healthz", {"X-Pad": "a" * 20_000}))
        assert status_of(reply) == 431 and b'"error"' in reply
        spread = {f"X-Pad-{i}": "b" * 900 for i in range(20)}  # 18 KB over twenty headers
        assert status_of(exchange(port, request("/", spread))) == 431
        assert status_of(exchange(port, request("/?q=" + "x" * 20_000))) == 431  # the request line counts


def test_1_a_huge_header_is_refused_while_it_is_still_arriving(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with serving(engine, tmp_path / "d", monkeypatch) as port, connect(port) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: ")
        sent = 0
        with contextlib.suppress(OSError):  # the server closes the connection: sending then fails
            while sent < 100 * 1024 * 1024:
                s.sendall(b"a" * 65536)
                sent += 65536
        assert sent < 8 * 1024 * 1024  # the server stopped reading long before 100 MB
        assert status_of(read_all(s)) in (431, 0)  # 0: the reset beat the reply to the client


def test_1_more_than_100_headers_is_431(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with serving(engine, tmp_path / "d", monkeypatch) as port:
        assert status_of(exchange(port, request("/healthz", {f"X-H{i}": "1" for i in range(90)}))) == 200
        reply = exchange(port, request("/api/search?q=x", {f"X-H{i}": "1" for i in range(101)}))
        assert status_of(reply) == 431 and "error" in json.loads(reply.split(b"\r\n\r\n", 1)[1])


def test_2_a_silent_connection_is_closed(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with serving(engine, tmp_path / "d", monkeypatch, read_timeout=1.0) as port, connect(port, timeout=6) as s:
        t = time.monotonic()
        assert read_all(s) == b""  # closed without a word: nothing was asked
        assert time.monotonic() - t < 5


def test_2_a_slow_header_gets_408_and_is_closed(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with serving(engine, tmp_path / "d", monkeypatch, read_timeout=1.0) as port, connect(port, timeout=6) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        for _ in range(3):  # a header line every half second never completes the request in time
            time.sleep(0.5)
            with contextlib.suppress(OSError):
                s.sendall(b"X-Slow: 1\r\n")
        assert status_of(read_all(s)) == 408


def test_2_a_slow_body_is_cut_off_and_nothing_half_sent_is_stored(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with serving(engine, tmp_path / "d", monkeypatch, read_timeout=1.0) as port, connect(port, timeout=6) as s:
        s.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                  b'{"question": "')
        assert status_of(read_all(s)) == 408
        assert status_of(exchange(port, request("/healthz"))) == 200  # the server carries on


def test_2_a_slow_but_moving_body_is_not_cut_off(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"question": "项目四出资要求"}).encode()
    with serving(engine, tmp_path / "d", monkeypatch, read_timeout=1.0) as port, connect(port, timeout=10) as s:
        s.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        for i in range(0, len(body), 6):  # 2-3 s in all, never a second without a byte
            time.sleep(0.4)
            s.sendall(body[i:i + 6])
        assert status_of(read_all(s)) == 200


def test_2_connections_over_the_bound_get_a_clear_503_and_idle_ones_do_not_lock_others_out(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with serving(engine, tmp_path / "d", monkeypatch, max_connections=5, read_timeout=2.0) as port:
        idle = [connect(port) for _ in range(5)]
        try:
            time.sleep(0.2)
            reply = exchange(port, request("/api/search?q=x"))
            assert status_of(reply) == 503 and b"retry-after" in reply.lower()
            assert "error" in json.loads(reply.split(b"\r\n\r\n", 1)[1])
            time.sleep(3)  # the idle ones are closed by the read timeout ...
            assert all(read_all(s) == b"" for s in idle)
            assert status_of(exchange(port, request("/healthz"))) == 200  # ... and others are served again
        finally:
            for s in idle:
                s.close()


def test_5_x_forwarded_for_is_not_believed_by_default(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with serving(engine, tmp_path / "d", monkeypatch, rate_limit=6) as port:
        body = json.dumps({"question": "项目四出资要求"}).encode()
        codes = [status_of(exchange(port, request("/api/ask", {"X-Forwarded-For": f"10.0.0.{i}",
                                                                 "Content-Type": "application/json"}, "POST", body)))
                 for i in range(10)]
        assert codes[:5] == [200] * 5 and 429 in codes  # a new header per request is not a new client


def test_the_limits_are_settings_read_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from rag.settings import Settings

    monkeypatch.setenv("RAG_MAX_HEADER_BYTES", "8192")
    monkeypatch.setenv("RAG_READ_TIMEOUT", "2.5")
    monkeypatch.setenv("RAG_TRUSTED_PROXIES", " 10.0.0.0/8,127.0.0.1 ")
    s = Settings.from_env()
    assert (s.max_header_bytes, s.read_timeout, s.trusted_proxies) == (8192, 2.5, "10.0.0.0/8,127.0.0.1")
    monkeypatch.setenv("RAG_MAX_CONNECTIONS", "lots")
    with pytest.raises(ValueError, match="RAG_MAX_CONNECTIONS"):
        Settings.from_env()
