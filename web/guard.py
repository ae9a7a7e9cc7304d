"""Guards every response passes: security headers, a body-size limit and a per-client rate limit."""

from __future__ import annotations

import threading
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from rag.settings import Settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
# Routes that cost an answer: these are rate limited.
LIMITED = ("/api/ask", "/fragment/answer")


class RateLimiter:
    """A token bucket per client: `per_minute` answers, refilled continuously, burst of a quarter."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(5.0, per_minute / 4)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> tuple[bool, float]:
        """Return (allowed, seconds until the next token)."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if len(self._buckets) > 100_000:  # a flood of distinct clients must not grow memory forever
                self._buckets.clear()
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return True, 0.0
            self._buckets[client] = (tokens, now)
            return False, (1 - tokens) / self.rate


def install_guards(app: FastAPI, settings: Settings) -> None:
    limiter = RateLimiter(settings.rate_limit) if settings.rate_limit > 0 else None

    @app.middleware("http")
    async def guards(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.method in ("POST", "PUT", "PATCH"):
            size = request.headers.get("content-length")
            if size is not None and (not size.isdigit() or int(size) > settings.max_body_bytes):
                return _headers(JSONResponse({"error": f"请求过大：最多 {settings.max_body_bytes} 字节 "
                                                        f"(request body over {settings.max_body_bytes} bytes)"},
                                             status_code=413))
            body = await request.body()  # cached by Starlette for the route
            if len(body) > settings.max_body_bytes:
                return _headers(JSONResponse({"error": "请求过大 (request body too large)"}, status_code=413))
        if limiter and request.url.path in LIMITED:
            ok, wait = limiter.allow(request.client.host if request.client else "unknown")
            if not ok:
                return _headers(JSONResponse(
                    {"error": f"提问太频繁，请 {wait:.0f} 秒后再试 (rate limit: try again in {wait:.0f}s)"},
                    status_code=429, headers={"Retry-After": str(max(1, round(wait)))}))
        return _headers(await call_next(request))


def _headers(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "same-origin"
    return resp
