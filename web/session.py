"""The staff session: a timestamped signed cookie, sign-in with a throttle, sign-out.

The cookie holds "staff.<issue time>.<signature>" (itsdangerous' TimestampSigner, keyed by the
staff token): it never holds the token, stops working `staff_session_seconds` after it was issued
(checked by the server, whatever the browser keeps) and as soon as the token changes.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from web.app_state import client_of, templates_of
from web.limits import SignInThrottle

COOKIE = "guideqa_staff"
_SALT = "guideqa-staff-session"
_SUBJECT = b"staff"
# Longer than any real token; a longer value is refused before it is hashed.
MAX_TOKEN_CHARS = 512


def page(request: Request, status: int, title: str, message: str, login: bool = False,
         headers: dict[str, str] | None = None) -> Response:
    """Return the message page (with the sign-in form when `login`)."""
    return templates_of(request).TemplateResponse(
        request, "message.html", {"title": title, "message": message, "login": login}, status_code=status,
        headers=headers)


def _signer(token: str) -> TimestampSigner:
    return TimestampSigner(token, salt=_SALT)


def _matches(given: str, token: str) -> bool:
    """Compare in constant time, whatever the lengths (both sides hashed first)."""
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(token.encode()).digest())


def _off(request: Request) -> Response:
    return page(request, 503, "员工视图未开启", "未配置 RAG_STAFF_TOKEN，员工视图已关闭 (staff view is off).")


def _throttle(request: Request) -> SignInThrottle:
    return request.app.state.signin


def try_token(request: Request, given: str) -> Response | None:
    """Check a typed or sent token under the sign-in throttle; None when it is right."""
    token: str = request.app.state.staff_token
    client = client_of(request)
    verdict = _throttle(request).check(client)
    if not verdict.allowed:
        wait = max(1, round(verdict.wait))
        return page(request, 429, "尝试太频繁", f"口令错误次数过多，请 {wait} 秒后再试 (too many wrong tokens: "
                    f"try again in {wait}s).", headers={"Retry-After": str(wait)})
    if len(given) > MAX_TOKEN_CHARS or not _matches(given, token):
        _throttle(request).failed(client)
        return page(request, 403, "口令错误", "员工口令不正确。", login=True)
    _throttle(request).succeeded(client)
    return None


def check(request: Request) -> Response | None:
    """Return what to send instead of a staff page (an error, or the redirect that drops a
    one-time ?token= from the address after setting the cookie); None when the caller may see it."""
    token: str = request.app.state.staff_token
    if not token:
        return _off(request)
    once = request.query_params.get("token")
    if once is not None:
        return try_token(request, once) or signed_in(request, request.url.path)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return try_token(request, auth[7:].strip())
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return page(request, 401, "需要登录", "请输入员工口令。", login=True)
    try:
        if _signer(token).unsign(cookie, max_age=request.app.state.settings.staff_session_seconds) == _SUBJECT:
            return None
    except SignatureExpired:
        return page(request, 401, "登录已过期", "请重新输入员工口令 (session expired).", login=True)
    except BadSignature:
        pass
    return page(request, 403, "口令错误", "员工口令不正确。", login=True)


def signed_in(request: Request, path: str) -> Response:
    """Redirect to `path` with a fresh session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    token: str = request.app.state.staff_token
    resp = RedirectResponse(path, status_code=303)
    resp.set_cookie(COOKIE, _signer(token).sign(_SUBJECT).decode(), httponly=True, samesite="strict",
                    max_age=request.app.state.settings.staff_session_seconds,
                    secure=request.url.scheme == "https", path="/")
    return resp


def login(request: Request, given: str) -> Response:
    """Sign in with a token typed into the form."""
    if not request.app.state.staff_token:
        return _off(request)
    return try_token(request, given) or signed_in(request, "/staff")


def logout(request: Request) -> Response:
    """Drop the session cookie and go back to the sign-in page."""
    resp = RedirectResponse("/staff", status_code=303)
    resp.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return resp
