"""The engine: load (or build) the index, then answer questions with cited verbatim clauses."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from rag import index as idx
from rag.across import answer_across
from rag.answer import (
    ASKS,
    DEFAULT_SECTION,
    Evidence,
    best_span,
    citation,
    evidence_for,
    function_word,
    suggestions,
    with_second_ask,
)
from rag.budget import budget, tick
from rag.cache import LRU
from rag.coverage import CODE, YES_NO, Coverage, retarget, specific, unheld_attribute, unsaid_attribute
from rag.dates import TIME_RELATIONS, asks_date, has_date
from rag.encoder import Encoder, load_encoder
from rag.errors import EncoderUnavailable, QuestionError, UnknownGuide
from rag.lexicon import GENERAL_NOUNS, GENERAL_WORDS, OFF_GUIDE
from rag.naming import Naming
from rag.normalize import normalize
from rag.parse import Document
from rag.query import ALREADY_SEEN, EXCEPT, WEAK_SECTION_WORDS, Query, merge_followup, understand, vocabulary
from rag.rank import answer_rank, direction
from rag.retrieve import Hit, Retriever, Timings
from rag.roles import GENERAL, PERIOD, PROBLEM, ROLE_HEADINGS, TARGETS
from rag.semantic import ASKS_VALUE, Semantic, asked_part, split_description
from rag.settings import Settings
from rag.tokenize import Tokenizer
from rag.topics import (
    GUIDE_WORDS,
    project_number,
    without_guide_names,
    without_title_runs,
)
from rag.types import Answer, Guide, GuideProject
from rag.units import asked_units

log = logging.getLogger("rag")


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


# Projects a question may name by title words whose title pieces are read off its content.
MAX_NAMED_BY_TITLE = 3
# Any question serves; one that names a project and a section exercises the most code.
WARM_UP_QUESTION = "项目一的考核指标有哪些"
# A general-part question's logistics word (纸质, 电话, 限报) that the part writes outweighs the
# spoken words around it: three times its own weight, enough to carry two or three of them.
GENERAL_WORD_WEIGHT = 3.0


# A word of two or more Chinese characters.
CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
# What is left before a description once the guide's name is taken out (…专项里, 那批指南中的).
_DESCRIPTION_LEAD = re.compile(r"^[\s,，里中的那这批]+")
_ASKING = re.compile(r"能不能|能否|可不可以|是否|是不是|有没有|要不要|多少|几|什么|怎么|如何|吗|\?")
# Limits per applicant (同时申报两个项目, 限报几项): the general part's, even when projects are named.
LIMITS = re.compile(r"同时(?:申报|申请|报)|兼报|限报|限项")
# A count or amount asked (几家, 多少).
COUNT_ASK = re.compile(r"几|多少|上限|下限|最多|最少|封顶")
# Any number as guides write one: digits or Chinese numerals (不超过三年, 一式两份).
NUMERAL = re.compile(r"[\d一二两三四五六七八九十百千万亿]")




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
        # How many top passages compete on evidence for the answer: one project's sections (the
        # most any project has), so a dense ranking that misreads an English question cannot hide
        # the section holding the words. Passages searched for the section of a cross question
        # without a section word: a whole guide (the largest), for the same reason.
        self.rerank_depth = max((len(p.sections) for d in docs for p in d.projects), default=1)
        self.cross_pool = max((sum(len(p.sections) for p in d.projects) for d in docs), default=1)
        stored = json.loads((build_dir / "tokens.json").read_text())
        tok = Tokenizer(manifest["settings_public"]["tokenizer"], stored["words"])
        faiss_index = clause_vecs = None
        self.semantic: Semantic | None = None
        if encoder is not None and manifest.get("model") == encoder.name and (build_dir / "sections.faiss").exists():
            import faiss

            faiss_index = faiss.read_index(str(build_dir / "sections.faiss"))
            clause_vecs = np.load(build_dir / "clauses.npy")
            self.semantic = self._load_semantic(build_dir, encoder)
        elif encoder is not None:
            dense_reason = f"index was built without model {encoder.name}"
            encoder = None
        self.encoder = encoder
        self.dense_reason = dense_reason
        self.retriever = Retriever(self.chunks, stored["tokens"], stored["owners"], tok, settings, faiss_index,
                                   clause_vecs, encoder)
        self.coverage = Coverage(self.chunks)
        self.titles = {normalize(d.title) for d in docs}
        aliases_file = build_dir / "aliases.json"
        extra = json.loads(aliases_file.read_text()) if aliases_file.exists() else {}
        bilingual = build_dir / "bilingual.json"
        self._aliases, self._glossary = vocabulary(extra.get("topics", {}), extra.get("terms", {}),
                                                   json.loads(bilingual.read_text()) if bilingual.exists() else {})
        self._alias_words = frozenset(a for a, _ in self._aliases)
        self.segment = tok.segment
        self._tok = tok
        self._titles = [d.title for d in docs]
        self.labels = {c.project for c in self.chunks if c.project}
        # Which guides and projects a question names (rag/naming.py), and what the rest reads of it.
        self.naming = Naming(docs, tok)
        self.topics, self.names = self.naming.topics, self.naming.names
        self.project_labels, self.last_project = self.naming.project_labels, self.naming.last_project
        self._order = {c.project: i for i, c in reversed(list(enumerate(self.chunks))) if c.project}
        self._doc_no = np.array([list(self.documents).index(c.doc) for c in self.chunks], dtype=np.int64)
        self._project_no = np.array([c.project_no for c in self.chunks], dtype=np.int64)
        self._flat, self._project_flat = self.naming.flat, self.naming.project_flat
        self._has_general = {d.id for d in docs if d.general}
        self._groups, self._group_names = self.naming.groups, self.naming.group_names
        self._project_titles, self._flat_titles = self.naming.project_titles, self.naming.flat_titles
        self._title_words = self.naming.title_words
        tok.words("预热")  # load jieba's dictionary now, not in the first user's request
        # Whole answers, per engine: a new index comes with a new, empty cache.
        self.answers: LRU[Answer] = LRU(settings.query_cache_size, Answer.copy)
        # Work steps of the last uncached answer (rag/budget.py), for `rag bench --adversarial`.
        self.last_steps = 0

    def _load_semantic(self, build_dir, encoder: Encoder) -> Semantic:  # type: ignore[no-untyped-def]
        """Load the metric-group and project vectors of the dense fallback (rag/semantic.py)."""
        import json

        meta = json.loads((build_dir / "semantic.json").read_text())
        spans = [(int(i), int(a), int(b)) for i, a, b in meta["groups"]]
        projects = [(str(d), int(n)) for d, n in meta["projects"]]
        return Semantic(self.chunks, self.texts, spans, np.load(build_dir / "groups.npy"), projects,
                        np.load(build_dir / "projects.npy"), lambda text: encoder.encode([text], kind="query")[0])

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
        from rag.roles import FUNDING

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

    def search(self, q: str, k: int = 10, mode: str = "hybrid", doc: str | None = None) -> list[Hit]:
        """Return the k best chunks for a query (of one guide, if `doc`) with each retriever's score and rank."""
        self._check_doc(doc)
        query = self._understand(q)
        allowed = self._doc_no == list(self.documents).index(doc) if doc else None
        hits, _ = self.retriever.rank(query.expanded(), mode, allowed, None, Timings(), dense_text=query.norm)
        return hits[:k]

    def _check_doc(self, doc: str | None) -> None:
        if doc is not None and doc not in self.documents:
            have = "、".join(self.documents) or "无"
            raise UnknownGuide(f"没有这个指南：{doc}（已加载：{have}）(unknown guide {doc!r}; loaded: {', '.join(self.documents)})")

    def _understand(self, text: str) -> Query:
        return understand(text, self.topics, self.segment, self._aliases, self._glossary)

    def _description(self, norm: str) -> tuple[str, str]:
        """Return (what describes a project, what is asked) of a question; ('', norm) without one.

        The words naming a guide are no description: 新能源汽车专项里做废旧电池回收的那个项目 describes
        做废旧电池回收, and 新能源汽车专项那个让车路云联动的项目 the clause after 那个.
        """
        desc, asked = split_description(norm)
        for _ in range(2):
            if not desc:
                break
            core = _DESCRIPTION_LEAD.sub("", without_guide_names(desc, self.names, self._titles, self._tok))
            if _ASKING.search(core):
                break  # 能不能牵头报那个…的: what precedes 那个 asks; it describes nothing
            if len(core) >= 2:
                return core, asked
            desc, asked = split_description(asked)
        return "", norm

    def _described(self, q: Query, scope: list[str]) -> tuple[str, int] | None:
        """Return the project a question describes by what it does, if it leads the others by the margin."""
        sem = self.semantic
        desc = self._description(q.norm)[0]
        if sem is None or not desc or not self.retriever.dense_ready:
            return None
        found = sem.resolve(sem.encode(desc), [(d, n) for d in scope for n in self.project_labels[d]])
        if found is None:
            return None
        # "the hydrogen fuel cell project" of a guide whose nearest project never says 燃料电池: the
        # meaning was nearest, not near. The project must write one word of the description.
        d = self._understand(desc)
        words = {w for w in [*self._tok.segment(d.content), *(g for gl in d.glossary for g in gl.split("|"))]
                 if CJK_WORD.fullmatch(w) and not function_word(w)}
        # (Two words, or one long one: a short word alone, 岸电那个, may be the asker's own name for it.)
        if (len(words) >= 2 or any(len(w) >= 4 for w in words)) and not any(w in self._project_flat[found] for w in words):
            return None
        return found

    def ask(self, question: str, previous: str | None = None, top_k: int = 3, mode: str = "hybrid",
            timings: Timings | None = None, doc: str | None = None) -> Answer:
        """Answer a question in the guide's words; `previous` completes a follow-up fragment.

        `doc` (a file stem) asks one guide; without it a question naming a guide in words is
        answered from that guide, and one that fits several guides equally gets a row per guide.
        Raises UnknownGuide (a ValueError) for a `doc` that is not loaded.
        """
        t0 = time.perf_counter()
        timings = timings or Timings()
        self._check_doc(doc)
        question = validate(question, self.settings.max_question_chars)
        previous = validate(previous, 10**6) if previous and previous.strip() else None
        cached = self.cached(question, previous, top_k, mode, doc)
        if cached is not None:
            cached.took_ms = (time.perf_counter() - t0) * 1000
            return cached
        # Abandoned past the budget (QuestionTooComplex): nothing is cached, the caller says so.
        with budget(self.settings.answer_budget_s or None) as b:
            try:
                ans = self._ask(question, previous, top_k, mode, timings, t0, doc)
            finally:
                self.last_steps = b.steps
        self.answers.put((question, previous, top_k, mode, doc), ans)
        return ans

    def ask_cached(self, question: str, previous: str | None = None, top_k: int = 3,
                   mode: str = "hybrid", doc: str | None = None) -> Answer | None:
        """Return the answer if this exact question was answered before, else None; no new work.

        Raises QuestionError for unusable input, like `ask`: a server checks here, on its event
        loop, before it hands a new question to an answer thread.
        """
        t0 = time.perf_counter()
        question = validate(question, self.settings.max_question_chars)
        previous = validate(previous, 10**6) if previous and previous.strip() else None
        ans = self.answers.get((question, previous, top_k, mode, doc))
        if ans is not None:
            ans.took_ms = (time.perf_counter() - t0) * 1000
        return ans

    def warm_up(self) -> None:
        """Answer one question through every stage, uncached, so no user pays for first-call costs.

        A fresh process's first model call (kernel selection, allocator growth) and first pass
        through the answer code take far longer than the next; a server runs this before it
        accepts requests.
        """
        self._ask(WARM_UP_QUESTION, None, 3, "hybrid", Timings(), time.perf_counter())

    def cached(self, question: str, previous: str | None = None, top_k: int = 3, mode: str = "hybrid",
               doc: str | None = None) -> Answer | None:
        """Return the answer if this exact question was answered before (a copy), else None."""
        try:
            question = validate(question, self.settings.max_question_chars)
            previous = validate(previous, 10**6) if previous and previous.strip() else None
        except ValueError:
            return None
        return self.answers.get((question, previous, top_k, mode, doc))

    def _ask(self, question: str, previous: str | None, top_k: int, mode: str, timings: Timings,
             t0: float, doc: str | None = None) -> Answer:
        q = first = self._understand(question)
        if previous and previous.strip():
            q = merge_followup(q, self._understand(previous[: self.settings.max_question_chars]))
        merged = q is not first
        scope = self.naming.scope(q, doc)
        stems = [st for d in scope for st in self.naming.named_groups(q, d)] if not q.project_numbers else []
        grouped = bool(stems)
        if grouped:  # the group's name chose the projects; it is not asked of their text
            # (before a guide's naming words are taken out, which may cut the group's name apart)
            names = [g for d in scope for st, g in self._group_names.get(d, {}).items() if st in stems]
            q = replace(q, content=without_title_runs(q.content, q.norm, names, set(stems)))
        if len(scope) == 1:
            # 整个新材料重大专项第三批…: the piece of the guide's title names it; it is not asked.
            title = self.documents[scope[0]].title
            q = replace(q, content=without_title_runs(q.content, q.norm, [title], set(GUIDE_WORDS)))
        if len(self.documents) > 1:
            naming = {w for n in self.names.values() for w in n.words}
            # (… and the glossary's Chinese for them: "low-carbon" → 低碳, half of 绿色低碳)
            q = replace(q, content=without_guide_names(q.content, self.names, self._titles, self._tok),
                        glossary=[g for g in q.glossary if not any(g in w for w in naming)])
        keys, unknown = self.naming.projects(q, scope)
        # 准备报POCT那个项目，想问一下…审核推荐最晚什么时候: a general-part ask that names no project
        # itself is not read for a project by short form or meaning (a story may mention one).
        general_ask = bool(set(scope) & self._has_general) and any(w in q.norm for w in GENERAL_WORDS)
        if not keys and not unknown and not q.cross and not general_ask:
            short = self.naming.short_form(q, scope)
            if short is not None:
                # 玻纤布 of …玻璃纤维布, PLA of 聚乳酸（PLA）: a short form that one project alone expands.
                keys, scope = {short[0]}, [short[0][0]]
                q = replace(q, content=q.content.replace(short[1], " "))
        if not keys and not unknown and not q.cross and not general_ask and mode != "bm25":
            found = self._described(q, scope)
            if found is not None:
                # 给养老院看护老人的那个机器人 / "the hydrogen fuel-cell drone project": named by
                # what it does, found by meaning among the projects in scope.
                keys, scope = {found}, [found[0]]
        if keys and len(keys) <= MAX_NAMED_BY_TITLE and not q.project_numbers and not q.from_end:
            # Named by its title's words: the rest of the title piece they sit in names it too.
            # The words that named it: topic words, or the title words a title match counted.
            said = " ".join([q.norm, *q.glossary])
            # Topic words and every title word said (高端装备 as well as 预测性维护 of one title).
            naming = set(q.topic_words) | {w for k in keys for w in self._title_words[k] if w in said}
            # "the homestay project's …": 民宿 named the project in English; it is not asked of its text.
            q = replace(q, content=without_title_runs(q.content, q.norm, [self._project_titles[k] for k in keys],
                                                      naming),
                        glossary=[g for g in q.glossary if g not in naming and not any(
                            g in self._title_words[k] for k in keys)] if q.english else q.glossary)
        described, asked = self._description(q.norm)
        if keys and described and not q.cross:
            # 帮养老院看护老人的那个项目，发明专利要几项: the description chose the project;
            # only what follows it is asked of the project's text.
            rest = self._understand(asked)
            content = rest.content
            if len(self.documents) > 1:
                content = without_guide_names(content, self.names, self._titles, self._tok)
            q = replace(q, content=content, glossary=rest.glossary, spoken=rest.spoken,
                        sections=list(dict.fromkeys([*rest.sections, *q.sections])),
                        wants_number=q.wants_number or rest.wants_number)
        # (… or two projects named by their titles' words, of one guide: 轨道交通全自动运行项目和车路云一体化项目)
        several = ((len(q.project_numbers) > 1 or (len(keys) > 1 and len({d for d, _ in keys}) == 1))
                   and re.search(r"分别|各自|各是|respectively", q.norm) is not None)
        if len(keys) > 1 and not q.cross and (grouped or several):
            q = replace(q, cross=True)  # a domain group, or 项目1和项目2…分别: a row per project
        if (not keys and not unknown and set(scope) & self._has_general
                and any(w in t for t in (q.norm, *q.glossary) for w in GENERAL_WORDS)):
            q = replace(q, sections=[GENERAL, *q.sections])
        elif keys and LIMITS.search(q.norm):
            # 能同时申报项目一和项目四吗: a limit per applicant is the general part's to set, never a
            # project's (whichever projects are named); a guide without one does not say.
            keys = set()
            q = replace(q, sections=[GENERAL, *q.sections], project_numbers=[], from_end=[], topic_words=[])
        timings.add("understand", t0)
        tick()
        ans = self._answer(question, q, scope, keys, unknown, top_k, mode, timings)
        t = time.perf_counter()
        if previous and merged:
            # Say how the follow-up was read, in words that can be asked again as they stand.
            labels = {self.project_labels[d][n] for d, n in keys}
            where = sorted(labels, key=lambda lbl: self._order.get(lbl, 99)) or q.topic_words
            asks = [w for w in self.segment(q.content)
                    if re.search(r"\w", w) and not function_word(w) and w not in WEAK_SECTION_WORDS]
            ans.resolved = " ".join([*where, *(q.sections or q.weak_sections)[:1], "".join(asks)]).strip()
            # What was borrowed, for the page's "接着问：项目三 ✕" chip.
            carried = [*(where if not first.has_project else []),
                       *((q.sections or q.weak_sections)[:1] if not first.all_sections else [])]
            ans.carried = " ".join(carried)
        ans.mode = mode if self.retriever.dense_ready or mode == "bm25" else "bm25"
        if not self.retriever.dense_ready and self.dense_reason and not ans.note:
            ans.note = "语义检索未启用，仅用关键词检索（BM25）"
        timings.add("answer", t)
        ans.took_ms = (time.perf_counter() - t0) * 1000
        return ans

    def _answer(self, question: str, q: Query, scope: list[str], keys: set[tuple[str, int]],
                unknown: list[tuple[str, int]], top_k: int, mode: str, timings: Timings) -> Answer:
        s = self.settings
        n = len(self.chunks)
        boosts = np.zeros(n)
        for i, c in enumerate(self.chunks):
            if c.role in q.sections:
                boosts[i] += s.section_boost * (1.0 if c.role == q.sections[0] else s.scoring.later_section_share)
            elif c.role in q.weak_sections:
                boosts[i] += s.section_boost / s.scoring.weak_section_divisor
        docs = list(self.documents)
        allowed = None
        if keys:
            allowed = np.zeros(n, dtype=bool)
            for d, no in keys:
                allowed |= (self._doc_no == docs.index(d)) & (self._project_no == no)
        elif len(scope) < len(docs):
            allowed = np.isin(self._doc_no, [docs.index(d) for d in scope])
        hits, qvec = self.retriever.rank(q.expanded(), mode, allowed, boosts, timings, dense_text=q.norm)
        tick()
        ev = evidence_for(q, self.retriever, self._alias_words, s.scoring, known=self.naming.written)
        if keys and q.sections[:1] == [PROBLEM]:
            # 碳排放在线监测与核算平台项目主要研究什么: the whole section is asked; words of the
            # named title left over (平台 of 核算服务平台) name the project, not a clause of it.
            titles = "".join(self._flat_titles[k] for k in keys)
            keep = [i for i, t in enumerate(ev.terms) if t not in titles]
            ev = Evidence([ev.terms[i] for i in keep], [ev.weights[i] for i in keep], ev.partial)
        if len(scope) == 1:
            return self._answer_doc(question, q, scope[0], hits, keys, unknown, ev, qvec, boosts, top_k, mode,
                                    timings)
        t = time.perf_counter()
        # Several guides: each answers on its own; the best fitting answers, all of them if they tie.
        # Only the guides of the best passages compete, so a hundred loaded guides cost what a few do.
        order = list(dict.fromkeys(h.chunk.doc for h in hits[:self.settings.scoring.fanout_hits]))[:self.settings.scoring.max_guide_rows]
        if not order:
            order = scope[:1]
        mine: dict[str, list[Hit]] = {d: [] for d in order}
        for h in hits:
            if h.chunk.doc in mine:
                mine[h.chunk.doc].append(h)
        answers = [self._answer_doc(question, q, d, mine[d], {k for k in keys if k[0] == d},
                                    [u for u in unknown if u[0] == d], ev, qvec, boosts, top_k, mode, Timings(),
                                    wide=False) for d in order]
        timings.add("extract", t)
        return self._choose(question, answers, top_k)

    def _choose(self, question: str, answers: list[Answer], top_k: int) -> Answer:
        """Return the answer of the guide that fits best, or one row per guide where several fit equally."""
        answered = [a for a in answers if a.answered]
        if not answered:
            out = answers[0]
            if len({a.note for a in answers}) > 1:
                out.note = "；".join(dict.fromkeys(a.note for a in answers if a.note))
            return out
        best = max(a.fit for a in answered)
        tied = sorted((a for a in answered if a.fit >= best - self.settings.scoring.fit_tie), key=lambda a: -a.fit)
        if len(tied) == 1:
            return tied[0]
        rows: list[tuple[list[str], str]] = []
        for a in tied:
            title = a.citations[0].doc_title or a.citations[0].doc
            if a.rows:
                rows += [([f"{title} · {lbl}" for lbl in labels], text) for labels, text in a.rows]
            else:
                rows.append(([f"{title} · {a.citations[0].label}"], a.answer))
        heads = [a.citations[0] for a in tied]
        rest = [c for a in tied for c in a.citations[1:]]
        cites = heads + rest[: max(0, top_k - len(heads))]
        notes = [a.note for a in tied if a.note]
        answer = "\n".join(f"{'、'.join(labels)}：{text}" for labels, text in rows)
        return Answer(question, True, answer, cites, rows=rows, fit=best,
                      note="；".join(["多个指南都有相关内容，分别列出", *notes]))

    def _answer_doc(self, question: str, q: Query, doc: str, hits: list[Hit], keys: set[tuple[str, int]],
                    unknown: list[tuple[str, int]], ev: Evidence, qvec: np.ndarray | None, boosts: np.ndarray,
                    top_k: int, mode: str, timings: Timings, wide: bool = True) -> Answer:
        """Answer from one guide's ranked hits."""
        s = self.settings
        sections = q.sections or q.weak_sections
        t = time.perf_counter()
        if unknown and not keys:
            sugg: list[Hit] = []
            if wide:
                allowed = self._doc_no == list(self.documents).index(doc)
                sugg, _ = self.retriever.rank(q.expanded(), mode, allowed, boosts, timings, qvec)
            names = "、".join(project_number(n) for _, n in unknown)
            count = len(self.project_labels[doc])
            have = f"本指南共 {count} 个项目" if count else "指南中没有项目"
            return Answer(question, False, "", [], suggestions(sugg, s.suggestions), note=f"指南中没有{names}（{have}）。")
        general = bool(q.sections) and q.sections[0] == GENERAL
        if general and doc not in self._has_general:
            return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                          note="本指南没有申报须知等总体部分，没有这个问题的答案。")
        flat = self._flat[doc]
        unwritten = [t for t in ev.terms if general and any(w in t for w in GENERAL_NOUNS) and t not in flat]
        if unwritten:
            # 项目负责人的年龄有什么限制 of a general part that sets no age: its other limits do not answer.
            return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                          note=f"指南中没有关于“{unwritten[0]}”的内容。")
        if general:
            # 什么时候截止 asked of a general part that gives the window without the word 截止: the
            # logistics words chose the part; only the rest is evidence.
            keep = [i for i, t in enumerate(ev.terms)
                    if any(alt in flat for alt in t.split("|")) or not any(w in t for w in GENERAL_WORDS)]
            # 要不要打印出来寄纸质版: the logistics word the part writes (纸质) is what is asked; the
            # spoken verbs around it (打印, 寄) are how the asker pictures it.
            weights = [ev.weights[i] * (GENERAL_WORD_WEIGHT if any(w in ev.terms[i] for w in GENERAL_WORDS) else 1.0)
                       for i in keep]
            ev = Evidence([ev.terms[i] for i in keep], weights, ev.partial)
        absent = [t for t in ev.terms if any(w in t for w in OFF_GUIDE) and t not in flat and not general]
        if not absent and keys and (YES_NO.search(q.norm) or "还是" in q.norm):
            # 要达到L3还是L4级别: a grade or code no loaded guide writes is asked; whatever section the
            # other words choose holds no answer to it.
            absent = [c.upper() for c in CODE.findall(q.norm) if not self.naming.written(c)]
        if keys and q.sections and not any(h.chunk.role in q.sections for h in hits):
            # 项目3的组织方式 where project 3 has no such section: the guide does not say.
            names = "、".join(sorted({h.chunk.project or "" for h in hits}))
            return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                          note=f"{names}没有“{q.sections[0]}”一节。")
        if absent:
            # "project 6's email address": the guide has no 邮箱 at all, whatever else matches.
            # Nothing in the guide is about the missing word, so no section is suggested for it.
            return Answer(question, False, "", [], [], note=f"指南中没有关于“{absent[0]}”的内容。")
        if q.wants_time:
            # 什么时候截止: a date answers, and 截止 / 之前 only say which end of a window is meant
            # (after the check above, so a guide without any 截止 still says so).
            ev = ev.without(TIME_RELATIONS)
        sign = direction(q.norm) if not keys and hits and not q.conditions else 0
        if sign:
            # 哪个项目……最多: the extreme project(s) with their figure, not every project's row.
            # One figure per project is compared: 销售收入、经济效益 asks whichever the project sets.
            listed = evidence_for(q, self.retriever, self._alias_words, s.scoring, lists_either=True,
                                  known=self.naming.written)
            if q.wants_time:
                listed = listed.without(TIME_RELATIONS)
            ranked = answer_rank(question, q, hits, listed, self.texts, sign, s.suggestions)
            if ranked is not None:
                timings.add("extract", t)
                return ranked
        if ((not keys or (q.cross and len(keys) > 1)) and hits and not general
                and (q.cross or q.sections or (q.weak_sections and ev.terms))):
            across = answer_across(question, q, hits, ev, self.texts, s, self.cross_pool)
            if q.cross and across is not None and not across.answered:
                # 申报单位需要满足什么条件 of every project: general words alone must not abstain.
                across = answer_across(question, q, hits, specific(ev, self.titles), self.texts, s,
                                       self.cross_pool)
            if across is not None:
                timings.add("extract", t)
                across.fit = max((ev.coverage(c.text) for c in across.citations), default=0.0) if ev.terms else 1.0
                return across
        if keys and not sections and not ev.terms and q.english and ASKS_VALUE.search(q.norm):
            # "What cruise speed must …": English metric words the glossary lacks ask a target, not
            # what the project is about; its metric groups are compared by meaning (abstain if weak).
            dense = self._dense_answer(question, q, doc, keys, ev, qvec, hits, top_k, timings)
            if dense is not None:
                return dense
        if keys and not sections and not ev.terms:
            # A project and nothing else: say what the project is about.
            hits.sort(key=lambda h: h.chunk.role != DEFAULT_SECTION)
        if not hits:
            return Answer(question, False, "", [], [], note="指南中没有找到相关内容。")
        # The answer comes from the best passage among the top few that holds what was asked:
        # rank decides between passages that cover the question equally.
        pool = [h for h in hits if h.chunk.role in q.sections] or hits if q.sections else hits
        candidates = []
        for rank, h in enumerate(pool[: self.rerank_depth if ev.terms else 1]):
            tick()
            sims = None
            if qvec is not None and self.retriever.clause_vecs is not None:
                off = self.retriever.clause_offset[h.index]
                sims = self.retriever.clause_vecs[off : off + len(h.chunk.clauses)] @ qvec[0]
            span = best_span(h.chunk, self.texts[h.chunk.doc], q, ev, sims, s.answer_max_chars, s.scoring)
            # A "how many" question is answered by a span that holds a number.
            said = self.texts[h.chunk.doc][span[0] : span[1]]
            # … and a when-question by one that holds a date.
            # (Not a problem statement's figure, 适用于 25 度以下坡地: it says what is researched,
            # never the value a target asks.)
            numeric = ((q.wants_number and h.chunk.role != PROBLEM and re.search(r"\d", said) is not None)
                       or (q.wants_time and has_date(said)))
            candidates.append((round(span[2] + s.scoring.number_bonus * numeric, 3), -rank, h, span))
        *_, best, (start, end, cov) = max(candidates, key=lambda c: c[:2])
        chunk = best.chunk
        moved = None
        # (执行期限是多久 names the period itself: no metric measured in days answers it instead;
        # 多长时间出结果 only asks a time, which a metric may hold.)
        if keys and chunk.project and ev.terms and not (chunk.role == PERIOD and period_named(q.norm)):
            mine = [h.chunk for h in hits if h.chunk.doc == chunk.doc and h.chunk.project == chunk.project]
            moved = retarget(mine, self.texts[chunk.doc], q.norm, ev, (chunk, start, end))
        if moved is not None:
            # The asked dimension or amount sits in another metric of the project (see coverage).
            chunk, start, end = moved
            best = next(h for h in hits if h.chunk is chunk)
            if len(ASKS.findall(q.norm)) > 1:
                # 能检测几种病原体？检测时间要多久: the metric moved to answers one ask, its neighbour the other.
                start, end = with_second_ask(list(chunk.clauses), self.texts[chunk.doc], ev, start, end,
                                             s.answer_max_chars)
        hits.remove(best)
        hits.insert(0, best)
        structured = moved is not None or bool(keys) and (
            bool(q.sections) or (bool(q.weak_sections) and chunk.role in q.weak_sections))
        whole = ev.coverage(self.texts[chunk.doc][chunk.start : chunk.end] + (chunk.section or ""))
        enough = (structured or (keys and not ev.terms) or max(cov, whole) >= s.min_evidence
                  or (general and not ev.terms and chunk.role == GENERAL))
        timings.add("extract", t)
        if not enough:
            # No clause holds the question's words: one may hold its meaning (rag/semantic.py).
            dense = self._dense_answer(question, q, doc, keys, ev, qvec, hits, top_k, timings)
            if dense is not None:
                return dense
            return Answer(question, False, "", [], suggestions(hits, s.suggestions, ev),
                          note="指南中没有找到这个问题的答案。")
        section_text = self.texts[chunk.doc][chunk.start : chunk.end]
        if keys and chunk.project and structured and not q.sections:
            unsaid = unsaid_attribute(q.norm, ev, self.texts[chunk.doc][start:end],
                                      lambda t: self.retriever.idf(t) < self.retriever.max_idf, section_text)
            if unsaid is not None:
                # 项目二是否要求开源: a weak section word (要求) chose the passage, but no guide ever
                # says 开源. A strong one (政府补多少) asks the section itself: its other words are wording.
                return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                              note=f"指南中没有关于“{unsaid}”的内容。")
        if keys and chunk.project:
            r = self.retriever
            gap = self.coverage.gap(chunk.doc, chunk.project, chunk.section or "", ev,
                                    lambda t: r.idf(t) < r.max_idf, q.norm, q.english,
                                    self.texts[chunk.doc][start:end])
            if gap is not None:
                # A near miss: the project sets no such target; its nearest other one would mislead.
                return Answer(question, False, "", [], suggestions(hits, s.suggestions), note=gap.note)
            unheld = (unheld_attribute(q.norm, ev, self.texts[chunk.doc][start:end], lambda t: r.idf(t) < r.max_idf)
                      if chunk.role == TARGETS and not q.english else None)
            if unheld is not None:
                # The value asked of a metric the span does not name: one named in other words may
                # hold it (by meaning, with its margin); else the guide does not say.
                dense = self._dense_answer(question, q, doc, keys, ev, qvec, hits, top_k, timings)
                if dense is not None and dense.answered:
                    return dense
                return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                              note=f"{chunk.project}的{chunk.section}没有提到“{unheld}”。")
        last = [p for p in re.split(r"[,，。;；?？!！]", q.norm) if p.strip()][-1:]
        if (keys and chunk.project and structured and last and COUNT_ASK.search(last[0])
                and not NUMERAL.search(section_text)):
            # 联合申报的单位最多可以有几家 of a 申报条件 that reads 企业牵头，鼓励产学研合作: the section
            # asked states no number at all, so no count can be read from it. (Only a count the
            # question ends on: 准备联合几家高校申报…，还有什么特别说明 asks the notes.)
            return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                          note=f"{chunk.project}的{chunk.section}没有给出具体数字。")
        if keys and chunk.project and asks_date(q.norm) and not has_date(section_text):
            # 从哪年哪月开始 of a project whose period reads 不超过 3 年: a length is no date.
            return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                          note=f"{chunk.project}的{chunk.section}没有给出具体日期。")
        if (keys and q.wants_number and not structured
                and not re.search(r"\d", self.texts[chunk.doc][start:end])):
            # "How many" answered by a clause without a number (the project's problem statement):
            # a metric named in other words may answer it.
            dense = self._dense_answer(question, q, doc, keys, ev, qvec, hits, top_k, timings)
            if dense is not None and dense.answered:
                return dense
            unit = next(iter(asked_units(q.norm).values()), None)
            if unit is not None:
                # 端到端时延要压到多少毫秒 answered by the problem statement's 传输时延变化大: a
                # measure asked in a unit, and no metric of the project found to give it.
                return Answer(question, False, "", [], suggestions(hits, s.suggestions),
                              note=f"{chunk.project}没有给出以“{unit}”计的这项指标。")
        cites = [citation(chunk, self.texts[chunk.doc], start, end, best.score)]
        for h in hits[1:top_k]:
            c = h.chunk
            cites.append(citation(c, self.texts[c.doc], c.start, c.end, h.score))
        fit = 1.0 + max(cov, whole) if structured or (keys and not ev.terms) else max(cov, whole)
        return Answer(question, True, self.texts[chunk.doc][start:end], cites, fit=fit)

    def _dense_answer(self, question: str, q: Query, doc: str, keys: set[tuple[str, int]], ev: Evidence,
                      qvec: np.ndarray | None, hits: list[Hit], top_k: int, timings: Timings) -> Answer | None:
        """Return the metric group of the (named or described) project that means what was asked, or None.

        None when dense search is off, the question spans projects, no project stands out, or no
        group leads by the calibrated margin. A group that does is still checked for the asked
        attribute: a near miss abstains with its own note, never answered by meaning.
        """
        sem = self.semantic
        if sem is None or qvec is None or q.cross or q.conditions:
            return None
        t = time.perf_counter()
        mine = [k for k in keys if k[0] == doc]
        if len(mine) > 1:
            return None
        described, asked = self._description(q.norm)
        if not mine and not described:
            # Named by nothing and described by nothing: on the eval sets such a question is a
            # general or unanswerable one, and a project's text would answer it wrongly.
            return None
        project = mine[0] if mine else sem.resolve(qvec[0], [(doc, n) for n in self.project_labels[doc]])
        if project is None:
            return None
        names = {w for n in self.names.values() for w in n.words} if len(self.documents) > 1 else set()
        ask = asked_part(q, names, asked)
        pick = sem.best_metric(project, ask, ev, q.wants_number)
        timings.add("dense", t)
        if pick is None:
            return None
        chunk = self.chunks[pick.chunk]
        picked = self.texts[chunk.doc][pick.start : pick.end]
        aside = " ".join(m.group(0) for pat in (EXCEPT, ALREADY_SEEN) for m in pat.finditer(q.norm))
        if any(len(w) >= 2 and CJK_WORD.fullmatch(w) and w not in ask and w in picked and not function_word(w)
               for w in self._tok.segment(aside)):
            # 除了培养博士以外，要几个硕士: the metric nearest in meaning is the one set aside.
            return None
        r = self.retriever
        gap = self.coverage.gap(chunk.doc, chunk.project or "", chunk.section or "", ev,
                                lambda w: r.idf(w) < r.max_idf, q.norm, q.english,
                                self.texts[chunk.doc][pick.start : pick.end])
        s = self.settings
        own = [h for h in hits if h.chunk.doc == doc and h.chunk.project_no == project[1]]
        if gap is not None:
            return Answer(question, False, "", [], suggestions(own or hits, s.suggestions), note=gap.note)
        text = self.texts[chunk.doc]
        cites = [citation(chunk, text, pick.start, pick.end, pick.z)]
        cites += [citation(h.chunk, text, h.chunk.start, h.chunk.end, h.score) for h in own
                  if h.chunk is not chunk][: top_k - 1]
        # Far below any lexical answer's fit (≥ min_evidence), beyond the tie: among guides, words
        # found beat meaning found.
        fit = 0.01 * min(pick.z, 10.0)
        return Answer(question, True, text[pick.start : pick.end], cites, fit=fit,
                      note="指南用词与问题不同：按语义匹配到这一条，请核对原文。")


# The period named by its heading's words (执行期限, 实施周期), not asked as a length (多久).
PERIOD_NAMED = re.compile("|".join([*ROLE_HEADINGS[PERIOD], r"(?:执行|实施)期(?![内间])"]))
# … and not set aside (多长时间调度完？不是问项目周期哈).
_NOT_ASKED = re.compile(r"(?:不是|不问|并非|而不是)[^,，。?？!！]{0,4}$")


def period_named(norm: str) -> bool:
    """Return True if a question names the project period by its heading's words (not to set it aside)."""
    return any(not _NOT_ASKED.search(norm[: m.start()]) for m in PERIOD_NAMED.finditer(norm))


def validate(question: object, max_chars: int) -> str:
    """Return the question stripped; raise QuestionError (a ValueError) with a user-facing message if unusable."""
    if not isinstance(question, str):
        raise QuestionError("问题必须是文本 (question must be a string)")
    # Lone surrogates (from a bad paste or a fuzzer) cannot be encoded on the way out: replace them.
    q = question.encode("utf-8", "surrogatepass").decode("utf-8", "replace").strip()
    if not q:
        raise QuestionError("问题不能为空 (question is empty)")
    if len(q) > max_chars:
        raise QuestionError(f"问题过长：最多 {max_chars} 个字符 (question longer than {max_chars} characters)")
    return q

