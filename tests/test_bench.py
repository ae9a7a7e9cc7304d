"""The benchmark's untimed pieces: synthetic corpora, question sets, load mixes, the report and table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rag.bench import REPORT_KEYS, write_report
from rag.bench.benchq import TARGETS, bench_questions, table
from rag.bench.extras import missing
from rag.bench.loadgen import LoadResult, distinct, helpdesk_mix
from rag.bench.synth import make_scaled_corpus
from rag.cli import main
from rag.ingest import corpus_files, load_document
from tests.conftest import GUIDE


def test_scaled_corpus_has_distinct_parseable_guides(tmp_path: Path) -> None:
    files = make_scaled_corpus(GUIDE.parent, tmp_path, 3)
    assert sorted(files) == sorted(corpus_files(tmp_path))
    docs = [load_document(f) for f in files]
    assert len({d.id for d in docs}) == 3
    assert load_document(GUIDE).id in {d.id for d in docs}  # the real guide keeps its id
    assert all(len(d.chunks()) == 49 for d in docs)
    funding = [next(c.text for c in d.chunks() if c.project == "项目四" and c.section == "资助强度") for d in docs]
    assert len(set(funding)) == 3 and "3000" in funding[0] and "3001" in funding[1]


def test_questions_are_distinct_and_many() -> None:
    qs = bench_questions(600)
    assert len(qs) == 600 == len(set(qs))


def test_load_mixes() -> None:
    qs = [f"q{i}" for i in range(50)]
    mix = helpdesk_mix(qs, 1000)
    assert mix.count("q0") > mix.count("q49")  # popular questions repeat
    assert len(set(distinct(qs, 500))) == 500


def fake_report() -> dict:
    """What a tiny run produces, with made-up numbers."""
    stages = {"understand": 0.4, "bm25": 0.3, "embed": 11.0, "faiss": 0.1, "fusion": 0.1, "extract": 0.2,
              "answer": 0.0, "other": 0.1}
    warm = {"n": 3, "p50_ms": 12.0, "p95_ms": 14.0, "stages_p50_ms": stages, "stages_p95_ms": stages,
            "embed_floor_p50_ms": 11.0, "embed_floor_p95_ms": 12.0, "p50_over_floor": 1.09, "cached_p50_ms": 0.2}
    scale = [{"factor": f, "backend": b, "default": d, "documents": f, "chunks": 49 * f, "build_s": None if not d else 4.0,
              "load_s": 0.5, "index_mb": 0.3 * f, "peak_rss_mb": 900.0, "p50_ms": 20.0 if f == 100 else 12.0,
              "p95_ms": 30.0} | warm | {"p50_ms": 45.0 if not d else 20.0}
             for f, b, d in ((1, "bm25s", True), (100, "bm25s", True), (100, "rank_bm25", False))]
    runs = [LoadResult(c, m, 5.0, 1000, 0, 200.0, 50.0, 90.0 if m == "helpdesk" else 300.0).to_dict()
            for c in (20, 100) for m in ("distinct", "helpdesk")]
    return {"machine": {"cpus": 2}, "quick": True, "model": "fake", "build_1x_s": 4.0, "cold_start_cli_s": 6.0,
            "warm_1x": warm, "scale": scale, "cold_start_serve_s": 11.5,
            "http": {"workers": 2, "loadgen": "wrk -t2", "runs": runs}}


def test_report_has_the_documented_keys_and_verdicts(tmp_path: Path) -> None:
    out = tmp_path / "bench" / "report.json"
    write_report(fake_report(), out)
    r = json.loads(out.read_text(encoding="utf-8"))
    assert set(REPORT_KEYS) <= set(r)
    assert set(r["verdicts"]) == set(TARGETS)
    v = r["verdicts"]
    assert v["warm_p50_ms_100x"] == {"value": 20.0, "target": "<= 40", "met": True}  # the default backend's row
    assert v["http_rps_100_helpdesk"]["met"] and v["http_errors_100_helpdesk"]["met"]
    assert v["cold_start_serve_s"]["met"] is False
    assert all(x["met"] is not None for x in v.values())


def test_table_renders_a_report(tmp_path: Path) -> None:
    r = write_report(fake_report(), tmp_path / "r.json")
    out = table(r)
    assert "| 100× (100 guides, 4900 sections), rank_bm25 | same index," in out
    assert "200.0 answers/s" in out and "| 1.09 |" in out and "❌" in out and "✅" in out
    assert all(line.startswith("|") and line.endswith("|") for line in out.splitlines())


@pytest.mark.parametrize("gone", [("httpx",), ("psutil",), ("httpx", "psutil")])
def test_bench_without_the_extra_names_it_and_exits_nonzero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             gone: tuple[str, ...]) -> None:
    for name in gone:  # a plain install: importing the module fails
        monkeypatch.setitem(sys.modules, name, None)
    out = tmp_path / "report.json"
    r = CliRunner().invoke(main, ["bench", "--quick", "--out", str(out)], catch_exceptions=False)
    assert r.exit_code != 0
    assert "pip install 'guideqa[bench]'" in r.output and "Traceback" not in r.output
    assert all(name in r.output for name in gone)
    assert not out.exists()  # refused before any measurement


def test_bench_extra_present_here() -> None:
    # The dev install carries the extra's modules; the refusal above is then never shown.
    assert missing() == []


def test_guide_questions_span_every_loaded_guide() -> None:
    from rag.bench.guides import guide_questions

    docs = ["2023-chongqing-ai-major-projects-batch1", "2024-chongqing-biomedicine-major-projects",
            "2025-chongqing-smart-manufacturing-batch2"]
    qs = guide_questions(docs, 300)
    assert len(qs) == 300 == len(set(qs))
    scopes = {d for _, d in qs[:60]}
    assert set(docs[1:]) <= scopes and None in scopes  # each guide's own set, scoped as written, early on
    assert all(d is None or d in docs for _, d in qs)
    # A guide not loaded contributes nothing, and its scope never leaks in.
    assert all(d != docs[2] for _, d in guide_questions(docs[:2], 300))


def test_warm_guides_report_and_summary() -> None:
    from rag.bench.guides import GuidesReport, WarmRun, summary

    r = GuidesReport(["a", "b", "c"], 144, 600, 5.0, 1)
    for ratio in (1.4, 1.1, 1.2):
        r.runs.append(WarmRun(10 * ratio, 20.0, 10.0, ratio, {"embed": 10.0}, 1.0, 11.0, 10.0, 1.1))
    assert r.median_ratio == 1.2
    d = r.to_dict()
    assert d["median_p50_over_floor"] == 1.2 and d["median_floor_p50_ms"] == 10.0 and len(d["runs"]) == 3
    assert d["median_cpu_p50_over_floor"] == 1.1
    assert "median ratio 1.2" in summary(r) and summary(r).count("pass ") == 3
