"""Benchmark questions (many, varied, distinct), the targets, their verdicts and the printed table."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Every way the eval set saw a project named: numbers, numerals, ordinals, English. Names by topic
# are words of one guide's titles: they come from eval/bench-projects.txt, beside its question sets.
PROJECTS = ["项目一", "项目2", "第三个项目", "4号项目", "项目伍", "项目七", "project 3", "項目六", "第五个项目"]
ASKS = ["出资要求", "实施周期多久", "谁能申报", "组织方式", "考核指标", "资助强度是多少", "要培养几个博士",
        "发明专利要求", "响应时间要求", "其他说明", "给多少钱", "要做几年", "funding", "how long",
        "示范应用要求", "软件著作权数量", "销售收入目标", "拟解决什么问题", "需要企业牵头吗", "准确率要达到多少",
        "who can apply", "how many patents"]
# Target name → (report path, comparison, bound). Paths are dotted keys into the report.
TARGETS: dict[str, tuple[str, str, float]] = {
    "warm_p50_over_floor_1x": ("warm_1x.p50_over_floor", "<=", 1.3),
    "warm_p95_ms_1x": ("warm_1x.p95_ms", "<=", 40),
    "warm_p50_ms_100x": ("scale_100x_default.p50_ms", "<=", 40),
    "http_rps_100_helpdesk": ("http_100_helpdesk.rps", ">=", 150),
    "http_p95_ms_100_helpdesk": ("http_100_helpdesk.p95_ms", "<=", 200),
    "http_errors_100_helpdesk": ("http_100_helpdesk.errors", "<=", 0),
    "cold_start_cli_s": ("cold_start_cli_s", "<=", 10),
    "cold_start_serve_s": ("cold_start_serve_s", "<=", 10),
    "build_1x_s": ("build_1x_s", "<=", 30),
}


def bench_questions(n: int) -> list[str]:
    """Return n distinct questions: the eval and held-out sets, then project × ask combinations."""
    out: list[str] = []
    for name in ("questions.jsonl", "holdout.jsonl"):
        path = ROOT / "eval" / name
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            out += [json.loads(line)["q"] for line in lines if line.strip()]
    topical = ROOT / "eval" / "bench-projects.txt"
    names = PROJECTS + (topical.read_text(encoding="utf-8").split() if topical.exists() else [])
    for p, a in itertools.product(names, ASKS):
        out.append(f"{p}{a}" if not a.isascii() else f"{a} {p}")
    out = list(dict.fromkeys(out))
    i = 0
    while len(out) < n:  # distinct variants of the same questions beyond the combinations
        out.append(f"{out[i % len(out)]}？请问")
        i += 1
    return out[:n]


def lookup(report: dict, path: str) -> Any:
    """Return the value at a dotted path; `scale_<F>x_default` and `http_<C>_<mix>` name list rows."""
    head, _, rest = path.partition(".")
    if head.startswith("scale_"):
        factor = int(head.split("_")[1].rstrip("x"))
        rows = [s for s in report.get("scale", []) if s.get("factor") == factor and s.get("default")]
        node: Any = rows[0] if rows else None
    elif head.startswith("http_"):
        _, clients, mix = head.split("_")
        rows = [h for h in report.get("http", {}).get("runs", []) if h["clients"] == int(clients) and h["mix"] == mix]
        node = rows[0] if rows else None
    else:
        node = report.get(head)
    for key in rest.split(".") if rest else ():
        node = node.get(key) if isinstance(node, dict) else None
    return node


def verdicts(report: dict) -> dict[str, dict]:
    """Compare the report with every target: value, bound and met (None when not measured)."""
    out = {}
    for name, (path, op, bound) in TARGETS.items():
        v = lookup(report, path)
        met = None if not isinstance(v, int | float) else (v <= bound if op == "<=" else v >= bound)
        out[name] = {"value": v, "target": f"{op} {bound:g}", "met": met}
    return out


def _mark(report: dict, name: str) -> str:
    met = report.get("verdicts", {}).get(name, {}).get("met")
    return {True: "✅", False: "❌"}.get(met, "–")


def table(r: dict) -> str:
    """Return the report as a markdown table (ready for the README)."""
    w = r["warm_1x"]
    st = w["stages_p50_ms"]
    lines = ["| measure | value | target |", "|---|---|---|",
             f"| index build, 1× | {r['build_1x_s']} s | ≤ 30 s {_mark(r, 'build_1x_s')} |",
             f"| cold start: `rag ask` process → answer | {r['cold_start_cli_s']} s | ≤ 10 s {_mark(r, 'cold_start_cli_s')} |",
             f"| cold start: `rag serve` → first 200 from /api/ask | {r.get('cold_start_serve_s', '–')} s | "
             f"≤ 10 s {_mark(r, 'cold_start_serve_s')} |",
             f"| warm answer p50 / p95, 1× ({w['n']} distinct questions, caches off) | {w['p50_ms']} / {w['p95_ms']} ms"
             f" | p95 ≤ 40 ms {_mark(r, 'warm_p95_ms_1x')} |",
             f"| bare query embedding p50 / p95 (the floor) | {w.get('embed_floor_p50_ms', '–')} / "
             f"{w.get('embed_floor_p95_ms', '–')} ms | |",
             f"| warm p50 ÷ floor | {w.get('p50_over_floor', '–')} | ≤ 1.3 {_mark(r, 'warm_p50_over_floor_1x')} |",
             "| stages p50, 1× | " + ", ".join(f"{k} {v}" for k, v in st.items()) + " ms | |",
             f"| repeated question (answer cache) p50 | {w.get('cached_p50_ms', '–')} ms | |"]
    for s in r["scale"]:
        if "error" in s:
            lines.append(f"| scale {s.get('factor')}× {s.get('backend')}: error | {s['error'][-160:]!r} | |")
            continue
        build = f"build {s['build_s']} s, " if s.get("build_s") is not None else "same index, "
        target = f"p50 ≤ 40 ms {_mark(r, 'warm_p50_ms_100x')}" if s["factor"] == 100 and s.get("default") else ""
        lines.append(f"| {s['factor']}× ({s['documents']} guides, {s['chunks']} sections), {s['backend']} | {build}"
                     f"{s['index_mb']} MB on disk, peak RSS {s['peak_rss_mb']} MB, p50 {s['p50_ms']} / "
                     f"p95 {s['p95_ms']} ms (BM25 {s['stages_p50_ms'].get('bm25', '–')}, fusion "
                     f"{s['stages_p50_ms'].get('fusion', '–')} ms) | {target} |")
    h = r.get("http", {})
    for run in h.get("runs", []):
        hot = run["clients"] == 100 and run["mix"] == "helpdesk"
        target = (f"≥ 150/s {_mark(r, 'http_rps_100_helpdesk')}, p95 ≤ 200 ms {_mark(r, 'http_p95_ms_100_helpdesk')},"
                  f" 0 errors {_mark(r, 'http_errors_100_helpdesk')}") if hot else ""
        lines.append(f"| HTTP {run['clients']} clients, {run['mix']}, {run['seconds']} s, {h.get('workers')} workers | "
                     f"{run['rps']} answers/s, p50 {run['p50_ms']} / p95 {run['p95_ms']} ms, {run['errors']} errors "
                     f"(load generator {run.get('loadgen_cpu_pct', '–')}% of a core) | {target} |")
    return "\n".join(lines)
