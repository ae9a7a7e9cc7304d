"""Staff add and remove guides: upload → preview → confirm → background rebuild → swap; remove likewise.

Every route is behind the staff token (web/staff.py). Forms are plain same-origin POSTs answered
with a redirect, so reload never repeats an action and everything works without JavaScript.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from rag import staging
from rag.ingest import IngestError, corpus_files, doc_id_for, find_guide
from rag.reindex import Busy, Reindexer
from web.app_state import engine_of, templates_of
from web.staff import _check, _page

router = APIRouter(include_in_schema=False)


def _uploads(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.settings.data_dir / "uploads"


def _reindexer(request: Request) -> Reindexer:
    return request.app.state.reindexer


def _see(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


@router.get("/staff/guides")
def guides(request: Request) -> Response:
    """The loaded guides with remove buttons, the upload form, staged uploads and recent rebuilds."""
    denied = _check(request)
    if denied:
        return denied
    engine = engine_of(request)
    files = {doc_id_for(f): f.name for f in corpus_files(request.app.state.settings.corpus_dir)}
    loaded = [{"id": d.id, "title": d.title, "projects": len(d.projects), "file": files.get(d.id, "")}
              for d in engine.documents.values()]
    ctx = {"loaded": loaded, "pending": staging.pending(_uploads(request)), "jobs": _reindexer(request).recent(),
           "pending_aliases": staging.pending(request.app.state.settings.data_dir / "alias-uploads"),
           "max_mb": request.app.state.settings.max_upload_bytes // (1024 * 1024),
           "unindexed": sorted(set(files) - set(engine.documents))}
    return templates_of(request).TemplateResponse(request, "staff_guides.html", ctx)


@router.post("/staff/guides/upload")
async def upload(request: Request, file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Keep the upload in the data folder, then show its preview."""
    denied = _check(request)
    if denied:
        return denied
    if file is None or not file.filename:
        return _page(request, 400, "没有文件", "请选择要上传的指南文件 (no file chosen).")
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    try:
        token = staging.stage(_uploads(request), file.filename, data, limit)
    except staging.UploadError as e:
        return _page(request, e.status, "无法接收这个文件", str(e))
    return _see(f"/staff/guides/upload/{token}")


@router.get("/staff/guides/upload/{token}")
def preview(request: Request, token: str) -> Response:
    """The parsed structure (projects × sections) or the refusal and its line, with confirm/discard."""
    denied = _check(request)
    if denied:
        return denied
    try:
        pv = staging.preview(_uploads(request), token, request.app.state.settings.corpus_dir)
    except KeyError:
        return _page(request, 404, "找不到上传", "这个上传不存在或已处理 (no such upload).")
    return templates_of(request).TemplateResponse(request, "staff_preview.html", {"pv": pv},
                                                  status_code=422 if pv.error else 200)


@router.post("/staff/guides/upload/{token}/confirm")
def confirm(request: Request, token: str) -> Response:
    """Add the staged guide to the corpus and rebuild in the background."""
    denied = _check(request)
    if denied:
        return denied
    uploads = _uploads(request)
    try:
        path, _meta = staging.staged_file(uploads, token)
    except KeyError:
        return _page(request, 404, "找不到上传", "这个上传不存在或已处理 (no such upload).")
    holder = request.app.state.holder
    try:
        job = _reindexer(request).add(path, holder.get(), holder.install,
                                      on_success=lambda: staging.discard(uploads, token))
    except Busy as e:
        return _page(request, 409, "请稍候", str(e))
    except (IngestError, ValueError) as e:  # a conflicting id, or a file that no longer parses
        return _page(request, 422, "无法添加", str(e))
    return _see(f"/staff/guides/jobs/{job.id}")


@router.post("/staff/guides/upload/{token}/discard")
def discard(request: Request, token: str) -> Response:
    denied = _check(request)
    if denied:
        return denied
    try:
        staging.discard(_uploads(request), token)
    except KeyError:
        return _page(request, 404, "找不到上传", "这个上传不存在或已处理 (no such upload).")
    return _see("/staff/guides")


@router.get("/staff/guides/remove/{doc}")
def remove_form(request: Request, doc: str) -> Response:
    """Ask to confirm before a guide is taken out."""
    denied = _check(request)
    if denied:
        return denied
    found = engine_of(request).documents.get(doc)
    if found is None:
        return _page(request, 404, "找不到指南", f"没有编号为 “{doc}” 的指南。")
    return templates_of(request).TemplateResponse(request, "staff_remove.html", {"doc": found})


@router.post("/staff/guides/remove/{doc}")
def remove(request: Request, doc: str) -> Response:
    """Move the guide out of the corpus (kept in the data folder) and rebuild in the background."""
    denied = _check(request)
    if denied:
        return denied
    holder = request.app.state.holder
    try:
        find_guide(doc, request.app.state.settings.corpus_dir)
    except IngestError:
        return _page(request, 404, "找不到指南", f"没有编号为 “{doc}” 的指南。")
    try:
        job = _reindexer(request).remove(doc, holder.get(), holder.install)
    except Busy as e:
        return _page(request, 409, "请稍候", str(e))
    except IngestError as e:
        return _page(request, 422, "无法删除", str(e))
    return _see(f"/staff/guides/jobs/{job.id}")


@router.get("/staff/guides/jobs/{job_id}.json")
def job_json(request: Request, job_id: str) -> Response:
    """A rebuild's progress, for the status page's script."""
    denied = _check(request)
    if denied:
        return JSONResponse({"error": "需要员工口令 (staff token required)"}, status_code=denied.status_code)
    job = _reindexer(request).job(job_id)
    if job is None:
        return JSONResponse({"error": "没有这个任务 (unknown job)"}, status_code=404)
    return JSONResponse(job.to_dict())


@router.get("/staff/guides/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    """A rebuild's progress; without JavaScript, reload the page (its link does) to update."""
    denied = _check(request)
    if denied:
        return denied
    job = _reindexer(request).job(job_id)
    if job is None:
        return _page(request, 404, "找不到任务", "没有这个索引任务 (unknown job).")
    return templates_of(request).TemplateResponse(request, "staff_job.html", {"job": job})
