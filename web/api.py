"""The JSON API: ask, search, feedback, health. Validation errors are 4xx with a readable message."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from rag.engine import UnknownGuide
from rag.store import StoreError, VoteTaken
from web.app_state import client_of, engine_of, store_of, templates_of
from web.redact import without_paths
from web.schemas import AskIn, AskOut, FeedbackIn, FeedbackOut, HealthOut, SearchOut, responses

router = APIRouter()


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.post("/api/ask", summary="Answer a question with cited verbatim clauses",
             responses=responses(200, AskOut, 400, 404, 413, 422, 429))
async def ask(body: AskIn, request: Request) -> JSONResponse:
    # Inline on the event loop: an answer is 0.1 ms (cached) to 15 ms (a model call) of CPU. In the
    # thread pool, forty threads fighting for one GIL made p95 four times worse, and handing only
    # new questions to a thread starved them behind cached ones (rag bench, 100 clients).
    engine = engine_of(request)
    try:
        ans = engine.ask(body.question, previous=body.previous, top_k=body.top_k or 3, doc=body.doc or None)
    except UnknownGuide as e:
        return error(404, str(e))
    except ValueError as e:
        return error(422, str(e))
    try:
        answer_id = store_of(request).log_answer(ans, body.previous, client_of(request))
    except StoreError as e:
        # The answer is still good; feedback on it is what cannot be kept, and the reply says so.
        return JSONResponse(ans.to_dict() | {"id": None, "warning": str(e)})
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
        fid = store_of(request).add_feedback(body.answer_id, body.vote, (body.comment or "").strip() or None)
    except KeyError:
        return error(404, "没有这个回答 (unknown answer_id)")
    except VoteTaken:
        return error(409, "这个回答已经反馈过了：每个回答只计一次 (this answer already has a vote)")
    except StoreError as e:
        return error(503, f"反馈暂时无法保存，请稍后再试 (feedback not saved: {e})")
    return JSONResponse({"ok": True, "id": fid}, status_code=201)


@router.get("/healthz", summary="Index, model and corpus status", responses=responses(200, HealthOut))
def healthz(request: Request) -> JSONResponse:
    st = engine_of(request).status()
    return JSONResponse(without_paths(st.to_dict()) | {"mode": "hybrid" if st.dense else "bm25-only"})


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
