"""The help-desk staff view behind RAG_STAFF_TOKEN: recent, unanswered and 👎 questions, CSV export."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from rag.errors import StoreError
from rag.settings import zone
from web.app_state import store_of, templates_of
from web.helpdesk import bounds, local, logged, offset_minutes

router = APIRouter(include_in_schema=False)
COOKIE = "guideqa_staff"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# The lists show 50 rows, and up to this many on "显示更多".
MAX_ROWS = 1000


def _session(token: str) -> str:
    """Return the cookie value for a token: derived from it, so the cookie never holds the token."""
    return hmac.new(token.encode(), b"guideqa-staff-session", hashlib.sha256).hexdigest()


def _check(request: Request) -> Response | None:
    """Return what to send instead of the staff page (an error, or the redirect that drops a
    one-time ?token= from the address after setting the cookie); None when the caller may see it."""
    token: str = request.app.state.staff_token
    if not token:
        return _page(request, 503, "员工视图未开启", "未配置 RAG_STAFF_TOKEN，员工视图已关闭 (staff view is off).")
    expected = _session(token).encode()
    once = request.query_params.get("token")
    if once is not None:
        if not hmac.compare_digest(_session(once).encode(), expected):
            return _page(request, 403, "口令错误", "员工口令不正确。", login=True)
        return _signed_in(token, request.url.path)
    given = ""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = _session(auth[7:].strip())
    elif request.cookies.get(COOKIE):
        given = request.cookies[COOKIE]
    if not given:
        return _page(request, 401, "需要登录", "请输入员工口令。", login=True)
    if not hmac.compare_digest(given.encode(), expected):
        return _page(request, 403, "口令错误", "员工口令不正确。", login=True)
    return None


def _signed_in(token: str, path: str) -> Response:
    """Redirect to `path` with the session cookie (HttpOnly, SameSite=Strict, 8 hours)."""
    resp = RedirectResponse(path, status_code=303)
    resp.set_cookie(COOKIE, _session(token), httponly=True, samesite="strict", max_age=8 * 3600)
    return resp


def _page(request: Request, status: int, title: str, message: str, login: bool = False) -> Response:
    return templates_of(request).TemplateResponse(
        request, "message.html", {"title": title, "message": message, "login": login}, status_code=status)


@router.post("/staff/login")
def login(request: Request, token: Annotated[str, Form()] = "") -> Response:
    """Sign in with the token typed into the form; the cookie holds a value derived from it."""
    configured: str = request.app.state.staff_token
    if not configured:
        return _page(request, 503, "员工视图未开启", "未配置 RAG_STAFF_TOKEN，员工视图已关闭 (staff view is off).")
    if not hmac.compare_digest(_session(token).encode(), _session(configured).encode()):
        return _page(request, 403, "口令错误", "员工口令不正确。", login=True)
    return _signed_in(configured, "/staff")


@router.post("/staff/logout")
def logout(request: Request) -> Response:
    """Sign out: drop the session cookie and return to the sign-in page."""
    resp = RedirectResponse("/staff", status_code=303)
    resp.delete_cookie(COOKIE, httponly=True, samesite="strict")
    return resp


def _filters(request: Request) -> tuple[ZoneInfo, datetime | None, datetime | None, str, str]:
    """Return the staff zone and the date filter's UTC window (and its days, for the form)."""
    tz = zone(request.app.state.settings.timezone)
    return (tz, *bounds(request.query_params.get("from"), request.query_params.get("to"), tz))


@router.get("/staff")
def staff(request: Request, n: int = 50) -> Response:
    """Recent, unanswered (grouped) and 👎 questions with the answer given, counts by day."""
    denied = _check(request)
    if denied:
        return denied
    n = max(10, min(n, MAX_ROWS))
    store = store_of(request)
    try:
        tz, since, until, start, end = _filters(request)
    except ValueError as e:
        return _page(request, 400, "日期无效", str(e))
    try:
        recent = store.recent(n, since, until)
        unanswered = store.unanswered_grouped(n, since, until)
        downvotes = store.downvotes(n, since, until)
        ctx = {
            "recent": [logged(r, tz) for r in recent],
            "unanswered": [(r["times"], r["question"], local(r["last_asked"], tz)) for r in unanswered],
            "downvotes": [(r, logged(r, tz)) for r in downvotes],
            "days": store.counts_by_day(30, utc_offset_minutes=offset_minutes(tz)),
            "total": store.count("questions"), "n": n, "more": n < MAX_ROWS,
            "full": {"recent": len(recent) == n, "unanswered": len(unanswered) == n, "down": len(downvotes) == n},
            "start": start, "end": end, "zone": tz.key,
            "local": lambda t: local(t, tz),
        }
    except StoreError as e:
        return _page(request, 503, "数据库不可用", str(e))
    return templates_of(request).TemplateResponse(request, "staff.html", ctx)


def neutralise(value: object) -> str:
    """Return a CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@router.get("/staff/export.csv")
def export(request: Request) -> Response:
    """Every question with its answer, citation, understood-as and feedback as CSV, formula-like
    cells neutralised; the same date filter as the page, times in the configured zone."""
    denied = _check(request)
    if denied:
        return denied
    try:
        tz, since, until, _, _ = _filters(request)
    except ValueError as e:
        return _page(request, 400, "日期无效", str(e))
    try:
        rows = store_of(request).export_rows(since, until)
    except StoreError as e:
        return _page(request, 503, "数据库不可用", str(e))
    out = io.StringIO()
    # Times in the staff zone (RAG_TIMEZONE), as on the page.
    cols = ["asked_at", "question", "previous", "answered", "took_ms", "vote", "comment", "feedback_at",
            "answer_id", "answer_text", "citation", "understood", "doc"]
    w = csv.writer(out)
    w.writerow(cols)
    for r in rows:
        cells = r | {"asked_at": local(r["asked_at"], tz), "feedback_at": local(r["feedback_at"], tz)}
        w.writerow([neutralise(cells[c]) for c in cols])
    # A BOM so spreadsheet programs read the Chinese text as UTF-8.
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="guideqa-questions.csv"'})
