"""`rag bench`: cold start, warm latency by stage, scale 1×/10×/100× and HTTP load, as a JSON report.

A benchmark, not a test: it measures and compares with the targets, it asserts nothing.
Report keys (REPORT_KEYS): machine, quick, model, build_1x_s, cold_start_cli_s, warm_1x (n,
p50_ms, p95_ms, stages_p50_ms, stages_p95_ms, embed_floor_p50_ms, embed_floor_p95_ms,
p50_over_floor, cached_p50_ms), scale (one row per factor and BM25 backend: build_s, index_mb,
peak_rss_mb, p50_ms, p95_ms, stages…), cold_start_serve_s, http (workers, loadgen, runs: clients,
mix, rps, p50_ms, p95_ms, errors, loadgen_cpu_pct, server_cpu_pct), verdicts (per target: value,
target, met). Each scale runs in its own child process, so its peak RSS is its own.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.bench.benchq import bench_questions, table, verdicts
from rag.bench.loadgen import run_load, settle, start_server, stop_server  # start_server: also soak's

if TYPE_CHECKING:
    from rag.engine import Engine

REPORT_KEYS = ("machine", "quick", "model", "build_1x_s", "cold_start_cli_s", "warm_1x", "scale",
               "cold_start_serve_s", "http", "verdicts")
STAGES = ("understand", "bm25", "embed", "faiss", "fusion", "extract", "answer", "other")


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return round(s[min(len(s) - 1, int(p * (len(s) - 1) + 0.5))], 2) if s else 0.0


def warm(engine: Engine, questions: list[str] | list[tuple[str, str | None]]) -> dict[str, Any]:
    """Answer each question (or (question, doc scope) pair) with every cache emptied first, timing
    each stage; beside each answer, the bare model call on the very text it embedded (the floor).
    Then repeats, from the answer cache."""
    from rag.retrieve import Timings

    enc: Any = engine.encoder
    bare = getattr(enc, "_encode", None)
    cache = getattr(enc, "_cache", None)
    embedded: list[str] = []
    if bare is not None:  # record what the engine embeds, to time the same text bare

        def recording(texts: list[str], kind: str) -> Any:
            if kind == "query":
                embedded.extend(texts)
            return bare(texts, kind)

        enc._encode = recording
    pairs = [(q, None) if isinstance(q, str) else q for q in questions]
    totals: list[float] = []
    floor: list[float] = []
    # CPU time of the process beside wall time: on a busy shared machine the wall clock also counts
    # waiting for a core, which slows the model call far more than the Python around it.
    cpu: list[float] = []
    cpu_floor: list[float] = []
    stages: dict[str, list[float]] = {k: [] for k in STAGES}
    try:
        engine.ask("预热 warm-up")  # the first call's lazy imports are cold start, not warm latency
        for q, doc in pairs:
            engine.answers.clear()
            if cache is not None:
                cache.clear()
            embedded.clear()
            t = Timings()
            c0 = time.process_time()
            took = engine.ask(q, timings=t, doc=doc).took_ms
            cpu.append((time.process_time() - c0) * 1000)
            totals.append(took)
            for k in STAGES:
                stages[k].append(t.stages.get(k, 0.0))
            stages["other"][-1] = max(0.0, took - sum(t.stages.values()))
            if bare is not None and embedded:
                t0, c0 = time.perf_counter(), time.process_time()
                bare(embedded[-1:], "query")
                floor.append((time.perf_counter() - t0) * 1000)
                cpu_floor.append((time.process_time() - c0) * 1000)
    finally:
        if bare is not None:
            del enc._encode
    repeat = pairs[:200]
    for q, doc in repeat:
        engine.ask(q, doc=doc)
    cached = [engine.ask(q, doc=doc).took_ms for q, doc in repeat]  # asked just before: answer-cache hits
    out: dict[str, Any] = {"n": len(questions), "p50_ms": pct(totals, 0.5), "p95_ms": pct(totals, 0.95),
                           "stages_p50_ms": {k: pct(v, 0.5) for k, v in stages.items()},
                           "stages_p95_ms": {k: pct(v, 0.95) for k, v in stages.items()},
                           "cached_p50_ms": pct(cached, 0.5)}
    if floor:
        out |= {"embed_floor_p50_ms": pct(floor, 0.5), "embed_floor_p95_ms": pct(floor, 0.95),
                "p50_over_floor": round(out["p50_ms"] / max(pct(floor, 0.5), 1e-6), 2),
                "cpu_p50_ms": pct(cpu, 0.5), "cpu_floor_p50_ms": pct(cpu_floor, 0.5),
                "cpu_p50_over_floor": round(pct(cpu, 0.5) / max(pct(cpu_floor, 0.5), 1e-6), 2)}
    return out


def scale_child(factor: int, backend: str, n: int, work: Path, reuse: bool) -> dict:
    """In a child process: build a factor× corpus's index (or open the one built), measure it."""
    from rag import index as idx
    from rag.bench.synth import make_scaled_corpus
    from rag.encoder import load_encoder
    from rag.engine import Engine
    from rag.settings import Settings

    s = Settings.from_env(corpus_dir=work / "corpus", index_dir=work / "index", bm25_backend=backend)
    enc = load_encoder(s.embed_model, s.embed_quantize, s.model_cache_dir)
    build_s = None
    if not reuse:
        make_scaled_corpus(Settings.from_env().corpus_dir, s.corpus_dir, factor)
        t = time.perf_counter()
        idx.build(s, enc)
        build_s = round(time.perf_counter() - t, 1)
    build_dir = idx.current_build(s.index_dir)
    t = time.perf_counter()
    # Opened directly: the stored build's manifest names the other backend, yet its files serve both.
    engine = Engine(s, build_dir, enc, "")
    load_s = round(time.perf_counter() - t, 2)
    res = warm(engine, bench_questions(n))
    size = sum(p.stat().st_size for p in build_dir.iterdir())
    return {"factor": factor, "backend": backend, "documents": len(engine.documents), "chunks": len(engine.chunks),
            "build_s": build_s, "load_s": load_s, "index_mb": round(size / 2**20, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)} | res


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "rag.bench", *args], capture_output=True, text=True)
    if out.returncode != 0:
        return {"factor": int(args[1]), "backend": args[2], "error": out.stderr[-2000:]}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def cold_start_cli(env: dict[str, str]) -> float:
    """Seconds from spawning `rag ask` (index built, model on disk) to its answer on stdout."""
    rag = shutil.which("rag") or str(Path(sys.executable).parent / "rag")
    t = time.perf_counter()
    subprocess.run([rag, "ask", "项目四出资要求"], env=env, capture_output=True, check=True)
    return round(time.perf_counter() - t, 2)


def http_runs(env: dict[str, str], seconds: float, workers: int, fresh: bool, echo: Callable[[str], None]
              ) -> tuple[float, dict]:
    """Serve and load: 20 and 100 clients, distinct and help-desk; return cold start and the runs."""
    questions = bench_questions(400)
    runs, first = [], None
    proc = None
    for clients in (20, 100):
        for mix in ("distinct", "helpdesk"):
            if proc is None:
                proc, base, took = start_server(env, workers)
                first = first if first is not None else round(took, 2)
                settle(proc)  # every worker loaded before the clients connect
            echo(f"bench: HTTP {clients} clients, {mix}, {seconds:g} s ...")
            runs.append(run_load(proc, base, questions, clients, seconds, mix).to_dict() | {"load_avg": _load()})
            if fresh:  # each run starts from empty caches: the help-desk figure earns its hits
                stop_server(proc)
                proc = None
    if proc is not None:
        stop_server(proc)
    loadgen = "wrk -t2" if shutil.which("wrk") else "httpx asyncio (install wrk: it uses less of the server's CPU)"
    return first or 0.0, {"workers": workers, "loadgen": loadgen, "fresh_server_per_run": fresh, "runs": runs}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def write_report(report: dict, out: Path) -> dict:
    """Add the verdicts, write the JSON report and return it."""
    report["verdicts"] = verdicts(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report


def run_bench(out: Path, quick: bool = False, echo: Callable[[str], None] = print) -> dict:
    """Run every measurement, write the JSON report to `out`, print the table."""
    import torch

    from rag.encoder import load_encoder
    from rag.engine import Engine
    from rag.index import build
    from rag.settings import Settings

    s = Settings.from_env()
    work = Path(tempfile.mkdtemp(prefix="guideqa-bench-"))
    env = os.environ | {"RAG_INDEX_DIR": str(work / "index"), "RAG_DATA_DIR": str(work / "data"),
                        "RAG_RATE_LIMIT": "0", "RAG_CORPUS_DIR": str(s.corpus_dir)}
    n = 100 if quick else 600
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
                    "python": sys.version.split()[0], "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
                    "load_avg_at_start": _load()},
        "quick": quick, "model": s.embed_model, "command": "rag bench" + (" --quick" if quick else "")}
    try:
        echo("bench: building the 1x index ...")
        s1 = Settings.from_env(index_dir=work / "index")
        enc = load_encoder(s.embed_model, s.embed_quantize, s.model_cache_dir)
        t = time.perf_counter()
        build(s1, enc)
        report["build_1x_s"] = round(time.perf_counter() - t, 2)
        engine = Engine.open(s1, encoder=enc)
        echo("bench: cold start, rag ask ...")
        report["cold_start_cli_s"] = cold_start_cli(env)
        echo(f"bench: warm latency, {n} questions ...")
        report["warm_1x"] = warm(engine, bench_questions(n)) | {"load_avg": _load()}
        del engine
        factors = (1, 10) if quick else (1, 10, 100)
        report["scale"] = []
        for f in factors:
            for backend in ((s.bm25_backend, *{"rank_bm25", "bm25s"} - {s.bm25_backend}) if f == factors[-1]
                            else (s.bm25_backend,)):
                reuse = backend != s.bm25_backend
                echo(f"bench: scale {f}x, {backend}{' (same index)' if reuse else ''} ...")
                row = _child(["scale", str(f), backend, str(n), str(work / f"s{f}"), "reuse" if reuse else "build"])
                report["scale"].append(row | {"default": not reuse, "load_avg": _load()})
        workers = min(2, os.cpu_count() or 1)
        report["cold_start_serve_s"], report["http"] = http_runs(env, 5.0 if quick else 60.0, workers, not quick, echo)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_report(report, out)
    echo(table(report))
    echo(f"report: {out}")
    return report

