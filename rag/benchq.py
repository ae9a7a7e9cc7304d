"""Benchmark questions (many, varied, distinct) and the report's printed table."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

PROJECTS = ["项目一", "项目2", "第三个项目", "4号项目", "项目伍", "智驾项目", "文旅大模型项目", "卫星互联网项目",
            "金融大模型项目", "环卫项目", "project 3", "項目六"]
ASKS = ["出资要求", "实施周期多久", "谁能申报", "组织方式", "考核指标", "资助强度是多少", "要培养几个博士",
        "发明专利要求", "响应时间要求", "其他说明", "给多少钱", "要做几年", "funding", "how long",
        "示范应用要求", "软件著作权数量", "销售收入目标", "拟解决什么问题"]


def bench_questions(n: int) -> list[str]:
    """Return n distinct questions: the eval set first, then project × ask combinations."""
    out: list[str] = []
    path = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"
    if path.exists():
        out = [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for p, a in itertools.product(PROJECTS, ASKS):
        out.append(f"{p}{a}" if not a.isascii() else f"{a} {p}")
    out = list(dict.fromkeys(out))
    i = 0
    while len(out) < n:  # distinct variants of the same questions beyond the combinations
        out.append(f"{out[i % len(out)]}？请问")
        i += 1
    return out[:n]


def table(r: dict) -> str:
    """Return the report as a short markdown table."""
    w = r["warm_1x"]
    lines = ["| measure | value | target |", "|---|---|---|",
             f"| build 1× | {r['build_1x_s']} s | ≤ {r['targets']['build_1x_s']} s |",
             f"| cold start: `rag ask` process → answer | {r['cold_start_cli_s']} s | ≤ {r['targets']['cold_start_s']} s |",
             f"| cold start: `rag serve` → first 200 | {r.get('cold_start_serve_s', '-')} s | ≤ {r['targets']['cold_start_s']} s |",
             f"| warm p50 / p95 (1×, {w['n']} distinct questions) | {w['p50_ms']} / {w['p95_ms']} ms | p95 ≤ 40 ms |",
             f"| bare query embedding p50 (floor) | {w.get('embed_floor_p50_ms', '-')} ms | |",
             f"| warm p50 ÷ floor | {w.get('p50_over_floor', '-')} | ≤ 1.3 |",
             "| stages p50 (ms) | " + ", ".join(f"{k} {v}" for k, v in w["stages_p50_ms"].items()) + " | |"]
    for s in r["scale"]:
        if "error" in s:
            lines.append(f"| scale: error | {s['error'][-120:]!r} | |")
            continue
        lines.append(f"| {s['factor']}× {s['backend']}: {s['chunks']} sections | build {s['build_s']} s, "
                     f"{s['index_mb']} MB, RSS {s['peak_rss_mb']} MB, p50 {s['p50_ms']} / p95 {s['p95_ms']} ms "
                     f"(BM25 p50 {s['stages_p50_ms'].get('bm25', '-')} ms) | p50 ≤ 40 ms at 100× |")
    for h in r["http"]:
        lines.append(f"| HTTP {h['clients']} clients, {h['mix']} ({h['seconds']} s, {r.get('http_workers')} workers) | "
                     f"{h['rps']} answers/s, p50 {h['p50_ms']} / p95 {h['p95_ms']} ms, errors {h['errors']} | "
                     "≥ 150/s, p95 ≤ 200 ms, 0 errors (100, helpdesk) |")
    return "\n".join(lines)
