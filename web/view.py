"""Turn an Answer and a Document into what templates show: passages split around the highlight."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.parse import Document
from rag.types import Answer, Citation


@dataclass
class Passage:
    """A section shown in context, the answering span marked."""

    citation: Citation
    before: str
    mark: str
    after: str

    @property
    def href(self) -> str:
        c = self.citation
        return f"/doc/{c.doc}?hl={c.start}-{c.end}#hl"


def passage(doc: Document, c: Citation) -> Passage:
    s, e = c.context_start or c.start, c.context_end or c.end
    text = doc.text
    return Passage(c, text[s : c.start], text[c.start : c.end], text[c.end : e])


def card(answer: Answer, docs: dict[str, Document]) -> dict:
    """Return the template context of an answer card."""
    shown = answer.citations if answer.rows else answer.citations[:1]
    passages = [passage(docs[c.doc], c) for c in shown if c.doc in docs] if answer.answered else []
    rows = []
    titles = {d.title for d in docs.values()}
    for labels, text in answer.rows:
        cite = next((p for p in passages if _labels(p.citation, labels[0])), None)
        # Rows from several guides are labelled "title · 项目四 …": show the title once per row.
        heads = [label.split(" · ", 1) for label in labels]
        guide = heads[0][0] if all(len(h) == 2 and h[0] == heads[0][0] in titles for h in heads) else ""
        rows.append({"labels": [h[1] for h in heads] if guide else labels, "guide": guide, "text": text,
                     "passage": cite})
    return {"answer": answer, "passages": passages, "rows": rows, "copy_text": answer.plain_text()}


def _labels(c: Citation, label: str) -> bool:
    """Return whether a row label (项目四, or the guide's title · 项目四 [· 资助强度]) names this citation."""
    return label in (c.project, f"{c.doc_title} · {c.project}", f"{c.doc_title} · {c.project} · {c.section}",
                     f"{c.project} · {c.section}")


@dataclass
class Block:
    """One heading or paragraph of the document view; `mark` splits it around the highlight."""

    kind: str  # "general" | "group" | "project" | "section" | "text"
    anchor: str
    heading: str
    before: str
    mark: str
    after: str


def parse_hl(hl: str | None, length: int) -> tuple[int, int] | None:
    """Return the (start, end) of ?hl=START-END; raise ValueError if malformed or out of range."""
    if not hl:
        return None
    m = re.fullmatch(r"(\d{1,9})-(\d{1,9})", hl)
    if not m:
        raise ValueError("hl 应为 START-END (hl must be START-END)")
    s, e = int(m.group(1)), int(m.group(2))
    if not 0 <= s < e <= length:
        raise ValueError(f"hl 超出文档范围 0-{length} (hl out of range)")
    return s, e


def blocks(doc: Document, hl: tuple[int, int] | None) -> list[Block]:
    """Return the document as headings and paragraphs, splitting the one that holds the highlight."""

    def split(start: int, end: int) -> tuple[str, str, str]:
        t = doc.text
        if hl is None or hl[1] <= start or hl[0] >= end:
            return t[start:end], "", ""
        s, e = max(hl[0], start), min(hl[1], end)
        return t[start:s], t[s:e], t[e:end]

    out: list[Block] = []
    # The title lines come first, then the general part (一、总体要求 …), then the projects.
    first = _heading_start(doc.text, doc.general[0].start) if doc.general else (
        _line_start(doc.text, doc.projects[0].start) if doc.projects else len(doc.text))
    pre = doc.text[:first].strip()
    if pre:
        out.append(Block("text", "intro", "", pre, "", ""))
    for g in doc.general:
        out.append(Block("general", f"g{g.number}", g.heading, *split(g.start, g.end)))
    group = None
    for pi, p in enumerate(doc.projects, 1):
        if p.group and p.group != group:
            group = p.group
            out.append(Block("group", f"grp{pi}", p.group, "", "", ""))
        out.append(Block("project", f"p{pi}", f"{p.label}：{p.title}", "", "", ""))
        for sec in p.sections:
            out.append(Block("section", f"p{pi}-s{sec.number}", f"{sec.number}.{sec.heading}",
                             *split(sec.start, sec.end)))
    return out


def _line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def _heading_start(text: str, body: int) -> int:
    """Return where the heading of a body starting at `body` begins: its own line, or the line before."""
    start = _line_start(text, body)
    return _line_start(text, start - 1) if start == body and start > 0 else start
