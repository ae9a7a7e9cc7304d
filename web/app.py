"""The web app: FastAPI + Jinja2 over the `rag` engine. Routes only call rag and render."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from rag.engine import Engine
from rag.reindex import Reindexer
from rag.settings import Settings
from web import answering
from web.app_state import EngineHolder, settle_heap
from web.errors import install_error_handlers
from web.guard import install_guards
from web.limits import SignInThrottle
from web.store import open_store
from web.store.questionlog import QuestionLog

HERE = Path(__file__).parent


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    """Return the app; without an engine one is opened (building the index if needed) at start."""
    settings = settings or (engine.settings if engine else Settings.from_env())
    holder = EngineHolder(engine, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        holder.get().warm_up()  # load the model and index, and run them once, before the first request
        settle_heap()
        yield
        answering.shutdown()
        app.state.question_log.close()  # write what is still queued, if the database allows
        app.state.store.close()

    app = FastAPI(title="GuideQA 指南问答", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.holder = holder
    app.state.settings = settings
    app.state.store = open_store(settings)
    app.state.question_log = QuestionLog(app.state.store)
    app.state.staff_token = os.environ.get("RAG_STAFF_TOKEN", "")
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.reindexer = Reindexer(settings)  # staff add/remove guides: rebuilds in the background
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    install_guards(app, settings)
    app.state.signin = SignInThrottle()
    if settings.trusted_proxies:  # outermost: the guards see the client the proxy names
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    from web import api, guides, pages, staff, staff_aliases, staff_guides

    api.install_error_handlers(app)
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(staff.router)
    app.include_router(staff_guides.router)
    app.include_router(staff_aliases.router)
    app.include_router(guides.router)
    return app


def app_factory() -> FastAPI:
    """Entry point for uvicorn workers (each process opens its own engine)."""
    return create_app()


def serve(host: str, port: int, settings: Settings | None = None, workers: int = 1,
          engine: Engine | None = None) -> None:
    """Run the app with uvicorn, bounded (web/server.py); several workers share the index and the database."""
    import uvicorn

    options = uvicorn_options(settings or (engine.settings if engine else Settings.from_env()))
    if workers > 1:
        # Two cores: one torch thread per worker process avoids oversubscription.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        uvicorn.run("web.app:app_factory", factory=True, host=host, port=port, workers=workers, **options)
    else:
        uvicorn.run(create_app(engine, settings), host=host, port=port, **options)


def uvicorn_options(settings: Settings) -> dict:
    """Return uvicorn's options: the server's limits (web/server.py) and a bounded graceful shutdown.

    On SIGTERM uvicorn waits for requests in flight; an answer is abandoned at its budget, so
    waiting one second past it is enough, and then what is left is closed: stopping is bounded.
    """
    from web.server import server_options

    return server_options(settings) | {"timeout_graceful_shutdown": int(settings.answer_budget_s) + 1}
