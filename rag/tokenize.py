"""Chinese tokenization for BM25: jieba words with a domain dictionary, character bigrams, or both.

On the eval set "both" beat either alone (see README): jieba gives whole words such as
资助强度 high weight, bigrams catch the words jieba cuts differently in query and guide.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

from rag.lexicon import ENGLISH_GLOSSARY, SECTION_SYNONYMS, STOPWORDS
from rag.normalize import normalize
from rag.roles import ROLE_HEADINGS

MODES = ("jieba", "bigram", "both")
_WORD = re.compile(r"[\u3400-\u9fff]+|[a-z][a-z0-9\-]*|\d+(?:\.\d+)?%?|[≥≤<>]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
# Bigram tokens live in their own namespace so "大模" never collides with a jieba word.
BIGRAM_MARK = "§"


class Tokenizer:
    """Split normalised text into BM25 terms; `add_words` teaches jieba the guide's vocabulary."""

    def __init__(self, mode: str = "both", words: Iterable[str] = ()) -> None:
        if mode not in MODES:
            raise ValueError(f"tokenizer mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self._words = set(default_words()) | {normalize(w) for w in words if w}
        self._jieba = None
        self._blocks: re.Pattern[str] | None = None
        self._lock = threading.Lock()
        # jieba's cuts of one block of text, kept: the query path segments the same long runs
        # (understand, alternatives, evidence, BM25) several times, and jieba's HMM is ~40 µs
        # a character in Python.
        self._cut = lru_cache(maxsize=4096)(self._cut_block)
        self._search = lru_cache(maxsize=4096)(self._search_block)

    def _jieba_tok(self):  # type: ignore[no-untyped-def]
        # jieba loads its 20 MB dictionary on first use; do it once, lazily, under a lock.
        with self._lock:
            if self._jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                # add_word raises jieba's total count, which reweighs every cut: keep the total
                # so cuts do not depend on how many domain words the tables happen to hold.
                total = tok.total
                for w in sorted(self._words):
                    if 2 <= len(w) <= 12 and _CJK_RUN.fullmatch(w):
                        tok.add_word(w, freq=20000)
                tok.total = total
                # jieba cuts each block of this pattern on its own: cutting block by block
                # gives exactly its words for the whole text.
                self._blocks = jieba.re_han_default
                self._jieba = tok
        return self._jieba

    def _cut_block(self, block: str) -> tuple[str, ...]:
        return tuple(self._jieba_tok().cut(block))

    def _search_block(self, piece: str) -> tuple[str, ...]:
        return tuple(w for w in self._jieba_tok().cut_for_search(piece) if w.strip())

    def words(self, text: str) -> list[str]:
        """Return jieba search-mode words (a word and its sub-words), stopwords removed."""
        out: list[str] = []
        for piece in _WORD.findall(normalize(text)):
            if _CJK_RUN.fullmatch(piece):
                out.extend(self._search(piece))
            else:
                out.append(piece)
        # A lone Latin letter ("4's", "300s") means nothing on its own.
        return [w for w in out if w not in STOPWORDS and not (len(w) == 1 and w.isascii() and w.isalpha())]

    def segment(self, text: str) -> list[str]:
        """Return jieba's precise-mode words of normalised text (no sub-words, nothing dropped)."""
        self._jieba_tok()
        assert self._blocks is not None
        return [w for block in self._blocks.split(normalize(text)) if block for w in self._cut(block) if w.strip()]

    @staticmethod
    def bigrams(text: str) -> list[str]:
        """Return overlapping character bigrams of each Chinese run (a single character alone)."""
        out = []
        for run in _CJK_RUN.findall(normalize(text)):
            if len(run) == 1:
                if run not in STOPWORDS:
                    out.append(BIGRAM_MARK + run)
                continue
            out.extend(BIGRAM_MARK + run[i : i + 2] for i in range(len(run) - 1))
        return out

    def __call__(self, text: str) -> list[str]:
        if self.mode == "jieba":
            return self.words(text)
        if self.mode == "bigram":
            return self.bigrams(text) + [w for w in self.words_ascii(text)]
        return self.words(text) + self.bigrams(text)

    @staticmethod
    def words_ascii(text: str) -> list[str]:
        """Return the Latin words and numbers of text (bigram mode still needs 3000, qps, gpu)."""
        return [w for w in _WORD.findall(normalize(text)) if not _CJK_RUN.fullmatch(w) and w not in STOPWORDS]


def default_words() -> set[str]:
    """Return the product vocabulary every guide shares: section names and roles, metric terms."""
    words: set[str] = set()
    for label, syns in SECTION_SYNONYMS.items():
        words.add(label)
        words.update(s for s in syns if _CJK_RUN.fullmatch(s))
    words.update(w for heads in ROLE_HEADINGS.values() for w in heads)
    words.update(v for v in ENGLISH_GLOSSARY.values() if _CJK_RUN.fullmatch(v))
    return words


def metric_names(clause: str) -> list[str]:
    """Return the metric names of a clause: the Chinese run (2–6 characters) before a comparison sign."""
    return re.findall(r"(?<![\u3400-\u9fff])([\u3400-\u9fff]{2,6})\s*[≥≤<>＞＜]", clause)


def guide_words(titles: Iterable[str], headings: Iterable[str], clauses: Iterable[str],
                aliases: Iterable[str] = ()) -> set[str]:
    """Return domain words from a guide itself: headings, the metric names before ≥/≤, and the
    Chinese words of its aliases file.

    A metric name is the Chinese run just before a comparison sign (培养博士≥5 人 → 培养博士);
    runs longer than 6 characters are phrases, not words, and are left to jieba.
    """
    words = set(headings) | {a for a in aliases if _CJK_RUN.fullmatch(a)}
    for clause in clauses:
        words.update(metric_names(clause))
    for t in titles:
        words.update(w for w in re.split(r"[的及与和、]", t) if 2 <= len(w) <= 8)
    return words
