"""`rag bench`: cold start, warm latency by stage, scale 1×/10×/100× and HTTP load, as a JSON report.

A benchmark, not a test: it asserts nothing, it measures and compares with the targets.
Scale runs happen in child processes so each one's peak memory is its own.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag.benchq import bench_questions

TARGETS = {"warm_p50_over_embed": 1.3, "warm_p95_ms_1x": 40, "warm_p50_ms_100x": 40, "http_rps": 150,
           "http_p95_ms": 200, "cold_start_s": 10, "build_1x_s": 30}


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return round(s[min(len(s) - 1, int(p * (len(s) - 1) + 0.5))], 2) if s else 0.0


def warm(engine, questions: list[str]) -> dict:  # type: ignore[no-untyped-def]
    """Answer every question once (cache cleared, all distinct) and time each stage; then the floor."""
    from rag.retrieve import Timings

    enc = engine.encoder
    if enc is not None and hasattr(enc, "_cache"):
        enc._cache.clear()
    engine.answers.clear()
    engine.ask("预热 warm-up")
    totals: list[float] = []
    stages: dict[str, list[float]] = {}
    for q in questions:
        t = Timings()
        totals.append(engine.ask(q, timings=t).took_ms)
        for k, v in t.stages.items():
            stages.setdefault(k, []).append(v)
    out: dict[str, Any] = {"n": len(questions), "p50_ms": pct(totals, 0.5), "p95_ms": pct(totals, 0.95),
           "stages_p50_ms": {k: pct(v, 0.5) for k, v in stages.items()},
           "stages_p95_ms": {k: pct(v, 0.95) for k, v in stages.items()}}
    if enc is not None and hasattr(enc, "_encode"):
        floor = []
        for q in questions:  # the bare model call, no cache, same texts
            t0 = time.perf_counter()
            enc._encode([q + " §"], "query")
            floor.append((time.perf_counter() - t0) * 1000)
        out["embed_floor_p50_ms"] = pct(floor, 0.5)
        out["p50_over_floor"] = round(out["p50_ms"] / max(out["embed_floor_p50_ms"], 1e-6), 2)
    return out


def scale_child(factor: int, backend: str, n: int, work: Path) -> dict:
    """In a child process: build a factor× corpus, then measure size, build time, latency and RSS."""
    from rag import index as idx
    from rag.encoder import load_encoder
    from rag.engine import Engine
    from rag.settings import Settings
    from rag.synth import make_scaled_corpus

    base = Settings.from_env()
    s = Settings.from_env(corpus_dir=work / "corpus", index_dir=work / "index", bm25_backend=backend)
    make_scaled_corpus(base.corpus_dir, s.corpus_dir, factor)
    enc = load_encoder(s.embed_model)
    t = time.perf_counter()
    build_dir = idx.build(s, enc)
    build_s = time.perf_counter() - t
    size = sum(p.stat().st_size for p in build_dir.iterdir())
    t = time.perf_counter()
    engine = Engine.open(s, encoder=enc)
    load_s = time.perf_counter() - t
    res = warm(engine, bench_questions(n))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"factor": factor, "backend": backend, "documents": len(engine.documents), "chunks": len(engine.chunks),
            "build_s": round(build_s, 1), "load_s": round(load_s, 2), "index_mb": round(size / 2**20, 2),
            "peak_rss_mb": round(rss, 1)} | res


def _child(args: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "rag.bench", *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, str, float]:
    """Start `rag serve`; return the process, its URL and seconds until the first 200 from /api/ask."""
    import httpx

    port = _port()
    rag = shutil.which("rag") or str(Path(sys.executable).parent / "rag")
    t = time.perf_counter()
    proc = subprocess.Popen([rag, "serve", "--port", str(port), "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t < 180:
        try:
            if httpx.post(base + "/api/ask", json={"question": "项目四出资要求"}, timeout=5).status_code == 200:
                return proc, base, time.perf_counter() - t
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("rag serve did not answer within 180 s")


def run_bench(out: Path, quick: bool = False, echo: Callable[[str], None] = print) -> dict:
    """Run every measurement, write the JSON report to `out`, print a short table."""
    from rag.encoder import load_encoder
    from rag.engine import Engine
    from rag.loadgen import run_load, run_wrk
    from rag.settings import Settings

    s = Settings.from_env()
    work = Path(tempfile.mkdtemp(prefix="guideqa-bench-"))
    env = os.environ | {"RAG_INDEX_DIR": str(work / "index"), "RAG_DATA_DIR": str(work / "data"),
                        "RAG_RATE_LIMIT": "0", "RAG_CORPUS_DIR": str(s.corpus_dir)}
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "quick": quick,
                    "model": s.embed_model, "targets": TARGETS}
    n = 120 if quick else 600
    echo("bench: building the 1x index ...")
    engine = Engine.open(Settings.from_env(index_dir=work / "index"), encoder=load_encoder(s.embed_model))
    report["build_1x_s"] = engine.manifest["build_seconds"]
    echo("bench: cold start ...")
    t = time.perf_counter()
    subprocess.run([shutil.which("rag") or "rag", "ask", "项目四出资要求"], env=env, capture_output=True, check=True)
    report["cold_start_cli_s"] = round(time.perf_counter() - t, 2)
    echo("bench: warm latency ...")
    report["warm_1x"] = warm(engine, bench_questions(n))
    del engine
    factors = (1, 10) if quick else (1, 10, 100)
    report["scale"] = []
    for f in factors:
        for backend in (("rank_bm25", "bm25s") if f == factors[-1] else ("rank_bm25",)):
            echo(f"bench: scale {f}x ({backend}) ...")
            report["scale"].append(_child(["scale", str(f), backend, str(min(n, 200)), str(work / f"s{f}{backend}")],
                                          os.environ.copy()))
    seconds = 5.0 if quick else 60.0
    report["http"] = []
    workers = min(2, os.cpu_count() or 1)
    proc, base, first = start_server(env, workers)
    report["cold_start_serve_s"] = round(first, 2)
    report["http_workers"] = workers
    report["loadgen"] = "wrk" if shutil.which("wrk") else "httpx (install wrk: then the generator does not skew figures)"
    try:
        for clients in (20, 100):
            for mix in ("distinct", "helpdesk"):
                echo(f"bench: HTTP {clients} clients, {mix} ...")
                load = run_wrk if shutil.which("wrk") else run_load
                if mix == "helpdesk":
                    # A help desk runs warm: the popular questions have been asked before. Without
                    # this pass the figure measures the first minutes after a restart instead.
                    load(base, bench_questions(400), clients, min(seconds, 15.0), mix)
                report["http"].append(load(base, bench_questions(400), clients, seconds, mix).to_dict())
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    shutil.rmtree(work, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    from rag.benchq import table

    echo(table(report))
    echo(f"report: {out}")
    return report


if __name__ == "__main__":
    # Child entry: python -m rag.bench scale FACTOR BACKEND N WORKDIR → one JSON line.
    _, cmd, factor, backend, count, workdir = sys.argv
    assert cmd == "scale"
    print(json.dumps(scale_child(int(factor), backend, int(count), Path(workdir))))
