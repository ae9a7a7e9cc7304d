"""The question log with several guides: the guide a question was asked of and the guides its answer
came from, on the staff page, in the CSV and as a filter."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, make_settings
from tests.web.conftest import TOKEN, make_client, soup

AUTH = {"Authorization": f"Bearer {TOKEN}"}
FIRST = "2023-chongqing-ai-major-projects-batch1"
SECOND_FILE = ROOT / "eval" / "guides" / "2025-chongqing-smart-manufacturing-batch2.txt"
SECOND = SECOND_FILE.stem


@pytest.fixture()
def two(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> Iterator[TestClient]:
    from rag.encoder import HashEncoder
    from rag.engine import Engine

    s = make_settings(tmp_path_factory.mktemp("log-two"), rate_limit=0)
    shutil.copy(SECOND_FILE, s.corpus_dir / SECOND_FILE.name)
    engine = Engine.open(s, encoder=HashEncoder())
    with make_client(engine, tmp_path / "data", monkeypatch) as c:
        c.titles = {d: doc.title for d, doc in engine.documents.items()}  # type: ignore[attr-defined]
        yield c


def test_scope_and_sources_shown_exported_and_filtered(two: TestClient) -> None:
    titles = two.titles  # type: ignore[attr-defined]
    scoped = two.post("/api/ask", json={"question": "项目一的经费支持是多少？", "doc": SECOND}).json()
    assert scoped["answered"] and {c["doc"] for c in scoped["citations"]} == {SECOND}
    two.post("/api/ask", json={"question": "项目四出资要求", "doc": FIRST})
    page_ask = two.get("/", params={"q": "组织方式", "doc": SECOND})  # the chat page logs its scope too
    assert page_ask.status_code == 200

    html = soup(two.get("/staff", headers=AUTH).text)
    rows = html.select("#recent + table tbody tr")
    assert len(rows) == 3
    shown = {r.select("td")[1].text.strip(): r.select_one(".guide-of").text for r in rows}
    funding = shown["项目一的经费支持是多少？"]
    assert f"限定指南：{titles[SECOND]}" in funding and f"出自：{titles[SECOND]}" in funding
    assert f"限定指南：{titles[FIRST]}" in shown["项目四出资要求"]
    assert [o["value"] for o in html.select("select#guide option")] == ["", *titles]

    only = soup(two.get("/staff", params={"guide": FIRST}, headers=AUTH).text)
    assert [r.select("td")[1].text.strip() for r in only.select("#recent + table tbody tr")] == ["项目四出资要求"]
    assert only.select_one("select#guide option[selected]")["value"] == FIRST

    r = two.get("/staff/export.csv", params={"guide": SECOND}, headers=AUTH)
    out = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert {row["question"] for row in out} == {"项目一的经费支持是多少？", "组织方式"}
    first = next(row for row in out if row["question"].startswith("项目一"))
    assert (first["scope_doc"], first["scope_title"], first["answer_docs"], first["answer_titles"]) == (
        SECOND, titles[SECOND], SECOND, titles[SECOND])
    everything = list(csv.DictReader(io.StringIO(two.get("/staff/export.csv", headers=AUTH).text.lstrip("\ufeff"))))
    assert len(everything) == 3


def test_unscoped_question_logs_no_scope_and_a_bad_filter_is_a_400(two: TestClient) -> None:
    two.post("/api/ask", json={"question": "项目一的经费支持是多少？"})
    out = list(csv.DictReader(io.StringIO(two.get("/staff/export.csv", headers=AUTH).text.lstrip("\ufeff"))))
    assert out[0]["scope_doc"] == "" and out[0]["answer_docs"]
    # A guide no longer loaded is still a filter (its questions stay in the log); a malformed one is refused.
    assert two.get("/staff", params={"guide": "removed-guide"}, headers=AUTH).status_code == 200
    assert two.get("/staff", params={"guide": "a,b"}, headers=AUTH).status_code == 400
    assert two.get("/staff/export.csv", params={"guide": "x" * 300}, headers=AUTH).status_code == 400
