"""Understand a question: which project(s), which section, what else it asks, and follow-ups."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from rag.compare import Condition, conditions
from rag.dates import asks_when
from rag.lexicon import (
    ENGLISH_GLOSSARY,
    ENGLISH_NUMBERS,
    GENERAL_WORDS,
    NUMERALS,
    SECTION_SYNONYMS,
    SPOKEN_REWRITES,
    TAIWAN_WORDING,
)
from rag.normalize import normalize
from rag.roles import ROLE_HEADINGS
from rag.values import ValueFilter, value_filter

_NUM = "|".join(sorted(NUMERALS, key=len, reverse=True)) + r"|\d{1,2}"
_ENG = "|".join(sorted(ENGLISH_NUMBERS, key=len, reverse=True))
# Every way people were seen to write "project four": 项目四 项目4 项目肆 第四个项目 4号项目 project 4.
# 像项目一那样 / 和项目一一样: a project named for comparison is not the one asked, when another is.
COMPARED = re.compile(rf"(?:像|跟|和|同|与)\s*(项目\s*(?:{_NUM}))\s*(?:那样|那种|一样|似的|相比|类似)")
PROJECT_PATTERNS = [
    # 项目一般 is 项目 + 一般 (usually), not project one.
    re.compile(rf"项目\s*(?:第\s*)?({_NUM})(?![般些样起直定共致同下])(?:号|个)?"),
    re.compile(rf"第\s*({_NUM})\s*(?:个|项|号)?\s*(?:的\s*)?(?:那\s*个\s*|这\s*个\s*)?(?:项目|课题|专项|project)"),
    re.compile(rf"({_NUM})\s*号\s*(?:项目)?"),
    # 第六项 on its own: a guide's projects are its numbered items (but not 第六项目's 项目 twice).
    re.compile(rf"第\s*({_NUM})\s*项(?!目)"),
    re.compile(rf"\b(?:project|proj\.?|item|no\.?)\s*#?\s*(\d{{1,2}}|{_ENG})\b"),
    re.compile(rf"\b(?:the\s+)?({_ENG}|\d{{1,2}}(?:st|nd|rd|th))\s+project\b"),
    re.compile(r"(?<![a-z])p\s?(\d{1,2})(?!\d)"),  # P2, as help-desk notes abbreviate
]
# 头一个项目, 首个项目: the first (第一个项目 is one of PROJECT_PATTERNS).
FIRST_PROJECT = re.compile(r"(?:头|首)\s*(?:一\s*)?个\s*(?:的\s*)?(?:项目|课题)")
# Projects counted from the end (倒数第二个项目, 最后一个项目, the last project): 1 is the last.
FROM_END_PATTERNS = [
    (re.compile(rf"倒数\s*第\s*({_NUM})\s*(?:个|项)?\s*(?:的\s*)?(?:项目|课题)?"), None),
    (re.compile(r"最后\s*(?:一\s*|那\s*)?(?:个|项)\s*(?:的\s*)?(?:项目|课题)?|\b(?:the\s+)?(?:last|final)\s+project\b"), 1),
    (re.compile(r"\b(?:the\s+)?(?:second|2nd)[- ](?:to[- ])?last\s+project\b"), 2),
]
# Words that say "a number, please": the answer should be the clause that holds it.
NUMBER_WORDS = ("几", "多少", "好多", "多大", "多高", "多快", "多长", "数量",
                # 压到多小, 做到多亮, 控得多准: a degree asked in spoken form is a value too.
                "多小", "多低", "多亮", "多准", "多远", "多重", "多轻", "多薄", "多宽", "多短", "多深", "how many", "how much", "number of", "what is the")
# Synonyms that also occur in ordinary questions about metrics; they only count when no
# stronger section word is present ("项目四出资要求": 出资 wins over 要求).
WEAK_SECTION_WORDS = {
    "要求": "考核指标", "达到": "考核指标", "how much": "资助强度", "support": "资助强度", "企业": "申报条件",
    "合作": "申报条件", "高校": "申报条件", "大学": "申报条件", "university": "申报条件",
    "company": "申报条件", "companies": "申报条件", "apply": "申报条件", "lead": "申报条件",
    "application": "申报条件", "applicant": "申报条件",
    "other": "其他说明", "条件": "申报条件",
    "投入": "资助强度", "投资": "资助强度", "length": "实施周期", "years": "实施周期", "说明": "其他说明",
    # 续航要求多长, 多长距离: a measure of a target as often as the project's period.
    "多长": "实施周期",
    "其他": "其他说明", "aim": "拟解决问题", "scope": "拟解决问题",
    # 支持多少人 is a capacity metric as often as 支持多少 is money; "require" is usually a target.
    "about": "拟解决问题", "支持多少": "资助强度",
    # 销售收入…多少万元: an amount in 万元 is a revenue target as often as it is the grant.
    "万元": "资助强度", "require": "考核指标", "requirement": "考核指标", "门槛": "申报条件",
    # "what resolution must it achieve / reach": a target's value.
    "achieve": "考核指标", "reach": "考核指标",
}
# The batch as a whole (这批, 整个…专项): asked of every project, unless the question names one
# (这批的岸电项目: the words name the guide of the project named).
_BATCH = r"这\s*一?批|本批|该批|整批|全批|整个[^,;。?!]{0,16}?(?:专项|批次?|指南)"
BATCH_MARKERS = re.compile(_BATCH)
# Words that ask about several projects at once (哪些项目…, each project): the answer is a row
# per project whose section holds what was asked, not the single best clause.
CROSS_MARKERS = re.compile(
    r"哪些项目|哪几个项目|哪几项|哪个项目|哪一个项目|哪些课题|各项目|各个项目|每个项目|每一个项目|每项|所有项目|全部项目"
    rf"|各专项|项目(?:都)?有哪些|项目是哪些|这\s*(?:几|{_NUM})\s*个项目|(?<![第\d])(?:{_NUM})\s*个项目(?=都|分别|各|的)"
    r"|每个方向|各个?方向|所有方向|which projects?|each project|every project|all (?:the )?projects"
    rf"|{_BATCH}"
)
# Section words that are also what a clause counts (几家企业用上 → 应用企业≥5 家): they hint at
# 申报条件 and stay in the content.
CONTENT_SECTION_WORDS = frozenset({"企业", "高校", "大学"})
# Openers of a follow-up ("what about project 2?", "那项目五呢"): they carry no content.
FOLLOWUP_OPENERS = re.compile(r"^(?:what about|how about|and for|and|那么|那|还有)\s*")
# Every heading word of the family names its role too (申报要求 → 申报条件, 支持方式 → 资助强度).
_SYNONYMS = sorted(
    dict([*((w, label) for label, words in ROLE_HEADINGS.items() for w in words),
          *((w, label) for label, words in SECTION_SYNONYMS.items() for w in words)]).items(),
    key=lambda p: -len(p[0]),
)
_GLOSSARY = sorted(ENGLISH_GLOSSARY.items(), key=lambda p: -len(p[0]))


def vocabulary(topics: dict[str, str], terms: dict[str, str], dictionary: dict[str, str] | None = None
               ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return (topic aliases, glossary) sorted longest first, the glossary with a guide's own terms added.

    `dictionary` (English for the guides' own words, rag/bilingual.py) yields to the hand glossary,
    which yields to a guide's aliases file."""
    glossary = sorted({**(dictionary or {}), **ENGLISH_GLOSSARY, **terms}.items(), key=lambda p: -len(p[0]))
    return sorted(topics.items(), key=lambda p: -len(p[0])), glossary
_REWRITES = sorted(SPOKEN_REWRITES.items(), key=lambda p: -len(p[0]))
_TAIWAN = re.compile("|".join(sorted(TAIWAN_WORDING, key=len, reverse=True)))
# The hand glossary's English phrases for the general part's logistics ("one organization"),
# chosen once: they are read before the section words (see understand).
_LOGISTICS = [(w, zh) for w, zh in sorted(ENGLISH_GLOSSARY.items(), key=lambda p: -len(p[0]))
              if " " in w and w.isascii() and any(g in zh for g in GENERAL_WORDS)]


def _number(token: str) -> int:
    token = token.strip()
    if token.isdigit():
        return int(token)
    if token in NUMERALS:
        return NUMERALS[token]
    m = re.match(r"(\d+)(?:st|nd|rd|th)$", token)
    if m:
        return int(m.group(1))
    return ENGLISH_NUMBERS.get(token, 0)


@cache
def _english(word: str) -> re.Pattern[str]:
    # Compiled once each: the lexicon's few hundred English words would crowd re's own cache.
    return re.compile(rf"(?<![a-z]){re.escape(word)}(?:s|es|d|ed|ing)?(?![a-z])")


def _contains(text: str, word: str) -> bool:
    if word.isascii():
        # English words also match their plural and past forms: lead → leads, led is listed.
        return word in text and _english(word).search(text) is not None
    return word in text


@dataclass
class Query:
    """What a question asks, in terms of the guide's structure."""

    raw: str
    norm: str
    project_numbers: list[int] = field(default_factory=list)  # written explicitly: 项目四, project 4
    from_end: list[int] = field(default_factory=list)  # 最后一个项目 → 1, 倒数第二个 → 2
    topic_words: list[str] = field(default_factory=list)  # distinctive words of project titles
    aliased: list[str] = field(default_factory=list)  # topic words only an alias (a guide file's name for them) named
    sections: list[str] = field(default_factory=list)  # strong section intent, best first
    weak_sections: list[str] = field(default_factory=list)
    content: str = ""  # what is left once project and section words are removed
    # Words that describe the project asked (研究某某的那个项目，要多少…): they name it, not the ask
    # that follows them.
    descriptor: str = ""
    after_descriptor: str = ""
    glossary: list[str] = field(default_factory=list)  # Chinese terms for English words
    # The asker's story before the question (rag/query.focus): not asked, but the guide it names is meant.
    context: str = ""
    wants_number: bool = False
    wants_time: bool = False  # asks for a date or time: 什么时候截止, by when (rag/dates.py)
    english: bool = False
    cross: bool = False  # asks about several projects: 哪些项目, each project
    # Spoken Chinese words with the guide's term for them (区里 → 区级): the word itself stays
    # in the content, and evidence uses whichever of the two the corpus knows.
    spoken: list[tuple[str, str]] = field(default_factory=list)
    # Numeric conditions of a question about several projects (不少于10项): rows must meet them.
    conditions: list[Condition] = field(default_factory=list)
    # Section values rows must hold or lack (不是公开竞争，而是揭榜挂帅或定向委托: rag/values.py).
    values: ValueFilter = field(default_factory=ValueFilter)

    @property
    def has_project(self) -> bool:
        return bool(self.project_numbers or self.from_end or self.topic_words)

    @property
    def all_sections(self) -> list[str]:
        return self.sections or self.weak_sections

    def expanded(self) -> str:
        """Return the text BM25 matches: content, topic, glossary terms and section labels.

        Project numbers are left out: they are a filter, and "一" would match every clause.
        """
        glossary = [g.replace("|", " ") for g in self.glossary]
        return " ".join([self.content, *self.topic_words, *glossary, *self.all_sections])


# What makes a sentence a question; sentences before the first one are context (我今年六十八了…).
_ASKS = re.compile(r"\?|吗|呢|多少|(?<![好这那十])几|什么|啥|哪|怎么|怎样|如何|是否|有没有|请问|\b(?:how|what|which|who|when|where|why|"
                   r"does|do|is|are|can|could|will|tell me)\b")


# Words a story's asking part opens with (请问, 想知道): the parts before them are the story.
ASK_OPENER = re.compile(r"请问|想知道|想问|想了解|想咨询|请教|麻烦问|问一下|咨询一下|那么?(?![个些种样里儿边位家项])")
# A question that opens with the asker (我们是一家企业，准备牵头申报…，请问…) tells a story first.
STORY_OPENER = re.compile(r"^(?:我们|我是|我司|我单位|本单位|本公司|我们公司|我们团队|我们单位|我在|我们在)")


# 日增重和瘦肉率我都看到了: what the asker has already found is set aside too.
ALREADY_SEEN = re.compile(r"[^,。?!;]{1,30}?(?:都|也|已经)?(?:看到|找到|查到|看过)了")
# 除了X以外 / 除了X之外, / 除了X, (normalised punctuation): X is set aside, not asked.
EXCEPT = re.compile(r"除了?[^,。?!;]{1,24}?(?:以外|之外)|除了[^,。?!;]{1,24}(?=,)")


# A project described before the ask: …那个自动驾驶项目, / …这个平台里 (the ask follows).
DESCRIBED = re.compile(r"^[^,。?!;]{2,40}?(?:那|这)(?:一?个|套|款|项)(?:[^,。?!;]{0,12}?(?:项目|平台|课题))?(?:里|中|上)?"
                       r"(?=,|里|中|要|的|得|需要)")


def focus(norm: str) -> tuple[str, str]:
    """Return (the asking part, the context before it) of a normalised question.

    A caller's story before the question (退休前在研究所…。请问项目七的实施周期…？) is context:
    its words are not asks. Several questions in a row stay together. A story told in one
    sentence (我们是……企业，准备牵头申报……，请问……) ends at the first comma-part that asks.
    """
    # …跟几家车企都有合作，…，想知道要制定几项标准 / …说要解决时延变化大的问题，那考核上…要压到
    # 多少: the asker says where the ask begins (请问, 想知道, 那 after a comma).
    clauses = [p for p in re.split(r"(?<=[。!?;:,])", norm) if p.strip()]
    # (那 only after a comma: 项目三资助多少？那项目四呢？ is a second question, kept together.)
    opened = [i for i, p in enumerate(clauses) if i and (m := ASK_OPENER.match(p.strip()))
              and (not m.group(0).startswith("那") or clauses[i - 1].rstrip().endswith(","))]
    if opened:
        return "".join(clauses[opened[0]:]).strip(), "".join(clauses[: opened[0]]).strip()
    split = r"(?<=[。!?;:,])" if STORY_OPENER.match(norm) else r"(?<=[。!?;:])"
    parts = [p for p in re.split(split, norm) if p.strip()]
    first = next((i for i, p in enumerate(parts) if _ASKS.search(p)), 0)
    return "".join(parts[first:]).strip(), "".join(parts[:first]).strip()


def understand(question: str, topics: Iterable[str] = (),
               segment: Callable[[str], list[str]] | None = None,
               aliases: Sequence[tuple[str, str]] = (), glossary: Sequence[tuple[str, str]] | None = None) -> Query:
    """Parse a question into project references, section intent and remaining content.

    `topics` are the distinctive words of the corpus's project titles; a question naming one as
    a whole word (per `segment`) refers to that project, so a short title word does not fire
    inside a longer word. `aliases` and `glossary` (see `vocabulary`) come from the guides'
    aliases files: what people call a topic, and English or spoken words for a guide's terms.
    """
    glossary = _GLOSSARY if glossary is None else glossary
    norm = fold_wording(normalize(question))
    body, context = focus(norm)
    if context:
        return _with_context(question, body, context, topics, segment, aliases, glossary)
    q = Query(raw=question, norm=norm, english=_is_english(norm), cross=CROSS_MARKERS.search(norm) is not None)
    rest = _spoken_rewrites(norm)
    compared = [m.group(1) for m in COMPARED.finditer(rest)]
    rest = COMPARED.sub(" ", rest)
    rest = _projects(q, rest)
    rest = _topics(q, rest, topics, segment)
    # 除了培养博士以外，要几个硕士: what is set aside is known to the asker; the rest is asked.
    rest = ALREADY_SEEN.sub(" ", EXCEPT.sub(" ", rest))
    if not q.project_numbers and (d := DESCRIBED.match(rest)) and DESCRIBED.sub("", rest, count=1).strip(" ,?"):
        q.descriptor, q.after_descriptor = d.group(0), rest[d.end():]
    if compared and not q.has_project:
        _projects(q, " ".join(compared))  # the compared project is the only one named: it is asked
    if q.cross and q.has_project and not CROSS_MARKERS.search(BATCH_MARKERS.sub(" ", norm)):
        q.cross = False  # 这批的岸电项目: the batch words name the guide of the project named
    if q.cross or not q.has_project:
        # Asked of one project, 在线人数≥2000 is evidence as written; across projects, a condition.
        q.conditions, rest = conditions(rest)
    _aliases(q, rest, aliases)
    q.values = value_filter(norm)
    # "one organization", "application period": an English phrase for the general part's logistics
    # is read before the section words its last word would otherwise be (组织方式, 实施周期).
    rest = _glossary(q, rest, _LOGISTICS)
    rest = _sections(q, rest)
    q.wants_number = any(_contains(norm, w) for w in NUMBER_WORDS)
    q.wants_time = asks_when(norm)
    rest = _glossary(q, _split_counts(rest), glossary)
    q.content = _content(rest)
    return q


def _with_context(question: str, body: str, context: str, topics: Iterable[str],
                  segment: Callable[[str], list[str]] | None,
                  aliases: Sequence[tuple[str, str]], glossary: Sequence[tuple[str, str]]) -> Query:
    """Understand the asking part; take the project from the context when the ask names none."""
    q = understand(body, topics, segment, aliases, glossary)
    q.raw = question
    q.context = context
    general = any(w in body for w in GENERAL_WORDS)
    if not q.has_project and not general:  # 项目四：出资要求？ — the project is named before the question
        c = understand(context, topics, segment, aliases, glossary)
        q.project_numbers, q.from_end, q.topic_words = c.project_numbers, c.from_end, c.topic_words
        q.aliased = c.aliased
        q.cross = q.cross or c.cross  # 我们想报这批项目，申报单位需要满足什么条件
    return q


def _is_english(norm: str) -> bool:
    """Return True when most of a question's characters are ASCII letters."""
    return sum(c.isascii() and c.isalpha() for c in norm) > len(norm) / 2


def fold_wording(norm: str) -> str:
    """Return a normalised question in the guides' wording where it uses Taiwan terms (專案 → 项目)."""
    return _TAIWAN.sub(lambda m: TAIWAN_WORDING[m.group(0)], norm)


_FILLER_BEFORE_ASK = re.compile(r"(?:(?<=[\u4e00-\u9fff])(?:一些|一点|些|点儿)|(?<=[做干搞])点)(?=什么|啥|哪些)")


def _spoken_rewrites(norm: str) -> str:
    """Drop a follow-up opener and put the guide's term beside each spoken word (区里 → 区级)."""
    rest = FOLLOWUP_OPENERS.sub(" ", norm)
    # 研究些什么 / 做一些什么 / 干点啥: the measure word between a verb and its question word says
    # nothing, and the section words are written without it (研究什么).
    rest = _FILLER_BEFORE_ASK.sub("", rest)
    for spoken, written in _REWRITES:
        rest = rest.replace(spoken, f" {written} ")
    return _FUNDED_COUNT.sub(r"\1 拟支持 几项 ", rest)


# 每个项目大概会支持几个？ ends on the count: how many are funded (拟支持 1 项), not 支持几个语种.
_FUNDED_COUNT = re.compile(r"(?<=项目|方向)([^,?。!;]{0,6})支持几个(?=\s*[?,。!;]|\s*$)")


def _projects(q: Query, rest: str) -> str:
    """Record projects named by number (first, from the end, 项目四); return the text without them."""
    if FIRST_PROJECT.search(rest):
        q.project_numbers.append(1)
    rest = FIRST_PROJECT.sub(" ", rest)
    for pat, fixed in FROM_END_PATTERNS:
        for m in pat.finditer(rest):
            q.from_end.append(fixed or _number(m.group(1)))
        rest = pat.sub(" ", rest)
    # A cross marker asks for nothing itself, and 哪几个项目 must not read as 几个项目 (how many are funded).
    rest = CROSS_MARKERS.sub(" ", rest)
    for pat in PROJECT_PATTERNS:
        for m in pat.finditer(rest):
            n = _number(m.group(1))
            if n and n not in q.project_numbers:
                q.project_numbers.append(n)
        rest = pat.sub(" ", rest)
    return rest


def _topics(q: Query, rest: str, topics: Iterable[str], segment: Callable[[str], list[str]] | None) -> str:
    """Record project-title words the question names as whole words; drop them unless a number names the project."""
    words = set(segment(rest)) if segment else None
    for word in sorted(topics, key=len, reverse=True):
        if word in rest and (words is None or word in words or len(word) >= 4):
            q.topic_words.append(word)
            if not q.project_numbers:
                rest = rest.replace(word, " ")
    return rest


def _aliases(q: Query, rest: str, aliases: Sequence[tuple[str, str]]) -> None:
    """Record the topics that what people call them names (the alias stays in the text)."""
    for alias, word in aliases:
        # The alias stays in the content: a word that names a project (汽车) may also be what a
        # clause counts.
        if _contains(rest, alias) and word not in q.topic_words:
            q.topic_words.append(word)
            q.aliased.append(word)


def _sections(q: Query, rest: str) -> str:
    """Record strong and weak section intent; return the text without the strong section words."""
    for word, label in _SYNONYMS:
        if _contains(rest, word):
            if word in WEAK_SECTION_WORDS:
                if label not in q.weak_sections:
                    q.weak_sections.append(label)
            elif label not in q.sections:
                q.sections.append(label)
            if word not in CONTENT_SECTION_WORDS:
                rest = rest.replace(word, " ")
    for word, label in WEAK_SECTION_WORDS.items():
        # A weak word stays in the content too: 企业 in 应用企业数量 is what is asked.
        if _contains(rest, word) and label not in q.weak_sections:
            q.weak_sections.append(label)
    return rest


def _split_counts(rest: str) -> str:
    """Set measure questions apart from their noun so the segmenter keeps both."""
    # 多大面积 is 多大 + 面积, not 多 + 大面积 (large-scale) as the segmenter would have it; 几辆车
    # is 几辆 + 车.
    rest = re.sub(r"(多大|多高|多快|多远|多宽|多重)", r" \1 ", rest)
    return re.sub(r"(几|多少|好多)([件台辆条张位名次套批种类座款份笔例家个项人])", r" \1\2 ", rest)


def _glossary(q: Query, rest: str, glossary: Sequence[tuple[str, str]]) -> str:
    """Add the guide's terms for English and spoken words; return the text without the English ones."""
    # (A plain substring test first: a few hundred entries, a handful present.)
    for word, zh in [(w, z) for w, z in glossary if w in rest]:
        if _contains(rest, word):
            q.glossary.append(zh)
            if word.isascii():
                rest = rest.replace(word, " ")
            else:
                q.spoken.append((word, zh))
    return rest


def _content(rest: str) -> str:
    """Return what is left to match, without bare project words and extra spaces."""
    # "项目" on its own (各项目, 这个项目) names no project and asks for nothing.
    return re.sub(r"\s+", " ", re.sub(r"项目|课题|专项", " ", rest)).strip()


def is_fragment(q: Query) -> bool:
    """Return True when a question only names a project or a section (那项目五呢？ / 实施周期呢？)."""
    from rag.tokenize import Tokenizer

    leftover = [w for w in Tokenizer.words_ascii(q.content) if not w.isdigit()]
    cjk = re.sub(r"[^\u3400-\u9fff]", "", q.content)
    cjk = re.sub(r"[那呢吗的么呀啊吧还有和跟同样一样怎样如何又是呢那个这个了]", "", cjk)
    return (q.has_project or bool(q.all_sections)) and not q.glossary and not leftover and len(cjk) <= 1


# A fragment leans on the question before only when it says so: a pointer back (那项目五呢,
# 它的周期, 这个项目, what about project 2) or nothing but a project or section word (项目五？
# 实施周期？). A fragment that asks for itself (实施周期多久) is a fresh question about every
# project: carrying the last project into it silently narrowed the answer (issue #15).
POINTS_BACK = re.compile(
    r"^(?:那|还有|再问|同样)|呢|它|其|该项目|这个项目|此项目|这个|那个|这一项|同一个|"
    r"^(?:what|how) about\b|^and\b|\b(?:it|its|this|that|same)\b"
)
ASKS_ITSELF = re.compile(r"多久|多长|多少|多大|几|什么|啥|哪|怎么|怎样|如何|是否|有没有|吗|"
                         r"\b(?:how|what|which|who|when|where|does|do|is|are|can)\b")


def leans_on_previous(current: Query) -> bool:
    """Return True when a fragment needs the previous question: it points back, or only names."""
    text = current.norm.strip()
    return POINTS_BACK.search(text) is not None or ASKS_ITSELF.search(text) is None


def merge_followup(current: Query, previous: Query) -> Query:
    """Complete a fragment that leans on the previous question: keep what it names, borrow the rest."""
    if not is_fragment(current) or not leans_on_previous(current) or not (
            previous.has_project or previous.all_sections or previous.content):
        return current
    merged = replace(current)
    if not current.has_project:
        merged.project_numbers = list(previous.project_numbers)
        merged.from_end = list(previous.from_end)
        merged.topic_words = list(previous.topic_words)
        merged.aliased = list(previous.aliased)
    if not current.all_sections:
        merged.sections = list(previous.sections)
        merged.weak_sections = list(previous.weak_sections)
        merged.content = previous.content
        merged.glossary = list(previous.glossary)
        merged.spoken = list(previous.spoken)
        merged.wants_number = previous.wants_number
        merged.wants_time = previous.wants_time
    merged.norm = " ".join(x for x in (current.norm, previous.content, *merged.glossary) if x)
    return merged
