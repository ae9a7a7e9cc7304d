"""Accessors for what the app holds, so route modules do not import the app module."""

from __future__ import annotations

from fastapi import Request
from fastapi.templating import Jinja2Templates

from rag.engine import Engine
from rag.store import Store


def engine_of(request: Request) -> Engine:
    return request.app.state.holder.get()


def store_of(request: Request) -> Store:
    return request.app.state.store


def templates_of(request: Request) -> Jinja2Templates:
    return request.app.state.templates
