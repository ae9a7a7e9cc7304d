"""The engine: load (or build) the index, then answer questions with cited verbatim clauses."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import asdict, dataclass

import numpy as np

from rag import index as idx
from rag.across import answer_across
from rag.answer import (
    DEFAULT_SECTION,
    best_span,
    citation,
    evidence_for,
    function_word,
    suggestions,
)
from rag.cache import LRU
from rag.encoder import Encoder, EncoderUnavailable, load_encoder
from rag.lexicon import OFF_GUIDE
from rag.parse import Document
from rag.query import WEAK_SECTION_WORDS, Query, merge_followup, understand
from rag.retrieve import Hit, Retriever, Timings
from rag.settings import Settings
from rag.tokenize import Tokenizer
from rag.topics import project_number, topic_words
from rag.types import Answer, Guide, GuideProject

log = logging.getLogger("rag")
# How many top passages compete on evidence for the answer: one project's seven sections, so a
# dense ranking that misreads an English question cannot hide the section holding the words.
RERANK_DEPTH = 7
# Worth about one missing verb (开发, 要求) of a short question: a number question's answer
# is a span with a number even when a prose section repeats more of the question's words.
NUMBER_BONUS = 0.35


@dataclass
class Status:
    index_loaded: bool
    dense: bool
    model: str
    dense_reason: str
    corpus_version: str
    documents: int
    chunks: int
    built_at: str = ""
    stale: str = ""  # why the index no longer matches the corpus, or ""

    def to_dict(self) -> dict:
        return asdict(self)


# Any question serves; one that names a project and a section exercises the most code.
WARM_UP_QUESTION = "项目一的考核指标有哪些"


class Engine:
    """Answers questions over one loaded index; thread-safe for concurrent `ask` calls."""

    def __init__(self, settings: Settings, build_dir, encoder: Encoder | None, dense_reason: str) -> None:  # type: ignore[no-untyped-def]
        import json

        manifest = idx.read_manifest(build_dir)
        self.settings = settings
        self.manifest = manifest
        self.build_dir = build_dir
        docs = idx.load_documents(build_dir)
        self.documents: dict[str, Document] = {d.id: d for d in docs}
        self.texts = {d.id: d.text for d in docs}
        self.chunks = [c for d in docs for c in d.chunks()]
        stored = json.loads((build_dir / "tokens.json").read_text())
        tok = Tokenizer(manifest["settings_public"]["tokenizer"], stored["words"])
        faiss_index = clause_vecs = None
        if encoder is not None and manifest.get("model") == encoder.name and (build_dir / "sections.faiss").exists():
            import faiss

            faiss_index = faiss.read_index(str(build_dir / "sections.faiss"))
            clause_vecs = np.load(build_dir / "clauses.npy")
        elif encoder is not None:
            dense_reason = f"index was built without model {encoder.name}"
            encoder = None
        self.encoder = encoder
        self.dense_reason = dense_reason
        self.retriever = Retriever(self.chunks, stored["tokens"], stored["owners"], tok, settings, faiss_index,
                                   clause_vecs, encoder)
        self.topics = topic_words(docs, tok)
        self.segment = tok.segment
        self.labels = {c.project for c in self.chunks if c.project}
        # 最后一个项目 is counted from the highest project number any guide has.
        self.last_project = max((n for n in range(1, 100) if project_number(n) in self.labels), default=0)
        self._order = {c.project: i for i, c in reversed(list(enumerate(self.chunks))) if c.project}
        tok.words("预热")  # load jieba's dictionary now, not in the first user's request
        # Whole answers, per engine: a new index comes with a new, empty cache.
        self.answers: LRU[Answer] = LRU(settings.query_cache_size)

    @classmethod
    def open(cls, settings: Settings | None = None, encoder: Encoder | None = None, build_if_needed: bool = True,
             progress: idx.Progress | None = None, use_model: bool = True, reason: str = "") -> Engine:
        """Load the current index, rebuilding it first when missing, stale or corrupt.

        With no `encoder` given the model named in settings is loaded, unless `use_model` is
        False (BM25 alone; `reason` says why, for status and answers).
        """
        settings = settings or Settings.from_env()
        if encoder is None and not use_model:
            reason = reason or "semantic search switched off"
        elif encoder is None:
            try:
                encoder = load_encoder(settings.embed_model, settings.embed_quantize, settings.model_cache_dir)
            except EncoderUnavailable as e:
                reason = str(e)
                log.warning("semantic search is off, answering with BM25 alone: %s", e)
        model = encoder.name if encoder else None
        try:
            build_dir = idx.current_build(settings.index_dir)
            manifest = idx.read_manifest(build_dir)
            want = idx.expected_manifest(settings, model)
            stale = [k for k, v in want.items() if manifest.get(k) != v and not (k == "model" and model is None)]
            if stale:
                raise idx.IndexError_(f"index is stale ({', '.join(stale)} changed)")
            return cls(settings, build_dir, encoder, reason)
        except (idx.IndexError_, OSError, ValueError, KeyError, TypeError, RuntimeError) as e:
            # Whatever is wrong with the stored build (stale, truncated, unreadable): never serve it.
            if not build_if_needed:
                raise idx.IndexError_(str(e)) from e
            log.warning("%s; rebuilding", e)
        return cls(settings, idx.build(settings, encoder, progress), encoder, reason)

    def status(self) -> Status:
        m = self.manifest
        return Status(True, self.retriever.dense_ready, self.encoder.name if self.encoder else "none",
                      self.dense_reason, m["corpus"][:12], len(self.documents), len(self.chunks), m.get("built_at", ""),
                      self.stale_reason())

    def stale_reason(self) -> str:
        """Return why the served index no longer matches the corpus ('' when it does)."""
        try:
            if idx.corpus_hash(self.settings.corpus_dir) != self.manifest["corpus"]:
                return "corpus changed since the index was built: run `rag build`"
        except OSError as e:
            return f"corpus unreadable: {e}"
        return ""

    def refreshed(self) -> Engine:
        """Return an engine on the build CURRENT names now: self if unchanged or if it fails to load.

        A server calls this between requests, so `rag build` in another process takes effect
        without a restart, and a broken new build never replaces the last good one.
        """
        try:
            build_dir = idx.current_build(self.settings.index_dir)
            if build_dir == self.build_dir:
                return self
            return Engine(self.settings, build_dir, self.encoder, self.dense_reason)
        except Exception as e:  # keep serving what works; the log says why
            log.error("new index not loaded, still serving %s: %s", self.build_dir.name, e)
            return self

    def guides(self) -> list[Guide]:
        """Return every loaded guide: title, general part, and each project's funding and period clauses."""
        from rag.roles import FUNDING, PERIOD

        out = []
        for doc in self.documents.values():
            mine = [c for c in self.chunks if c.doc == doc.id]
            text = self.texts[doc.id]
            general = [citation(c, text, c.start, c.end, 0.0) for c in mine if c.project is None]
            projects = []
            for p in doc.projects:
                own = [c for c in mine if c.project == p.label]
                pick = {role: next((c for c in own if c.role == role), None) for role in (FUNDING, PERIOD)}
                projects.append(GuideProject(
                    p.label, p.number, p.title, p.group,
                    *(citation(c, text, c.start, c.end, 0.0) if c else None for c in pick.values())))
            out.append(Guide(doc.id, doc.title, general, projects))
        return out

    def search(self, q: str, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        """Return the k best chunks for a query with each retriever's score and rank."""
        query = understand(q, self.topics, self.segment)
        hits, _ = self.retriever.rank(query.expanded(), mode, None, None, Timings(), dense_text=query.norm)
        return hits[:k]

    def _projects(self, q: Query) -> tuple[set[str], list[int]]:
        """Return the project labels a query names and the numbers no guide has."""
        labels: set[str] = set()
        unknown = []
        last = self.last_project
        for n in [*q.project_numbers, *(last + 1 - k for k in q.from_end if 0 < k <= last)]:
            label = project_number(n)
            (labels.add(label) if label in self.labels else unknown.append(n))
        if not q.project_numbers and not q.from_end:
            for w in q.topic_words:
                labels |= {lbl for lbl, _doc in self.topics.get(w, ())}
        return labels, unknown

    def ask(self, question: str, previous: str | None = None, top_k: int = 3, mode: str = "hybrid",
            timings: Timings | None = None) -> Answer:
        """Answer a question in the guide's words; `previous` completes a follow-up fragment."""
        t0 = time.perf_counter()
        timings = timings or Timings()
        question = validate(question, self.settings.max_question_chars)
        previous = validate(previous, 10**6) if previous and previous.strip() else None
        cached = self.cached(question, previous, top_k, mode)
        if cached is not None:
            cached.took_ms = (time.perf_counter() - t0) * 1000
            return cached
        ans = self._ask(question, previous, top_k, mode, timings, t0)
        self.answers.put((question, previous, top_k, mode), ans)
        return ans

    def warm_up(self) -> None:
        """Answer one question through every stage, uncached, so no user pays for first-call costs.

        A fresh process's first model call (kernel selection, allocator growth) and first pass
        through the answer code take far longer than the next; a server runs this before it
        accepts requests.
        """
        self._ask(WARM_UP_QUESTION, None, 3, "hybrid", Timings(), time.perf_counter())

    def cached(self, question: str, previous: str | None = None, top_k: int = 3, mode: str = "hybrid") -> Answer | None:
        """Return the answer if this exact question was answered before (a copy), else None."""
        try:
            question = validate(question, self.settings.max_question_chars)
            previous = validate(previous, 10**6) if previous and previous.strip() else None
        except ValueError:
            return None
        return self.answers.get((question, previous, top_k, mode))

    def _ask(self, question: str, previous: str | None, top_k: int, mode: str, timings: Timings,
             t0: float) -> Answer:
        q = first = understand(question, self.topics, self.segment)
        if previous and previous.strip():
            q = merge_followup(q, understand(previous[: self.settings.max_question_chars], self.topics, self.segment))
        labels, unknown = self._projects(q)
        timings.add("understand", t0)
        ans = self._answer(question, q, labels, unknown, top_k, mode, timings)
        t = time.perf_counter()
        if previous and q is not first:
            # Say how the follow-up was read, in words that can be asked again as they stand.
            where = sorted(labels, key=lambda lbl: self._order.get(lbl, 99)) or q.topic_words
            asks = [w for w in self.segment(q.content)
                    if re.search(r"\w", w) and not function_word(w) and w not in WEAK_SECTION_WORDS]
            ans.resolved = " ".join([*where, *(q.sections or q.weak_sections)[:1], "".join(asks)]).strip()
        ans.mode = mode if self.retriever.dense_ready or mode == "bm25" else "bm25"
        if not self.retriever.dense_ready and self.dense_reason and not ans.note:
            ans.note = "语义检索未启用，仅用关键词检索（BM25）"
        timings.add("answer", t)
        ans.took_ms = (time.perf_counter() - t0) * 1000
        return ans

    def _answer(self, question: str, q: Query, labels: set[str], unknown: list[int], top_k: int, mode: str,
                timings: Timings) -> Answer:
        s = self.settings
        n = len(self.chunks)
        sections = q.sections or q.weak_sections
        boosts = np.zeros(n)
        for i, c in enumerate(self.chunks):
            if c.section in q.sections:
                boosts[i] += s.section_boost * (1.0 if c.section == q.sections[0] else 0.5)
            elif c.section in q.weak_sections:
                boosts[i] += s.section_boost / 3
        allowed = np.array([c.project in labels for c in self.chunks]) if labels else None
        hits, qvec = self.retriever.rank(q.expanded(), mode, allowed, boosts, timings, dense_text=q.norm)
        t = time.perf_counter()
        if unknown and not labels:
            wide, _ = self.retriever.rank(q.expanded(), mode, None, boosts, timings, qvec)
            names = "、".join(project_number(u) for u in unknown)
            have = f"本指南共 {len(self.labels)} 个项目" if self.labels else "指南中没有项目"
            return Answer(question, False, "", [], suggestions(wide, s.suggestions), note=f"指南中没有{names}（{have}）。")
        ev = evidence_for(q, self.retriever)
        r = self.retriever
        absent = [t for t in ev.terms if r.idf(t) >= r.max_idf and any(w in t for w in OFF_GUIDE)]
        if absent:
            # "project 6's email address": the guide has no 邮箱 at all, whatever else matches.
            return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                          note=f"指南中没有关于“{absent[0]}”的内容。")
        if not labels and hits and (q.cross or q.sections or (q.weak_sections and ev.terms)):
            across = answer_across(question, q, hits, ev, self.texts, s)
            if across is not None:
                timings.add("extract", t)
                return across
        if labels and not sections and not ev.terms:
            # A project and nothing else: say what the project is about.
            hits.sort(key=lambda h: h.chunk.section != DEFAULT_SECTION)
        if not hits:
            return Answer(question, False, "", [], [], note="指南中没有找到相关内容。")
        # The answer comes from the best passage among the top few that holds what was asked:
        # rank decides between passages that cover the question equally.
        pool = [h for h in hits if h.chunk.section in q.sections] or hits if q.sections else hits
        candidates = []
        for rank, h in enumerate(pool[: RERANK_DEPTH if ev.terms else 1]):
            sims = None
            if qvec is not None and self.retriever.clause_vecs is not None:
                off = self.retriever.clause_offset[h.index]
                sims = self.retriever.clause_vecs[off : off + len(h.chunk.clauses)] @ qvec[0]
            span = best_span(h.chunk, self.texts[h.chunk.doc], q, ev, sims, s.answer_max_chars)
            # A "how many" question is answered by a span that holds a number.
            numeric = q.wants_number and bool(re.search(r"\d", self.texts[h.chunk.doc][span[0] : span[1]]))
            candidates.append((round(span[2] + NUMBER_BONUS * numeric, 3), -rank, h, span))
        *_, best, (start, end, cov) = max(candidates, key=lambda c: c[:2])
        chunk = best.chunk
        hits.remove(best)
        hits.insert(0, best)
        structured = bool(labels) and (bool(q.sections) or (bool(q.weak_sections) and chunk.section in q.weak_sections))
        whole = ev.coverage(self.texts[chunk.doc][chunk.start : chunk.end] + (chunk.section or ""))
        enough = structured or (labels and not ev.terms) or max(cov, whole) >= s.min_evidence
        timings.add("extract", t)
        if not enough:
            return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                          note="指南中没有找到这个问题的答案。")
        cites = [citation(chunk, self.texts[chunk.doc], start, end, best.score)]
        for h in hits[1:top_k]:
            c = h.chunk
            cites.append(citation(c, self.texts[c.doc], c.start, c.end, h.score))
        return Answer(question, True, self.texts[chunk.doc][start:end], cites)



def validate(question: object, max_chars: int) -> str:
    """Return the question stripped; raise ValueError with a user-facing message if unusable."""
    if not isinstance(question, str):
        raise ValueError("问题必须是文本 (question must be a string)")
    # Lone surrogates (from a bad paste or a fuzzer) cannot be encoded on the way out: replace them.
    q = question.encode("utf-8", "surrogatepass").decode("utf-8", "replace").strip()
    if not q:
        raise ValueError("问题不能为空 (question is empty)")
    if len(q) > max_chars:
        raise ValueError(f"问题过长：最多 {max_chars} 个字符 (question longer than {max_chars} characters)")
    return q

