"""BM25 scoring behind one interface, with two backends: rank-bm25 and bm25s.

rank-bm25 is the reference; bm25s precomputes sparse scores and is the faster one as the
corpus grows (see `rag bench`). Both take pre-tokenised documents and queries.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

BACKENDS = ("rank_bm25", "bm25s")


class BM25(Protocol):
    def scores(self, query_tokens: list[str]) -> np.ndarray: ...


class RankBM25:
    """rank-bm25's Okapi BM25 over the token lists."""

    def __init__(self, docs: list[list[str]]) -> None:
        from rank_bm25 import BM25Okapi

        # An empty document list would divide by zero inside rank-bm25.
        self._bm25 = BM25Okapi(docs or [[""]])
        self._n = len(docs)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not query_tokens:
            return np.zeros(self._n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(query_tokens), dtype=np.float32)[: self._n]


class BM25S:
    """bm25s: scores precomputed into a sparse matrix at build, summed per query."""

    def __init__(self, docs: list[list[str]]) -> None:
        import logging

        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
        self._n = len(docs)
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in d] for d in docs]
        self._vocab = vocab
        self._bm25 = bm25s.BM25(k1=1.5, b=0.75)
        self._bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        ids = [self._vocab[t] for t in query_tokens if t in self._vocab]
        if not ids:
            return np.zeros(self._n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(ids), dtype=np.float32)


def make_bm25(docs: list[list[str]], backend: str = "rank_bm25") -> BM25:
    """Return a BM25 index over tokenised docs with the named backend."""
    if backend == "rank_bm25":
        return RankBM25(docs)
    if backend == "bm25s":
        return BM25S(docs)
    raise ValueError(f"unknown BM25 backend {backend!r}; choose one of {BACKENDS}")
