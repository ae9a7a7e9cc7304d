"""Fuse rankings from BM25 and dense retrieval into one score per chunk."""

from __future__ import annotations

import numpy as np


def ranks(scores: np.ndarray) -> np.ndarray:
    """Return 1-based ranks (1 = best); ties share the better rank's order by index."""
    order = np.argsort(-scores, kind="stable")
    r = np.empty(len(scores), dtype=np.int64)
    r[order] = np.arange(1, len(scores) + 1)
    # Items a retriever found nothing for are not "ranked": they all share the last place.
    r[scores <= 0] = len(scores)
    return r


def rrf(rank_lists: list[np.ndarray], weights: list[float], k: int = 60) -> np.ndarray:
    """Return weighted reciprocal-rank fusion: sum of w / (k + rank)."""
    total = np.zeros(len(rank_lists[0]) if rank_lists else 0, dtype=np.float64)
    for r, w in zip(rank_lists, weights, strict=True):
        total += w / (k + r)
    return total


def minmax(score_lists: list[np.ndarray], weights: list[float]) -> np.ndarray:
    """Return the weighted sum of scores each scaled to [0, 1] (a flat list adds nothing)."""
    total = np.zeros(len(score_lists[0]) if score_lists else 0, dtype=np.float64)
    for s, w in zip(score_lists, weights, strict=True):
        lo, hi = float(np.min(s)), float(np.max(s))
        if hi > lo:
            total += w * (s - lo) / (hi - lo)
    return total


def fuse(bm25: np.ndarray | None, dense: np.ndarray | None, method: str, w_bm25: float, w_dense: float,
         k: int = 60, bm25_ranks: np.ndarray | None = None, dense_ranks: np.ndarray | None = None) -> np.ndarray:
    """Fuse whichever retrievers ran; with one alone its order is kept.

    `bm25_ranks`/`dense_ranks`, when the caller already has them, spare RRF sorting again.
    """
    lists, weights, given = [], [], []
    for s, w, r in ((bm25, w_bm25, bm25_ranks), (dense, w_dense, dense_ranks)):
        if s is not None:
            lists.append(s)
            weights.append(w)
            given.append(r)
    if not lists:
        raise ValueError("no retriever produced scores")
    if method == "minmax":
        # Scaled to RRF's range so the structure boosts mean the same in both methods.
        return minmax(lists, weights) / (k + 1)
    if method == "rrf":
        return rrf([ranks(s) if r is None else r for s, r in zip(lists, given, strict=True)], weights, k)
    raise ValueError(f"unknown fusion {method!r}: use 'rrf' or 'minmax'")
