"""Staff replace a guide's aliases file: upload → checked preview → confirm → background rebuild.

The same steps as adding a guide (web/staff_guides.py): the upload is kept in the data folder
until its rebuild succeeds or staff discard it, the index in service answers meanwhile, and the
file it replaces is kept under data/removed. Behind the staff token; forms are same-origin POSTs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from rag import staging
from rag.aliases import aliases_path
from rag.aliases_check import MAX_ALIASES_BYTES, AliasesCheck, check_aliases
from rag.ingest import IngestError, find_guide
from rag.reindex import Busy
from web.app_state import engine_of, templates_of
from web.staff import _check, _page

router = APIRouter(include_in_schema=False)
NO_UPLOAD = "这个上传不存在或已处理 (no such upload)."


def _uploads(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.settings.data_dir / "alias-uploads"


def _check_for(request: Request, doc: str, data: bytes) -> AliasesCheck:
    """Check a file against the loaded guide `doc`: its project titles and its text."""
    engine = engine_of(request)
    guide = engine.documents[doc]
    return check_aliases(data, [p.title for p in guide.projects], engine.texts[doc])


def _guide(request: Request, doc: str) -> Response | None:
    """Return a 404 page unless `doc` is a loaded guide."""
    if doc not in engine_of(request).documents:
        return _page(request, 404, "找不到指南", f"没有编号为 “{doc[:200]}” 的指南。")
    return None


@router.get("/staff/guides/aliases/{doc}")
def aliases_page(request: Request, doc: str) -> Response:
    """The guide's aliases file as it stands (checked), the upload form and uploads awaiting confirmation."""
    denied = _check(request) or _guide(request, doc)
    if denied:
        return denied
    try:
        path = aliases_path(find_guide(doc, request.app.state.settings.corpus_dir))
    except IngestError:
        return _page(request, 404, "找不到指南", f"指南库中没有 “{doc}” 的文件 (not in the corpus).")
    current = _check_for(request, doc, path.read_bytes()) if path.is_file() else None
    pending = [(t, m) for t, m in staging.pending(_uploads(request)) if m.get("doc") == doc]
    return templates_of(request).TemplateResponse(request, "staff_aliases.html", {
        "guide": engine_of(request).documents[doc], "file": path.name, "check": current, "pending": pending,
        "max_kb": MAX_ALIASES_BYTES // 1024, "pv": None})


@router.post("/staff/guides/aliases/{doc}/upload")
async def aliases_upload(request: Request, doc: str, file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Keep the uploaded file in the data folder, then show it checked."""
    denied = _check(request) or _guide(request, doc)
    if denied:
        return denied
    if file is None or not file.filename:
        return _page(request, 400, "没有文件", "请选择要上传的别名文件 (no file chosen).")
    data = await file.read(MAX_ALIASES_BYTES + 1)
    try:
        token = staging.stage_aliases(_uploads(request), doc, data, MAX_ALIASES_BYTES)
    except staging.UploadError as e:
        return _page(request, e.status, "无法接收这个文件", str(e))
    return RedirectResponse(f"/staff/guides/aliases/{doc}/upload/{token}", status_code=303)


def _staged(request: Request, doc: str, token: str):  # type: ignore[no-untyped-def]
    path, meta = staging.staged_file(_uploads(request), token)
    if meta.get("doc") != doc:
        raise KeyError(token)
    return path, meta


@router.get("/staff/guides/aliases/{doc}/upload/{token}")
def aliases_preview(request: Request, doc: str, token: str) -> Response:
    """What the file maps, every error with its line, warnings; confirm only when it has no error."""
    denied = _check(request) or _guide(request, doc)
    if denied:
        return denied
    try:
        path, meta = _staged(request, doc, token)
    except KeyError:
        return _page(request, 404, "找不到上传", NO_UPLOAD)
    pv = _check_for(request, doc, path.read_bytes())
    return templates_of(request).TemplateResponse(
        request, "staff_aliases.html",
        {"guide": engine_of(request).documents[doc], "pv": pv, "meta": meta, "token": token,
         "source": path.read_bytes().decode("utf-8-sig", errors="replace").splitlines()},
        status_code=422 if not pv.ok else 200)


@router.post("/staff/guides/aliases/{doc}/upload/{token}/confirm")
def aliases_confirm(request: Request, doc: str, token: str) -> Response:
    """Install the file as the guide's aliases and rebuild in the background."""
    denied = _check(request) or _guide(request, doc)
    if denied:
        return denied
    uploads = _uploads(request)
    try:
        path, _meta = _staged(request, doc, token)
    except KeyError:
        return _page(request, 404, "找不到上传", NO_UPLOAD)
    holder = request.app.state.holder
    try:
        job = request.app.state.reindexer.set_aliases(doc, path, holder.get(), holder.install,
                                                      on_success=lambda: staging.discard(uploads, token))
    except Busy as e:
        return _page(request, 409, "请稍候", str(e))
    except (IngestError, ValueError) as e:
        return _page(request, 422, "无法使用这个别名文件", str(e))
    return RedirectResponse(f"/staff/guides/jobs/{job.id}", status_code=303)


@router.post("/staff/guides/aliases/{doc}/upload/{token}/discard")
def aliases_discard(request: Request, doc: str, token: str) -> Response:
    denied = _check(request)
    if denied:
        return denied
    try:
        _staged(request, doc, token)
        staging.discard(_uploads(request), token)
    except KeyError:
        return _page(request, 404, "找不到上传", NO_UPLOAD)
    return RedirectResponse(f"/staff/guides/aliases/{doc}", status_code=303)
