"""The HTML pages: the chat (with and without JavaScript) and the document view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rag.errors import QuestionTooComplex, StoreError
from web.api import save_feedback
from web.app_state import client_of, engine_of, log_of, templates_of
from web.store import VoteTaken
from web.view import blocks, card, parse_hl

ALREADY_VOTED = "这个回答已经反馈过了 (this answer already has your vote)"

router = APIRouter(include_in_schema=False)

EXAMPLES = ["项目四出资要求", "卫星互联网项目要培养几个博士", "实施周期多久", "How long is project 3?",
            "智驾项目谁能申报", "申报截止时间是什么时候"]


def _answer(request: Request, question: str, previous: str | None) -> dict:
    """Ask, log and return the card context, or an error message for the page."""
    engine = engine_of(request)
    # The page carries the last question as understood: cut like a question, whatever was sent.
    previous = (previous or "")[: engine.settings.max_question_chars]
    try:
        ans = engine.ask(question, previous=previous or None)
    except QuestionTooComplex as e:  # over the time budget: the page says so, the worker goes on
        return {"error": str(e), "question": question, "status": 503}
    except ValueError as e:
        return {"error": str(e), "question": question}
    ctx = card(ans, engine.documents)
    # None only when the question could not even be queued: the answer shows without feedback buttons.
    ctx["id"] = log_of(request).record(ans, previous, client_of(request))
    return ctx


def _status(result: dict | None) -> int:
    """Return the page's status: 200, 422 for a question that cannot be asked, 503 if over budget."""
    return int(result.get("status", 422)) if result and "error" in result else 200


def _context(result: dict | None) -> str:
    """Return what a follow-up on this page continues from: the question as the engine read it."""
    a = (result or {}).get("answer")
    return (a.resolved or a.question) if a else ""


def _chat(request: Request, result: dict | None = None, flash: str = "", status: int = 200) -> Response:
    return templates_of(request).TemplateResponse(
        request, "chat.html",
        {"examples": EXAMPLES, "result": result, "flash": flash, "status": engine_of(request).status(),
         "previous": _context(result)},
        status_code=status,
    )


@router.get("/", response_class=HTMLResponse)
def chat(request: Request, q: str | None = None, previous: str | None = None, thanks: int = 0) -> Response:
    result = _answer(request, q, previous) if q is not None else None
    return _chat(request, result, "谢谢您的反馈！" if thanks else "", _status(result))


@router.post("/", response_class=HTMLResponse)
def chat_form(request: Request, question: Annotated[str, Form()] = "",
              previous: Annotated[str, Form()] = "") -> Response:
    result = _answer(request, question, previous)
    return _chat(request, result, status=_status(result))


@router.post("/fragment/answer", response_class=HTMLResponse)
def fragment(request: Request, question: Annotated[str, Form()] = "",
             previous: Annotated[str, Form()] = "") -> Response:
    """Return one rendered answer card, for the page's script to append."""
    result = _answer(request, question, previous)
    return templates_of(request).TemplateResponse(
        request, "_answer_card.html", {"result": result}, status_code=_status(result))


@router.post("/feedback")
def feedback_form(request: Request, answer_id: Annotated[str, Form()], vote: Annotated[str, Form()],
                  comment: Annotated[str, Form()] = "") -> Response:
    if (vote not in ("up", "down") or len(comment) > request.app.state.settings.max_comment_chars
            or not 0 < len(answer_id) <= 64):
        return _chat(request, {"error": "反馈无效 (invalid feedback)"}, status=422)
    try:
        save_feedback(request, answer_id, vote, comment.strip() or None)
    except KeyError:
        return _chat(request, {"error": "没有这个回答 (unknown answer)"}, status=404)
    except VoteTaken:
        return _chat(request, {"error": ALREADY_VOTED}, status=409)
    except StoreError:
        return _chat(request, {"error": "反馈暂时无法保存，请稍后再试"}, status=503)
    return RedirectResponse("/?thanks=1", status_code=303)


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str, hl: str | None = None) -> Response:
    engine = engine_of(request)
    doc = engine.documents.get(doc_id)
    if doc is None:
        return templates_of(request).TemplateResponse(
            request, "message.html", {"title": "找不到文档", "message": f"没有编号为 “{doc_id}” 的指南。"},
            status_code=404)
    try:
        span = parse_hl(hl, len(doc.text))
    except ValueError as e:
        return templates_of(request).TemplateResponse(
            request, "message.html", {"title": "参数错误", "message": str(e)}, status_code=400)
    return templates_of(request).TemplateResponse(
        request, "doc.html", {"doc": doc, "blocks": blocks(doc, span), "hl": span})
