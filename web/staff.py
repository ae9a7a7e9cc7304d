"""The help-desk staff view behind RAG_STAFF_TOKEN: recent, unanswered and 👎 questions, CSV export."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from rag.errors import StoreError
from web.app_state import store_of, templates_of

router = APIRouter(include_in_schema=False)
COOKIE = "guideqa_staff"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


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


@router.get("/staff")
def staff(request: Request) -> Response:
    """Recent, unanswered and 👎 questions with comments, and counts by day."""
    denied = _check(request)
    if denied:
        return denied
    store = store_of(request)
    try:
        ctx = {"recent": local(store.recent(50)), "unanswered": local(store.unanswered(50)),
               "downvotes": local(store.downvotes(50)),
               "days": store.counts_by_day(30, utc_offset_minutes=_offset_minutes()), "total": store.count("questions")}
    except StoreError as e:
        return _page(request, 503, "数据库不可用", str(e))
    return templates_of(request).TemplateResponse(request, "staff.html", ctx)


def _offset_minutes() -> int:
    offset = datetime.now().astimezone().utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def local(rows: list[dict]) -> list[dict]:
    """Return rows with their times (stored in UTC) as this server's local time, to the second."""
    return [{k: v.astimezone().strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v
             for k, v in r.items()} for r in rows]


def neutralise(value: object) -> str:
    """Return a CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@router.get("/staff/export.csv")
def export(request: Request) -> Response:
    """Every question with its feedback as CSV, formula-like cells neutralised."""
    denied = _check(request)
    if denied:
        return denied
    try:
        rows = local(store_of(request).export_rows())
    except StoreError as e:
        return _page(request, 503, "数据库不可用", str(e))
    out = io.StringIO()
    cols = ["asked_at", "question", "previous", "answered", "took_ms", "vote", "comment", "feedback_at",
            "answer_id", "answer_text", "citation", "understood", "doc"]
    w = csv.writer(out)
    w.writerow(cols)
    for r in rows:
        w.writerow([neutralise(r[c]) for c in cols])
    # A BOM so spreadsheet programs read the Chinese text as UTF-8.
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="guideqa-questions.csv"'})
