"""Shared fixtures: the real guide, and engines over a temporary index with a fake encoder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "corpus" / "2023-chongqing-ai-major-projects-batch1.txt"


@pytest.fixture(scope="session")
def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def make_settings(tmp: Path, aliases: bool = True, **overrides: object) -> Settings:
    """Return settings over a private copy of the corpus (with its aliases file), index and data folder."""
    corpus = tmp / "corpus"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        shutil.copy(GUIDE, corpus / GUIDE.name)
        file = GUIDE.with_name(GUIDE.stem + ".aliases.toml")
        if aliases and file.exists():  # the guide's aliases file travels with it
            shutil.copy(file, corpus / file.name)
    return Settings.from_env(corpus_dir=corpus, index_dir=tmp / "index", data_dir=tmp / "data", **overrides)


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory):
    """An engine with the fast deterministic encoder (hybrid path exercised, no model)."""
    from rag.encoder import HashEncoder
    from rag.engine import Engine

    return Engine.open(make_settings(tmp_path_factory.mktemp("engine")), encoder=HashEncoder())


def engine_with_guide(tmp: Path, doc: str, text: str, aliases: bool = True):  # type: ignore[no-untyped-def]
    """Return an engine (fast deterministic encoder) over the first guide and one written in a test."""
    from rag.encoder import HashEncoder
    from rag.engine import Engine

    s = make_settings(tmp, aliases=aliases)
    (s.corpus_dir / f"{doc}.txt").write_text(text, encoding="utf-8")
    return Engine.open(s, encoder=HashEncoder())


@pytest.fixture(scope="session")
def real_model() -> str:
    """The real embedding model's path, or skip (CI always has it: scripts/test sets it)."""
    model = os.environ.get("RAG_EMBED_MODEL", "")
    if not model or not Path(model).exists():
        pytest.skip("RAG_EMBED_MODEL does not point at a local model folder")
    return model


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server for the session (skipped, or failed in CI, when not installed)."""
    from tests.pg import Cluster, require

    require()
    cluster = Cluster()
    yield cluster
    cluster.destroy()


@pytest.fixture()
def pg_url(pg_cluster) -> str:
    """The URL of a new, empty database on the session's PostgreSQL server."""
    return pg_cluster.new_database()
