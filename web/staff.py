"""The help-desk staff view behind RAG_STAFF_TOKEN: recent, unanswered and 👎 questions, CSV export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from rag.errors import StoreError
from rag.settings import zone
from web.app_state import engine_of, store_of, templates_of
from web.csvsafe import write_csv
from web.helpdesk import bounds, local, logged, offset_minutes
from web.session import check as _check
from web.session import login as _login
from web.session import logout as _logout
from web.session import page as _page

router = APIRouter(include_in_schema=False)
# The lists show 50 rows, and up to this many on "显示更多".
MAX_ROWS = 1000


@router.post("/staff/login")
def login(request: Request, token: Annotated[str, Form()] = "") -> Response:
    """Sign in with the token typed into the form (throttled); the cookie is signed, never the token."""
    return _login(request, token)


@router.post("/staff/logout")
def logout(request: Request) -> Response:
    """Sign out: drop the session cookie."""
    return _logout(request)


def _filters(request: Request) -> tuple[ZoneInfo, datetime | None, datetime | None, str, str]:
    """Return the staff zone and the date filter's UTC window (and its days, for the form)."""
    tz = zone(request.app.state.settings.timezone)
    return (tz, *bounds(request.query_params.get("from"), request.query_params.get("to"), tz))


def _guide(request: Request) -> str:
    """Return the guide filter (`?guide=` a guide id, '' for all); ValueError when it is malformed.

    A guide no longer loaded is still a valid filter: its questions stay in the log after removal.
    """
    guide = request.query_params.get("guide", "").strip()
    if len(guide) > 200 or "," in guide:
        raise ValueError("指南筛选无效")
    return guide


def _titles(request: Request) -> dict[str, str]:
    """Return each loaded guide's title by id (a removed guide shows by its id)."""
    return {d: doc.title for d, doc in engine_of(request).documents.items()}


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
        guide = _guide(request)
    except ValueError as e:
        return _page(request, 400, "筛选无效", str(e))
    try:
        recent = store.recent(n, since, until, guide)
        unanswered = store.unanswered_grouped(n, since, until, guide)
        downvotes = store.downvotes(n, since, until, guide)
        ctx = {
            "recent": [logged(r, tz) for r in recent],
            "unanswered": [(r["times"], r["question"], local(r["last_asked"], tz)) for r in unanswered],
            "downvotes": [(r, logged(r, tz)) for r in downvotes],
            "days": store.counts_by_day(30, utc_offset_minutes=offset_minutes(tz)),
            "total": store.count("questions"), "n": n, "more": n < MAX_ROWS,
            "full": {"recent": len(recent) == n, "unanswered": len(unanswered) == n, "down": len(downvotes) == n},
            "start": start, "end": end, "zone": tz.key, "guide": guide, "titles": _titles(request),
            "local": lambda t: local(t, tz),
        }
    except StoreError as e:
        return _page(request, 503, "数据库不可用", str(e))
    return templates_of(request).TemplateResponse(request, "staff.html", ctx)




@router.get("/staff/export.csv")
def export(request: Request) -> Response:
    """Every question with its answer, citation, understood-as and feedback as CSV, formula-like
    cells neutralised; the same date filter as the page, times in the configured zone."""
    denied = _check(request)
    if denied:
        return denied
    try:
        tz, since, until, _, _ = _filters(request)
        guide = _guide(request)
    except ValueError as e:
        return _page(request, 400, "筛选无效", str(e))
    try:
        rows = store_of(request).export_rows(since, until, guide)
    except StoreError as e:
        return _page(request, 503, "数据库不可用", str(e))
    # Times in the staff zone (RAG_TIMEZONE), as on the page.
    # scope_doc: the guide the question was asked of ('' = all guides); answer_docs: the guides the
    # answer cites, ';'-separated; *_title: their titles as loaded now (a removed guide: its id).
    cols = ["asked_at", "question", "previous", "answered", "took_ms", "vote", "comment", "feedback_at",
            "answer_id", "answer_text", "citation", "understood", "doc", "scope_doc", "scope_title",
            "answer_docs", "answer_titles"]
    titles = _titles(request)
    docs = [[d for d in (r.get("answer_docs") or "").split(",") if d] for r in rows]
    rows = [r | {"asked_at": local(r["asked_at"], tz), "feedback_at": local(r["feedback_at"], tz),
                 "scope_title": titles.get(r["scope_doc"], r["scope_doc"]) if r.get("scope_doc") else "",
                 "answer_docs": ";".join(ds), "answer_titles": ";".join(titles.get(d, d) for d in ds)}
            for r, ds in zip(rows, docs, strict=True)]
    # A BOM so spreadsheet programs read the Chinese text as UTF-8.
    return Response("\ufeff" + write_csv(cols, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="guideqa-questions.csv"'})
