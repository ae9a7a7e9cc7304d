"""The guides catalogue: every loaded guide with its projects' funding and period clauses, linked to the text."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.app_state import engine_of, templates_of

router = APIRouter(include_in_schema=False)


@router.get("/guides", response_class=HTMLResponse)
def catalogue(request: Request) -> Response:
    """Every loaded guide on one page, each with its one-page overview."""
    guides = engine_of(request).guides()
    return templates_of(request).TemplateResponse(request, "guides.html", {"guides": guides, "one": None})


@router.get("/guides/{doc}", response_class=HTMLResponse)
def guide(request: Request, doc: str) -> Response:
    """One guide's overview: its general part and every project's funding and period clauses."""
    found = next((g for g in engine_of(request).guides() if g.doc == doc), None)
    if found is None:
        return templates_of(request).TemplateResponse(
            request, "message.html", {"title": "找不到指南", "message": f"没有编号为 “{doc}” 的指南。",
                                      "link": ("/guides", "查看所有指南")}, status_code=404)
    return templates_of(request).TemplateResponse(request, "guides.html", {"guides": [found], "one": found})
