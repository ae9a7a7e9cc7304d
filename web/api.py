"""The JSON API: ask, search, feedback, health. Validation errors are 4xx with a readable message."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from rag.errors import QuestionTooComplex, StoreError, UnknownGuide
from web import answering
from web.app_state import client_of, engine_of, log_of, store_of, templates_of
from web.redact import without_paths
from web.schemas import AskIn, AskOut, FeedbackIn, FeedbackOut, HealthOut, SearchOut, responses
from web.store import VoteTaken

router = APIRouter()


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.post("/api/ask", summary="Answer a question with cited verbatim clauses",
             responses=responses(200, AskOut, 400, 404, 413, 422, 429, 503))
async def ask(body: AskIn, request: Request) -> JSONResponse:
    # Cached answers inline on the event loop, new ones on two answer threads under the time
    # budget (web/answering.py): no question holds the worker.
    engine = engine_of(request)
    try:
        ans = await answering.answer(engine, body.question, body.previous, body.top_k or 3, body.doc or None)
    except QuestionTooComplex as e:
        return error(503, str(e))
    except UnknownGuide as e:
        return error(404, str(e))
    except ValueError as e:
        return error(422, str(e))
    # Written now, or queued while the database is away (web/store/questionlog.py): never a 5xx.
    answer_id = log_of(request).record(ans, body.previous, client_of(request), body.doc or None)
    if answer_id is None:
        # The answer is still good; feedback on it is what cannot be kept, and the reply says so.
        return JSONResponse(ans.to_dict() | {"id": None, "warning": "问题未能记录，无法对此回答反馈 "
                                             "(the question could not be logged; feedback on it is not possible)"})
    return JSONResponse(ans.to_dict() | {"id": answer_id})


@router.get("/api/search", summary="Ranked passages with each retriever's score and rank",
            responses=responses(200, SearchOut, 404, 422))
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=500)],
           k: Annotated[int, Query(ge=1, le=50)] = 10,
           doc: Annotated[str | None, Query(max_length=200)] = None) -> JSONResponse:
    if not q.strip():
        return error(422, "q 不能为空 (q is empty)")
    try:
        hits = engine_of(request).search(q, k, doc=doc or None)
    except UnknownGuide as e:
        return error(404, str(e))
    return JSONResponse({"query": q, "hits": [h.to_dict() for h in hits]})


@router.post("/api/feedback", status_code=201, summary="Vote on an answer, with an optional comment",
             responses=responses(201, FeedbackOut, 400, 404, 409, 413, 422, 503))
def feedback(body: FeedbackIn, request: Request) -> JSONResponse:
    try:
        fid = save_feedback(request, body.answer_id, body.vote, (body.comment or "").strip() or None)
    except KeyError:
        return error(404, "没有这个回答 (unknown answer_id)")
    except VoteTaken:
        return error(409, "这个回答已经反馈过了：每个回答只计一次 (this answer already has a vote)")
    except StoreError as e:
        return error(503, f"反馈暂时无法保存，请稍后再试 (feedback not saved, please retry: {e})")
    return JSONResponse({"ok": True, "id": fid}, status_code=201)


def save_feedback(request: Request, answer_id: str, vote: str, comment: str | None) -> int:
    """Store a vote once the question it is about is written; KeyError, StoreError as the store."""
    log = log_of(request)
    if log.pending(answer_id):  # answered while the database was away: write the question first
        log.flush()
    return store_of(request).add_feedback(answer_id, vote, comment, client_of(request))


@router.get("/healthz", summary="Index, model and corpus status", responses=responses(200, HealthOut))
def healthz(request: Request) -> JSONResponse:
    st = engine_of(request).status()
    return JSONResponse(without_paths(st.to_dict()) | {"mode": "hybrid" if st.dense else "bm25-only",
                                                        "store": store_state(request)})


def store_state(request: Request) -> dict:
    """Return the store's state for /healthz: backend, reachable, schema, the question queue."""
    h = store_of(request).health()
    q = log_of(request).stats()
    return asdict(h) | {"ok": h.ok and q.writing, "questions_pending": q.pending,
                        "questions_dropped": q.dropped, "questions_written_late": q.written_late}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errs):
            return error(400, "请求不是有效的 JSON (body is not valid JSON)")
        parts = []
        for e in errs[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where or 'body'}: {e.get('msg', 'invalid')}")
        return error(422, "请求无效 (invalid request): " + "; ".join(parts))


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> Response:
    """Render the OpenAPI schema as a plain page: Swagger UI would need a CDN, intranets have none."""
    schema = request.app.openapi()
    ops = [
        {"method": m.upper(), "path": p, "summary": op.get("summary", ""),
         "params": [q["name"] for q in op.get("parameters", [])],
         "body": next(iter(op.get("requestBody", {}).get("content", {}).get("application/json", {})
                           .get("schema", {}).values()), "")}
        for p, item in schema["paths"].items() for m, op in item.items()
    ]
    return templates_of(request).TemplateResponse(
        request, "api_docs.html", {"ops": ops, "schemas": schema.get("components", {}).get("schemas", {})})
