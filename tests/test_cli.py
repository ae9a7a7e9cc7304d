"""The `rag` command line, in-process, over a private corpus and index with BM25 alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rag.cli import main
from tests.conftest import make_settings


@pytest.fixture()
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    s = make_settings(tmp_path)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(s.corpus_dir))
    monkeypatch.setenv("RAG_INDEX_DIR", str(s.index_dir))
    monkeypatch.setenv("RAG_EMBED_MODEL", "none")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(main, list(args), catch_exceptions=False, **kw)


def test_help_lists_commands(run) -> None:
    r = run("--help")
    assert r.exit_code == 0
    for cmd in ("build", "add", "remove", "ask", "eval", "serve", "bench"):
        assert cmd in r.output


def test_build_then_ask(run) -> None:
    r = run("build")
    assert r.exit_code == 0 and "49 sections" in r.output
    assert "semantic search is off" in r.stderr
    r = run("ask", "项目四出资要求")
    assert r.exit_code == 0
    assert "承担单位出资不低于 3000 万元" in r.output and "项目四" in r.output and "资助强度" in r.output


def test_ask_json_and_batch(run, tmp_path: Path) -> None:
    d = json.loads(run("ask", "--json", "卫星互联网项目要培养几个博士").stdout)
    assert d["answered"] and d["answer"] == "培养博士≥5 人"
    assert d["citations"][0]["project"] == "项目三" and d["citations"][0]["section"] == "考核指标"
    qs = tmp_path / "qs.txt"
    qs.write_text("项目四出资要求\n\n申报截止时间是什么时候\n实施周期多久\n", encoding="utf-8")
    r = run("ask", "--json", "--batch", str(qs))
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["answered"] for x in lines] == [True, False, True]
    assert len(lines[1]["suggestions"]) <= 3


def test_ask_scoped_to_a_guide_and_guides_listed(run, tmp_path: Path) -> None:
    doc = "2023-chongqing-ai-major-projects-batch1"
    qs = tmp_path / "qs.txt"
    qs.write_text("项目四出资要求\n实施周期多久\n", encoding="utf-8")
    lines = [json.loads(x) for x in run("ask", "--json", "--batch", str(qs), "--doc", doc).stdout.splitlines()]
    assert [x["citations"][0]["doc"] for x in lines] == [doc, doc]
    r = run("ask", "项目四出资要求", "--doc", "no-such-guide")
    assert r.exit_code != 0 and "no-such-guide" in r.stderr and doc in r.stderr
    r = run("guides")
    assert r.exit_code == 0 and doc in r.stdout and "7 projects" in r.stdout


def test_semantic_off_is_said_once(run) -> None:
    r = run("ask", "How long is project 3?")
    assert r.exit_code == 0 and "不超过 3 年" in r.output
    assert r.stderr.count("semantic search is off") == 1


def test_a_mistyped_setting_is_named(run, monkeypatch) -> None:
    monkeypatch.setenv("RAG_RATE_LIMIT", "many")
    r = run("ask", "项目四出资要求")
    assert r.exit_code != 0 and "RAG_RATE_LIMIT" in r.stderr and "Traceback" not in r.output + r.stderr


@pytest.mark.parametrize("args", [("ask", ""), ("ask", "   "), ("ask",), ("add", "no-such-file.pdf")])
def test_user_errors_are_clean(run, args: tuple[str, ...]) -> None:
    r = run(*args)
    assert r.exit_code != 0
    assert "Traceback" not in r.output + r.stderr
    assert r.stderr.strip() or r.output.strip()


def test_add_refuses_unstructured_and_accepts_a_guide(run, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("会议纪要\n今天讨论了预算\n", encoding="utf-8")
    r = run("add", str(bad))
    assert r.exit_code != 0 and "项目X" in r.stderr
    good = tmp_path / "other-guide.md"
    good.write_text("另一份指南\n项目一：测试平台研发\n1.拟解决问题：研究测试。\n2.资助强度：不超过 100 万元。\n",
                    encoding="utf-8")
    assert run("add", str(good)).exit_code == 0
    run("build")
    d = json.loads(run("ask", "--json", "测试平台资助强度").stdout)
    assert any(c["doc"] == "other-guide" for c in d["citations"])


def test_remove_takes_a_guide_out_and_keeps_its_file(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    good = tmp_path / "other-guide.md"
    good.write_text("另一份指南\n项目一：测试平台研发\n1.拟解决问题：研究测试。\n2.资助强度：不超过 100 万元。\n",
                    encoding="utf-8")
    assert run("add", str(good)).exit_code == 0
    r = run("remove", "other-guide")
    assert r.exit_code == 0 and "rag build" in r.output
    kept = list((tmp_path / "data" / "removed").iterdir())
    assert [k.read_text(encoding="utf-8") for k in kept] == [good.read_text(encoding="utf-8")]
    assert not (tmp_path / "corpus" / "other-guide.md").exists()
    run("build")
    d = json.loads(run("ask", "--json", "测试平台资助强度").stdout)
    assert all(c["doc"] != "other-guide" for c in d["citations"])
    for unknown in ("other-guide", "nope"):
        r = run("remove", unknown)
        assert r.exit_code != 0 and "no such guide" in r.stderr and "2023-chongqing" in r.stderr
        assert "Traceback" not in r.output + r.stderr


def test_add_takes_the_shared_second_guide(run) -> None:
    second = Path(__file__).resolve().parents[2] / "shared" / "corpus-extra" / "2024-chongqing-biomedicine-major-projects.txt"
    if not second.exists():
        pytest.skip("../shared is not beside the checkout")
    r = run("add", str(second))
    assert r.exit_code == 0 and second.name in r.output
    r = run("build")
    assert r.exit_code == 0 and "from 2 guide(s)" in r.output


def test_eval_writes_report_and_gates(run, tmp_path: Path) -> None:
    qs = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "q": "项目四出资要求", "project": ["项目四"], "section": "资助强度", "contains": ["3000"],
         "answerable": True, "kind": "section"},
        {"id": "b", "q": "申报截止时间", "project": None, "section": None, "contains": [], "answerable": False,
         "kind": "unanswerable"},
    ]
    qs.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    limits = tmp_path / "t.json"
    limits.write_text(json.dumps({"bm25_only": {"answer_correct": 0.9}}))
    r = run("eval", str(qs), "--report", str(tmp_path / "r.json"), "--thresholds", str(limits))
    assert r.exit_code == 0, r.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["modes"]["bm25"]["overall"]["answer_correct"] == 1.0
    limits.write_text(json.dumps({"bm25_only": {"answer_correct": 1.01}}))
    r = run("eval", str(qs), "--report", str(tmp_path / "r.json"), "--thresholds", str(limits))
    assert r.exit_code != 0 and "FAIL" in r.output


@pytest.mark.parametrize("name", ["2025-chongqing-smart-manufacturing-batch2.docx",
                                  "2024-chongqing-digital-economy-batch2.pdf"])
def test_add_build_ask_a_docx_or_pdf_guide_end_to_end(run, tmp_path: Path, name: str) -> None:
    """A hidden guide's path: `rag add FILE`, `rag build`, `rag ask --json --batch FILE --doc DOC`."""
    guides = Path(__file__).resolve().parents[1] / "eval" / "guides"
    path = guides / name
    assert run("add", str(path)).exit_code == 0
    r = run("build")
    assert r.exit_code == 0 and "from 2 guide(s)" in r.output
    doc = path.stem
    items = [json.loads(x) for x in (guides / f"{doc}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    items = [i for i in items if i.get("doc") == doc and i["answerable"] and i.get("kind") == "section"]
    qs = tmp_path / "qs.txt"
    qs.write_text("".join(i["q"] + "\n" for i in items), encoding="utf-8")
    r = run("ask", "--json", "--batch", str(qs), "--doc", doc)
    answers = [json.loads(x) for x in r.stdout.splitlines()]
    assert r.exit_code == 0 and len(answers) == len(items) >= 5
    assert all(c["doc"] == doc for a in answers for c in a["citations"])
    right = [a["answered"] and a["citations"][0]["project"] in i["project"] and a["citations"][0]["section"] == i["section"]
             and all(w in a["answer"] for w in i["contains"]) for a, i in zip(answers, items, strict=True)]
    assert sum(right) / len(right) >= 0.8, [i["q"] for i, ok in zip(items, right, strict=True) if not ok]
