"""The help-desk staff view behind RAG_STAFF_TOKEN: recent, unanswered and 👎 questions, CSV export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from rag.store import StoreError
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
        ctx = {"recent": store.recent(50), "unanswered": store.unanswered(50), "downvotes": store.downvotes(50),
               "days": store.counts_by_day(30), "total": store.count("questions")}
    except StoreError as e:
        return _page(request, 503, "数据库不可用", str(e))
    return templates_of(request).TemplateResponse(request, "staff.html", ctx)


@router.get("/staff/export.csv")
def export(request: Request) -> Response:
    """Every question with its feedback as CSV, formula-like cells neutralised."""
    denied = _check(request)
    if denied:
        return denied
    try:
        rows = store_of(request).export_rows()
    except StoreError as e:
        return _page(request, 503, "数据库不可用", str(e))
    cols = ["asked_at", "question", "previous", "answered", "took_ms", "vote", "comment", "feedback_at"]
    # A BOM so spreadsheet programs read the Chinese text as UTF-8.
    return Response("\ufeff" + write_csv(cols, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="guideqa-questions.csv"'})
