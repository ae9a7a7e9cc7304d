"""The HTTP server's own limits: uvicorn with its httptools protocol, bounded.

uvicorn bounds neither the header block (httptools reads a 100 MB header), nor the number of
headers, nor the time a fresh connection may stay silent (its keep-alive timer starts only after a
first response). `GuardedProtocol` adds those bounds to uvicorn's own protocol class, keeping its
C parser (h11, which has a size limit, costs ~84 µs more per request than httptools, this guard
~3 µs: docs/security.md):

- a header block over `max_header_bytes` → 431, more than `max_headers` headers → 431;
- a request's headers not received within `read_timeout` of the connection opening or of the
  request's first byte, or its body stalling (no byte) for `read_timeout` → 408 and closed (a
  silent connection is closed without a reply); an upload that keeps moving is never cut off;
- more than `max_connections` open connections per worker → 503 {"error": …} and closed at once,
  so idle sockets cannot use up the process's file descriptors.
"""

from __future__ import annotations

import asyncio
import json
import resource
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from rag.settings import Settings
from web.guard import SECURITY_HEADERS


@dataclass(frozen=True)
class ServerLimits:
    max_header_bytes: int
    max_headers: int
    read_timeout: float
    max_connections: int

    @classmethod
    def of(cls, s: Settings) -> ServerLimits:
        return cls(s.max_header_bytes, s.max_headers, s.read_timeout, s.max_connections)


_REASONS = {408: "Request Timeout", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}


def raw_reply(status: int, message: str, api: bool, retry_after: int | None = None) -> bytes:
    """Return a whole HTTP/1.1 response that closes the connection: JSON for the API, else a page."""
    if api:
        body, kind = json.dumps({"error": message}, ensure_ascii=False).encode(), b"application/json"
    else:
        body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{status}</title>'
                f"<p>{message}</p></html>").encode()
        kind = b"text/html; charset=utf-8"
    head = [f"HTTP/1.1 {status} {_REASONS.get(status, '')}".encode(), b"content-type: " + kind,
            b"content-length: " + str(len(body)).encode(), b"connection: close", b"cache-control: no-store"]
    head += [f"{name}: {value}".encode() for name, value in SECURITY_HEADERS.items()]
    if retry_after is not None:
        head.append(b"retry-after: " + str(retry_after).encode())
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class _Refused(Exception):
    """Raised in a parser callback to stop parsing a request that broke a limit."""


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header, time and connection limits (see the module doc)."""

    # Set by `configure` in the serving process; spawned workers read the environment once.
    limits: ServerLimits | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if GuardedProtocol.limits is None:
            GuardedProtocol.limits = ServerLimits.of(Settings.from_env())
        self.lim: ServerLimits = GuardedProtocol.limits
        self._raw_bytes = 0  # bytes received since the current request began, while its head is unfinished
        self._began: float | None = None  # when the current (or last) request's first byte came
        self._reading = False  # a request has begun and is not yet wholly received
        self._head_done = False
        self._over_capacity = False
        self._refused = False
        self._deadline: asyncio.TimerHandle | None = None

    # Connection
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._over_capacity = len(self.connections) > self.lim.max_connections
        # Over capacity: answer 503 as soon as the client speaks, or close after a second of silence.
        self._arm(1.0 if self._over_capacity else self.lim.read_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._over_capacity:
            self._refuse(503, "服务器繁忙，请稍后再试 (server busy: too many connections)", data, retry_after=5)
            return
        if self._head_done and self._reading:
            self._began = self.loop.time()  # a body is timed from its last progress, not its start
        super().data_received(data)
        # httptools hands a header over only once it ends: one still unterminated past the limit
        # is refused here, before the parser buffers more of it.
        if self._reading and not self._head_done and not self._refused:
            self._raw_bytes += len(data)
            if self._raw_bytes > self.lim.max_header_bytes:
                self._refuse(431, self._too_large(), data)

    def send_400_response(self, msg: str) -> None:
        if self._refused:  # a limit stopped the parser: the refusal is already sent
            return
        super().send_400_response(msg)

    # Parser callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._raw_bytes = 0
        self._reading, self._head_done = True, False
        self._began = self.loop.time()
        if self._deadline is None:  # one timer per connection at a time, not one per request
            self._arm(self.lim.read_timeout)

    def on_headers_complete(self) -> None:
        self._head_done = True
        # Counted once the head is whole: one pass over what the parser collected is cheaper than
        # a Python call per header, and the raw count above bounds what can pile up before this.
        if len(self.headers) > self.lim.max_headers:
            self._refuse(431, f"请求头过多：最多 {self.lim.max_headers} 个 (more than {self.lim.max_headers} "
                              "headers)", b"")
            raise _Refused
        if len(self.url) + sum(len(n) + len(v) + 4 for n, v in self.headers) > self.lim.max_header_bytes:
            self._refuse(431, self._too_large(), b"")
            raise _Refused
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._reading = False
        super().on_message_complete()

    # Limits
    def _too_large(self) -> str:
        kb = self.lim.max_header_bytes // 1024
        return f"请求头过大：最多 {kb} KB (request header block over {kb} KB)"

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self._refused:
            return
        if self._over_capacity or self._began is None:
            self._refused = True
            self.transport.close()  # silent since it connected: nobody to tell
            return
        if not self._reading:
            return  # between requests: uvicorn's keep-alive timeout closes an idle connection
        left = self._began + self.lim.read_timeout - self.loop.time()
        if left > 0:  # this timer was armed for an earlier request on the connection
            self._arm(left)
        elif self._head_done:
            # Headers came, the body did not: the app sees a disconnect and answers nobody.
            self._refuse(408, "请求体发送超时 (request body not received in time)", b"")
        else:
            self._refuse(408, "请求头发送超时 (request headers not received in time)", b"")

    def _refuse(self, status: int, message: str, data: bytes, retry_after: int | None = None) -> None:
        """Send a closing refusal once; JSON when the request is for the API."""
        if self._refused:
            return
        self._refused = True
        self._disarm()
        target: bytes = getattr(self, "url", b"") or b"".join(data.split(b" ", 2)[1:2])
        api = target.startswith((b"/api/", b"/healthz"))
        self.transport.write(raw_reply(status, message, api, retry_after))
        self.transport.close()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()


def configure(settings: Settings) -> None:
    """Use `settings`' limits in this process, and let it open as many sockets as the system allows."""
    GuardedProtocol.limits = ServerLimits.of(settings)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
        except (ValueError, OSError):
            pass  # keep the limit we have; max_connections still bounds each worker


def server_options(settings: Settings) -> dict[str, Any]:
    """Return uvicorn's options for these settings (its own limits, and the guarded protocol)."""
    configure(settings)
    return {
        "http": "web.server:GuardedProtocol",
        # Proxy headers are read by the app itself, only from RAG_TRUSTED_PROXIES (web/app.py).
        "proxy_headers": False,
        "timeout_keep_alive": 5,
        # uvicorn's own bound on requests in flight; the protocol refuses connections before it.
        "limit_concurrency": settings.max_connections + 1,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "server_header": False,
        "log_level": "warning",
    }
