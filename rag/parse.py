"""Parse a guide into document → project → section → clause, with offsets into one cleaned text.

The guides in this family are PDF extractions: every line is broken mid-sentence, blank
lines separate the fragments and page breaks leave a stray leading space. Structure is
carried by two kinds of line — ``项目X：title`` and ``N.heading：body`` — so the parser
rebuilds each project title and each section body as one line, then cuts clauses on
``；`` and ``。``. A document without that structure is refused with the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.errors import ParseError
from rag.roles import GENERAL, ROLE_HEADINGS, role_of
from rag.types import Chunk, Clause

CN_DIGITS = "零一二三四五六七八九十"
_CN = "一二三四五六七八九十百"
# 项目一： / 项目1： / 项目 1:  (Chinese or Arabic numerals, full- or half-width colon).
PROJECT_RE = re.compile(rf"^项目\s*([{_CN}]{{1,4}}|\d{{1,3}})\s*[：:]\s*(.*)$")
# A section heading is short (拟解决问题, 支持强度 …), numbered 1. / 1、 / （1） / (1), and ends with a
# colon; or stands alone on its line when its words name a section role (1.研究内容).
_SECTION_NO = r"(?:(\d{1,2})\s*[.．、]|[（(]\s*(\d{1,2})\s*[)）])"
SECTION_RE = re.compile(rf"^{_SECTION_NO}\s*([\u4e00-\u9fff][^：:，。；\d]{{1,11}}?)\s*[：:]\s*(.*)$")
SECTION_ALONE_RE = re.compile(rf"^{_SECTION_NO}\s*([\u4e00-\u9fff]{{2,8}})$")
# … or ends with a full stop when its words name a role (1.研究内容。研究某材料): the body follows.
SECTION_STOP_RE = re.compile(rf"^{_SECTION_NO}\s*([\u4e00-\u9fff]{{2,8}})\s*[。．]\s*(.*)$")
# The heading words of every role, exactly as guides write them (研究内容, 支持强度 …).
ROLE_WORDS = frozenset(w for words in ROLE_HEADINGS.values() for w in words)
# 项目一 某材料研发 (a space, no colon): a header only when a title follows, not a sentence.
PROJECT_SPACED_RE = re.compile(rf"^项目\s*([{_CN}]{{1,4}}|\d{{1,3}})\s+([\u4e00-\u9fffA-Za-z0-9][^：:，。；]{{3,}})$")
# A heading of the general part: 一、总体要求 / 二、申报须知： … (Chinese numeral, 、).
GENERAL_RE = re.compile(rf"^([{_CN}]{{1,3}})\s*[、．.]\s*(\S.*)$")
# A domain group above its projects: （一）创新药物领域 (only when a project header follows).
GROUP_RE = re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[)）]\s*([^：:，。；]{{2,30}})$")
# Any numbered item inside the general part (（一）申报时间, 1.申报方式): it starts a new paragraph.
ITEM_RE = re.compile(rf"^(?:[（(]\s*(?:[{_CN}]{{1,3}}|\d{{1,2}})\s*[)）]|\d{{1,2}}\s*[.．、](?!\d))")
# A PDF page footer on a line of its own ("- 3 -", "— 3 —", "第 3 页", "3/12"): not part of any sentence.
PAGE_NUMBER_RE = re.compile(r"^(?:[-—–]+\s*\d{1,4}\s*[-—–]+|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
ATTACHMENT_RE = re.compile(r"^附件\s*[\d一二三四五六七八九十\-－—]*$")
# The title ends with the kind of document it is; lines after it (an introduction) are not title.
TITLE_END_RE = re.compile(r"(?:指南|通知|公告|目录|申报书|方案)$")
# Clauses end at these; commas stay inside a clause (a metric and its qualifiers belong together).
# A newline separates the paragraphs of a general-part section.
CLAUSE_END = "；;。\n"
# A numbered item's title standing alone between clause ends (2. 申报方式。 / （二）限项要求。).
ITEM_HEADING = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[（(][一二三四五六七八九十\d]{1,3}[)）])\s*[\u4e00-\u9fff]{2,10}\s*$")
CJK = r"\u3400-\u9fff\uf900-\ufaff"
ASCII_WORD = re.compile(r"[A-Za-z0-9%]")
# A project title longer than this (or wrapped over more lines) is prose, not a title.
MAX_TITLE_CHARS = 120
MAX_TITLE_LINES = 4


@dataclass
class Section:
    number: int
    heading: str
    start: int  # offset of the body in the cleaned text
    end: int
    clauses: list[Clause]
    role: str | None = None  # rag.roles: 支持强度 → 资助强度; 总则 for the general part


@dataclass
class Project:
    label: str  # as the guide writes it, spaces removed: 项目四, 项目4
    title: str
    start: int  # offset of the title
    end: int
    sections: list[Section]
    number: int = 0
    group: str | None = None  # the domain group heading it sits under, if any


@dataclass
class Document:
    id: str
    title: str
    text: str  # the cleaned text; every offset points into it
    projects: list[Project]
    general: list[Section] = field(default_factory=list)  # the general part, project None

    def chunks(self) -> list[Chunk]:
        """Return one chunk per section (general part included), in document order."""
        out = []
        for g in self.general:
            out.append(Chunk(
                id=f"{self.id}##{g.heading}", doc=self.id, doc_title=self.title, project=None,
                project_title=None, section=g.heading or None, section_no=g.number,
                text=self.text[g.start : g.end], start=g.start, end=g.end, clauses=tuple(g.clauses),
                project_no=0, role=GENERAL))
        for p in self.projects:
            for s in p.sections:
                out.append(
                    Chunk(
                        id=f"{self.id}#{p.label}#{s.heading}",
                        doc=self.id,
                        doc_title=self.title,
                        project=p.label,
                        project_title=p.title,
                        section=s.heading,
                        section_no=s.number,
                        text=self.text[s.start : s.end],
                        start=s.start,
                        end=s.end,
                        clauses=tuple(s.clauses),
                        project_no=p.number,
                        role=s.role,
                    )
                )
        out.sort(key=lambda c: c.start)
        return out


def cn_number(token: str) -> int:
    """Return the value of a numeral as guides write it: 4, 四, 十二, 二十三."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    digits = {ch: i for i, ch in enumerate(CN_DIGITS)}
    if "百" in token:
        hundreds, _, rest = token.partition("百")
        return (digits.get(hundreds, 1) if hundreds else 1) * 100 + (cn_number(rest) if rest else 0)
    if "十" in token:
        tens, _, ones = token.partition("十")
        return (digits.get(tens, 0) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(token, 0)


def join_fragments(parts: list[str]) -> str:
    """Join the fragments of one broken line the way the PDF spaced them.

    The PDF puts a space between Latin/digits and Chinese ("3000 万元"); a break at such a
    boundary keeps that space, any other break joins without one.
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and (
            (ASCII_WORD.match(out[-1]) and re.match(f"[{CJK}]", part[0]))
            or (re.match(f"[{CJK}]", out[-1]) and ASCII_WORD.match(part[0]) and not part[0] == "%")
        ):
            out += " "
        elif out and ASCII_WORD.match(out[-1]) and ASCII_WORD.match(part[0]) and not (
                out[-1].isdigit() and part[0].isdigit()):
            out += " "  # (words, not a number broken across lines: 202|6 年 is 2026 年)
        out += part
    return out


def split_clauses(text: str, base: int) -> list[Clause]:
    """Cut a section body into clauses on ；and 。, trimming separators and stray commas.

    An item's own heading (2. 申报方式。) opens the clause after it: alone it would end the
    previous item's answer with the next item's title.
    """
    clauses = []
    start = 0
    opened: int | None = None  # where a pending item heading starts
    for i, ch in enumerate(text + "；"):
        if ch in CLAUSE_END or i == len(text):
            seg_start, seg_end = start, min(i, len(text))
            while seg_start < seg_end and text[seg_start] in "，, ":
                seg_start += 1
            while seg_end > seg_start and text[seg_end - 1] in "，, ":
                seg_end -= 1
            if seg_end > seg_start:
                if ITEM_HEADING.match(text[seg_start:seg_end]) and i < len(text):
                    opened = seg_start if opened is None else opened
                else:
                    seg_start = seg_start if opened is None else opened
                    opened = None
                    clauses.append(Clause(text[seg_start:seg_end], base + seg_start, base + seg_end))
            start = i + 1
    if opened is not None:
        tail = text[opened:].rstrip("；;。\n ，,")
        clauses.append(Clause(tail, base + opened, base + opened + len(tail)))
    return clauses


@dataclass
class _Block:
    kind: str  # project | section | general
    line: int
    head: str  # the line's marker and heading as written (项目 1: / （1）主要研究内容：)
    label: str  # 项目1 / 主要研究内容 / 申报须知
    number: int
    parts: list[list[str]]  # paragraphs of fragments; only the general part has several
    group: str | None = None


def _heading_words(rest: str) -> tuple[str, str] | None:
    """Split 申报须知：body / 总体要求 into (heading, body); None when the line is prose."""
    m = re.match(r"^([^：:，。；,;]{1,15}?)\s*[：:]\s*(.*)$", rest)
    if m:
        return m.group(1).strip(), m.group(2)
    if len(rest) <= 20 and not re.search(r"[，。；,;：:]", rest):
        return rest.strip(), ""
    return None


def _classify(line: str, in_project: bool) -> tuple[str, re.Match[str] | None]:
    for kind, pat in (("project", PROJECT_RE), ("section", SECTION_RE)):
        m = pat.match(line)
        if m:
            return kind, m
    m = PROJECT_SPACED_RE.match(line)
    if m:
        return "project", m
    m = SECTION_ALONE_RE.match(line)
    if m and in_project and role_of(m.group(3)) is not None:
        return "section", m
    m = SECTION_STOP_RE.match(line)
    if m and in_project and m.group(3) in ROLE_WORDS:
        return "section", m
    m = GENERAL_RE.match(line)
    if m and _heading_words(m.group(2)) is not None:
        return "general", m
    m = GROUP_RE.match(line)
    if m:
        return "group", m
    return "text", None


def parse_text(raw: str, doc_id: str) -> Document:
    """Return the structured document; raise ParseError naming the line it cannot place."""
    lines = [(n, line.replace("\u3000", " ").strip()) for n, line in enumerate(raw.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line and not PAGE_NUMBER_RE.match(line)]
    if not lines:
        raise ParseError(f"{doc_id}: the document is empty")

    preamble: list[str] = []
    blocks: list[_Block | tuple[str, str]] = []  # blocks, and ("group", line) markers
    group: str | None = None
    in_project = False
    kinds = []
    for i, (n, line) in enumerate(lines):
        kind, m = _classify(line, in_project)
        if kind == "group" and not (i + 1 < len(lines) and PROJECT_RE.match(lines[i + 1][1])):
            kind = "text"  # （一）申报时间 inside the general part: an item of its text
        if kind == "section" and not in_project:
            if not blocks:
                raise ParseError(f"{doc_id}: line {n}: section {line[:30]!r} comes before any 项目X： heading")
            kind = "text"  # 1.申报方式： inside the general part
        kinds.append(kind)
        last = next((b for b in reversed(blocks) if isinstance(b, _Block)), None)
        if kind == "project":
            assert m is not None
            label = "项目" + re.sub(r"\s+", "", m.group(1))
            blocks.append(_Block("project", n, line[: m.start(2)], label, cn_number(m.group(1)), [[m.group(2)]], group))
            in_project = True
        elif kind == "section":
            assert m is not None
            number = int(m.group(1) or m.group(2))
            body = m.group(4) if m.re is not SECTION_ALONE_RE else ""
            head = line[: m.start(4)] if m.re is SECTION_RE else line
            blocks.append(_Block("section", n, head, m.group(3).strip(), number, [[body]]))
        elif kind == "general":
            assert m is not None
            words = _heading_words(m.group(2))
            assert words is not None
            head = line[: len(line) - len(words[1])] if words[1] else line
            blocks.append(_Block("general", n, head, words[0], cn_number(m.group(1)), [[words[1]]]))
            in_project, group = False, None
        elif kind == "group":
            assert m is not None
            group = m.group(2).strip()
            blocks.append(("group", line))
        elif last is None:
            preamble.append(line)
        elif last.kind == "general" and ITEM_RE.match(line):
            last.parts.append([line])  # a numbered item of the general part: a paragraph of its own
        else:
            if last.kind == "project" and len(last.parts[0]) >= MAX_TITLE_LINES:
                raise ParseError(f"{doc_id}: line {n}: {last.label}'s title runs on for more than "
                                 f"{MAX_TITLE_LINES} lines without a numbered section (1. / 1、 / （1）)")
            last.parts[-1].append(line)
    if not any(isinstance(b, _Block) and b.kind == "project" for b in blocks):
        raise ParseError(
            f"{doc_id}: lines {lines[0][0]}-{lines[-1][0]}: no '项目X：title' heading found "
            f"(first line: {lines[0][1][:30]!r}) — not a guide this parser knows"
        )

    text_parts: list[str] = []
    pos = 0

    def emit(s: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        text_parts.append(s + "\n")
        pos += len(s) + 1
        return start, start + len(s)

    pre = [p for p in preamble if not ATTACHMENT_RE.match(p)]
    # The title is the first lines up to the one that says what the document is (…申报指南).
    cut = next((i + 1 for i, p in enumerate(pre[:MAX_TITLE_LINES]) if TITLE_END_RE.search(p)), None)
    if cut is None:
        cut = next((i for i, p in enumerate(pre) if re.search("[，。；]", p)), len(pre)) or min(1, len(pre))
    title = join_fragments(pre[:cut]) or doc_id
    kept = 0
    for p in preamble:  # 附件 lines and the title; the introduction follows as one paragraph
        if kept == cut:
            break
        emit(p)
        kept += not ATTACHMENT_RE.match(p)
    general: list[Section] = []
    intro = pre[cut:]
    if intro:  # an introduction before any heading: part of the general part, without a heading
        s, e = emit(join_fragments(intro))
        general.append(Section(0, "", s, e, split_clauses(text_parts[-1][:-1], s), GENERAL))
    projects: list[Project] = []
    seen: dict[int, int] = {}
    for b in blocks:
        if isinstance(b, tuple):
            emit(b[1])
            continue
        if b.kind == "project":
            ptitle = join_fragments(b.parts[0])
            if not ptitle:
                raise ParseError(f"{doc_id}: line {b.line}: {b.label} has no title")
            if len(ptitle) > MAX_TITLE_CHARS:
                raise ParseError(f"{doc_id}: line {b.line}: {b.label}'s title is {len(ptitle)} characters "
                                 f"long: a numbered section (1. / 1、 / （1）) must follow the title")
            if b.number in seen:
                raise ParseError(f"{doc_id}: line {b.line}: {b.label} appears twice (first at line {seen[b.number]})")
            seen[b.number] = b.line
            s, e = emit(b.head + ptitle)
            projects.append(Project(b.label, ptitle, s + len(b.head), e, [], b.number, b.group))
        elif b.kind == "section":
            proj = projects[-1]
            expected = len(proj.sections) + 1
            if b.number != expected:
                raise ParseError(
                    f"{doc_id}: line {b.line}: {proj.label} section {b.number}.{b.label} out of order "
                    f"(expected {expected})"
                )
            body = join_fragments(b.parts[0])
            if not body:
                raise ParseError(f"{doc_id}: line {b.line}: {proj.label} {b.number}.{b.label} has no text")
            s, e = emit(b.head + body)
            bs = s + len(b.head)
            proj.sections.append(Section(b.number, b.label, bs, e, split_clauses(body, bs), role_of(b.label)))
        else:
            paragraphs = [join_fragments(p) for p in b.parts]
            paragraphs = [p for p in paragraphs if p]
            if not paragraphs:
                emit(b.head)  # 三、申报项目: a heading over the projects, with no text of its own
                continue
            if paragraphs[0] and b.parts[0][0]:  # 二、申报须知：body on the heading's own line
                s, e = emit(b.head + paragraphs[0])
                s += len(b.head)
                rest = paragraphs[1:]
            else:
                emit(b.head)
                s, e = emit(paragraphs[0])
                rest = paragraphs[1:]
            for p in rest:
                _, e = emit(p)
            body = "".join(text_parts)[s:e]
            general.append(Section(b.number, b.label, s, e, split_clauses(body, s), GENERAL))
    for proj in projects:
        if not proj.sections:
            raise ParseError(f"{doc_id}: {proj.label} has no numbered sections")
    return Document(doc_id, title, "".join(text_parts), projects, general)
