"""Cross-site request refusal: a state-changing request must come from this site's own pages.

Browsers name the page that sent a request: `Origin` on every POST (Chrome, Firefox, Safari),
`Sec-Fetch-Site` on every request of current ones, `Referer` (kept same-origin by our
Referrer-Policy) as a fallback. A request naming another site is refused; one naming nothing is a
program (curl, a script), which a hostile page cannot make a browser be, and is let through. No
token is needed, so every form works unchanged, with or without JavaScript.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORT = {"http": "80", "https": "443"}


def _authority(scheme: str, netloc: str) -> str:
    """Return host[:port] lower-cased, without the scheme's default port."""
    netloc = netloc.strip().lower().rsplit("@", 1)[-1]
    port = _DEFAULT_PORT.get(scheme)
    if port and netloc.endswith(":" + port):
        netloc = netloc[: -len(port) - 1]
    return netloc


def _same(url: str, host: str, scheme: str) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return _authority(parts.scheme, parts.netloc) == _authority(scheme, host)


def cross_site(method: str, headers: Headers, scheme: str) -> bool:
    """Return whether a state-changing request was sent by a page of another site."""
    if method not in UNSAFE:
        return False
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin is not None:
        # "null": a sandboxed frame, a data: URL or a privacy-stripped origin, never our own page.
        return origin.strip().lower() == "null" or not _same(origin, host, scheme)
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    referer = headers.get("referer")
    if referer:
        return not _same(referer, host, scheme)
    return False
