"""Guards every response passes: security headers, a body-size limit, a per-client rate limit,
cross-site refusal, relative redirects and no caching of staff pages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.aliases_check import MAX_ALIASES_BYTES
from rag.settings import Settings
from web.csrf import cross_site
from web.limits import RateLimiter

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Referrer-Policy": "same-origin"}
# A form percent-encodes each UTF-8 byte as three characters (中 → %E4%B8%AD): a 2000-character
# Chinese comment is 18 KB as a form and 6 KB as JSON, so forms get this multiple of the limit.
FORM_FACTOR = 3
# Routes that cost an answer or a search: these are rate limited (and "/" when it answers, see `_answers`).
LIMITED = ("/api/ask", "/api/search", "/fragment/answer")
# Staff upload a guide here (multipart); the form's boundaries and fields add a little to the file.
UPLOAD_PATH = "/staff/guides/upload"
UPLOAD_OVERHEAD = 16 * 1024
ALIASES_UPLOAD = re.compile(r"/staff/guides/aliases/[^/]+/upload")


def _answers(request: Request) -> bool:
    """Return whether this request asks for an answer: the API, the script's fragment, the no-JS form."""
    path = request.url.path
    # "/?q=…&a=ID" re-shows an answer already given (and counted): the form's redirect, a reload.
    # An ID that is not that answer is redirected to the counted address (web/pages.py).
    params = request.query_params
    return path in LIMITED or (path == "/" and (request.method == "POST" or ("q" in params and "a" not in params)))


def install_guards(app: FastAPI, settings: Settings) -> None:
    """Add the guards: body-size limit (413), rate limit (429), security headers on every reply."""
    app.add_middleware(Guards, settings=settings)


class Guards:
    """Plain ASGI middleware: Starlette's `@app.middleware("http")` wraps each request in a task
    group and a streamed response, which was a fifth of a cached answer's cost (py-spy, rag bench)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit) if settings.rate_limit > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if cross_site(scope["method"], request.headers, scope.get("scheme", "http")):
            refusal = _refuse(request, 403, "拒绝跨站提交：请从本站页面提交 (cross-site request refused)")
            await refusal(scope, receive, send)
            return
        if scope["method"] in ("POST", "PUT", "PATCH"):
            limit = self.settings.max_body_bytes
            if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                limit *= FORM_FACTOR
            elif request.url.path == UPLOAD_PATH:
                limit = self.settings.max_upload_bytes + UPLOAD_OVERHEAD
            elif ALIASES_UPLOAD.fullmatch(request.url.path):
                limit = MAX_ALIASES_BYTES + UPLOAD_OVERHEAD
            size = request.headers.get("content-length")
            body = None
            if size is None or (size.isdigit() and int(size) <= limit):
                body = await _read_body(receive, limit)
            if body is _GONE:
                return  # the client left (or was cut off by the server's read timeout): nobody to answer
            if body is None:
                refusal = _refuse(request, 413, f"请求过大：最多 {limit} 字节 (request body over {limit} bytes)")
                await refusal(scope, receive, send)
                return
            receive = _replay(body, receive)
        if self.limiter and _answers(request):
            ok, wait = self.limiter.allow(request.client.host if request.client else "unknown")
            if not ok:
                refusal = _refuse(request, 429, f"提问太频繁，请 {wait:.0f} 秒后再试 (rate limit: try again in "
                                                f"{wait:.0f}s)", {"Retry-After": str(max(1, round(wait)))})
                await refusal(scope, receive, send)
                return

        staff = scope["path"].startswith("/staff")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if staff:  # nothing of the staff view stays in a browser's or proxy's cache
                    headers["Cache-Control"] = "no-store"
                location = headers.get("location")
                if location and "//" in location:
                    headers["Location"] = relative(location)
            await send(message)

        await self.app(scope, receive, send_with_headers)


# What `_read_body` returns when the client disconnected before its body was complete.
_GONE = b"\x00gone"


def relative(location: str) -> str:
    """Return a redirect target without scheme and host: never a Host header copied into it."""
    parts = urlsplit(location)
    if not parts.scheme and not parts.netloc:
        return location
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """Read the whole request body; None as soon as it passes `limit` bytes, `_GONE` if the client left."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return _GONE
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a `receive` that hands the app the body already read, then the client's later messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _refuse(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Return a refusal the caller can show: JSON for the API, a card for the script, else a page."""
    path = request.url.path
    if path.startswith("/api/"):
        return _headers(JSONResponse({"error": message}, status_code=status, headers=headers))
    templates = request.app.state.templates
    if path == "/fragment/answer":
        resp = templates.TemplateResponse(request, "_answer_card.html", {"result": {"error": message}},
                                          status_code=status, headers=headers)
    else:
        resp = templates.TemplateResponse(request, "message.html", {"title": "请求未处理", "message": message},
                                          status_code=status, headers=headers)
    if path.startswith("/staff"):
        resp.headers["Cache-Control"] = "no-store"
    return _headers(resp)


def _headers(resp: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        resp.headers[name] = value
    return resp
