"""The benchmark's untimed pieces: synthetic corpora, question sets, load mixes and the table."""

from __future__ import annotations

from pathlib import Path

from rag.benchq import bench_questions, table
from rag.ingest import load_document
from rag.loadgen import distinct, helpdesk_mix
from rag.synth import make_scaled_corpus
from tests.conftest import GUIDE


def test_scaled_corpus_has_distinct_parseable_guides(tmp_path: Path) -> None:
    files = make_scaled_corpus(GUIDE.parent, tmp_path, 3)
    docs = [load_document(f) for f in files]
    assert len({d.id for d in docs}) == 3
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


def test_table_renders_a_report() -> None:
    r = {"targets": {"build_1x_s": 30, "cold_start_s": 10}, "build_1x_s": 11.0, "cold_start_cli_s": 6.0,
         "cold_start_serve_s": 7.0, "http_workers": 2,
         "warm_1x": {"n": 500, "p50_ms": 12.0, "p95_ms": 14.0, "embed_floor_p50_ms": 11.0, "p50_over_floor": 1.09,
                     "stages_p50_ms": {"embed": 11.0}},
         "scale": [{"factor": 100, "backend": "bm25s", "chunks": 4900, "build_s": 90.0, "index_mb": 30.0,
                    "peak_rss_mb": 900.0, "p50_ms": 20.0, "p95_ms": 30.0, "stages_p50_ms": {"bm25": 2.0}}],
         "http": [{"clients": 100, "mix": "helpdesk", "seconds": 60, "rps": 200.0, "p50_ms": 50.0, "p95_ms": 90.0,
                   "errors": 0}]}
    out = table(r)
    assert "| 100× bm25s: 4900 sections |" in out and "200.0 answers/s" in out and "1.09" in out
