"""The real multilingual e5 model end to end (CI runs these; skipped without a local model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import make_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_engine(real_model: str, tmp_path_factory: pytest.TempPathFactory):
    from rag.encoder import load_encoder
    from rag.engine import Engine

    tmp: Path = tmp_path_factory.mktemp("real")
    settings = make_settings(tmp, embed_model=real_model)
    return Engine.open(settings, encoder=load_encoder(real_model, settings.embed_quantize))


def test_the_loaded_model_cache_gives_the_same_vectors(real_engine, real_model: str, tmp_path: Path) -> None:
    from rag.encoder import load_encoder

    first = load_encoder(real_model, True, tmp_path)  # loads the folder, keeps the result
    assert len(list(tmp_path.glob("*.model.pt"))) == 1
    second = load_encoder(real_model, True, tmp_path)  # starts from the kept file
    qs = ["项目四出资要求", "How long is project 3?"]
    assert np.array_equal(first.encode(qs, kind="query"), second.encode(qs, kind="query"))
    assert np.allclose(second.encode(qs, kind="query"), real_engine.encoder.encode(qs, kind="query"), atol=1e-5)


def test_int8_encoder_stays_close_to_float32(real_engine, real_model: str) -> None:
    from rag.encoder import QUANTIZED_SUFFIX, encoder_name, load_encoder
    from rag.index import is_fresh

    int8 = real_engine.encoder
    assert int8.name == real_model + QUANTIZED_SUFFIX  # the manifest tells the two indexes apart
    # `rag serve --workers N` decides from the name alone whether its parent must build first.
    assert is_fresh(real_engine.settings, encoder_name(real_model, True))
    assert not is_fresh(real_engine.settings, encoder_name(real_model, False))
    fp32 = load_encoder(real_model, quantize=False)
    assert fp32.name == real_model
    qs = ["项目四出资要求", "卫星互联网项目要培养几个博士", "How long is project 3?", "申报单位需要什么资质",
          "項目六的考核指標", "这个专项一共支持几个项目"]
    a, b = int8.encode(qs, kind="query"), fp32.encode(qs, kind="query")
    cos = (a * b).sum(axis=1)
    assert cos.min() > 0.95, cos
    # Each question is still nearest its own float32 embedding.
    assert list((a @ b.T).argmax(axis=1)) == list(range(len(qs)))


def test_model_loads_with_e5_prompts(real_engine) -> None:
    enc = real_engine.encoder
    assert real_engine.status().dense and enc.dim == 384
    assert enc.prefix == {"query": "query: ", "passage": "passage: "}
    v = enc.encode(["项目四出资要求", "How much funding does project 4 get?"], kind="query")
    assert v.shape == (2, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    # Multilingual: the Chinese and English question are near each other.
    assert float(v[0] @ v[1]) > 0.8


@pytest.mark.parametrize(
    ("q", "project", "section", "needle"),
    [
        ("项目四出资要求", "项目四", "资助强度", "3000"),
        ("卫星互联网项目要培养几个博士", "项目三", "考核指标", "博士≥5"),
        ("How long is project 3?", "项目三", "实施周期", "3 年"),
        ("卫星互联网的做完要卖多少钱", "项目三", "考核指标", "收入≥6000"),
        ("项目一需要适配哪些操作系统", "项目一", "考核指标", "银河麒麟"),
        ("Who can apply for project 6?", "项目六", "申报条件", "企业牵头"),
        ("環衛項目的垃圾識別準確率", "项目五", "考核指标", "垃圾识别准确率"),
    ],
)
def test_hybrid_answers(real_engine, q: str, project: str, section: str, needle: str) -> None:
    a = real_engine.ask(q)
    assert a.answered and needle in a.answer
    assert (a.citations[0].project, a.citations[0].section) == (project, section)


def test_dense_only_mode_ranks_by_meaning(real_engine) -> None:
    hits = real_engine.search("which project trains doctoral students", k=3, mode="dense")
    assert hits[0].dense_rank == 1 and hits[0].bm25_rank is None
    a = real_engine.ask("卫星互联网项目要培养几个博士", mode="dense")
    assert a.mode == "dense" and a.answer == "培养博士≥5 人"


def test_unanswerable_with_the_model(real_engine) -> None:
    for q in ["申报截止时间是什么时候", "When is the application deadline?", "申报材料寄到哪里"]:
        assert not real_engine.ask(q).answered, q
