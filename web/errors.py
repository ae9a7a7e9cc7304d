"""Every error in the documented shape: {"error": …} for the API, the friendly page for people.

FastAPI's defaults answer `{"detail": …}` (an unknown route, a wrong method, a body that is not
UTF-8) and Starlette's last resort answers a 500 as text/plain from outside every middleware, so
without the security headers. These handlers replace both.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from web.guard import SECURITY_HEADERS

_TITLES = {400: "请求无效", 403: "拒绝访问", 404: "找不到页面", 405: "不支持的请求方法", 413: "请求过大",
           422: "请求无效", 429: "请求太频繁", 500: "服务器内部错误", 503: "服务暂不可用"}
_MESSAGES = {400: "请求无法解析：请用 UTF-8 编码的有效 JSON 或表单 (the body could not be parsed)",
             404: "没有这个地址 (not found)", 405: "不支持这个请求方法 (method not allowed)"}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_reply(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Return an error as the caller expects it, with the security headers."""
    if _is_api(request):
        resp: Response = JSONResponse({"error": message}, status_code=status, headers=headers)
    else:
        resp = request.app.state.templates.TemplateResponse(
            request, "message.html", {"title": _TITLES.get(status, "出错了"), "message": message},
            status_code=status, headers=headers)
    for name, value in SECURITY_HEADERS.items():
        resp.headers[name] = value
    if request.url.path.startswith("/staff"):
        resp.headers["Cache-Control"] = "no-store"
    return resp


def install_error_handlers(app: FastAPI) -> None:
    """Answer HTTP errors, invalid forms and unexpected exceptions in the documented shapes."""
    api_invalid = app.exception_handlers.get(RequestValidationError)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = _MESSAGES.get(exc.status_code) or f"请求未处理 ({exc.detail})"
        return error_reply(request, exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request) and api_invalid is not None:
            resp: Response = await api_invalid(request, exc)  # type: ignore[misc]
            return resp
        return error_reply(request, 422, "表单内容无效，请返回重试 (invalid form)")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Starlette logs the exception and re-raises it after this reply is sent.
        return error_reply(request, 500, "服务器内部错误，请稍后再试 (internal error)")
