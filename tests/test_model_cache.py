"""The loaded-model cache: keyed on what it was made from, atomic, and never trusted when broken."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from rag import model_cache


def test_store_then_load_round_trips_and_drops_other_keys(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(3, 2)
    (tmp_path / ("old" + model_cache.SUFFIX)).write_bytes(b"another model")
    stray = tmp_path / "x.tmp"
    stray.write_bytes(b"half written")
    os.utime(stray, (time.time() - 2 * model_cache.STRAY_SECONDS,) * 2)
    model_cache.store(tmp_path, "k1", model)
    back = model_cache.load(tmp_path, "k1")
    assert isinstance(back, torch.nn.Linear) and torch.equal(back.weight, model.weight)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k1" + model_cache.SUFFIX]
    assert model_cache.load(tmp_path, "k2") is None


def test_a_broken_file_is_ignored_and_removed(tmp_path: Path) -> None:
    bad = tmp_path / ("k" + model_cache.SUFFIX)
    bad.write_bytes(b"\x80\x04 not a pickle at all")
    assert model_cache.load(tmp_path, "k") is None
    assert not bad.exists()


def test_key_follows_the_folder_the_precision_and_nothing_for_a_hub_id(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    k = model_cache.cache_key(str(folder), True)
    assert k and k == model_cache.cache_key(str(folder), True)
    assert k != model_cache.cache_key(str(folder), False)
    (folder / "config.json").write_text('{"hidden_size": 384}')
    assert k != model_cache.cache_key(str(folder), True)
    assert model_cache.cache_key("intfloat/multilingual-e5-small", True) is None


def test_an_unwritable_cache_costs_nothing_but_time(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    model_cache.store(blocker / "cache", "k", torch.nn.Linear(2, 2))  # logs, does not raise
    assert model_cache.load(blocker / "cache", "k") is None
