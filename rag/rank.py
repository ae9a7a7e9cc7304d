"""Superlatives across projects: 哪个项目……最多/最少/最高/最低/最长/最短 → the extreme project(s) first.

Each project's section gives the metric that holds what was asked (市级财政经费资助不超过 2000 万元);
its amount is normalised (1 亿人次 = 10000 万人次, 10 亿 > 5000 万元) and the project(s) at the
extreme answer, with the others' figures in the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer import Evidence, citation, metric_groups, suggestions
from rag.dates import period_months
from rag.normalize import normalize
from rag.query import Query
from rag.retrieve import Hit
from rag.roles import PERIOD
from rag.types import Answer, Chunk
from rag.units import asked_dimensions, quantities

# Degree words by direction; 最长/最短 of a period are its largest/smallest too.
# English "at least"/"at most" are bounds (conditions), so only "the most"/"the least" rank.
HIGHEST = ("最多", "最高", "最大", "最长", "最久", "最强", "最快", "the most", "highest", "largest", "biggest", "longest")
LOWEST = ("最少", "最低", "最小", "最短", "the least", "lowest", "smallest", "fewest", "shortest")
# "Which project" in the question: without it, 最多 is a bound (项目二最多资助多少).
WHICH = re.compile(r"哪个|哪一个|哪家|哪项|哪些|which")
# A project's metric counts when it covers the question at least this share of the best one.
KEEP = 0.7


@dataclass(frozen=True)
class Ranked:
    """One project's metric and its amount in base units."""

    hit: Hit
    start: int
    end: int
    value: float
    dimension: str = ""  # of the amount: area for 50km2, '' for a bare count


def direction(norm: str) -> int:
    """Return +1 for a question after the highest, -1 for the lowest, 0 for no ranking."""
    if not WHICH.search(norm):
        return 0
    hi = max((norm.rfind(w) for w in HIGHEST), default=-1)
    lo = max((norm.rfind(w) for w in LOWEST), default=-1)
    if hi < 0 and lo < 0:
        return 0
    return 1 if hi > lo else -1


def answer_rank(question: str, q: Query, hits: list[Hit], ev: Evidence, texts: dict[str, str],
                sign: int, n_suggestions: int) -> Answer | None:
    """Answer a ranking question with the extreme project(s); None when no metric has an amount."""
    section = (q.sections or q.weak_sections or [""])[0]
    # By role: each guide words the heading its own way (考核指标, 预期目标).
    pool = [h for h in hits if h.chunk.project and (not section or h.chunk.role == section)]
    best: dict[str, tuple[float, Ranked]] = {}
    if section == PERIOD:
        # 实施期最长: periods compare by their length in months, a range of dates or a number of years.
        best = _periods(pool, texts)
    elif not ev.terms:
        return None
    dims = asked_dimensions(q.norm)
    for h in pool if not best else []:
        found = _metric(h.chunk, texts[h.chunk.doc], ev, dims)
        if found is None:
            continue
        cov, start, end, value, dim = found
        key = f"{h.chunk.doc}#{h.chunk.project}"
        if key not in best or cov > best[key][0]:
            best[key] = (cov, Ranked(h, start, end, value, dim))
    if not best:
        return None
    top = max(c for c, _ in best.values())
    # 面积最大 of 区级示范区域面积≥20km2 and 应用示范面积≥50km2: an amount in the dimension asked
    # competes though the metric is worded apart from the question.
    ranked = [r for c, r in best.values() if c >= KEEP * top or r.dimension in dims]
    if len(ranked) < 2:
        return None
    ranked.sort(key=lambda r: -sign * r.value)
    winners = [r for r in ranked if abs(r.value - ranked[0].value) <= 1e-9 * max(abs(r.value), 1.0)]
    rows, cites = [], []
    # The extreme project(s) first, then the others with their figures for comparison.
    for r in [*winners, *(r for r in ranked if r not in winners)]:
        c = r.hit.chunk
        text = texts[c.doc][r.start : r.end]
        rows.append(([c.project or c.doc], text))
        cites.append(citation(c, texts[c.doc], r.start, r.end, r.hit.score))
    which = "最高" if sign > 0 else "最低"
    note = f"{which}：{'、'.join(r.hit.chunk.project or r.hit.chunk.doc for r in winners)}。"
    answer = "\n".join(f"{labels[0]}：{text}" for labels, text in rows)
    ans = Answer(question, True, answer, cites, suggestions(hits, n_suggestions), rows=rows, note=note)
    return ans


def _periods(pool: list[Hit], texts: dict[str, str]) -> dict[str, tuple[float, Ranked]]:
    """Return each project's period clause with its length in months (projects without one left out)."""
    out: dict[str, tuple[float, Ranked]] = {}
    for h in pool:
        c = h.chunk
        months = period_months(texts[c.doc][c.start : c.end])
        key = f"{c.doc}#{c.project}"
        if months is not None and key not in out:
            out[key] = (1.0, Ranked(h, c.start, c.end, months))
    return out


def _metric(chunk: Chunk, doc_text: str, ev: Evidence, dims: set[str]) -> tuple[float, int, int, float, str] | None:
    """Return (coverage, start, end, amount, its dimension) of the chunk's metric that best holds the question."""
    best = None
    for clause in chunk.clauses:
        for g in metric_groups(clause):
            text = normalize(doc_text[g.start : g.end])
            amounts = [x for x in quantities(text) if not dims or x.dimension in dims or not x.dimension]
            cov = ev.coverage(text)
            if not amounts or cov <= 0:
                continue
            if best is None or cov > best[0]:
                # The amount is the first after the asked words (规模≥100TB、…数据≥10 万 → 100TB).
                spots = [text.find(alt) for t in ev.terms for alt in t.split("|") if alt in text]
                after = [x for x in amounts if x.at >= max(spots, default=0)] or amounts[-1:]
                best = (cov, g.start, g.end, after[0].value, after[0].dimension)
    return best
