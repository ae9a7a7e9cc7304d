"""The help-desk staff view behind RAG_STAFF_TOKEN: recent, unanswered and 👎 questions, CSV export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from rag.errors import StoreError
from web.app_state import store_of, templates_of
from web.csvsafe import neutralise, write_csv  # noqa: F401  (neutralise: the export's cell rule)
from web.session import check as _check
from web.session import login as _login
from web.session import logout as _logout
from web.session import page as _page

router = APIRouter(include_in_schema=False)


@router.post("/staff/login")
def login(request: Request, token: Annotated[str, Form()] = "") -> Response:
    """Sign in with the token typed into the form (throttled); the cookie is signed, never the token."""
    return _login(request, token)


@router.post("/staff/logout")
def logout(request: Request) -> Response:
    """Sign out: drop the session cookie."""
    return _logout(request)


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
    cols = ["asked_at", "question", "previous", "answered", "took_ms", "vote", "comment", "feedback_at",
            "answer_id", "answer_text", "citation", "understood", "doc"]
    # A BOM so spreadsheet programs read the Chinese text as UTF-8.
    return Response("\ufeff" + write_csv(cols, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="guideqa-questions.csv"'})
