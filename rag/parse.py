"""Parse a guide into document → project → section → clause, with offsets into one cleaned text.

The guides in this family are PDF extractions: every line is broken mid-sentence, blank
lines separate the fragments and page breaks leave a stray leading space. Structure is
carried by two kinds of line — ``项目X：title`` and ``N.heading：body`` — so the parser
rebuilds each project title and each section body as one line, then cuts clauses on
``；`` and ``。``. A document without that structure is refused with the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.errors import ParseError
from rag.types import Chunk, Clause

CN_DIGITS = "零一二三四五六七八九十"
PROJECT_RE = re.compile(r"^(项目[一二三四五六七八九十]+)\s*[：:]\s*(.*)$")
# A section heading is short (拟解决问题, 考核指标 …), numbered and ends with a colon.
SECTION_RE = re.compile(r"^(\d{1,2})\s*[.．、]\s*([\u4e00-\u9fff][^：:，。；\d]{1,11})\s*[：:]\s*(.*)$")
# A PDF page footer on a line of its own ("- 3 -", "第 3 页", "3/12"): not part of any sentence.
PAGE_NUMBER_RE = re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
# Clauses end at these; commas stay inside a clause (a metric and its qualifiers belong together).
CLAUSE_END = "；;。"
CJK = r"\u3400-\u9fff\uf900-\ufaff"
ASCII_WORD = re.compile(r"[A-Za-z0-9%]")


@dataclass
class Section:
    number: int
    heading: str
    start: int  # offset of the body in the cleaned text
    end: int
    clauses: list[Clause]


@dataclass
class Project:
    label: str
    title: str
    start: int  # offset of the title
    end: int
    sections: list[Section]


@dataclass
class Document:
    id: str
    title: str
    text: str  # the cleaned text; every offset points into it
    projects: list[Project]

    def chunks(self) -> list[Chunk]:
        """Return one chunk per section, the unit the indexes rank."""
        out = []
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
                    )
                )
        return out


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
        elif out and ASCII_WORD.match(out[-1]) and ASCII_WORD.match(part[0]):
            out += " "
        out += part
    return out


def split_clauses(text: str, base: int) -> list[Clause]:
    """Cut a section body into clauses on ；and 。, trimming separators and stray commas."""
    clauses = []
    start = 0
    for i, ch in enumerate(text + "；"):
        if ch in CLAUSE_END or i == len(text):
            seg_start, seg_end = start, min(i, len(text))
            while seg_start < seg_end and text[seg_start] in "，, ":
                seg_start += 1
            while seg_end > seg_start and text[seg_end - 1] in "，, ":
                seg_end -= 1
            if seg_end > seg_start:
                clauses.append(Clause(text[seg_start:seg_end], base + seg_start, base + seg_end))
            start = i + 1
    return clauses


def parse_text(raw: str, doc_id: str) -> Document:
    """Return the structured document; raise ParseError naming the line it cannot place."""
    lines = [(n, line.replace("\u3000", " ").strip()) for n, line in enumerate(raw.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line and not PAGE_NUMBER_RE.match(line)]
    if not lines:
        raise ParseError(f"{doc_id}: the document is empty")

    # Group lines into blocks: a preamble block per line, then one block per heading line.
    preamble: list[str] = []
    blocks: list[tuple[str, int, re.Match[str], list[str]]] = []  # kind, line no, match, parts
    for n, line in lines:
        line = re.sub(r"^(项目)\s+", r"\1", line)
        pm, sm = PROJECT_RE.match(line), SECTION_RE.match(line)
        if pm:
            blocks.append(("project", n, pm, [pm.group(2)]))
        elif sm:
            if not blocks:
                raise ParseError(f"{doc_id}: line {n}: section {line[:30]!r} comes before any 项目X： heading")
            blocks.append(("section", n, sm, [sm.group(3)]))
        elif blocks:
            blocks[-1][3].append(line)
        else:
            preamble.append(line)
    if not any(kind == "project" for kind, *_ in blocks):
        raise ParseError(
            f"{doc_id}: lines {lines[0][0]}-{lines[-1][0]}: no '项目X：title' heading found "
            f"(first line: {lines[0][1][:30]!r}) — not a guide this parser knows"
        )

    title = join_fragments([p for p in preamble if not re.match(r"^附件", p)]) or doc_id
    text_parts: list[str] = []
    pos = 0

    def emit(s: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        text_parts.append(s + "\n")
        pos += len(s) + 1
        return start, start + len(s)

    for p in preamble:
        emit(p)
    projects: list[Project] = []
    for kind, n, m, parts in blocks:
        if kind == "project":
            label = m.group(1)
            # The title wraps onto the next line(s) until the first numbered section.
            ptitle = join_fragments(parts)
            if not ptitle:
                raise ParseError(f"{doc_id}: line {n}: {label} has no title")
            head = f"{label}："
            s, e = emit(head + ptitle)
            projects.append(Project(label, ptitle, s + len(head), e, []))
        else:
            proj = projects[-1]
            number, heading = int(m.group(1)), m.group(2).strip()
            expected = len(proj.sections) + 1
            if number != expected:
                raise ParseError(
                    f"{doc_id}: line {n}: {proj.label} section {number}.{heading} out of order (expected {expected})"
                )
            body = join_fragments(parts)
            if not body:
                raise ParseError(f"{doc_id}: line {n}: {proj.label} {number}.{heading} has no text")
            head = f"{number}.{heading}："
            s, e = emit(head + body)
            bs = s + len(head)
            proj.sections.append(Section(number, heading, bs, e, split_clauses(body, bs)))
    for proj in projects:
        if not proj.sections:
            raise ParseError(f"{doc_id}: {proj.label} has no numbered sections")
    return Document(doc_id, title, "".join(text_parts), projects)
