"""Answer a question asked of several projects: a cited row for each project that holds it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from rag.answer import Evidence, best_span, citation, metric_groups, suggestions
from rag.compare import satisfies
from rag.normalize import normalize, strip_spaces
from rag.query import Query
from rag.retrieve import Hit
from rag.roles import ELIGIBILITY, FUNDING, ORGANISATION, PERIOD
from rag.settings import Scoring, Settings
from rag.types import Answer, Chunk, Clause

# Projects named in "not mentioned by" notes; beyond this a count (100 guides × 7 projects).
MAX_NAMED = 10
# Asking each project in turn (各个项目分别…, 每个项目的…), not which projects hold something.
EACH = re.compile(r"分别|各自|各个项目|每个项目|每一个项目|各项目|\beach\b|\bevery\b")
# Roles every project has one answer of (its money, period, organisation, who may apply): asked of
# each project, every project gets its row; the question's other words only choose the clause.
# (A target is one of many a project sets: 各项目分别要求制定几项标准 keeps the rows that set one.)
WHOLE_ROLES = frozenset({FUNDING, PERIOD, ORGANISATION, ELIGIBILITY})
# … unless it asks which projects hold something first (哪些项目有区县配套，分别多少): a filter.
WHICH = re.compile(r"哪些项目|哪几个项目|哪几项|哪些课题|\bwhich projects\b")


def answer_across(question: str, q: Query, hits: list[Hit], ev: Evidence, texts: dict[str, str],
                  s: Settings, pool_size: int) -> Answer | None:
    """Answer a question that names no project: a row per project, an abstention, or None.

    None means one project's section answers it (哪些项目需要区级财政资助 → 项目一 alone
    holds the words) and the single-clause path should take it. `pool_size` passages are searched
    for the section when the question names none: a whole guide's (Engine.cross_pool).
    """
    section = (q.sections or q.weak_sections or [""])[0]
    if not section and ev.terms:
        # 哪些项目的经济效益含降本增效: no section word, so the section holding the words best.
        pool = hits[:pool_size]
        if q.cross:
            # 各个项目分别… asks each project: the general part, whose words may match best, has none.
            pool = [h for h in pool if h.chunk.project] or pool
        section = max(pool, key=lambda h: ev.coverage(h.chunk.text + (h.chunk.section or ""))).chunk.role or ""
    if not section:
        return None
    # The heading counts: 是否一律采公开竞争方式组织 names 组织方式 out of order.
    covs = [ev.coverage(h.chunk.text + (h.chunk.section or "")) for h in hits if h.chunk.role == section]
    top = max(covs, default=0.0)
    tied = covs.count(top) > 1
    missing = Answer(question, False, "", [], suggestions(hits, s.suggestions, ev), note="指南中没有找到这个问题的答案。")
    if (q.cross and section in WHOLE_ROLES and EACH.search(q.norm) and not q.conditions and not q.values
            and not (WHICH.search(q.norm) and ev.terms)):
        return rows_answer(question, q, hits, texts, section, s.answer_max_chars, ev, s.scoring, keep_all=True)
    if q.cross or q.sections:
        if ev.terms and top < s.min_evidence:
            # Asked of every project, with words no section holds (什么时候拨付): not answered here.
            return missing
        if q.sections and not q.cross and ev.terms and not tied and top < s.scoring.single_project_coverage:
            return missing
        if q.cross or not ev.terms or tied:
            return rows_answer(question, q, hits, texts, section, s.answer_max_chars, ev, s.scoring)
        return None
    # A weak section word (各项目授权发明专利要求 without 各项目): rows only when several
    # projects hold the words equally well.
    if top >= s.scoring.single_project_coverage and tied:
        return rows_answer(question, q, hits, texts, section, s.answer_max_chars, ev, s.scoring)
    return None


def rows_answer(question: str, q: Query, hits: list[Hit], texts: dict[str, str], section: str,
                max_chars: int, ev: Evidence | None = None, scoring: Scoring | None = None,
                keep_all: bool = False) -> Answer:
    """Answer a section (a role: rag.roles) asked of no project: one cited row per project, identical rows merged.

    With evidence (各项目授权发明专利要求) each row is the clause that holds it, and only projects
    that hold it get a row (all of them with `keep_all`); without, the section's opening clauses.
    """
    scoring = scoring or Scoring()
    rows: dict[str, tuple[list[str], str]] = {}
    cites = []
    ev = ev or Evidence([], [])
    mine = sorted((h for h in hits if h.chunk.role == section), key=lambda h: (h.chunk.doc, h.index))
    # Notes name the section in the guide's own words (经费支持) when its projects agree on them.
    headings = {h.chunk.section for h in mine}
    heading = next(iter(headings)) if len(headings) == 1 and None not in headings else section
    left_out: list[str] = []
    nums: list[str] = []
    by_value = q.values is not None and q.values.role == section
    if (ev.terms or q.conditions) and not by_value and not keep_all:
        # 哪些项目要求制定标准: only the projects whose section holds the words get a row. (Values of
        # the section, 公开竞争、揭榜挂帅还是定向择优, choose rows below: one row holds one of them.)
        nums = [t for t in ev.terms if t[0].isdigit() or t[-1].isdigit()]
        numbers = Evidence(nums, [1.0] * len(nums))
        if q.conditions:
            # 不少于10项: a metric whose number meets the condition (≥15 does, ≥3 does not). A
            # condition written as the guide writes it (不超过1000万元) quotes a figure: that one.
            quoted = [c.text for c in q.conditions if c.text and any(_quotes(c.text, _flat_doc(t)) for t in texts.values())]
            ranges = [c for c in q.conditions if c.text not in quoted]

            def wanted(t: str) -> bool:
                return (not ranges or satisfies(t, ranges)) and all(_quotes(x, _flat(t)) for x in quoted)

            covs = [_metric_coverage(h.chunk, texts[h.chunk.doc], ev, wanted) for h in mine]
        elif nums:
            # Any one number: 1亿元（10000万元） names one amount twice.
            covs = [_metric_coverage(h.chunk, texts[h.chunk.doc], ev, lambda t: numbers.coverage(t) > 0)
                    for h in mine]
        else:
            covs = [ev.coverage(h.chunk.text + (h.chunk.section or "")) for h in mine]
        if q.conditions and not any(covs):
            # No project meets it (有没有超过三年的): the whole table answers, with a note saying so.
            unmet = "、".join(f"{c.op}{c.value:g}" for c in q.conditions)
            plain = rows_answer(question, replace(q, conditions=[]), hits, texts, section, max_chars, ev, scoring)
            plain.note = f"没有项目的{section}符合所问条件（{unmet}）。"
            return plain
        keep = scoring.row_keep * max(covs, default=0.0)
        left_out = [h.chunk.project or h.chunk.doc for h, cv in zip(mine, covs, strict=True) if cv < keep or cv == 0]
        mine = [h for h, cv in zip(mine, covs, strict=True) if cv >= keep and cv > 0]
    if not mine:
        return Answer(question, False, "", [], suggestions(hits, 3, ev), note="指南中没有找到这个问题的答案。")
    unmet_values = ""
    if q.values and q.values.role == section:
        # 哪些不是公开竞争，而是揭榜挂帅或定向委托: the rows whose section holds a wanted value and no
        # excluded one; when none does (有没有哪个是定向委托的), the whole table answers, and says so.
        held = [h for h in mine if q.values.admits(h.chunk.text)]
        if held:
            left_out += [h.chunk.project or h.chunk.doc for h in mine if h not in held]
            mine = held
        else:
            unmet_values = "、".join(q.values.wanted) or "、".join(f"非{v}" for v in q.values.excluded)
    for h in mine:
        c = h.chunk
        s, e, _ = best_span(c, texts[c.doc], q, ev, None, max_chars, scoring)
        text = texts[c.doc][s:e]
        key = strip_spaces(text)
        label = c.project or c.doc
        if key in rows:
            rows[key][0].append(label)
        else:
            rows[key] = ([label], text)
        cites.append(citation(c, texts[c.doc], s, e, h.score))
    table = list(rows.values())
    answer = "\n".join(f"{'、'.join(labels)}：{text}" for labels, text in table)
    note = ""
    if left_out:
        named = "、".join(left_out[:MAX_NAMED]) + (f" 等 {len(left_out)} 个" if len(left_out) > MAX_NAMED else "")
        what = "与所问数字相符的内容" if nums or q.conditions else "所问内容"
        note = f"{named}的{heading}中没有{what}。"
    if unmet_values:
        note = f"没有项目的{heading}是{unmet_values}。"
    elif q.values and q.values.role == section and left_out:
        note = f"{'、'.join(left_out[:MAX_NAMED])}的{heading}不符合所问。"
    return Answer(question, True, answer, cites, rows=table, note=note)


def _flat(text: str) -> str:
    """Return text normalised without spaces, as conditions are matched (不超过 1000 万元 → 不超过1000万元)."""
    return strip_spaces(normalize(text))


# One entry per guide, kept apart from the many short metric texts so these are never evicted.
_flat_doc = lru_cache(maxsize=256)(_flat)


def _quotes(phrase: str, flat: str) -> bool:
    """Return True if flat text holds the phrase whole: 低于1000 is not in 不低于10000."""
    return re.search(rf"(?<!不){re.escape(phrase)}(?![\d.])", flat) is not None


def _metric_coverage(chunk: Chunk, doc_text: str, ev: Evidence, wanted: Callable[[str], bool]) -> float:
    """Return the best coverage of one metric (软件著作权≥5 项) whose number is `wanted`.

    软件著作权要求是5项的项目 is not 项目二 (软件著作权≥10 项, 授权发明专利≥5 项): the number
    must sit with the metric, not anywhere in the section.
    """
    best = 0.0
    for clause in chunk.clauses or [Clause(chunk.text, chunk.start, chunk.end)]:
        for g in metric_groups(clause):
            text = doc_text[g.start : g.end]
            if wanted(text):
                best = max(best, ev.coverage(text) if ev.terms else 1.0)
    return best
