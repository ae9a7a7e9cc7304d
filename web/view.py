"""Turn an Answer and a Document into what templates show: passages split around the highlight."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from rag import Answer, Citation
from rag.parse import Document


@dataclass
class Passage:
    """A section shown in context, the answering span marked."""

    citation: Citation
    before: str
    mark: str
    after: str
    back: str = ""  # the answer's own address, for the document view's "返回问答"

    @property
    def href(self) -> str:
        c = self.citation
        back = f"&{urlencode({'back': self.back})}" if self.back else ""
        return f"/doc/{c.doc}?hl={c.start}-{c.end}{back}#hl"

    @property
    def repeats(self) -> bool:
        """Return True when the passage holds nothing beyond the answer (so it is not shown twice)."""
        return not self.before.strip() and not self.after.strip()


def passage(doc: Document, c: Citation, back: str = "") -> Passage:
    s, e = c.context_start or c.start, c.context_end or c.end
    text = doc.text
    return Passage(c, text[s : c.start], text[c.start : c.end], text[c.end : e], back)


def answer_url(question: str, previous: str = "", answer_id: str | None = None, doc: str = "") -> str:
    """Return the address of one answer: the question, its context and its guide in the query string."""
    params = {"q": question, **({"previous": previous} if previous else {}), **({"a": answer_id} if answer_id else {}),
              **({"doc": doc} if doc else {})}
    return "/?" + urlencode(params)


def safe_back(back: str | None) -> str:
    """Return `back` if it is an answer address on this site, else the chat page (no open redirect)."""
    return back if back and back.startswith("/?") and "\\" not in back and len(back) <= 2000 else "/"


def card(answer: Answer, docs: dict[str, Document], previous: str = "", answer_id: str | None = None,
         doc: str = "") -> dict:
    """Return the template context of an answer card."""
    url = answer_url(answer.question, previous, answer_id, doc)
    shown = answer.citations if answer.rows else answer.citations[:1]
    back = f"{url}#a-{answer_id}" if answer_id else url
    passages = [passage(docs[c.doc], c, back) for c in shown if c.doc in docs] if answer.answered else []
    rows = []
    first: dict[str | None, Passage] = {}
    for p in passages:
        first.setdefault(p.citation.project, p)
    titles_set = {d.title for d in docs.values()}
    for labels, text in answer.rows:
        # Rows from several guides are labelled "title · 项目四 …": show the title once per row.
        heads = [label.split(" · ", 1) for label in labels]
        guide = heads[0][0] if all(len(h) == 2 and h[0] == heads[0][0] in titles_set for h in heads) else ""
        if guide:
            cite = next((p for p in passages if _labels(p.citation, labels[0])), None)
            cites = [cite] if cite else []
        else:
            # A merged row (项目一、…、七 say the same) cites and links every project it covers.
            cites = [first[label] for label in labels if label in first]
        rows.append({"labels": [h[1] for h in heads] if guide else labels, "guide": guide, "text": text,
                     "passages": cites})
    titles = {c.doc: docs[c.doc].title for c in answer.citations if c.doc in docs}
    return {"answer": answer, "passages": passages, "rows": rows, "copy_text": copy_text(answer, titles),
            "url": url, "ask_all": answer_url(answer.question, doc=doc) if answer.carried else "",
            "id": answer_id, "previous": previous}


def copy_text(answer: Answer, titles: dict[str, str]) -> str:
    """Return the answer with its citations as plain text, naming the guide by its title."""
    if not answer.answered:
        return answer.plain_text()
    def guide(doc: str) -> str:
        return f"《{titles[doc]}》" if doc in titles else doc
    if answer.rows:
        lines = [f"{'、'.join(labels)}：{text}" for labels, text in answer.rows]
        if answer.citations:
            lines.append(f"（出处：{guide(answer.citations[0].doc)}）")
        return "\n".join(lines)
    c = answer.citations[0] if answer.citations else None
    return answer.answer + (f"\n（出处：{guide(c.doc)} {c.label}）" if c else "")


def pin(doc: Document, hl: tuple[int, int] | None) -> dict | None:
    """Return the project and section the highlight sits in, for the document view's pinned label."""
    if hl is None:
        return None
    for pi, p in enumerate(doc.projects, 1):
        for sec in p.sections:
            if sec.start <= hl[0] < max(sec.end, sec.start + 1):
                return {"project": p.label, "title": p.title, "section": sec.heading, "anchor": f"p{pi}-s{sec.number}"}
    return None


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
