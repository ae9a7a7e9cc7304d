"""Dense similarity with calibrated margins: a metric named in other words, a project by what it does.

The lexical path answers when the question's words are in a clause. When they are not (处理器要多少
核 for 处理器≥100 核, 充一次电能干多久 for 续航时间≥8 小时), the metric groups of the project (a clause's comma
parts, each with its number; embedded at build time) are scored by the question's asking part:
lexical coverage plus a weight times the group's dense similarity as a z-score within the project
(e5 similarities crowd between 0.8 and 0.95, so only their spread within one project says
anything). The best group answers only when its z-score clears a floor and its score leads the
runner-up by a margin; otherwise the engine abstains as before. A project described by what it does
(帮养老院看护老人的那个项目) is found the same way among the projects' title + problem texts.
The calibration (scores of correct, wrong and near-miss picks) is in docs/precision.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from rag.answer import Evidence, metric_groups
from rag.coverage import ASKED_MEASURE, MEASURES, TARGET_ASK, TARGET_REQUIREMENT
from rag.normalize import normalize
from rag.query import ALREADY_SEEN, EXCEPT, PROJECT_PATTERNS, Query
from rag.roles import PROBLEM
from rag.types import Chunk
from rag.units import asked_dimensions, dimensions

# 帮养老院看护老人…的那个项目，要服务多少家: the part before 那个项目 describes the project; the
# part after it is what is asked. 养老机器人那个语音交互: a short name before a bare 那个 does too
# (but 嘴型和声音要对得上，这个有没有指标 is a pronoun, not a project).
# 看图听话都能做的那个大模型，… / 那个扫马路的无人装备项目，…: what follows 那个 up to the comma is part
# of the description (a short noun phrase, or the whole description when the question opens with 那个).
DESCRIBED = (re.compile(r"^(.{2,}?)的?(?:那|这)一?个(?:项目|课题)\s*[,，:：]?\s*"),
             re.compile(r"^(.{2,40}?的)(?:那|这)一?个([^,，。;；:：?？!！\s]{1,10}?)(?:项目|课题|专项)?\s*[,，:：]\s*"),
             re.compile(r"^(?:那|这)一?个([^,，。;；:：?？!！]{2,30}?)(?:项目|课题|专项)?\s*[,，:：]\s*"),
             re.compile(r"^([^,，。;；:：?？!！\s]{2,12}?)的?那个\s*"),
             # 做800伏电驱的项目，… / 研发不用液态电解液的那种电池的项目，…: no 那个, the clause ends in 的项目.
             re.compile(r"^(.{4,40}?)的(?:项目|课题)\s*[,，:：]\s*"))
# "… for the hydrogen fuel-cell drone project?": an English question names a project by its
# English description, between a preposition + the and a word for a project. Family-wide English.
EN_DESCRIBED = re.compile(
    r"(?:^|\b(?:for|of|in|on|about|under|by|from|with|does|is|are|must)\s+)(?:the|this|that)\s+"
    r"((?:(?!(?:the|for|of|in|on|about)\b)[\w'’.-]+,?\s+){0,12}?(?!(?:the|for|of|in|on|about)\b)[\w'’.-]+\s+"
    r"(?:project|programme|program|platform|system|task|initiative))\b(?!\s*\d)"
    # "the 2026 … major project call / guide" names the guide, not one of its projects.
    r"(?!\s+(?:calls?|guides?|guidelines?|batch|announcement|notice)\b)",
    re.IGNORECASE)
# A count's measure words (rag/coverage.py), and 天: 几天 is answered by the group in days.
_MEASURES = (*MEASURES, "天")
_DIGIT = re.compile(r"\d")
# 噪音得压到多小, 做到多亮, 控得多准: a degree asked in spoken form (多 + an adjective of measure)
# asks a metric's value as 多少 does.
SPOKEN_DEGREE = r"多[小低亮准远宽窄薄厚重轻深浅短强稳细密]"
# What a metric group can answer: a value or amount (多少, 几, 多久), or whether something is required,
# allowed or what follows (是不是, 能不能, 会怎样). "Which one" (用哪家的引擎, 放在哪个区) asks for a name
# the targets do not hold: no answer by meaning.
ASKS_VALUE = re.compile(TARGET_ASK.pattern + "|" + TARGET_REQUIREMENT.pattern + "|" + SPOKEN_DEGREE + r"|能不能|能否|可不可以|可否|行不行|会怎样|会咋样|怎么办|什么后果"
                        r"|\b(?:what|which|how)\b.*\b(?:target|required|requirement|reach|achieve|rate|accuracy|"
                        r"speed|time|power|capacity|ratio|number|count|size|scale|level)s?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Calibration:
    """The constants of the dense fallback, calibrated on the eval sets (docs/precision.md)."""

    # A group's score is its lexical coverage (0..1) plus this weight times its dense z-score.
    dense_weight: float = 0.2
    # The best group must lead the runner-up by this much of that score …
    margin: float = 0.15
    # … and its own similarity must stand this many standard deviations above the project's mean.
    min_z: float = 1.5
    # A project found by content must lead the runner-up by this many z-units of similarity.
    project_margin: float = 0.5
    project_min_z: float = 1.5
    # The only group that counts in the measure word asked (几台 → 销售≥200 台) needs less lead: the
    # measure word is evidence of its own.
    unit_min_z: float = 1.0
    # Fewer candidates than this give no spread to measure against: no dense answer.
    min_candidates: int = 4


@dataclass(frozen=True)
class Pick:
    """A metric group chosen by dense similarity: where it is and how far it leads."""

    chunk: int  # index into the engine's chunks
    start: int
    end: int
    z: float
    margin: float


def metric_spans(chunks: list[Chunk], doc_texts: dict[str, str]) -> list[tuple[int, int, int]]:
    """Return (chunk index, start, end) of every metric group of every project clause, in order."""
    out = []
    for i, c in enumerate(chunks):
        if c.project is None:
            continue
        for cl in c.clauses:
            for g in metric_groups(cl):
                if doc_texts[c.doc][g.start : g.end].strip():
                    out.append((i, g.start, g.end))
    return out


def group_text(chunk: Chunk, text: str) -> str:
    """Return what the model sees of a metric group: its section, then its words."""
    return f"{chunk.section or ''}：{text}"


def project_text(title: str, problem: str) -> str:
    """Return what the model sees of a project: its title and what it sets out to solve."""
    return f"{title}：{problem}"


def asked_part(q: Query, names: Iterable[str] = (), asked: str | None = None) -> str:
    """Return the part of a question that asks, without the project it names or describes.

    `names` are words that name a guide (its title words, 2025, 二批): they ask nothing either.
    `asked` is what follows the description when the caller has split it already.
    """
    text = split_description(q.norm)[1] if asked is None else asked
    text = ALREADY_SEEN.sub(" ", EXCEPT.sub(" ", text))  # 除了培养博士以外…要几个硕士: 博士 is not asked
    # 料肉比要求达到多少？日增重和瘦肉率我都看到了: sentences that ask nothing are the asker's
    # remarks; the metrics they name are not asked.
    sentences = [p for p in re.split(r"(?<=[?？!！。;；])", text) if p.strip()]
    asking = [p for p in sentences if ASKS_VALUE.search(p)]
    if asking and len(asking) < len(sentences):
        text = "".join(asking)
    for pat in PROJECT_PATTERNS:
        text = pat.sub(" ", text)
    for w in sorted({*q.topic_words, *names}, key=len, reverse=True):
        if w:
            text = text.replace(w, " ")
    return re.sub(r"\s+", " ", text).strip(" ,，的") or q.norm


def split_description(norm: str) -> tuple[str, str]:
    """Return (the clause that describes a project, the rest) of a question; ('', norm) without one."""
    for pattern in DESCRIBED:
        m = pattern.match(norm)
        if m and m.end() < len(norm):
            return "".join(m.groups()), norm[m.end() :]
    m = EN_DESCRIBED.search(norm)
    if m and len(m.group(1).split()) >= 3:
        # "the drone project" names too little to tell projects apart; three words or more describe one.
        return m.group(1), re.sub(r"\s+", " ", norm[: m.start(1)] + " " + norm[m.end(1) :]).strip()
    return "", norm


def _z(sims: np.ndarray) -> np.ndarray:
    return (sims - sims.mean()) / (sims.std() + 1e-6)


class Semantic:
    """Metric-group and project vectors of one index, and the margin rules that use them."""

    def __init__(self, chunks: list[Chunk], doc_texts: dict[str, str], spans: list[tuple[int, int, int]],
                 group_vecs: np.ndarray, projects: list[tuple[str, int]], project_vecs: np.ndarray,
                 encode: Callable[[str], np.ndarray], calibration: Calibration | None = None) -> None:
        if len(spans) != len(group_vecs) or len(projects) != len(project_vecs):
            raise ValueError("semantic vectors do not match the index")
        self.chunks = chunks
        self.texts = doc_texts
        self.spans = spans
        self.group_vecs = group_vecs
        self.projects = projects
        self.project_vecs = project_vecs
        self.encode = encode
        self.cal = calibration or Calibration()
        self._by_project: dict[tuple[str, int], list[int]] = {}
        for j, (ci, _, _) in enumerate(spans):
            c = chunks[ci]
            # The problem statement describes the project (resolve uses it); what the project
            # must do or meet is set in the other sections, and only they answer by meaning.
            if c.role != PROBLEM:
                self._by_project.setdefault((c.doc, c.project_no), []).append(j)

    def resolve(self, qvec: np.ndarray, candidates: list[tuple[str, int]]) -> tuple[str, int] | None:
        """Return the candidate project the question describes, if it leads the runner-up by the margin."""
        wanted = set(candidates)
        rows = [i for i, k in enumerate(self.projects) if k in wanted]
        if len(rows) < 2:
            return None
        # z over every loaded project: a guide of six projects alone gives too little spread to
        # measure a lead, and a question scoped to one guide is read as it would be unscoped.
        z = _z(self.project_vecs @ qvec)[rows]
        order = np.argsort(-z)
        if z[order[0]] >= self.cal.project_min_z and z[order[0]] - z[order[1]] >= self.cal.project_margin:
            return self.projects[rows[int(order[0])]]
        return None

    def best_metric(self, project: tuple[str, int], ask: str, ev: Evidence, wants_number: bool) -> Pick | None:
        """Return the project's metric group that answers `ask` with a clear lead, or None (abstain)."""
        if not ASKS_VALUE.search(ask):
            return None
        rows = self._by_project.get(project, [])
        if wants_number:
            # A "how many" question is answered by a group that holds a number …
            rows = [j for j in rows if _DIGIT.search(self._text(j))]
        if len(rows) < self.cal.min_candidates:
            return None
        qvec = self.encode(ask)
        sims = self.group_vecs[rows] @ qvec
        z = _z(sims)
        cov = np.array([ev.coverage(normalize(self._text(j))) for j in rows]) if ev.terms else np.zeros(len(rows))
        score = cov + self.cal.dense_weight * z
        m = ASKED_MEASURE.search(ask)
        unit = next((u for u in _MEASURES if m and m.group(1) in u and m.group(1) != "项"), "")
        # … counted in the unit asked: 多少辆巡检车 is not answered by 巡检装备≥3 类, and 几天 by the
        # group in days when it is close enough (z), however many words other groups share.
        counts = re.compile(rf"\d\s*(?:[十百千万亿]\s*)?[{unit}]") if unit else None
        # … and one asked in a unit (充电要几分钟) by a group measured in its dimension, never a
        # percentage of another metric.
        dims = asked_dimensions(ask, spoken=False)
        allowed = [k for k, j in enumerate(rows) if (counts is None or counts.search(self._text(j)))
                   and (not dims or dimensions(normalize(self._text(j))) & dims)]
        if not allowed:
            return None
        top = max(allowed, key=lambda k: score[k])
        margin = float(score[top] - max((score[k] for k in allowed if k != top), default=-np.inf))
        floor = self.cal.unit_min_z if counts is not None and len(allowed) == 1 else self.cal.min_z
        if z[top] < floor or margin < self.cal.margin:
            return None
        ci, start, end = self.spans[rows[top]]
        return Pick(ci, start, end, float(z[top]), margin)

    def _text(self, j: int) -> str:
        ci, start, end = self.spans[j]
        return self.texts[self.chunks[ci].doc][start:end]
