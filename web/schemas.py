"""The JSON API's request models (strict) and the response shapes, as /openapi.json documents them.

Routes return `Answer.to_dict()` and friends directly; the response models here describe that JSON
for the schema and the /docs page, and tests check that the two agree.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: StrictStr = Field(description="The question, 1–500 characters")
    previous: StrictStr | None = Field(None, max_length=500, description="The previous question (follow-ups)")
    top_k: StrictInt | None = Field(None, ge=1, le=10, description="How many citations (1–10, default 3)")
    doc: StrictStr | None = Field(None, max_length=200, description="Ask one guide only: its id (file stem)")


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer_id: StrictStr = Field(min_length=1, max_length=64, description="The id /api/ask returned")
    vote: Literal["up", "down"] = Field(description="👍 up or 👎 down")
    comment: StrictStr | None = Field(None, max_length=2000, description="Optional comment, ≤2000 characters")


class ErrorOut(BaseModel):
    error: str = Field(description="What was wrong, in Chinese and English")


class CitationOut(BaseModel):
    doc: str
    doc_title: str = Field(description="The guide's title")
    project: str | None
    project_title: str | None
    section: str | None
    text: str = Field(description="The cited clause, verbatim")
    start: int = Field(description="Offset of the clause in the document text (for /doc/{doc}?hl=start-end)")
    end: int
    score: float


class RowOut(BaseModel):
    projects: list[str]
    text: str


class AskOut(BaseModel):
    id: str | None = Field(description="For /api/feedback; null if the question could not be stored")
    question: str
    answered: bool
    answer: str = Field(description="The guide's words; empty when the guide has no answer")
    citations: list[CitationOut]
    suggestions: list[str] = Field(description="Sections to look at when the guide has no answer")
    took_ms: float
    rows: list[RowOut] = Field(description="One row per project when several projects answer")
    note: str
    resolved: str = Field(description="The question as understood (a follow-up merged with the previous one)")
    mode: str
    warning: str | None = Field(None, description="Present when the question could not be stored")


class RetrieverOut(BaseModel):
    score: float
    rank: int | None


class HitOut(BaseModel):
    doc: str
    project: str | None
    project_title: str | None
    section: str | None
    text: str
    start: int
    end: int
    score: float = Field(description="The fused score")
    bm25: RetrieverOut
    dense: RetrieverOut | None = Field(description="null in BM25-only mode")


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


class FeedbackOut(BaseModel):
    ok: bool
    id: int


class HealthOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    index_loaded: bool
    dense: bool
    mode: Literal["hybrid", "bm25-only"]
    model: str
    dense_reason: str
    corpus_version: str
    documents: int
    chunks: int
    built_at: str = ""
    stale: str = Field("", description="Why the index no longer matches the corpus, or empty")


def responses(ok: int, model: type[BaseModel], *codes: int) -> dict[int | str, dict[str, Any]]:
    """Return the `responses=` of a route: its success model, and its errors as {"error": "..."}."""
    why = {400: "Body is not valid JSON", 404: "Unknown answer_id or guide", 409: "This answer already has a vote",
           413: "Request body too large",
           422: "Invalid request", 429: "Rate limit", 503: "Database unavailable"}
    out: dict[int | str, dict[str, Any]] = {ok: {"model": model}}
    return out | {c: {"model": ErrorOut, "description": why[c]} for c in codes}
