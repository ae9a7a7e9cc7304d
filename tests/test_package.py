"""The package surface: `rag` exports the engine's API lazily, one error hierarchy with its mapping."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import rag
from rag import errors
from rag.cli import _fail, main
from tests.conftest import make_settings

ERRORS = [errors.ParseError, errors.IndexUnavailable, errors.EncoderUnavailable, errors.QuestionError,
          errors.QuestionTooComplex, errors.StoreError]


def _fresh(code: str) -> str:
    """Run code in a new interpreter (this one has imported everything already); return stdout."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout


def test_import_rag_and_help_load_no_engine_module() -> None:
    loaded = _fresh("import sys, rag; print(sorted(m for m in sys.modules if m.startswith('rag.') or m == 'torch'))")
    assert loaded.strip() == "[]"
    code = ("import sys\nfrom rag.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in sys.modules if m in ('rag.engine', 'rag.settings', 'torch', 'numpy')))")
    out = _fresh(code)
    assert "Usage:" in out and out.strip().endswith("LOADED []")


@pytest.mark.parametrize("name", rag.__all__)
def test_every_export_is_its_modules_object(name: str) -> None:
    module = {"Engine": "rag.engine", "Settings": "rag.settings", "Answer": "rag.types",
              "Citation": "rag.types"}.get(name, "rag.errors")
    assert getattr(rag, name) is getattr(importlib.import_module(module), name)
    assert name in dir(rag)


def test_unknown_names_still_fail_and_submodules_still_import() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = rag.Nope
    from rag import index

    assert index.__name__ == "rag.index"


@pytest.mark.parametrize("cls", ERRORS)
def test_each_error_maps_to_a_status_and_an_exit_code(cls: type[errors.GuideQAError]) -> None:
    assert issubclass(cls, errors.GuideQAError)
    assert 400 <= cls.http_status <= 599
    assert cls.exit_code >= 1
    # The built-in each replaced still catches it, so earlier `except ValueError` code keeps working.
    assert issubclass(cls, ValueError if cls.http_status == 422 or issubclass(cls, errors.QuestionError)
                      else RuntimeError)


def test_bad_input_is_4xx_and_missing_resources_5xx() -> None:
    assert errors.QuestionError.http_status == errors.ParseError.http_status == 422
    assert {c.http_status for c in (errors.IndexUnavailable, errors.EncoderUnavailable, errors.StoreError)} == {503}
    codes = [c.exit_code for c in ERRORS if c is not errors.QuestionTooComplex]
    assert len(set(codes)) == len(codes)  # a script can tell them apart


def test_cli_exits_with_the_errors_code() -> None:
    e = _fail(errors.ParseError("guide.txt: line 3: section before any project heading"))
    assert isinstance(e, click.ClickException) and e.exit_code == 65 and "line 3" in e.message
    assert _fail(errors.QuestionError("问题不能为空")).exit_code == 64
    assert _fail(ValueError("something else")).exit_code == 1


def test_rag_ask_exits_with_the_question_errors_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = make_settings(tmp_path)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(s.corpus_dir))
    monkeypatch.setenv("RAG_INDEX_DIR", str(s.index_dir))
    monkeypatch.setenv("RAG_EMBED_MODEL", "none")
    r = CliRunner().invoke(main, ["ask", "   "])
    assert r.exit_code == errors.QuestionError.exit_code == 64
    assert "问题不能为空" in r.output and "Traceback" not in r.output
