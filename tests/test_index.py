"""The index on disk: manifest, staleness, corruption, interrupted builds, BM25-only serving."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rag import index as idx
from rag.encoder import HashEncoder
from rag.engine import Engine
from tests.conftest import make_settings


def open_engine(tmp: Path, **kw: object) -> Engine:
    return Engine.open(make_settings(tmp), encoder=HashEncoder(), **kw)  # type: ignore[arg-type]


def test_manifest_records_inputs(tmp_path: Path) -> None:
    e = open_engine(tmp_path)
    m = e.manifest
    assert m["model"] == HashEncoder().name and m["chunks"] == 49
    assert m["corpus"] == idx.corpus_hash(e.settings.corpus_dir)
    assert {"rank-bm25", "jieba", "faiss-cpu"} <= set(m["versions"])
    assert set(m["files"]) >= {"documents.json", "tokens.json", "sections.faiss", "clauses.npy"}


def test_reopen_reuses_the_build(tmp_path: Path) -> None:
    first = open_engine(tmp_path).build_dir
    assert open_engine(tmp_path).build_dir == first


def test_corpus_change_makes_the_index_stale(tmp_path: Path) -> None:
    e = open_engine(tmp_path)
    guide = next(e.settings.corpus_dir.glob("*.txt"))
    guide.write_text(guide.read_text(encoding="utf-8").replace("不低于 3000", "不低于 3600"), encoding="utf-8")
    e2 = open_engine(tmp_path)
    assert e2.build_dir != e.build_dir
    assert "3600" in e2.ask("项目四出资要求").answer
    with pytest.raises(idx.IndexError_, match="stale"):
        guide.write_text(guide.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        Engine.open(e.settings, encoder=HashEncoder(), build_if_needed=False)


@pytest.mark.parametrize("victim", ["tokens.json", "documents.json", "clauses.npy", "manifest.json"])
def test_corrupt_artifact_is_detected_and_rebuilt(tmp_path: Path, victim: str) -> None:
    e = open_engine(tmp_path)
    path = e.build_dir / victim
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # truncated
    with pytest.raises(idx.IndexError_):
        Engine.open(e.settings, encoder=HashEncoder(), build_if_needed=False)
    e2 = open_engine(tmp_path)
    assert e2.build_dir != e.build_dir and e2.ask("项目四出资要求").answered


def test_interrupted_build_leaves_previous_index(tmp_path: Path) -> None:
    e = open_engine(tmp_path)
    # What a build killed midway leaves behind: a half-written temporary folder, CURRENT untouched.
    junk = e.settings.index_dir / "builds" / ".tmp-deadbeef"
    junk.mkdir()
    (junk / "tokens.json").write_text("{")
    assert open_engine(tmp_path).build_dir == e.build_dir


def test_missing_model_serves_bm25_with_a_reason(tmp_path: Path) -> None:
    s = make_settings(tmp_path, embed_model=str(tmp_path / "no-such-model"))
    e = Engine.open(s)
    st = e.status()
    assert not st.dense and "does not exist" in st.dense_reason
    a = e.ask("项目四出资要求")
    assert a.answered and "3000" in a.answer and "BM25" in a.note


def test_bm25_backends_agree(tmp_path: Path) -> None:
    a = Engine.open(make_settings(tmp_path / "a", bm25_backend="rank_bm25"), use_model=False)
    b = Engine.open(make_settings(tmp_path / "b", bm25_backend="bm25s"), use_model=False)
    for q in ["卫星互联网项目要培养几个博士", "项目五垃圾识别准确率", "智驾项目的示范汽车数量", "文旅数字人"]:
        assert a.ask(q).answer == b.ask(q).answer, q


def test_build_writes_atomically_and_keeps_two(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    names = [idx.build(s, None).name for _ in range(3)]
    builds = sorted(p.name for p in (s.index_dir / "builds").iterdir())
    assert builds == sorted(names[-2:])
    assert (s.index_dir / "CURRENT").read_text() == names[-1]
    assert not [p for p in s.index_dir.iterdir() if p.name.startswith(".CURRENT")]
    assert json.loads((s.index_dir / "builds" / names[-1] / "manifest.json").read_text())["model"] is None
    assert os.access(s.index_dir / "CURRENT", os.R_OK)


def test_running_engine_keeps_serving_and_picks_up_new_builds(tmp_path: Path) -> None:
    e = open_engine(tmp_path)
    guide = next(e.settings.corpus_dir.glob("*.txt"))
    guide.write_text(guide.read_text(encoding="utf-8").replace("不低于 3000", "不低于 3600"), encoding="utf-8")
    # Edited under a running server: still answers from the last good index, and says it is stale.
    assert "3000" in e.ask("项目四出资要求").answer
    assert "rag build" in e.status().stale
    assert e.refreshed() is e
    idx.build(e.settings, HashEncoder())
    e2 = e.refreshed()
    assert e2 is not e and "3600" in e2.ask("项目四出资要求").answer and not e2.status().stale
    # A broken new build is not loaded: the last good engine keeps serving.
    (e2.build_dir / "tokens.json").write_text("{}")
    (e.settings.index_dir / "CURRENT").write_text(e2.build_dir.name + "-missing")
    assert e2.refreshed() is e2
