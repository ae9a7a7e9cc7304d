"""Guides generated from the family's allowed variations parse exactly: every project × section.

The issue lists what real guides of the family vary in: an optional 附件 line, a title wrapped or
not, an optional general part (总体要求, 申报须知 or 申报说明 with numbered items (1. / （一）)), an
optional 三、申报项目 heading, optional domain groups, project headers 项目一： / 项目1： / 项目 1:,
titles wrapping onto the next line, section headings 1. / 1、 / （1） / (1) with any of each role's
words, page footers (— 3 — / - 4 -), lines broken mid-sentence with blank lines between, page-break
spaces, and projects with fewer than seven sections. A generator draws guides from all of these
and the parser must return exactly what was written.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.parse import cn_number, join_fragments, parse_text
from rag.roles import GENERAL, ROLE_HEADINGS, ROLES, role_of

CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
# The words of a section body: CJK, numbers spaced from CJK as the PDFs print them, comparison signs.
WORDS = ["研究", "项目须", "（含）以上", "丘陵山区", "智能装备", "关键技术", "示范应用", "不少于", "不超过", "项目", "申报单位", "牵头",
         "联合", "企业", "高校", "科研院所", "形成", "标准", "专利", "平台", "数据", "算法", "准确率", "≥",
         "万元", "个", "年", "月", "（含）", "“揭榜挂帅”", "市级财政", "资助", "配套", "自筹", "经费"]
NUMBERS = ["3", "12", "95%", "800", "2025", "0.5", "3000", "1:1"]
FIELDS = ["智能制造", "生物医药", "现代农业", "数字经济", "新材料", "人工智能"]
TITLE_WORDS = ["智能", "农机", "装备", "研发", "示范", "平台", "关键技术", "系统", "数字孪生", "精准", "育种",
               "检测", "应用", "绿色", "制造", "冷链", "遥感", "监测", "服务"]
CJK = r"[\u3400-\u9fff]"
# What a line must not start with by accident: the markers of structure (a numbered item, a project
# header, a Chinese-numbered heading, a page footer). 项目须…, （含）, 0.5 may start a line.
STRUCTURE = re.compile(r"(?:\d{1,2}\s*[.．、](?!\d)|[（(]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[)）]"
                       r"|项目\s*(?:[一二三四五六七八九十]|\d)|[一二三四五六七八九十]{1,3}\s*[、．.]|[-—–]+\s*\d|附件)")
FOOTERS = ["— {n} —", "- {n} -", "—{n}—"]


def body(rnd: random.Random, sentences: int) -> str:
    """Return a section body as the PDF prints it: spaces between Latin/digits and CJK."""
    out = []
    for _ in range(sentences):
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(3, 9))]
        if rnd.random() < 0.6:
            words.insert(rnd.randrange(len(words)), rnd.choice(NUMBERS))
        text = ""
        for w in words:
            if text and (re.match(r"[A-Za-z0-9%]", text[-1]) and re.match(CJK, w[0])
                         or re.match(CJK, text[-1]) and re.match(r"[A-Za-z0-9]", w[0])):
                text += " "  # the PDFs space Latin and digits from Chinese, nothing else
            text += w
        out.append(text + rnd.choice(["；", "，", "。"]))
    text = "".join(out)[:-1] + "。"
    return "本" + text if STRUCTURE.match(text) else text  # it may start a line of its own


def safe_breaks(text: str) -> list[int]:
    """Return where a line may break: never inside a Latin/number run, never before a character
    that would make the next line look like structure (a numbered item, 项目, a bracket)."""
    ok = []
    for i in range(6, len(text) - 2):
        a, b = text[i - 1], text[i]
        if a.isascii() and b.isascii() and (a + b).strip() == a + b:
            continue
        rest = text[i:].lstrip()
        if STRUCTURE.match(rest):
            continue
        ok.append(i)
    return ok


@dataclass
class Writer:
    """Lays text out as a PDF extraction does: short lines, blank lines, footers, page-break spaces."""

    rnd: random.Random
    lines: list[str] = field(default_factory=list)
    page: int = 1

    def wrapped(self, text: str, first: str = "") -> None:
        """Write `first + text` broken mid-sentence every 12-34 characters."""
        full, pos = first + text, 0
        breaks = [i + len(first) for i in safe_breaks(text)]
        while True:
            nxt = [b for b in breaks if pos + 12 <= b <= pos + 34]
            if not nxt or len(full) - pos <= 34:
                self.line(full[pos:])
                return
            cut = self.rnd.choice(nxt)
            self.line(full[pos:cut])
            pos = cut

    def line(self, text: str) -> None:
        if self.lines and self.rnd.random() < 0.12:  # a page ends here: its footer, then a stray space
            self.lines += ["", self.rnd.choice(FOOTERS).format(n=self.page), ""]
            self.page += 1
            text = self.rnd.choice([" ", "\u3000", "  "]) + text
        self.lines += [text, ""] if self.rnd.random() < 0.8 else [text]


@dataclass
class Expected:
    title: str
    general: list[str]
    projects: list[tuple[str, int, str, str | None, list[tuple[str, str | None, str]]]]


def make_guide(rnd: random.Random) -> tuple[str, Expected]:
    """Return a guide drawn from the family's variations and what it must parse into."""
    w = Writer(rnd)
    if rnd.random() < 0.5:
        w.line(rnd.choice(["附件 3", "附件3", "附件 12", "附件"]))
    head = f"{rnd.randint(2019, 2026)} 年重庆市{rnd.choice(FIELDS)}重大专项"
    tail = rnd.choice(["项目申报指南", "第二批项目申报指南", "揭榜挂帅项目申报指南"])
    if rnd.random() < 0.5:
        w.line(head)
        w.line(tail)
    else:
        w.line(head + tail)
    general: list[str] = []
    numbered = 0
    if rnd.random() < 0.7:
        numbered += 1
        w.line(f"{CN[numbered - 1]}、总体要求")
        w.wrapped(body(rnd, 3))
        general.append("总体要求")
        notice = rnd.choice(["申报须知", "申报说明"])
        numbered += 1
        w.line(f"{CN[numbered - 1]}、{notice}")
        item = rnd.choice(["{n}.", "{n}、", "（{c}）", "({n})", "（{n}）"])
        for k, name in enumerate(["申报时间", "申报方式", "限项要求", "联系方式"][: rnd.randint(1, 4)], 1):
            w.wrapped(body(rnd, 1), item.format(n=k, c=CN[k - 1]) + name + "：")
        general.append(notice)
        if rnd.random() < 0.7:
            numbered += 1
            w.line(f"{CN[numbered - 1]}、申报项目")
    marker = rnd.choice(["项目{c}：", "项目{n}：", "项目 {n}:", "项目{c}:", "项目 {n}："])
    numbering = rnd.choice(["{n}.", "{n}、", "（{n}）", "({n})", "{n}．", "（ {n} ）"])
    groups = rnd.random() < 0.4
    projects = []
    group: str | None = None
    for n in range(1, rnd.randint(1, 8) + 1):
        if groups and (n == 1 or rnd.random() < 0.4):
            group = f"{rnd.choice(TITLE_WORDS)}{rnd.choice(['领域', '方向', '专题'])}"
            w.line(f"（{CN[len({p[3] for p in projects})]}）{group}")
        title = "".join(rnd.choice(TITLE_WORDS) for _ in range(rnd.randint(3, 12)))
        label = marker.format(c=CN[n - 1], n=n)
        if len(title) > 14 and rnd.random() < 0.6:
            cut = rnd.randint(6, len(title) - 3)
            w.line(label + title[:cut])
            w.line(title[cut:])
        else:
            w.line(label + title)
        roles = rnd.sample(ROLES, rnd.randint(1, 7))
        roles.sort(key=ROLES.index)
        sections = []
        for k, role in enumerate(roles, 1):
            word = rnd.choice(ROLE_HEADINGS[role][:6])
            text = body(rnd, rnd.randint(1, 4))
            heading = numbering.format(n=k) + word
            if role == roles[0] and rnd.random() < 0.2 and role_of(word) == role:
                w.line(heading)  # the heading alone on its line (1.研究内容), its text below
                w.wrapped(text)
            else:
                w.wrapped(text, heading + rnd.choice(["：", ":", "： "]))
            sections.append((word, role_of(word), text))
        projects.append(("项目" + str(label[2:]).replace(" ", "").rstrip("：:"), n, title,
                         group if groups else None, sections))
    newline = rnd.choice(["\n", "\r\n"])  # a file saved on Windows
    return newline.join(w.lines) + newline, Expected(join_fragments([head, tail]), general, projects)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_generated_guides_parse_exactly(rnd: random.Random) -> None:
    text, want = make_guide(rnd)
    doc = parse_text(text, "generated")
    assert doc.title == want.title, text
    assert [g.heading for g in doc.general if g.heading] == want.general, text
    assert all(g.role == GENERAL for g in doc.general)
    got = [(p.label, p.number, p.title, p.group,
            [(s.heading, s.role, doc.text[s.start : s.end]) for s in p.sections]) for p in doc.projects]
    assert got == want.projects, text
    for p in doc.projects:  # every clause lies inside its section, verbatim
        for s in p.sections:
            assert all(s.start <= c.start < c.end <= s.end and doc.text[c.start : c.end] == c.text for c in s.clauses)
    assert cn_number(CN[len(doc.projects) - 1]) == len(doc.projects)
