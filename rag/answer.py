"""Choose the clause(s) that answer, decide whether the evidence is enough, build the Answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rag.budget import tick
from rag.dates import has_date, has_range
from rag.lexicon import STOPWORDS
from rag.normalize import normalize, strip_spaces
from rag.query import WEAK_SECTION_WORDS, Query
from rag.retrieve import Hit, Retriever
from rag.settings import Scoring
from rag.types import Chunk, Citation, Clause

_DIGIT = re.compile(r"\d")
# A telephone number as guides print them (023-63898512, 400-123-4567, 63898512) and the asks for one.
PHONE = re.compile(r"(?<!\d)(?:0\d{2,3}|400)\s*[-－—]\s*\d{3,8}(?:\s*[-－—]\s*\d{3,4})?|(?<![\d.])\d{8}(?![\d.])")
PHONE_ASK = re.compile(r"电话|联系方式|号码|热线|phone|hotline|call\b|contact", re.IGNORECASE)
# 几件, 多少台: "how many" with a measure word asks for a number, not for the word.
_COUNT_WORD = re.compile(r"(?:几|多少|好多)[\u4e00-\u9fff]")
# A clause longer than this is narrowed to the comma-part that holds the asked metric.
NARROW_ABOVE = 60
# A short section is answered by one clause only when that clause covers this much more of the
# asked words than any other (a clear lead, not a tie broken by rank).
SHORT_SECTION_LEAD = 0.5
# Section answered when a project is named without any section or content ("项目二是做什么的").
DEFAULT_SECTION = "拟解决问题"
# Particles the segmenter glues to a neighbour (车要, 的车): never part of a content word's meaning.
GLUED = frozenset("要的了吗呢吧啊呀么哦嘛")
# Words that join alternatives in a question (收入或经济效益, 国家/行业/团体标准): any one answers.
EITHER = frozenset({"或", "或者", "或是", "/"})
# A figure written in Chinese numerals, with a unit or not (二十, 二十度, 三天): at least two characters,
# so 一 of 一体 is a word.
# 多少亿元 of a total written in 万元: the money's magnitude is the amount's, not a word to find.
MONEY_MAGNITUDE = re.compile(r"[十百千万亿]+元|[零一二两三四五六七八九十百千]+个?[万亿]元?")  # (… 接近一个亿)
SPOKEN_AMOUNT = re.compile(r"[零一二两三四五六七八九十百千万亿]{2,}|[零一二两三四五六七八九十百千]+[度天秒米人名年月个]"
                           # … and a measure asked in a unit (几秒钟, 多少公里): the unit's dimension judges it.
                           r"|(?:几|多少)(?:秒钟|分钟|小时|个月|公里|毫秒|秒|天|米|度)")
# A word glossed in brackets by the asker (横向（水平方向）): the two are alternatives.
GLOSS = re.compile(r"([\u4e00-\u9fff]{2,})\s*[（(]\s*([\u4e00-\u9fff]{2,8})\s*[)）]")
# Words that list (销售收入、经济效益): alternatives where one figure per project is compared.
LISTED = frozenset({"、"})
# A magnitude left over from an amount (多少亿, 0.54个亿): no word of what is measured.
MAGNITUDES = frozenset({"亿", "万", "千", "百万", "千万", "万亿"})
# Words joined to either-or chains per question (each a scan of the guides' text).
MAX_MERGES = 4
# Alternatives one chain may offer (收入或经济效益或…): a longer chain is a list, not a choice,
# and each alternative costs a search of every candidate clause.
MAX_ALTERNATIVES = 8


@dataclass
class Evidence:
    """How much of what the question asks the chosen passage contains (0..1)."""

    terms: list[str]
    weights: list[float]
    partial: float = Scoring.partial  # credit for a word whose characters appear apart

    def coverage(self, text: str) -> float:
        if not self.terms:
            return 0.0
        tick(len(self.terms))
        hay = _hay(text)
        got = 0.0
        for t, w in zip(self.terms, self.weights, strict=True):
            if "|" in t:
                got += w * any(alt in hay for alt in t.split("|"))
            elif t[0].isdigit() or t[-1].isdigit():
                # A number matches whole: 500 is not in 1500 or 5000.
                got += w * (_whole_number(t).search(hay) is not None)
            elif t in hay:
                got += w
            elif len(t) > 1 and not t.isascii():
                # Half credit for a word whose characters all appear (多少辆车 vs 汽车≥50 辆):
                # Chinese reorders and abbreviates freely; a partial hit is weaker evidence.
                got += w * self.partial * (sum(ch in hay for ch in t) == len(t))
        return got / sum(self.weights)

    def without(self, words: Collection[str]) -> Evidence:
        """Return the evidence without the given words, or itself when nothing else would be left."""
        keep = [i for i, t in enumerate(self.terms) if t not in words]
        if not keep or len(keep) == len(self.terms):
            return self
        return Evidence([self.terms[i] for i in keep], [self.weights[i] for i in keep], self.partial)


@lru_cache(maxsize=8192)
def _hay(text: str) -> str:
    # The same clauses are scored for question after question: normalise each once, not per call.
    return strip_spaces(normalize(text))


@lru_cache(maxsize=1024)
def _whole_number(t: str) -> re.Pattern[str]:
    # Compiled once per number, outside re's own 512-pattern cache that hostile questions would churn.
    return re.compile(rf"(?<!\d)(?<!\d\.){re.escape(t)}(?!\.?\d)")


def evidence_for(q: Query, retriever: Retriever, aliases: Collection[str] = (),
                 scoring: Scoring | None = None, lists_either: bool = False,
                 known: Callable[[str], bool] | None = None) -> Evidence:
    """Return the question's content terms with idf weights.

    With `lists_either`, words listed with 、 are alternatives too: 哪个项目对销售收入、经济效益的要求最低
    ranks one figure per project, whichever of the two the project sets. `known` says whether the
    guides write a phrase (a word the segmenter cut off an alternative joins it only then).

    English words the guides never use are skipped rather than counted against: they are
    untranslated wording ("deadline" is caught by the glossary or by the dense model), while an
    unknown Chinese word (截止) is exactly what a guide that does not answer lacks.
    """
    scoring = scoring or Scoring()
    content = q.content
    for word, zh in q.spoken:
        # 区县 is the guide's own word in one place, 区里 never is: use the guide's term only
        # for a spoken word the corpus does not know.
        if "|" in zh:
            # Alternatives (科研院所|产学研) ask the word once, met by either: they are a term of their own.
            content = content.replace(word, " ")
        elif retriever.idf(word) >= retriever.max_idf:
            content = content.replace(word, f" {zh} ")
    for alias in aliases:
        # A topic alias that is no word of the guide (an aliases file's name for a title word):
        # its pieces ask nothing.
        if alias in content and not alias.isascii() and retriever.idf(alias) >= retriever.max_idf:
            content = content.replace(alias, " ")
    # 横向（水平方向）: the asker glosses a word in brackets; either wording asks the same thing.
    content = GLOSS.sub(r"\1 或 \2", content)
    content, either = _either_or(content, retriever.tokenizer.segment, EITHER | LISTED if lists_either else EITHER,
                                 known)
    spoken = {zh for _, zh in q.spoken}
    plain = [g for g in q.glossary if g not in spoken and "|" not in g]
    terms = retriever.evidence_terms(" ".join([content, *plain]))
    seen, out, weights = set(), [], []
    for t in terms:
        unknown = retriever.idf(t) >= retriever.max_idf
        if (unknown and len(t) == 2 and (t[0] in GLUED) != (t[1] in GLUED) and t not in WEAK_SECTION_WORDS
                and not function_word(t)):
            # The segmenter glued a particle to a word (车要 of 示范车要弄): the word is the ask.
            t = t[1] if t[0] in GLUED else t[0]
            unknown = retriever.idf(t) >= retriever.max_idf
        if t in MAGNITUDES or SPOKEN_AMOUNT.fullmatch(t) or MONEY_MAGNITUDE.fullmatch(t):
            # 0.54个亿: the magnitude belongs to the amount (rag/units.py compares amounts); 二十度
            # (二十度的坡够不够) is a figure the asker proposes, compared, not looked up as a word.
            continue
        # Unknown English words, topic aliases (from the guides' aliases files) and section words (要求) are
        # wording, not asks: they already steered the query, and the guide need not contain them.
        if t in seen or function_word(t) or (unknown and (t.isascii() or t in aliases
                                                          or t in WEAK_SECTION_WORDS)):
            continue
        seen.add(t)
        out.append(strip_spaces(t))
        # A single character is ambiguous (车, 人): half the weight of a word.
        weights.append(retriever.idf(t) * (scoring.single_char_weight if len(t) == 1 and not t.isascii() else 1.0))
    for alts in dict.fromkeys([*(g for g in q.glossary if "|" in g), *either]):
        # One ask with several renderings (latency: 响应时间|实时性|时延) or either of two words
        # (收入或经济效益): met by any, weighed as the most common.
        out.append(alts)
        weights.append(min(retriever.idf(a) for a in alts.split("|")))
    # A piece of a longer word the question also holds (操作 and 系统 of 操作系统) is the same
    # ask again: counted at full weight, pieces scattered over a clause outweighed the one that
    # answers it.
    for i, t in enumerate(out):
        if "|" not in t and any(t != other and t in other and "|" not in other for other in out):
            weights[i] *= scoring.piece_weight
    if q.descriptor:
        for i, t in enumerate(out):
            if "|" not in t and t in q.descriptor and t not in q.after_descriptor:
                weights[i] *= scoring.descriptor_weight
    return Evidence(out, weights, scoring.partial)


def _either_or(content: str, segment: Callable[[str], list[str]], joiners: frozenset[str] = EITHER,
               known: Callable[[str], bool] | None = None) -> tuple[str, list[str]]:
    """Return content without "A或B" / "A/B/C" chains, and each chain as one term "A|B|C".

    A word written against the chain's first or last member belongs to it when the guides write
    the two together (`known`): 注册用户数或访问量 is 注册用户数|访问量 when the segmenter cut 注册
    off, while 方言识别或方言支持 keeps its pieces (no guide writes 方言识别 as such).
    """
    words: list[str] = []
    spaced: list[bool] = []  # whether whitespace comes before the word
    gap = False
    for w in segment(content):
        if w.strip():
            words.append(w)
            spaced.append(gap)
            gap = False
        else:
            gap = True
    tick(len(words))

    def asks(w: str) -> bool:
        return not function_word(w) and re.search(r"\w", w) is not None

    merges = MAX_MERGES

    def joins(k: int, phrase: str) -> bool:  # words[k] is part of the neighbouring member's phrase
        nonlocal merges
        if known is None or merges <= 0 or not (0 <= k < len(words)) or len(words[k]) < 2:
            return False
        if not asks(words[k]) or words[k] in WEAK_SECTION_WORDS:
            return False
        merges -= 1  # each look-up scans the guides' text: a few per question
        return known(strip_spaces(phrase))

    alts: list[str] = []
    keep: list[str] = []
    i = 0
    while i < len(words):
        chain, j = [words[i]], i
        while (j + 2 < len(words) and len(chain) < MAX_ALTERNATIVES and words[j + 1] in joiners and asks(words[j])
               and asks(words[j + 2])):
            chain.append(words[j + 2])
            j += 2
        if len(chain) > 1:
            if keep and keep[-1] == words[i - 1] and not spaced[i] and joins(i - 1, words[i - 1] + chain[0]):
                chain[0] = keep.pop() + chain[0]
            if (j + 1 < len(words) and not spaced[j + 1] and words[j + 1] not in joiners
                    and joins(j + 1, chain[-1] + words[j + 1])):
                chain[-1] += words[j + 1]
                j += 1
            alts.append("|".join(strip_spaces(w) for w in chain))
            i = j + 1
        else:
            keep.append(words[i])
            i += 1
    return (" ".join(keep), alts) if alts else (content, [])


def function_word(term: str) -> bool:
    """Return True if a word is made only of stopwords (哪些项目 = 哪些 + 项目): no evidence.

    The last piece may also be a count word (几件). Dynamic programming over the suffixes, at
    most `_LONGEST_STOPWORD` pieces tried at each position: linear in the word's length. Trying
    every split recursively was exponential (请问 = 请 + 问, who + many …) and a 499 × "a"
    question overflowed the stack.
    """
    return _function_word(term)


_LONGEST_STOPWORD = max(map(len, STOPWORDS))


@lru_cache(maxsize=4096)
def _function_word(term: str) -> bool:
    n = len(term)
    if term in STOPWORDS or (n <= 3 and _COUNT_WORD.fullmatch(term)):
        return True
    # ok[i]: term[i:] is stopwords followed by a stopword or count word.
    ok = [False] * (n + 1)
    for i in range(n - 1, -1, -1):
        rest = term[i:]
        if rest in STOPWORDS or (n - i <= 3 and _COUNT_WORD.fullmatch(rest)):
            ok[i] = True
            continue
        ok[i] = any(ok[j] and term[i:j] in STOPWORDS for j in range(i + 1, min(n, i + _LONGEST_STOPWORD) + 1))
    tick(n * _LONGEST_STOPWORD)
    return ok[0]


def metric_groups(clause: Clause) -> list[Clause]:
    """Split a clause on commas into metric groups: a part without a number qualifies the next."""
    pieces, pos = [], clause.start
    for seg in re.split(r"(，|,)", clause.text):
        if seg in ("，", ","):
            pos += 1
            continue
        if seg.strip():
            pieces.append(Clause(seg, pos, pos + len(seg)))
        pos += len(seg)
    groups: list[list[Clause]] = []
    pending: list[Clause] = []
    for p in pieces:
        pending.append(p)
        if _DIGIT.search(p.text):
            groups.append(pending)
            pending = []
    if pending:
        groups[-1:] = [groups[-1] + pending] if groups else [pending]
    return [Clause("", g[0].start, g[-1].end) for g in groups]


def _one_stands_out(chunk: Chunk, ev: Evidence) -> bool:
    """Return True if a short section's words single out one of its target clauses.

    A short 考核指标 (接入设备≥10 万台，故障预警准确率≥95%…；授权发明专利≥4 项；…) asked for one metric
    is answered by that metric, as a long one is; a section asked as a whole, or whose clauses the
    words tie on, is answered whole.
    """
    if not ev.terms or len(chunk.clauses) < 2 or not any(_DIGIT.search(c.text) for c in chunk.clauses):
        return False
    covs = sorted((ev.coverage(c.text) for c in chunk.clauses), reverse=True)
    return covs[0] > 0 and covs[0] - covs[1] >= SHORT_SECTION_LEAD


# A when-question about the start of something (从哪天开始, 什么时候起, when does … open).
STARTS = re.compile(r"开始|起始|开放|\bstarts?\b|\bopens?\b|\bbegins?\b")
# Words that each ask something (多少, 几, 什么, 是否 …): two of them are two asks in one question.
ASKS = re.compile(r"多少|几(?!乎)|多久|什么|哪些|是否|要不要|有没有|how many|how much|what")
# How much of the other ask's words a clause must hold to be added to the answer: a quarter, as a
# spoken second ask (寄到什么地方) shares one word (寄送) with its clause.
SECOND_ASK_COVERAGE = 0.25


def best_span(chunk: Chunk, doc_text: str, q: Query, ev: Evidence, clause_sims: np.ndarray | None,
              max_chars: int, scoring: Scoring) -> tuple[int, int, float]:
    """Return (start, end, coverage) of the answering span inside the chunk."""
    whole_cov = ev.coverage(chunk.text + (chunk.section or ""))
    if not chunk.clauses or (len(chunk.text) <= max_chars and not _one_stands_out(chunk, ev)):
        return chunk.start, chunk.end, whole_cov
    clauses = list(chunk.clauses)
    if not ev.terms:
        # Nothing specific asked: the section's opening clauses, as many as fit.
        end = clauses[0].end
        for c in clauses[1:]:
            if c.end - clauses[0].start > max_chars:
                break
            end = c.end
        return clauses[0].start, end, whole_cov
    scores = np.array([ev.coverage(c.text) for c in clauses], dtype=np.float64)
    if clause_sims is not None:
        # Dense similarity separates clauses the words tie on; relative to the section's mean.
        scores = scores + scoring.clause_dense_weight * (clause_sims - clause_sims.mean())
    if q.wants_number:
        scores = scores + scoring.clause_number_bonus * np.array([bool(_DIGIT.search(c.text)) for c in clauses])
    if q.wants_time:
        # A when-question is answered by a clause that holds a date, not one that repeats its words.
        scores = scores + scoring.clause_date_bonus * np.array([has_date(c.text) for c in clauses])
    if q.wants_time and STARTS.search(q.norm):
        # 从哪天开始申报: the window (3 月 1 日至 3 月 31 日) says when it opens, not a date of its own.
        scores = scores + scoring.clause_date_bonus * np.array([has_range(c.text) for c in clauses])
    if PHONE_ASK.search(q.norm):
        # 技术支持电话 / "which phone number": the clause with a number to dial, not one that
        # repeats 技术支持 (请及时联系技术支持人员).
        scores = scores + scoring.clause_date_bonus * np.array([PHONE.search(c.text) is not None for c in clauses])
    best = clauses[int(np.argmax(scores))]
    start, end = best.start, best.end
    if end - start > NARROW_ABOVE and ev.terms:
        groups = metric_groups(best)
        covs = [ev.coverage(doc_text[g.start : g.end]) for g in groups]
        top = max(covs)
        if top > 0 and covs.count(top) == 1:
            k = covs.index(top)
            start, end = groups[k].start, groups[k].end
            # 定位水平精度≥20cm，垂直精度≥40cm asked for 垂直精度: the best part holds the subject,
            # the next the asked attribute; a part holding asked words the best lacks joins it.
            lacking = [(t, w) for t, w in zip(ev.terms, ev.weights, strict=True)
                       if Evidence([t], [1.0]).coverage(doc_text[start:end]) < 1.0]
            if lacking:
                rest = Evidence([t for t, _ in lacking], [w for _, w in lacking], ev.partial)
                extra = [rest.coverage(doc_text[g.start : g.end]) if i != k else 0.0 for i, g in enumerate(groups)]
                m = int(np.argmax(extra))
                lo, hi = min(start, groups[m].start), max(end, groups[m].end)
                if extra[m] > 0 and hi - lo <= max_chars:
                    start, end = lo, hi
        start, end = _with_asked_kinds(q, doc_text, groups, start, end, max_chars)
    if len(ASKS.findall(q.norm)) > 1:
        start, end = with_second_ask(clauses, doc_text, ev, start, end, max_chars)
    if PHONE_ASK.search(q.norm) and PHONE.search(best.text):
        # 有问题打哪个电话: the phone numbers listed one after another (业务咨询…；行业咨询…) all answer.
        i = clauses.index(best)
        lo, hi = i, i
        while lo > 0 and PHONE.search(clauses[lo - 1].text) and end - clauses[lo - 1].start <= max_chars:
            lo -= 1
            start = clauses[lo].start
        while hi + 1 < len(clauses) and PHONE.search(clauses[hi + 1].text) and clauses[hi + 1].end - start <= max_chars:
            hi += 1
            end = clauses[hi].end
    return start, end, ev.coverage(doc_text[start:end])


def with_second_ask(clauses: list[Clause], doc_text: str, ev: Evidence, start: int, end: int,
                     max_chars: int) -> tuple[int, int]:
    """Widen the span to the clause that answers a question's other ask (要申请多少项专利？博士要培养
    几名？ over 申请发明专利≥15 项；…；培养博士研究生 3 名), when both fit in one answer."""
    lacking = [(t, w) for t, w in zip(ev.terms, ev.weights, strict=True)
               if Evidence([t], [1.0]).coverage(doc_text[start:end]) < 1.0]
    if not lacking:
        return start, end
    rest = Evidence([t for t, _ in lacking], [w for _, w in lacking], ev.partial)
    pieces = [c for c in clauses if c.end <= start or c.start >= end]
    for c in clauses:
        if c.start <= start and end <= c.end and (c.start, c.end) != (start, end):
            # The span is a part of a clause (一式 2 份 of a long one): its other parts too.
            pieces += [g for g in metric_groups(c) if g.end <= start or g.start >= end]
    others = [(rest.coverage(doc_text[c.start : c.end]), c) for c in pieces]
    cov, other = max(others, key=lambda x: x[0], default=(0.0, None))
    if other is None or cov < SECOND_ASK_COVERAGE:
        return start, end
    lo, hi = min(start, other.start), max(end, other.end)
    return (lo, hi) if hi - lo <= max_chars else (start, end)


def _with_asked_kinds(q: Query, doc_text: str, groups: list[Clause], start: int, end: int,
                      max_chars: int) -> tuple[int, int]:
    """Widen a span to the nearest group holding what a several-part ask wants and the span lacks.

    纸质材料交几份，哪天之前交 asks a count and a date: 一式 3 份 and 须于 5 月 20 日前
    are two metric groups of one clause, and the answer needs both.
    """
    wants = [f for asked, f in ((q.wants_number, _DIGIT.search), (q.wants_time, has_date)) if asked]
    for found in wants:
        if found(doc_text[start:end]):
            continue
        near = sorted((g for g in groups if found(doc_text[g.start : g.end])),
                      key=lambda g: min(abs(g.start - end), abs(start - g.end)))
        if near and max(end, near[0].end) - min(start, near[0].start) <= max_chars:
            start, end = min(start, near[0].start), max(end, near[0].end)
    return start, end


def citation(chunk: Chunk, doc_text: str, start: int, end: int, score: float) -> Citation:
    return Citation(chunk.doc, chunk.project, chunk.project_title, chunk.section, doc_text[start:end], start, end,
                    score, chunk.start, chunk.end, chunk.doc_title)


def suggestions(hits: list[Hit], n: int, evidence: Evidence | None = None) -> list[str]:
    """Return up to n distinct section labels from the hits, as clickable questions.

    With the question's evidence, sections holding more of its words come first and a section
    holding none of them is not offered: a deadline question is not sent to three 申报条件.
    """
    ranked = hits
    if evidence is not None and evidence.terms:
        scored = [(evidence.coverage(h.chunk.text + (h.chunk.section or "")), i, h) for i, h in enumerate(hits)]
        ranked = [h for cov, _, h in sorted(scored, key=lambda t: (-t[0], t[1])) if cov > 0]
    out: list[str] = []
    for h in ranked:
        label = h.chunk.label
        if label not in out:
            out.append(label)
        if len(out) == n:
            break
    return out
