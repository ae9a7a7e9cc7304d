"""Which guides and projects a question names: by number, topic word, domain group, title words or short form.

Read once per index from the loaded guides (their titles, groups and text); the engine asks it
before any retrieval, so the guide and project scope of a question is settled in one place.
"""

from __future__ import annotations

import re

from rag.coverage import abbreviates
from rag.lexicon import ENGLISH_GLOSSARY
from rag.normalize import normalize, strip_spaces
from rag.parse import Document
from rag.query import Query
from rag.tokenize import Tokenizer
from rag.topics import (
    TITLE_FILLERS,
    abbreviations,
    guide_names,
    named_guides,
    title_runs,
    topic_words,
    unique_title_pieces,
)

# A short form of a title's words (玻纤布, 碳纤) and an acronym as an asker writes it (PLA, CEMS).
SHORT_CJK = re.compile(r"[\u4e00-\u9fff]{2,4}")
ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9]{1,7}(?![A-Za-z])")
# Words of a question tried as short forms, and acronyms searched in every project's text: bound
# the work on a long or hostile question (each acronym scans every loaded project once).
MAX_SHORT_FORM_WORDS = 60
MAX_ACRONYMS = 8


def word_cuts(words: list[str]) -> set[int]:
    """Return the offsets where a segmented text's words start and end."""
    cuts, at = {0}, 0
    for w in words:
        at += len(w)
        cuts.add(at)
    return cuts


class Naming:
    """The words that name each loaded guide and project, and the rules that read them off a question."""

    def __init__(self, docs: list[Document], tok: Tokenizer) -> None:
        self.documents = [d.id for d in docs]
        self._tok = tok
        self.topics = topic_words(docs, tok)
        self.names = guide_names(docs, tok)
        # Each guide's projects by number (项目四 and 项目4 are both 4); 最后一个项目 is its highest.
        self.project_labels = {d.id: {p.number: p.label for p in d.projects} for d in docs}
        self.last_project = {d: max(ps, default=0) for d, ps in self.project_labels.items()}
        # Each guide's text as evidence is matched: whether a guide says 截止 or 电话 at all.
        self.flat = {d.id: strip_spaces(normalize(d.text)) for d in docs}
        self._all_flat = "\0".join(self.flat.values())
        self.project_flat = {(d.id, p.number): strip_spaces(normalize(d.text[p.start : p.sections[-1].end]))
                             for d in docs for p in d.projects if p.sections}
        # Domain groups a question may name (创新药物领域 → 创新药物): their projects, per guide.
        self.groups: dict[str, dict[str, list[int]]] = {}
        self.group_names: dict[str, dict[str, str]] = {}
        for d in docs:
            for p in d.projects:
                if p.group:
                    stem = re.sub(r"(?:领域|方向|板块|专题)$", "", normalize(p.group)) or normalize(p.group)
                    self.groups.setdefault(d.id, {}).setdefault(stem, []).append(p.number)
                    self.group_names.setdefault(d.id, {})[stem] = normalize(p.group)
        self.project_titles = {(d.id, p.number): p.title for d in docs for p in d.projects}
        self.flat_titles = {k: strip_spaces(normalize(t)) for k, t in self.project_titles.items()}
        self.flat_guides = {d.id: strip_spaces(normalize(d.title)) for d in docs}
        # Each project's title words, for a question naming a project by two or more of them.
        # A word the guide's own title holds (its field, repeated in a project title) names the guide, not a project.
        short = {d.id: abbreviations(d, tok) for d in docs}
        self.title_words = {(d.id, p.number): {w for w in tok.words(p.title) if len(w) >= 2 and w not in TITLE_FILLERS
                                               and w not in strip_spaces(normalize(d.title)) and w not in short[d.id]}
                            for d in docs for p in d.projects}

    def scope(self, q: Query, doc: str | None) -> list[str]:
        """Return the guides a question is asked of: `doc`, the guides it names in words, or all."""
        if doc:
            return [doc]
        docs = list(self.documents)
        if len(docs) == 1:
            return docs
        # (我们想申报集成电路第二批的某项目……请问年龄有限制吗: the story names the guide asked.)
        # (The glossary names a guide in English; a Chinese question's glossary holds spoken
        # synonyms, 医院 → 医疗机构, whose halves would name another guide, 医疗器械.)
        asked = " ".join([q.norm, q.context, *(q.glossary if q.english else [])])
        named = named_guides(asked, self.names)
        if len(named) > 1:
            # 生物医药专项…医疗器械注册证: the words naming one guide (医疗器械) are written in the other
            # (its group, its targets), while that one's (生物医药) are not written here: the other is meant.
            words = {d: [w for w in self.names[d].words if w in asked] for d in named}
            named = [d for d in named if not any(
                o != d and words[d] and all(w in self.flat[o] for w in words[d])
                and not all(w in self.flat[d] for w in words[o]) for o in named)] or named
        if not q.project_numbers and not q.from_end:
            # Words of a project title name that project's guide(s) (an alias in a guide's file too).
            # An alias (from one guide's file) does not outweigh a guide named in words.
            topical = {d for w in q.topic_words if not (named and w in q.aliased) for d, _ in self.topics.get(w, ())}
            titled = self.title_match(q, [d for d in docs if d in named] or docs)
            if titled and not {d for d, _ in titled} & topical:
                # Words of a title in the question outweigh an alias (from one guide's file) it also holds.
                topical = {d for d, _ in titled}
            # The topic as the question wrote it, or in the Chinese of its project's title (SiC → 碳化硅).
            said = [*q.topic_words, *(g for w in q.topic_words for g in ENGLISH_GLOSSARY.get(w, "").split("|") if g),
                    *(g for g in q.glossary for w in q.topic_words for k in self.topics.get(w, ())
                      if g in self.flat_titles[k])]
            if topical and named and not set(named) & topical and any(
                    w in self.flat[d] for d in named for w in said):
                # "the SiC project of the 2026 new energy vehicle programme": the guide named in words
                # writes the topic too (another guide's title holds it); the guide named wins.
                return [d for d in docs if d in named]
            if topical:
                return [d for d in docs if d in topical and (d in named or not set(named) & topical)]
        return [d for d in docs if d in named] or docs

    def projects(self, q: Query, scope: list[str]) -> tuple[set[tuple[str, int]], list[tuple[str, int]]]:
        """Return the (guide, project number)s a query names in its scope and the ones a guide lacks."""
        keys: set[tuple[str, int]] = set()
        unknown = []
        for d in scope:
            last = self.last_project[d]
            for n in [*q.project_numbers, *(last + 1 - k for k in q.from_end if 0 < k <= last)]:
                (keys.add((d, n)) if n in self.project_labels[d] else unknown.append((d, n)))
        if not q.project_numbers and not q.from_end:
            stems = {d: self.named_groups(q, d) for d in scope}
            for w in q.topic_words:
                if not any(w in st for d in scope for st in stems[d]):  # 药物 of 创新药物领域 names the group
                    keys |= {(d, n) for d, n in self.topics.get(w, ()) if d in scope}
            grouped = {(d, n) for d in scope for stem in stems[d] for n in self.groups[d][stem]}
            # 新型显示第二批 Micro LED 项目: a project named by its topic within its group is the one asked.
            keys = (keys & grouped or keys) if keys else grouped
            if not keys:
                keys |= self.title_match(q, scope)
        return keys, unknown

    def named_groups(self, q: Query, doc: str) -> list[str]:
        """Return the domain groups of a guide the question names (创新药物领域 → 创新药物).

        A group's name inside a longer piece of the guide's own title names the guide, not the
        group: 集成电路与新型显示重大专项第二批 holds the 新型显示 of 新型显示领域.
        """
        groups = self.groups.get(doc, {})
        if not groups:
            return []
        flat = strip_spaces(q.norm)
        runs = title_runs(flat, self.flat_guides[doc])
        out = []
        for stem in groups:
            masked = flat
            for run in runs:
                if stem in run and len(run) > len(stem):
                    masked = masked.replace(run, "\0")
            if stem in masked:
                out.append(stem)
        return out

    def short_form(self, q: Query, scope: list[str]) -> tuple[tuple[str, int], str] | None:
        """Return the project a short form in the question names, with the form: a Chinese word no
        guide writes whose characters one title alone holds in order (玻纤布 → 玻璃纤维布), or an
        acronym as written (PLA) that one project's text alone holds."""
        found: dict[tuple[str, int], str] = {}
        for w in self._tok.segment(q.norm)[:MAX_SHORT_FORM_WORDS]:
            if SHORT_CJK.fullmatch(w) and not self.written(w):
                hits = [k for k, t in self.flat_titles.items() if k[0] in scope and abbreviates(w, t)]
                if len(hits) == 1:
                    found[hits[0]] = w
        for w in list(dict.fromkeys(ACRONYM.findall(q.raw)))[:MAX_ACRONYMS]:
            pat = re.compile(rf"(?<![a-z]){re.escape(w.lower())}(?![a-z])")
            hits = [k for k, t in self.project_flat.items() if k[0] in scope and pat.search(t)]
            if len(hits) == 1:
                found[hits[0]] = w.lower()
        return next(iter(found.items())) if len(found) == 1 else None

    def written(self, phrase: str) -> bool:
        """Return True if some loaded guide writes the (normalised, spaceless) phrase."""
        return phrase in self._all_flat

    def title_match(self, q: Query, scope: list[str]) -> set[tuple[str, int]]:
        """Return the project whose title shares two or more words with the question, more than any other
        title does (算力调度平台那个项目); only with several guides loaded (one guide's titles name by topic)."""
        if len(self.documents) < 2:
            return set()
        # An English question names a title by the Chinese of its words (its glossary terms).
        said = " ".join([q.norm, *q.glossary]) if q.english else q.norm
        words = {k: sum(w in said for w in ws) for k, ws in self.title_words.items() if k[0] in scope}
        # A piece only one title holds (岸电 of 船舶岸电智能连接装置) names its project as well as a word; a
        # question asked of several projects names none.
        flat = strip_spaces(q.norm)
        pieces = {} if q.cross else unique_title_pieces(
            flat, {k: t for k, t in self.flat_titles.items() if k[0] in scope}, self.flat_guides,
            {k: t for k, t in self.project_flat.items() if k[0] in scope}, word_cuts(self._tok.segment(flat)))
        ranked = sorted(((words[k] + pieces.get(k, 0), k) for k in words), reverse=True)
        if ranked and (ranked[0][0] >= 2 or pieces.get(ranked[0][1])) and (
                len(ranked) == 1 or ranked[1][0] < ranked[0][0]):
            return {ranked[0][1]}
        return set()

