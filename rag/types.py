"""Named, typed results shared by the engine, the CLI, the API and the templates."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class Clause:
    """One clause of a section: a span of the cleaned document text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """One section of one project: the unit the indexes rank."""

    id: str  # "<doc>#<project>#<section>", stable across builds
    doc: str
    doc_title: str
    project: str | None  # "项目四" as the guide writes it
    project_title: str | None
    section: str | None  # "资助强度" as the guide writes it
    section_no: int
    text: str  # the section body, verbatim from the cleaned text
    start: int
    end: int
    clauses: tuple[Clause, ...] = ()
    # The project's number (项目四 and 项目4 are both 4; 0 for the general part) and the
    # section's role (rag.roles: 支持强度 → 资助强度; 总则 for the general part).
    project_no: int = 0
    role: str | None = None

    @property
    def label(self) -> str:
        """Return the citation label, e.g. '项目四 · 资助强度'."""
        parts = [p for p in (self.project, self.section) if p]
        return " · ".join(parts) if parts else self.doc_title


@dataclass
class Citation:
    """Where an answer span comes from: document, project, section and offsets."""

    doc: str
    project: str | None
    project_title: str | None
    section: str | None
    text: str
    start: int
    end: int
    score: float
    # The whole section the span sits in, so a page can show it in context.
    context_start: int = 0
    context_end: int = 0
    # The guide's title, so an answer drawn from several guides says which one each row is from.
    doc_title: str = ""

    @property
    def label(self) -> str:
        parts = [p for p in (self.project, self.section) if p]
        return " · ".join(parts) if parts else self.doc

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("context_start")
        d.pop("context_end")
        d["score"] = round(float(self.score), 4)
        return d


@dataclass
class Answer:
    """The one answer object the CLI, the JSON API and the web pages render."""

    question: str
    answered: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    took_ms: float = 0.0
    # Several projects answer (a table, one row per project): rows are (labels, text).
    rows: list[tuple[list[str], str]] = field(default_factory=list)
    # Why the engine abstained or what it assumed, in the interface's language.
    note: str = ""
    # The question as understood after a follow-up was merged with the previous one.
    resolved: str = ""
    mode: str = "hybrid"
    # What a follow-up took from the previous question ("项目三", "资助强度"); empty when nothing.
    carried: str = ""
    # How well the answer fits the question (evidence covered; more when a project and section
    # were named): compares answers from several guides. Not part of the JSON.
    fit: float = 0.0

    def to_dict(self) -> dict:
        """Return the JSON shape of `rag ask --json`."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "suggestions": list(self.suggestions),
            "took_ms": round(self.took_ms, 2),
            "rows": [{"projects": labels, "text": text} for labels, text in self.rows],
            "note": self.note,
            "resolved": self.resolved or self.question,
            "carried": self.carried,
            "mode": self.mode,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def copy(self) -> Answer:
        """Return a copy whose fields, citations and rows the caller may change (strings are shared)."""
        return replace(self, citations=[replace(c) for c in self.citations], suggestions=list(self.suggestions),
                       rows=[(list(labels), text) for labels, text in self.rows])

    def plain_text(self) -> str:
        """Return the answer with its citations as plain text, for an email or a chat."""
        if not self.answered:
            lines = ["指南中没有找到这个问题的答案。"]
            if self.suggestions:
                lines.append("相关章节：" + "；".join(self.suggestions))
            return "\n".join(lines)
        if self.rows:
            return "\n".join(f"{'、'.join(labels)}：{text}" for labels, text in self.rows) + (
                f"\n（出处：{self.citations[0].doc}）" if self.citations else ""
            )
        cite = self.citations[0] if self.citations else None
        where = f"\n（出处：{cite.doc} · {cite.label}）" if cite else ""
        return self.answer + where


@dataclass
class GuideProject:
    """One project of a guide, for the guides overview: its title and key clauses."""

    label: str  # as the guide writes it: 项目四, 项目4
    number: int
    title: str
    group: str | None  # the domain group it sits under (创新药物领域), if the guide has groups
    funding: Citation | None  # the funding-role section (资助强度 / 支持强度 …)
    period: Citation | None  # the period-role section (实施周期 / 执行期限 …)


@dataclass
class Guide:
    """One loaded guide: its id (file stem), title, general part and projects."""

    doc: str
    title: str
    general: list[Citation]  # the general part's sections (申报须知 …), project None
    projects: list[GuideProject]
