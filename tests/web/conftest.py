"""An in-process app over the shared fake-encoder engine, with a private data folder per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

TOKEN = "staff-secret-token"


def make_client(engine, data_dir: Path, monkeypatch: pytest.MonkeyPatch, token: str | None = TOKEN,
                **settings: object) -> TestClient:
    from web.app import create_app

    if token is None:
        monkeypatch.delenv("RAG_STAFF_TOKEN", raising=False)
    else:
        monkeypatch.setenv("RAG_STAFF_TOKEN", token)
    engine.settings = replace(engine.settings, data_dir=data_dir, **settings)
    return TestClient(create_app(engine))


@pytest.fixture()
def client(engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    original = engine.settings
    with make_client(engine, tmp_path / "data", monkeypatch, rate_limit=0) as c:
        yield c
    engine.settings = original


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")
