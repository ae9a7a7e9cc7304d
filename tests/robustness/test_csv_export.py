"""Finding 11 of the hostile-network review: formulas hidden behind leading spaces or invisible
characters, and cells holding a delimiter written unquoted."""

from __future__ import annotations

import csv
import io

import pytest

from tests.robustness.live import in_process
from tests.web.conftest import TOKEN

HIDDEN = [" =1+1", "\u3000=1+1", "\ufeff=1+1", "\u200b=1+1", "\u2060@SUM(A1)", " \u202f=1+1", "\u00a0-2+3",
          "\u3000\u200b＋cmd"]


def _export(c) -> str:  # type: ignore[no-untyped-def]
    r = c.get("/staff/export.csv", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    return r.text.lstrip("\ufeff")


@pytest.mark.parametrize("payload", HIDDEN)
def test_11_formulas_behind_invisible_characters_are_neutralised(engine, tmp_path, monkeypatch, payload: str) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        assert c.post("/api/ask", json={"question": "项目四出资要求", "previous": payload}).status_code == 200
        rows = list(csv.DictReader(io.StringIO(_export(c))))
        assert rows[0]["previous"] == "'" + payload


def test_11_every_cell_holding_a_delimiter_is_quoted(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        for prev in ("x;=1+1", "a\tb", "普通的上一个问题"):
            c.post("/api/ask", json={"question": "项目四出资要求", "previous": prev})
        text = _export(c)
        assert '"x;\'=1+1"' in text and '"a\tb"' in text  # quoted: one cell wherever the file is read
        # Split on ';' as a spreadsheet whose list separator is ';' would: no piece may run as a formula.
        for line in text.splitlines():
            assert not any(piece.strip(' "').startswith(("=", "+", "-", "@")) for piece in line.split(";")), line
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["previous"] for r in rows] == ["x;'=1+1", "a\tb", "普通的上一个问题"]
