"""Answer a question for a request without holding the worker: cached inline, new ones off the loop.

A repeated question (most of a help desk's traffic) is answered from the engine's cache on the
event loop (0.03 ms). A new one runs on a small thread pool under the engine's time budget
(`Settings.answer_budget_s`), so however long it takes, the loop keeps accepting and answering
other requests (/healthz, cached answers, other new questions), and a caller waits at most the
a few times the budget for its reply: `QuestionTooComplex` (HTTP 503) rather than a held worker.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

from rag.budget import TOO_COMPLEX
from rag.engine import Engine
from rag.errors import QuestionTooComplex
from rag.types import Answer

# Two answer threads per worker: one hostile question in flight never queues an ordinary one
# behind it, while few threads fight over the GIL (forty did: p95 four times worse, README).
ANSWER_THREADS = 2
# The engine abandons an answer at its budget of CPU time on its own (rag/budget.py). The
# caller's wall-clock wait is a backstop for time spent where no budget check runs: generous,
# so that a busy machine, which stretches every answer, does not turn ordinary ones into 503s.
WALL_FACTOR = 3
GRACE_S = 0.5

_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:  # created on first use, in the worker process (never at import)
        _pool = ThreadPoolExecutor(max_workers=ANSWER_THREADS, thread_name_prefix="answer")
    return _pool


async def answer(engine: Engine, question: str, previous: str | None = None, top_k: int = 3,
                 doc: str | None = None) -> Answer:
    """Return the engine's answer; raise QuestionError (bad input) or QuestionTooComplex (over budget)."""
    hit = engine.ask_cached(question, previous, top_k, doc=doc)
    if hit is not None:
        return hit
    loop = asyncio.get_running_loop()
    job = loop.run_in_executor(_executor(), functools.partial(engine.ask, question, previous=previous, top_k=top_k, doc=doc))
    budget = engine.settings.answer_budget_s
    if not budget:
        return await job
    try:
        return await asyncio.wait_for(job, budget * WALL_FACTOR + GRACE_S)
    except TimeoutError:
        raise QuestionTooComplex(TOO_COMPLEX) from None


def shutdown() -> None:
    """Stop the answer threads (they finish within the budget); called when the app stops."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
