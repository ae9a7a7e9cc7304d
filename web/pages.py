"""The HTML pages: the chat (with and without JavaScript) and the document view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rag.errors import QuestionTooComplex, StoreError
from web.api import save_feedback
from web.app_state import client_of, engine_of, log_of, store_of, templates_of
from web.store import VoteTaken
from web.view import answer_url, blocks, card, parse_hl, pin, safe_back

ALREADY_VOTED = "这个回答已经反馈过了 (this answer already has your vote)"

router = APIRouter(include_in_schema=False)

EXAMPLES = ["项目四出资要求", "卫星互联网项目要培养几个博士", "实施周期多久", "How long is project 3?",
            "智驾项目谁能申报", "申报截止时间是什么时候"]


def _answer(request: Request, question: str, previous: str | None, known_id: str | None = None,
            doc: str = "") -> dict:
    """Ask (within one guide when `doc` names one) and return the card context, or an error message.

    The answer is logged unless `known_id` is this very question, already logged (checked by
    the caller): a reload or a shared link of one answer is not a new question.
    """
    engine = engine_of(request)
    # The page carries the last question as understood: cut like a question, whatever was sent.
    previous = (previous or "").strip()[: engine.settings.max_question_chars]
    try:
        ans = engine.ask(question, previous=previous or None, doc=doc or None)
    except QuestionTooComplex as e:  # over the time budget: the page says so, the worker goes on
        return {"error": str(e), "question": question, "status": 503}
    except ValueError as e:
        return {"error": str(e), "question": question}
    answer_id = known_id
    if not known_id:
        # None only when the question could not even be queued: the answer shows without feedback buttons.
        answer_id = log_of(request).record(ans, previous or None, client_of(request), doc or None)
    # With several guides loaded and none chosen, each citation names its guide.
    return card(ans, engine.documents, previous, answer_id, doc) | {"doc": doc, "many": len(engine.documents) > 1}


def _is_logged(request: Request, answer_id: str, question: str, previous: str) -> bool:
    """Return True when `answer_id` is this question with this context, already logged (or queued)."""
    if len(answer_id) > 64:
        return False
    if log_of(request).pending(answer_id):
        return True  # answered while the database was away: the redirect just gave this id
    try:
        row = store_of(request).question(answer_id)
    except StoreError:
        return False
    return row is not None and row["question"] == question.strip() and (row["previous"] or "") == previous.strip()


def _status(result: dict | None) -> int:
    """Return the page's status: 200, 422 for a question that cannot be asked, 503 if over budget."""
    return int(result.get("status", 422)) if result and "error" in result else 200


def _context(result: dict | None) -> str:
    """Return what a follow-up on this page continues from: the question as the engine read it."""
    a = (result or {}).get("answer")
    return (a.resolved or a.question) if a else ""


def guide_title(request: Request) -> str:
    """Return the guide's title when exactly one guide is loaded (several guides: the picker names it)."""
    docs = engine_of(request).documents
    return next(iter(docs.values())).title if len(docs) == 1 else ""


def _chat(request: Request, result: dict | None = None, flash: str = "", status: int = 200,
          voted: bool = False, doc: str = "") -> Response:
    settings = request.app.state.settings
    engine = engine_of(request)
    guides = [(d.id, d.title) for d in engine.documents.values()]
    return templates_of(request).TemplateResponse(
        request, "chat.html",
        {"examples": EXAMPLES, "result": result, "flash": flash, "status": engine.status(),
         "previous": _context(result), "typed": (result or {}).get("question", "") if result and "error" in result else "",
         "guide_title": guide_title(request), "helpdesk": settings.helpdesk_contact, "notice_url": settings.notice_url,
         "voted": voted, "guides": guides, "doc": doc, "doc_title": engine.documents[doc].title if doc else ""},
        status_code=status,
    )


def _unknown_guide(request: Request, doc: str) -> Response | None:
    """Return a 404 page when `doc` names no loaded guide ("" means all guides)."""
    if not doc or doc in engine_of(request).documents:
        return None
    return templates_of(request).TemplateResponse(
        request, "message.html", {"title": "找不到指南", "message": f"没有编号为 “{doc[:100]}” 的指南。",
                                  "link": ("/guides", "查看指南目录")}, status_code=404)


@router.get("/", response_class=HTMLResponse)
def chat(request: Request, q: str | None = None, previous: str | None = None, a: str | None = None,
         voted: int = 0, doc: str = "") -> Response:
    unknown = _unknown_guide(request, doc)
    if unknown:
        return unknown
    previous = (previous or "")[:500]
    if q is not None and a is not None and not _is_logged(request, a, q, previous):
        # Not the answer it names: ask afresh at the address without it (rate limited, logged).
        return RedirectResponse(answer_url(q, previous, doc=doc), status_code=303)
    result = _answer(request, q, previous, a, doc) if q is not None else None
    return _chat(request, result, status=_status(result),
                 voted=bool(voted and result and result.get("id") == a), doc=doc)


@router.post("/", response_class=HTMLResponse)
def chat_form(request: Request, question: Annotated[str, Form()] = "",
              previous: Annotated[str, Form()] = "", doc: Annotated[str, Form()] = "") -> Response:
    """Answer the form, then redirect to the answer's own address (POST-redirect-GET: reload is safe)."""
    unknown = _unknown_guide(request, doc)
    if unknown:
        return unknown
    result = _answer(request, question, previous[:500], doc=doc)
    if "error" in result:
        return _chat(request, result, status=_status(result), doc=doc)
    if not result["id"]:
        return _chat(request, result, doc=doc)  # not stored: show it here, there is no address to return to
    return RedirectResponse(f"{result['url']}#a-{result['id']}", status_code=303)


@router.post("/fragment/answer", response_class=HTMLResponse)
def fragment(request: Request, question: Annotated[str, Form()] = "",
             previous: Annotated[str, Form()] = "", doc: Annotated[str, Form()] = "") -> Response:
    """Return one rendered answer card, for the page's script to append."""
    if doc and doc not in engine_of(request).documents:
        result = {"error": f"没有编号为 “{doc[:100]}” 的指南 (unknown guide)"}
        return templates_of(request).TemplateResponse(request, "_answer_card.html", {"result": result},
                                                      status_code=404)
    result = _answer(request, question, previous[:500], doc=doc)
    settings = request.app.state.settings
    return templates_of(request).TemplateResponse(
        request, "_answer_card.html",
        {"result": result, "helpdesk": settings.helpdesk_contact, "notice_url": settings.notice_url},
        status_code=_status(result))


@router.post("/feedback")
def feedback_form(request: Request, answer_id: Annotated[str, Form()], vote: Annotated[str, Form()],
                  comment: Annotated[str, Form()] = "") -> Response:
    """Keep a vote, then return to the answer voted on (without JavaScript; the script uses the API)."""
    if (vote not in ("up", "down") or len(comment) > request.app.state.settings.max_comment_chars
            or not 0 < len(answer_id) <= 64):
        return _chat(request, {"error": "反馈无效 (invalid feedback)"}, status=422)
    store = store_of(request)
    try:
        save_feedback(request, answer_id, vote, comment.strip() or None)
        row = store.question(answer_id)
    except KeyError:
        return _chat(request, {"error": "没有这个回答 (unknown answer)"}, status=404)
    except VoteTaken:
        return _chat(request, {"error": ALREADY_VOTED}, status=409)
    except StoreError:
        return _chat(request, {"error": "反馈暂时无法保存，请稍后再试"}, status=503)
    if row is None:
        return RedirectResponse("/", status_code=303)
    url = answer_url(row["question"], row["previous"] or "", answer_id)
    return RedirectResponse(f"{url}&voted=1#a-{answer_id}", status_code=303)


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str, hl: str | None = None, back: str | None = None) -> Response:
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
        request, "doc.html", {"doc": doc, "blocks": blocks(doc, span), "hl": span, "pin": pin(doc, span),
                              "back": safe_back(back), "guide_title": guide_title(request)})
