"""`rag bench --warm`: warm answers with every guide of a corpus loaded, against the bare query embedding.

The issue's target: with several guides loaded, a warm answer stays within 1.3 × the bare model
call. This builds a private index of the corpus folder (RAG_CORPUS_DIR or --corpus), asks questions
spanning its guides (each guide's eval set, scoped as written, then the first guide's sets and
project × ask combinations) with every cache emptied, and times the bare embedding of the same
text in the same run, so a busy machine slows both sides alike. It repeats and reports the median.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.bench.benchq import ROOT, bench_questions


@dataclass(frozen=True)
class WarmRun:
    """One pass over the questions: warm p50/p95, the floor's p50 and their ratio, stages p50."""

    p50_ms: float
    p95_ms: float
    embed_floor_p50_ms: float
    p50_over_floor: float
    stages_p50_ms: dict[str, float]
    load_avg: float
    cpu_p50_ms: float = 0.0  # the same in process CPU time: steadier than wall time on a busy machine
    cpu_floor_p50_ms: float = 0.0
    cpu_p50_over_floor: float = 0.0


@dataclass(frozen=True)
class GuidesReport:
    """Every pass of `rag bench --warm` and the median ratio (the headline)."""

    guides: list[str]
    sections: int
    n: int
    build_s: float
    torch_threads: int
    runs: list[WarmRun] = field(default_factory=list)

    @property
    def median_ratio(self) -> float:
        return round(statistics.median(r.p50_over_floor for r in self.runs), 2) if self.runs else 0.0

    def to_dict(self) -> dict:
        return asdict(self) | {"median_p50_over_floor": self.median_ratio,
                               "median_cpu_p50_over_floor": round(statistics.median(
                                   r.cpu_p50_over_floor for r in self.runs), 2) if self.runs else 0.0,
                               "median_p50_ms": round(statistics.median(r.p50_ms for r in self.runs), 2),
                               "median_floor_p50_ms": round(statistics.median(r.embed_floor_p50_ms
                                                                              for r in self.runs), 2)}


def guide_questions(docs: list[str], n: int, root: Path = ROOT) -> list[tuple[str, str | None]]:
    """Return n distinct (question, doc scope) pairs spanning the guides: each loaded guide's eval
    set (eval/guides/<doc>.jsonl) in turn, one question of each at a time, then bench_questions."""
    sets: list[list[tuple[str, str | None]]] = []
    for d in docs:
        path = root / "eval" / "guides" / f"{d}.jsonl"
        if path.is_file():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            sets.append([(r["q"], r.get("doc") if r.get("doc") in docs else None) for r in rows])
    out: list[tuple[str, str | None]] = []
    for i in range(max((len(s) for s in sets), default=0)):  # interleaved: no guide comes only last
        out += [s[i] for s in sets if i < len(s)]
    out += [(q, None) for q in bench_questions(n)]
    return list(dict.fromkeys(out))[:n]


def run_guides(corpus: Path, n: int = 600, repeat: int = 3, echo=print,  # type: ignore[no-untyped-def]
               threads: int | None = None) -> GuidesReport:
    """Build an index of `corpus` in a temporary folder and measure warm answers `repeat` times
    (with `threads` torch threads: 1 is what each worker of `rag serve --workers 2` uses)."""
    import os

    import torch

    if threads:
        torch.set_num_threads(threads)

    from rag.bench import warm
    from rag.encoder import load_encoder
    from rag.engine import Engine
    from rag.index import build
    from rag.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="guideqa-bench-warm-"))
    try:
        s = Settings.from_env(corpus_dir=corpus, index_dir=work / "index")
        enc = load_encoder(s.embed_model, s.embed_quantize, s.model_cache_dir)
        echo(f"bench: building the index of {corpus} ...")
        t = time.perf_counter()
        build(s, enc)
        build_s = round(time.perf_counter() - t, 2)
        engine = Engine.open(s, encoder=enc, build_if_needed=False)
        docs = list(engine.documents)
        questions = guide_questions(docs, n)
        report = GuidesReport(docs, len(engine.chunks), len(questions), build_s, torch.get_num_threads())
        for i in range(repeat):
            echo(f"bench: warm pass {i + 1}/{repeat}, {len(questions)} questions, {len(docs)} guides ...")
            w = warm(engine, questions)
            report.runs.append(WarmRun(w["p50_ms"], w["p95_ms"], w.get("embed_floor_p50_ms", 0.0),
                                       w.get("p50_over_floor", 0.0), w["stages_p50_ms"],
                                       round(os.getloadavg()[0], 2), w.get("cpu_p50_ms", 0.0),
                                       w.get("cpu_floor_p50_ms", 0.0), w.get("cpu_p50_over_floor", 0.0)))
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summary(r: GuidesReport) -> str:
    """Return the report as a few lines of text (one per pass, then the median)."""
    lines = [f"{len(r.guides)} guides ({', '.join(r.guides)}), {r.sections} sections, {r.n} questions, "
             f"{r.torch_threads} torch thread(s)"]
    for i, w in enumerate(r.runs, 1):
        lines.append(f"  pass {i}: warm p50 {w.p50_ms} / p95 {w.p95_ms} ms, bare embedding p50 "
                     f"{w.embed_floor_p50_ms} ms, ratio {w.p50_over_floor}; CPU {w.cpu_p50_ms} vs "
                     f"{w.cpu_floor_p50_ms} ms, ratio {w.cpu_p50_over_floor} (load {w.load_avg})")
    lines.append(f"  median ratio {r.median_ratio} (target ≤ 1.3); CPU {r.to_dict()['median_cpu_p50_over_floor']}")
    return "\n".join(lines)
