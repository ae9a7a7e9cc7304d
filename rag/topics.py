"""Find what a question names by words: a project by the distinctive words of its title, a guide
by its year, batch and field.

Nothing here lists a particular guide's words: distinctive words are computed across every
loaded title, so a new guide brings its own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rag.normalize import normalize, strip_spaces
from rag.parse import CN_DIGITS, Document, cn_number
from rag.tokenize import Tokenizer

# Title words of the family that name no topic on their own: what a project does (研发, 应用),
# how (面向, 基于), and the region's place and terrain words every guide of it may use.
TITLE_FILLERS = frozenset(
    "面向 基于 关键 技术 关键技术 核心 核心技术 研发 研制 开发 研究 应用 示范 产业化 及 与 和 的 系统 平台 服务 "
    "智能 智慧 场景 作业 产业 复杂 全域 一体化 新一代 重庆 重庆市 成渝 西部 山地 城市 道路 区域 国产化 "
    "重大 专项 项目 申报 指南 批 年度".split()
)
# Words only a guide's own name holds: a piece of its title with one of them (新材料重大专项第三批)
# names the guide, whatever other words the piece has.
GUIDE_WORDS = frozenset({"专项", "指南", "批"})
# Title words that also ask something of a guide's text (怎么申报): kept in a question's content.
KEEP_IN_CONTENT = frozenset({"申报", "项目"})
# A title word that also occurs in the text of this many of its guide's projects is a common
# word of that guide (数字, 场景), not the name of one project.
COMMON_IN_PROJECTS = 2
_BATCH = re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*批")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
# How a question names a batch or a year: 第二批 / 二批 / batch 2 / 2nd batch; 2024年 / 24年.
_Q_BATCH = [re.compile(r"第?\s*([一二三四五六七八九十\d]{1,3})\s*批"),
            re.compile(r"batch\s*(?:no\.?\s*)?(\d{1,2})"),
            re.compile(r"(\d)(?:st|nd|rd|th)\s+batch"),
            re.compile(r"(first|second|third|fourth|fifth)\s+batch")]
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_Q_YEAR = re.compile(r"(?<!\d)(?:20)?(2\d)\s*年|(?<!\d)(20\d\d)(?!\d)")


def project_number(n: int) -> str:
    """Return the label for project n in Chinese numerals: 4 → 项目四, 12 → 项目十二."""
    if n <= 10:
        return "项目" + CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return "项目" + (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def topic_words(docs: list[Document], tok: Tokenizer) -> dict[str, set[tuple[str, int]]]:
    """Return word → {(doc, project number)} for title words that name one project of a guide.

    A word names a project when no other title of its guide has it, it is no title filler and no
    word of a guide's title, and the text of at most one other project of any loaded guide uses
    it. A word naming one project in each of two guides (in two guides' titles) maps to both.
    """
    counts: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for d in docs:
        for p in d.projects:
            for w in tok.words(p.title):
                if len(w) >= 2 and w not in TITLE_FILLERS and not re.search(r"\d", w):
                    counts[w].add((d.id, p.number))
    in_titles = {w for d in docs for w in tok.words(d.title)} | {a for d in docs for a in abbreviations(d, tok)}
    bodies = {(d.id, p.number): d.text[p.start : (p.sections[-1].end if p.sections else p.end)]
              for d in docs for p in d.projects}
    out = {}
    for w, keys in counts.items():
        docs_of = [d for d, _ in keys]
        if len(set(docs_of)) != len(docs_of) or w in in_titles:
            continue
        if sum(w in text for key, text in bodies.items() if key not in keys) >= COMMON_IN_PROJECTS:
            continue
        out[w] = keys
    return out


@dataclass
class GuideNames:
    """What names one guide among those loaded: its years, batch and distinctive title words."""

    years: set[int] = field(default_factory=set)
    batch: int | None = None
    words: set[str] = field(default_factory=set)


def guide_names(docs: list[Document], tok: Tokenizer) -> dict[str, GuideNames]:
    """Return each guide's naming features; title words count only if no other guide's title has them."""
    words = {d.id: _title_words(d.title, tok) | abbreviations(d, tok) for d in docs}
    out = {}
    for d in docs:
        others = set().union(*(words[o.id] for o in docs if o.id != d.id)) if len(docs) > 1 else set()
        b = _BATCH.search(d.title)
        out[d.id] = GuideNames({int(y) for y in _YEAR.findall(d.title)}, cn_number(b.group(1)) if b else None,
                               {w for w in words[d.id] if w not in others})
    return out


# … and the noun may be 产业 (未来产业, 数字产业), a filler in project titles (…产业化) but in a
# guide's title the field's own name.
_FIELD_NOUNS = frozenset({"产业"})
# A field is often an adjective and a noun (智能 + 制造): the adjective may start a pair.
_PAIR_STOP = (TITLE_FILLERS - {"智能", "智慧"}) | {"年"}


def _title_words(title: str, tok: Tokenizer) -> set[str]:
    """Return a title's naming words: words of 3+ characters and pairs of adjacent words (数字经济)."""
    seg = [w for w in tok.segment(title) if not re.search(r"\d|批", w)]
    out = {w for w in seg if len(w) >= 3 and w not in TITLE_FILLERS}
    out |= {a + b for a, b in zip(seg, seg[1:], strict=False)
            if len(a + b) >= 4 and a not in _PAIR_STOP and (b not in TITLE_FILLERS or b in _FIELD_NOUNS)}
    return out


def abbreviations(doc: Document, tok: Tokenizer) -> set[str]:
    """Return the short forms of a guide's field that its own text uses as words: 智能制造 →
    智造 (the first character of the first half with either of the second). A project title
    holding one (智造工厂示范) uses the guide's field, which names no project."""
    halves = []
    for w in tok.segment(doc.title):
        if re.search(r"\d|批", w) or w in _PAIR_STOP:
            continue
        halves += [w[:2], w[2:]] if len(w) == 4 else [w]
    candidates = {a[0] + c for a, b in zip(halves, halves[1:], strict=False)
                  if len(a) == 2 and len(b) == 2 and b not in TITLE_FILLERS for c in b}
    return candidates & set(tok.words(doc.text)) if candidates else set()


def _halves(word: str) -> tuple[str, ...]:
    """Return the two halves of a field name of four or more characters (绿色低碳 → 绿色, 低碳)."""
    return (word[: len(word) // 2], word[len(word) // 2 :]) if len(word) >= 4 else ()


def named_guides(norm: str, names: dict[str, GuideNames]) -> list[str]:
    """Return the guides a normalised question names (most features matched), or [] for none."""
    years = {2000 + int(a) if a else int(b) for a, b in _Q_YEAR.findall(norm)}
    batches = {_ORDINALS.get(m.group(1)) or cn_number(m.group(1)) for pat in _Q_BATCH for m in pat.finditer(norm)}
    # Half of a field's name names the guide too when no other guide's field has it (低碳 of 绿色低碳,
    # as "low-carbon" is glossed); 经济 of 数字经济 and 低空经济 names neither.
    owners: dict[str, set[str]] = {}
    for doc, n in names.items():
        for w in n.words:
            for h in _halves(w):
                owners.setdefault(h, set()).add(doc)

    def said(doc: str, word: str) -> str:
        """Return what the question wrote of the word (itself or a half only this guide has), or ''."""
        if word in norm:
            return word
        return next((h for h in _halves(word) if owners[h] == {doc} and h in norm), "")

    score = {}
    for doc, n in names.items():
        # The same words said once count once (医疗器械 of 高端医疗器械 and 医疗器械科技 alike).
        spans = {x for x in (said(doc, w) for w in n.words) if x}
        spans = {x for x in spans if not any(x != y and x in y for y in spans)}
        s = len(years & n.years) + (n.batch in batches) + len(spans)
        if s:
            score[doc] = s
    best = max(score.values(), default=0)
    return [d for d, s in score.items() if s == best] if best else []


def without_guide_names(content: str, names: dict[str, GuideNames], titles: list[str], tok: Tokenizer) -> str:
    """Return question content without the words that name a guide (its year, 第二批, 数字经济, 重大专项):
    they choose the guide and are not asked of its text. Other years (实施到2027年) stay."""
    years = {y for n in names.values() for y in n.years}
    content = _Q_YEAR.sub(lambda m: " " if (2000 + int(m.group(1)) if m.group(1) else int(m.group(2))) in years
                          else m.group(0), content)
    for pat in _Q_BATCH:
        content = pat.sub(" ", content)
    words = {w for n in names.values() for w in n.words}
    words |= {w for t in titles for w in tok.segment(t) if len(w) >= 2 and not re.search(r"\d", w)}
    # A place is named with or without its 市 / 省 (重庆市 → 重庆).
    words |= {w[:-1] for w in words if len(w) >= 3 and w[-1] in "市省"}
    for w in sorted(words - KEEP_IN_CONTENT, key=len, reverse=True):
        content = content.replace(w, " ")
    return re.sub(r"\s+", " ", content).strip()


# A piece of a project's title this long in a question, holding a word that names the project,
# is part of the project's name: 石墨涂层隔膜（SSB）项目 names its project whole, 隔膜 included.
MIN_TITLE_RUN = 3


def title_runs(norm: str, title: str, shortest: int = MIN_TITLE_RUN) -> list[str]:
    """Return the maximal pieces (`shortest`+ characters) of a text that a title also holds.

    Linear in the text: a position either starts a run (and the scan jumps past it) or is left
    after at most `shortest` tries.
    """
    runs, i = [], 0
    while i < len(norm):
        j = i
        while j < len(norm) and norm[i : j + 1] in title:
            j += 1
        if j - i >= shortest:
            runs.append(norm[i:j])
            i = j
        else:
            i += 1
    return runs


def without_title_runs(content: str, norm: str, titles: list[str], naming: set[str]) -> str:
    """Return content without what is left of each title piece in the question that holds a naming word.

    新材料专项中石墨涂层隔膜（SSB）项目的实施年限: 石墨 named the project (and was taken out), so
    隔膜 in the same piece of its title is part of the name, not a metric (隔膜厚度) the question
    asks for. Each leftover is taken out once: a later 隔膜厚度 is still asked.
    """
    for title in titles:
        flat = strip_spaces(normalize(title))
        for run in title_runs(norm, flat):
            if any(w in run for w in naming):
                for piece in title_runs(content, run, 2):
                    if piece in run:  # each piece of the run is used up once
                        content = content.replace(piece, " ", 1)
                        run = run.replace(piece, "\0", 1)
    return re.sub(r"\s+", " ", content).strip()


# Words a piece of a title must hold more than to name its project (研发及应用, 关键技术 name none).
_FILLER_RUN = re.compile("|".join(sorted((re.escape(w) for w in TITLE_FILLERS), key=len, reverse=True)))


def unique_title_pieces(norm: str, titles: dict[tuple[str, int], str], guide_titles: dict[str, str],
                        bodies: dict[tuple[str, int], str], cuts: set[int] | None = None) -> dict[tuple[str, int], int]:
    """Return, per project, how many pieces of a question only its title holds (岸电 of 船舶岸电智能连接装置).

    A short name people give a project is a piece of its title: 2+ Chinese characters beyond the
    title fillers, in no other title, not in its guide's own title (that names the guide) and in the
    text of at most one other project (a common word of the guides names nothing). `titles`,
    `guide_titles` and `bodies` are normalised without spaces. `cuts`, the word boundaries of the
    question, keep a piece whole: 质材料 of 纸质材料 is no piece of 电解质材料.
    """
    out: dict[tuple[str, int], int] = {}
    for key, title in titles.items():
        for run in title_runs(norm, title, 2):
            core = _FILLER_RUN.sub("", run)
            at = norm.find(run)
            if cuts is not None and (at not in cuts or at + len(run) not in cuts):
                continue
            if (len(re.findall(r"[\u4e00-\u9fff]", core)) < 2 or run in guide_titles.get(key[0], "")
                    or any(run in t for k, t in titles.items() if k != key)
                    or sum(run in b for k, b in bodies.items() if k != key) >= COMMON_IN_PROJECTS):
                continue
            out[key] = out.get(key, 0) + 1
    return out
