"""Settings from the environment: each RAG_* variable lands on its field, bad values are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.settings import Settings


def test_defaults_quantize_the_encoder_and_the_environment_can_turn_it_off(monkeypatch) -> None:
    monkeypatch.delenv("RAG_EMBED_QUANTIZE", raising=False)
    assert Settings.from_env().embed_quantize is True
    for off in ("0", "false", "OFF", " no "):
        monkeypatch.setenv("RAG_EMBED_QUANTIZE", off)
        assert Settings.from_env().embed_quantize is False
    monkeypatch.setenv("RAG_EMBED_QUANTIZE", "1")
    assert Settings.from_env().embed_quantize is True


def test_paths_and_model_come_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("RAG_EMBED_MODEL", "some/model")
    s = Settings.from_env(rate_limit=7)
    assert s.data_dir == tmp_path / "d" and s.embed_model == "some/model" and s.rate_limit == 7


def test_a_non_numeric_rate_limit_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("RAG_RATE_LIMIT", "lots")
    with pytest.raises(ValueError, match="RAG_RATE_LIMIT"):
        Settings.from_env()
