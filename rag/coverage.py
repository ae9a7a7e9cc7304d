"""Does the answer cover the attribute asked? A project asked for a target it does not set abstains.

A near-miss question names a target the guide knows (软件著作权, 博士, 区级财政, 平方公里) for a
project that does not set it; the nearest other target of that project (授权发明专利≥3 项) is
a wrong fact in the guide's own words. The attribute counts as covered when the project's text
holds the same word, or a quantity of the dimension asked (50km2 for 多大一块地方).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rag.answer import NARROW_ABOVE, Evidence, metric_groups
from rag.lexicon import ENGLISH_GLOSSARY
from rag.normalize import normalize, strip_spaces
from rag.roles import PROBLEM, TARGETS, role_of
from rag.types import Chunk
from rag.units import (
    SPOKEN_DIMENSIONS,
    UNITS,
    WIDER,
    asked_dimensions,
    asked_units,
    dimensions,
    quantities,
    same_value,
)

# Words that measure or relate to any target, so they name no attribute of their own: 规模 in
# 什么规模, 达到 in 达到多少. Family-wide: how any guide's targets are asked about.
GENERIC_ASK = frozenset(
    "规模 体量 数量 数目 人数 个数 总数 部分 硬性 刚性 时间 水平 能力 程度 情况 指标 要求 标准化 多少 大小 范围 目标 数值 具体 以内 以上 以下 之内 "
    # When and how often (上了货架以后, 多久更新一次) place or repeat the ask; they measure nothing.
    "以后 之后 以前 之前 时候 一次 每次 一下 结果 出结果 "
    "达到 控制 覆盖 处理 支持 实现 构建 建设 提供 具备 完成 形成 开展 开发 研发 建立 搭建 需要 考核 规定 "
    "应用 示范 平台 系统 服务 项目 相关 主要 能够 可以 做到 满足 执行 一般 怎么 通常 注意 特别注意 注意事项 留意".split()
)
# Words of an applicant's story before the question (我们是一家企业，准备牵头申报…): they say who
# asks, not what is asked, so they are never an attribute the answer must cover.
STORY_WORDS = frozenset(
    "申报 牵头 企业 公司 单位 团队 准备 打算 联合 一家 听说 我们 想 报 参与 合作 高校 大学 实验室".split()
)
# Question forms that ask for a target's value or existence (多少, 几, 要不要): the check applies
# to these, not to "what does the project do".
TARGET_ASK = re.compile(r"多少|几|数量|人数|个数|数目|多大|多高|多快|多久|多长|要不要|需不需要|有没有|是不是|是否|会不会|有[^,，。?？]{1,12}吗"
                        r"|\b(?:how (?:many|much|long|fast)|number of|minimum|maximum|is there|does|must)\b")
# 良品率有什么要求 asks a target of the targets section (of 申报条件, 资质有什么要求 asks what it says).
TARGET_REQUIREMENT = re.compile(r"什么要求|什么指标|指标要求|有何要求|怎么要求|如何要求|有哪些要求|什么样的要求")
# A yes/no question (是否要求开源, 需要持有牌照吗) and a value question (多少, 几秒, 多大).
YES_NO = re.compile(r"是否|要不要|需不需要|有没有|是不是|会不会|吗[?？]?\s*$|吗[，,]|\b(?:is there|does|do|must)\b")
VALUE_ASK = re.compile(r"多少|几|多大|多高|多快|多久|多长|多远|多准|\bhow (?:many|much|long|fast|far)\b")
# Forms guides of the family write an attribute in: 区级 funding is also 项目所在区配套 / 区县配套.
SAME_ATTRIBUTE: dict[str, tuple[str, ...]] = {
    "区级": ("所在区",), "市级": ("市财政",),
    # Sales are also written as 销售额 (示范产品销售额≥5 亿元).
    "收入": ("销售额",),
}
# A rate is also written as a coefficient or a share (灌溉水利用率 as 灌溉水利用系数).
RATE_FORMS = ("率", "系数", "比例", "占比", "比重")
# … or 区县 / 区 before 配套 or 财政 within one clause: 区县配套, 项目落地区县按 1:1 给予配套.
SAME_ATTRIBUTE_SPREAD: dict[str, re.Pattern[str]] = {"区级": re.compile(r"区县?[^，,；;。]{0,12}(?:配套|财政)")}
# A leading period or scope that does not change the attribute (年产能 is 产能 per year).
SCOPE_PREFIX = frozenset("年月日总单")
# Characters a short form skips between its own (软著 → 软件著作权 skips 件 and 作).
ABBREVIATION_GAP = 2
# How a yes/no question is asked (不能, 能否, 没有): never the attribute asked.
MODAL = re.compile(r"^(?:不|没|能否|可否|是否|能不|可不|要不|需不)")
# Measure words a count is asked in (几台, 多少颗): a project whose targets never count in one sets
# no such count, and its ≥3 类 answers nothing. Words of one row count the same things; 个 项 种 类 次
# count anything, 天 is a period (the dimension check judges it). Family-wide.
# Some count the same things: a patent is 一件 or 一项, a vehicle 一台 or 一辆.
MEASURES = ("件项", "台辆", "辆台", "条", "张", "套", "批", "座", "款", "份", "笔", "例", "家", "核", "颗", "人名位", "期", "户", "把")
ASKED_MEASURE = re.compile(r"(?<!第)(?:几|多少)([\u4e00-\u9fff])")
# A count written without a measure word (指令数据≥100 万): it may be the count asked in 条.
_BARE_COUNT = re.compile(r"\d(?:千万|百万|[千万亿])?(?=$|[，,；;。、)）])")
# "Which district" (放在哪个区县, 指定的是哪个区): a name is asked, which only a named place answers.
WHICH_PLACE = re.compile(r"哪(?:个|些|一个)(?:区县|区|县)|哪(?:里|儿)落地|落(?:地|在)哪")
# A named district and its matching funds in one clause (两江新区那边会给多少配套资金).
DISTRICT_FUNDS = re.compile(r"((?:(?![的那这个])[\u4e00-\u9fff]){1,4}[区县])(?![级域内外])[^,，。?？;；]{0,10}配套")
# … which a project that writes any district share (项目落地区县按市级资助额 1:0.5 给予配套) sets.
_DISTRICT_SHARE = re.compile(r"区县?[^，,；;。]{0,20}(?:配套|财政)")
# Words ending in 区/县 that say a kind of place, not a named one (市区, 示范区, 各区县; not 璧山县).
_KIND_OF_PLACE = frozenset("市区 城区 园区 范区 景区 社区 辖区 山区 地区 片区 各区 本区 全区 郊区 街区 校区 厂区 库区 营区 专区 "
                           "该区 区县 市县 各县 本县 全县 该县 郊县".split())
# Characters a guide may put between a phrase's two words (市级 财政 资助; 产品实现汽车相关领域销售收入),
# within one clause; an ASCII word counts as one (高质量 Prompt 数据). More is another phrase.
PHRASE_GAP = 10
# 执行期内新增销售收入: "within the project period" qualifies the target; it names no attribute.
PERIOD_QUALIFIER = re.compile(r"(?:执行|实施|项目)?期[内间]|周期内")
# Dimensions a unit asked names one metric by (几秒钟 → the response time in 秒); a count of people
# (第几名, 几名博士) or money does not.
MEASURED = frozenset({"time", "length", "area", "degree", "data", "compute", "rate", "qps"})
# Dimensions read from a unit are strong evidence; spoken measures (多久) also fit a period.
_UNIT_WORDS = frozenset(UNITS)


@dataclass(frozen=True)
class Gap:
    """An attribute the question asks that the named project's text never mentions."""

    project: str
    section: str
    attribute: str

    @property
    def note(self) -> str:
        where = f"{self.project}的{self.section}" if self.section else self.project
        return f"{where}没有提到{self.attribute}。"


class Coverage:
    """The text each project holds and the guide's target vocabulary, read once per index."""

    def __init__(self, chunks: list[Chunk]) -> None:
        texts: dict[tuple[str, str], list[str]] = defaultdict(list)
        targets: list[str] = []
        for c in chunks:
            if c.project is None:
                continue
            key = (c.doc, c.project)
            if not texts[key]:
                texts[key].append(c.project_title or "")
            texts[key].append(c.text)
            targets += [cl.text for cl in c.clauses if re.search(r"\d", cl.text)]
        self.projects = {k: strip_spaces(normalize("".join(v))) for k, v in texts.items()}
        # Every word that sits in some clause with a number: the attributes targets are set on.
        self.vocabulary = "\n".join(strip_spaces(normalize(t)) for t in targets)
        self.project_dims = {k: dimensions(v) for k, v in self.projects.items()}

    def gap(self, doc: str, project: str, section: str, ev: Evidence, is_known: Callable[[str], bool],
            question: str, english: bool = False, span: str = "") -> Gap | None:
        """Return the attribute a target question asks of a project that the project lacks, or None.

        `is_known` says whether the corpus has a word (a word no guide uses is wording, judged by
        the other checks); `question` is the normalised asking part; `span` the answer chosen.
        """
        text = self.projects.get((doc, project))
        if text is None:
            return None
        if WHICH_PLACE.search(question) and not names_place(strip_spaces(normalize(span))):
            # 放在哪个区县 answered by 以市区（县）联动方式实施: the guide names no district there.
            return Gap(project, section, "具体的区县")
        place = DISTRICT_FUNDS.search(question)
        if place and names_place(place.group(1)) and "区级" not in text and not _DISTRICT_SHARE.search(text):
            # 两江新区那边会给多少配套资金 of a project only the city funds: a district's share is asked.
            return Gap(project, section, "区县配套资金")
        if not TARGET_ASK.search(question) and not (TARGET_REQUIREMENT.search(question) and role_of(section) == TARGETS):
            return None
        measure = counted_in(blank_spoken_measures(question))
        if (measure and not re.search(rf"[\d一二两三四五六七八九十百千万亿]\s*[{measure}]", text)
                and not _BARE_COUNT.search(strip_spaces(normalize(span)))):
            # 投放多少台设备 of a project that counts nothing in 台: its ≥3 类 装备 is another target.
            return Gap(project, section, f"以“{measure[0]}”计的数量")
        have = self.project_dims[(doc, project)]
        for dim, unit in asked_units(question).items():
            # 多少平方公里 of a project that measures no area: no clause of it can answer.
            if dim not in have and not have & set(WIDER.get(dim, ())):
                return Gap(project, section, unit if len(unit) > 1 else f"以“{unit}”计的指标")
        asked = PERIOD_QUALIFIER.sub(" ", blank_spoken_measures(question))
        terms = [(t, w) for t, w in zip(ev.terms, ev.weights, strict=True)
                 if is_known(t) and attribute_word(t) and not (t in question and t not in asked)]
        # 区县财政 of a project with 区级财政: the guide's term for a spoken word covers it (lexicon).
        # … and 区县财政 of a project with neither: the guide's term (区级) is what another project sets.
        # (中试线 of a project that writes 中试生产线 is a short form of its own term, not a lack.)
        lacking = [(w, t) for t, w in terms if not _said(t, text) and not _part_of_said(t, ev, text)
                   and not abbreviates(t, text)
                   and (t in self.vocabulary or any(alt and alt in self.vocabulary for alt in _alternatives(t)))
                   and not any(alt and alt in text for alt in _alternatives(t))]
        # 销售收入或新增产值 of a project that sets neither: either word would do, none is there.
        for t, w in zip(ev.terms, ev.weights, strict=True):
            alts = [a for a in t.split("|") if a]
            if (len(alts) > 1 and not english and all(a in asked and is_known(a) and attribute_word(a) for a in alts)
                    and not any(_said(a, text) for a in alts) and any(a in self.vocabulary for a in alts)):
                lacking.append((w, "或".join(alts)))
        held = strip_spaces(normalize(span))
        lacking = [(w, t) for w, t in lacking if "或" in t or not _modifier(t, w, asked, ev, held, self.vocabulary)]
        lacking = [(w, t) for w, t in lacking if not _scene(t, question, held)]
        if english and len(lacking) < len(terms):
            # An English question is translated word by word (revenue or economic benefit): one
            # rendering the project lacks is not the ask, all of them are.
            lacking = []
        for t, w in terms:
            if t not in text and _said(t, text):
                continue  # written in a form of its own (区级 as 落地区县…配套): that form is the phrase
            if _part_of_said(t, ev, text):
                continue  # 利用 of 有效利用率: a piece of a longer word the project says (利用系数)
            # 区级财政 asked of a project that has 区级 (区级真实环境) and 财政 apart: the word with
            # the next two of the question names an attribute another project sets.
            for m in re.finditer(re.escape(t), asked):
                for ext, other in ((asked[m.start() : m.end() + 2], asked[m.end() : m.end() + 2]),
                                   (asked[max(0, m.start() - 2) : m.end()], asked[max(0, m.start() - 2) : m.start()])):
                    if len(other) != 2 or not is_known(other) or not attribute_word(other):
                        continue
                    if _part_of_said(other, ev, text):
                        continue  # 有效利用率: 利用 is part of 利用率, which the project says (as 利用系数)
                    after = ext.startswith(t)
                    # 区县财政 is asked as the guide's 区级财政 (the lexicon's term for 区县).
                    for word in (t, *_alternatives(t)):
                        phrase = word + other if after else other + word
                        if phrase in self.vocabulary and phrase not in text and not _near(text, word, other, after):
                            lacking.append((w, ext))
                            break
        if not lacking:
            return None
        # Name the attribute as the question ends it (培养几个博士 → 博士; 区级财政 over 区级).
        name = max(lacking, key=lambda p: (question.find(p[1]) + len(p[1]), len(p[1])))[1]
        return Gap(project, section, name)


def _modifier(term: str, weight: float, asked: str, ev: Evidence, span: str, vocabulary: str) -> bool:
    """Return True if the words after a lacking one in the question that the answer holds outweigh it.

    系统自动发现网络异常的准确程度 answered by 智能异常感知准确率≥80%: 自动 only says how the
    异常 and 准确 the clause holds are reached; the attribute asked is the head the question ends on.
    Not when the two make a target some guide sets (授权的发明专利 → 授权发明专利, where the
    project sets 申请发明专利): then the lacking word is the attribute.
    """
    at = asked.rfind(term)  # 参数规模至少多少亿参数: said again last, it is the head after all
    if at < 0:
        return False
    # (A spoken word's renderings, 偏差|误差|精度, stand where the question wrote the first; the
    # question's own "A或B" does not count: 国家或者团体标准 is not met by any 国家 of the span.)
    after = [(t, w) for t, w in zip(ev.terms, ev.weights, strict=True)
             if asked.rfind(t.split("|")[0]) >= at + len(term) and _said(t, span)
             and not ("|" in t and all(a in asked for a in t.split("|")))]
    if any(term + t in vocabulary for t, _ in after):
        return False
    return sum(w for _, w in after) >= weight


def _scene(term: str, asked: str, span: str) -> bool:
    """Return True if a word only sets the scene of a bare measure that the span gives.

    果农拿手机拍张照片，要几秒钟出结果: the asking clause names no attribute, only a time, and the
    span's metric is a time; 手机 in the clause before says when it is measured, not what.
    """
    parts = [p.strip() for p in re.split(r"[,，;；]", asked) if p.strip()]
    asking = [p for p in parts if TARGET_ASK.search(p)]
    # (A scene is told: a clause of its own, the word inside it. 项目三的视频分析，要几秒钟 ends its
    # clause on the word: that names the attribute.)
    told = [p for p in parts if term in p and p not in asking]
    return (bool(asking) and bool(told) and all(len(p) >= SCENE_CHARS and not p.endswith(term) for p in told)
            and _bare_measure(asked, span))


# A clause this long (果农拿手机拍张病虫害的照片) tells a scene; a short one (项目三的视频) names a thing.
SCENE_CHARS = 8


def _bare_measure(asked: str, span: str) -> bool:
    """Return True if the first asking clause asks only a measure (要几秒钟出结果) the span states."""
    first = next((p for p in re.split(r"[,，;；]", asked) if TARGET_ASK.search(p)), "")
    return (bool(first) and bool(asked_dimensions(first) & dimensions(span))
            and not re.search(r"[\u4e00-\u9fff]{2,}", _ASK_FRAME.sub("", first)))


# What a bare measure's clause says besides the measure (要几秒钟出结果才算达标, 多快要回过来).
_ASK_FRAME = re.compile(r"要|得|能|才|算|达标|过关|出结果|结果|出来|回过来|回来|多快|多久|多长时间|几|多少|秒钟|秒|分钟|小时|天|以内|之内|左右"
                        r"|[?？!！。]")


def _near(text: str, first: str, second: str, in_order: bool) -> bool:
    """Return True if the text writes the two words of a phrase with a word or two between
    (市级财政资助 holds 市级资助): the attribute is there, worded more fully."""
    a, b = (first, second) if in_order else (second, first)
    return re.search(re.escape(a) + f"(?:[a-z0-9.]+|[^，,；;。a-z0-9]){{1,{PHRASE_GAP}}}" + re.escape(b), text) is not None


# A number said in words (十个 of 十个亿) is a value, never an attribute.
_SPOKEN_NUMBER = re.compile(r"[零一二两三四五六七八九十百千万亿]+[个项件名位台]?")
# A code of letters and digits (L3, L4, V2X): a grade or standard, an attribute when no guide writes it.
CODE = re.compile(r"(?<![a-z\d])[a-z]+\d[a-z\d]*(?![a-z\d])")


def unsaid_attribute(question: str, ev: Evidence, span: str, is_known: Callable[[str], bool],
                     section: str = "") -> str | None:
    """Return the heaviest word a target question asks that no loaded guide uses, or None.

    开源 in 是否要求开源, 牌照 in 需要持有牌照吗: asked of a named project's section, such a word
    is what the guide lacks, not other wording of what it has (that one the words it shares find).
    A short form of the section's own words (软著 for 软件著作权) is wording, not a lack.
    """
    if not YES_NO.search(question) or VALUE_ASK.search(question):
        # A value asked (多大一块地方, 多少帧画面) is answered by its quantity, whatever its words.
        return None
    flat = strip_spaces(normalize(span))
    whole = strip_spaces(normalize(section))
    unsaid = [(w, t) for t, w in zip(ev.terms, ev.weights, strict=True)
              if (re.fullmatch(r"[\u4e00-\u9fff]{2,}", t) and attribute_word(t) or CODE.fullmatch(t)) and not is_known(t)
              and not MODAL.match(t) and not _SPOKEN_NUMBER.fullmatch(t) and t not in flat and not abbreviates(t, whole)]
    # 横向（水平方向）要准到几厘米 answered by 北斗定位横向误差≤20cm: the words the span holds
    # outweigh the unknown one, which is only other wording.
    held = sum(w for t, w in zip(ev.terms, ev.weights, strict=True) if is_known(t) and t in flat)
    return max(unsaid)[1] if unsaid and max(unsaid)[0] > held else None


# The last characters of the family's metric names: a rate, degree, amount, count, ratio, value,
# property, diameter, area, pressure, speed, weight, consumption, efficiency, time.
METRIC_ENDINGS = frozenset("率度量数比值性径积压速重耗效间")


SEVERAL_ASKED = re.compile(r"各是|各为|各要|各多少|分别")


def asked_head(question: str, ev: Evidence) -> str | None:
    """Return the attribute word a value question asks of: the one written last before its first ask.

    电芯快充倍率要求达到几C → 倍率; 充电时间要求控制在几分钟 → 充电时间 (the longest word ending last).
    """
    m = TARGET_ASK.search(question)
    if m is None or SEVERAL_ASKED.search(question):
        return None  # (计算能力、CPU核数和GPU卡数各是多少 asks a list; the span is the list's clause)
    # (A gloss in brackets, 横向（水平方向）, restates the word before it.)
    before = re.sub(r"[（(][^（()）]*[）)]", " ", question[: m.start()])
    ends = [(before.rfind(t) + len(t), len(t), t) for t in ev.terms
            if re.fullmatch(r"[\u4e00-\u9fff]{2,}", t) and attribute_word(t) and not _SPOKEN_NUMBER.fullmatch(t)
            and not MODAL.match(t) and t in before]
    if not ends:
        return None
    head = max(ends)[2]
    # Only a metric's name (倍率, 充电时间, 料肉比) is asked of; a verb before the ask (限定在多少秒,
    # 撑住多少人) or a frame (同一时间) names nothing the span must hold.
    return head if head[-1] in METRIC_ENDINGS and head[0] not in "同一每" else None


def unheld_attribute(question: str, ev: Evidence, span: str,
                     is_known: Callable[[str], bool] | None = None) -> str | None:
    """Return the heaviest attribute word of a value question when the span holds none of them.

    参数量要达到多少亿 answered by 销售收入≥5 亿: only the magnitude matched; no word naming what is
    measured is in the span, so it answers something else. With `is_known` (does any loaded guide
    use a word), also the word the value is asked of when no guide uses it and the span does not
    hold it: 电芯快充倍率要求达到几C answered by 电芯能量密度≥400 Wh/kg shares only 电芯.
    """
    if not VALUE_ASK.search(question):
        return None
    flat = strip_spaces(normalize(span))
    if _bare_measure(question, flat):
        return None  # 拍张照片，要几秒钟出结果 answered by the metric in seconds: 照片 sets the scene
    if (asked_dimensions(question) - set(asked_units(question))) & dimensions(flat):
        # 多大一块地方 answered by 面积≥50km2: a spoken measure names the metric; a unit asked
        # (多少毫秒) does not, many metrics are times.
        return None
    named = [(w, t) for t, w in zip(ev.terms, ev.weights, strict=True)
             if re.fullmatch(r"[\u4e00-\u9fff]{2,}", t) and attribute_word(t) and not _SPOKEN_NUMBER.fullmatch(t)]
    # Any word of the question in the span (帧 of 检测帧数) may be the metric, named shortly.
    held = any(Evidence([t], [1.0]).coverage(flat) > 0 for t in ev.terms if re.fullmatch(r"[\u4e00-\u9fff]+", t))
    if named and not held:
        return max(named)[1]
    head = asked_head(question, ev) if is_known is not None else None
    if head is not None and is_known is not None and not is_known(head) and head not in flat and not abbreviates(head, flat):
        return head
    return None


def _said(term: str, text: str) -> bool:
    """Return True if a project's text says the attribute: the word itself, a form the family
    writes for it (区级 as 所在区), or the word without a leading period or scope (年产能 as 产能);
    for alternatives (误差|偏差|精度), any of them."""
    if "|" in term:
        return any(_said(alt, text) for alt in term.split("|") if alt)
    if term in text or any(form in text for form in SAME_ATTRIBUTE.get(term, ())):
        return True
    for form in RATE_FORMS:
        stem = term[: -len(form)]
        if term.endswith(form) and len(stem) >= 2 and any(stem + other in text for other in RATE_FORMS):
            return True
    spread = SAME_ATTRIBUTE_SPREAD.get(term)
    if spread is not None and spread.search(text):
        return True
    rest = term[1:]
    if term[0] not in SCOPE_PREFIX or not rest:
        return False
    # … or with the period written after the amount (年产 as 产能≥500吨/年), within one metric.
    return (len(rest) >= 2 and rest in text) or re.search(re.escape(rest) + r"[^，,；;。]{0,12}" + term[0], text) is not None


def _part_of_said(word: str, ev: Evidence, text: str) -> bool:
    """Return True if the word is a piece of a longer asked word the text says (利用 of 利用率)."""
    return any(word != o and word in o and _said(o, text) for o in ev.terms)


def _alternatives(term: str) -> list[str]:
    """Return the guide's terms for a spoken or English word (区县 → 区级), from the lexicon."""
    return [alt for alt in ENGLISH_GLOSSARY.get(term, "").split("|") if alt]


def abbreviates(word: str, text: str) -> bool:
    """Return True if the text writes the word's characters in order close together (软著 in
    软件著作权): the word is a short form of the text's own term."""
    gaps = f".{{0,{ABBREVIATION_GAP}}}"
    return re.search(gaps.join(map(re.escape, word)), text) is not None


def attribute_word(term: str) -> bool:
    """Return True if a question term can name a target (not a unit, a story word or a generic word)."""
    if "|" in term or len(term) < 2 or re.search(r"\d", term):
        return False
    # 万人次 is a magnitude and a unit: the dimension check judges it.
    unit = term.lstrip("百千万亿")
    if term[0] == "每" and len(term) <= 3:
        return False  # 每吨, 每瓦: "per" a unit, which a guide may write as /t or GJ/t
    if re.fullmatch(r"[\u4e00-\u9fff]数", term) and any(term[0] in m for m in MEASURES):
        return False  # 户数, 台数: a count in a measure word (多少户), which the measure check judges
    return term not in GENERIC_ASK and term not in STORY_WORDS and unit not in _UNIT_WORDS


def counted_in(question: str) -> str:
    """Return the measure words of the count a question asks (多少台 → 台辆; 多少人 → 人名位), or ''."""
    m = ASKED_MEASURE.search(question)
    if m is None or m.group(1) in "个项种类次":  # counts anything
        return ""
    return next((u for u in MEASURES if m.group(1) in u), "")


def names_place(text: str) -> bool:
    """Return True if a (normalised) text names a district or county (渝北区), not only a kind (市区, 区级)."""
    for m in re.finditer(r"[区县]", text):
        before, after = text[max(0, m.start() - 1) : m.end()], text[m.end() : m.end() + 1]
        if (len(before) == 2 and "\u4e00" <= before[0] <= "\u9fff" and before not in _KIND_OF_PLACE
                and after not in ("级", "域", "内", "外")):
            return True
    return False


def blank_spoken_measures(question: str) -> str:
    """Return the question with spoken measures (多大一块地方) blanked: their words are no attribute."""
    for pat, _dim in SPOKEN_DIMENSIONS:
        question = pat.sub(" ", question)
    return question


def retarget(chunks: list[Chunk], doc_text: str, question: str, ev: Evidence,
             chosen: tuple[Chunk, int, int]) -> tuple[Chunk, int, int] | None:
    """Return the metric of a project that holds the dimension or amount asked, or None.

    The span lacks the dimension asked (多长时间出结果 answered by 不超过3年, the project's
    period, while a target of it reads 报告生成时间≤300s) or the amount stated (是不是50000万元
    where 销售收入≥5亿 says it): the metric of the same project with that dimension or amount
    and the most of the question's words answers instead. The chosen span itself is returned
    when it already holds the dimension and some asked word (多大一块地方 → 应用示范面积≥50km2).
    """
    span = doc_text[chosen[1] : chosen[2]]
    dims = asked_dimensions(question)
    # An amount the question states (是不是50000万元, 十个亿, 0.5秒), not a unit of its wording
    # (一秒钟) nor a bare number (project 5).
    stated = [x for x in quantities(question)
              if re.search(r"[千万亿]", x.text) or (x.dimension and re.search(r"\d", x.text))]
    here = quantities(normalize(span))
    # A problem statement's figure (适用于 25 度以下坡地) says what is researched, not a target's value.
    has_dim = chosen[0].role != PROBLEM and any(x.dimension in dims for x in here)
    need_dim = bool(dims)
    need_value = bool(stated) and not any(same_value(a, b) for a in stated for b in here)
    if not need_dim and not need_value:
        # 是要一百万人次还是一千万人次 of a span with 1000 万人次: the amount stated is the evidence
        # (its numerals are no words of the guide to cover).
        return chosen if stated else None
    # A span that already holds the dimension keeps its place unless a metric covers more.
    best: tuple[float, int, Chunk, int, int] | None = None
    floor = ev.coverage(normalize(span)) if has_dim and not need_value else 0.0
    floor = floor if not has_dim or len(span) <= NARROW_ABOVE else 0.0
    order = 0
    fits: list[tuple[Chunk, int, int]] = []
    for chunk in chunks:
        if chunk.role == PROBLEM:
            continue  # (its figures say what is researched, as above)
        for clause in chunk.clauses:
            for g in metric_groups(clause):
                text = normalize(doc_text[g.start : g.end])
                found = quantities(text)
                if need_dim and not any(x.dimension in dims for x in found):
                    continue
                if need_value and not any(same_value(a, b) for a in stated for b in found):
                    continue
                fits.append((chunk, g.start, g.end))
                cov = ev.coverage(text)
                order -= 1
                if cov > floor and (best is None or (cov, order) > best[:2]):
                    best = (cov, order, chunk, g.start, g.end)
    if best is None and len(fits) == 1 and set(asked_units(question)) & MEASURED and not stated:
        # 拍张照片要几秒钟出结果 of a project with one metric in seconds (图像识别响应时间≤2 秒):
        # the unit asked names it even in none of the question's words (the near-miss check
        # still judges the words it asks).
        return fits[0]
    if best is None:
        return chosen if has_dim and floor > 0 else None
    inside = chosen[1] <= best[3] and best[4] <= chosen[2]
    if has_dim and not need_value and inside and len(span) <= NARROW_ABOVE:
        return chosen  # a short span with the metric and its neighbours (横向误差和纵向误差) stays whole
    return best[2:]


def specific(ev: Evidence, titles: set[str]) -> Evidence:
    """Return the evidence without general words, for a question asked of every project.

    申报单位需要满足什么条件 asks the section itself: 申报, 单位, 满足 and the guide's own title
    words (这批人工智能重大专项) name no content a row must hold, so they cannot make it abstain.
    """
    keep = [(t, w) for t, w in zip(ev.terms, ev.weights, strict=True)
            if "|" in t or re.search(r"\d", t) or (attribute_word(t) and not any(t in title for title in titles)
                            and not re.fullmatch(r"[一二两三四五六七八九十]+个?", t))]
    return Evidence([t for t, _ in keep], [w for _, w in keep], ev.partial)
