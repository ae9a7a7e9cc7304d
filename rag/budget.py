"""A per-answer budget: work counted in steps, and a deadline checked as the steps are taken.

The query path calls `tick(n)` between stages and inside every loop whose length depends on the
question (n = work units done). That gives two things: a deadline that abandons an answer
cooperatively, with `QuestionTooComplex`, wherever it is; and a step count tests use to assert
the work is bounded by the question's length (never by the clock).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from rag.errors import QuestionTooComplex

TOO_COMPLEX = "问题过于复杂，无法在时限内回答，请简化后再问 (question too complex to answer in time; please simplify it)"


@dataclass
class Budget:
    """Steps taken so far and the moment the answer must be abandoned (None: no deadline).

    Time is the answering thread's CPU time: an overloaded machine slows every answer alike and
    must not turn ordinary questions into "too complex"; a hostile one burns CPU either way.
    """

    seconds: float | None = None
    clock: Callable[[], float] = time.thread_time
    steps: int = 0
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = math.inf if self.seconds is None else self.clock() + self.seconds

    def tick(self, n: int = 1) -> None:
        """Count n steps; raise QuestionTooComplex once the deadline has passed."""
        self.steps += n
        if self.clock() >= self.deadline:
            raise QuestionTooComplex(TOO_COMPLEX)


_current: ContextVar[Budget | None] = ContextVar("rag_budget", default=None)


def tick(n: int = 1) -> None:
    """Count n steps against the budget of the answer in progress (none: nothing to do)."""
    b = _current.get()
    if b is not None:
        b.tick(n)


@contextmanager
def budget(seconds: float | None) -> Iterator[Budget]:
    """Run the block under a fresh budget of `seconds` (None: count steps, no deadline)."""
    b = Budget(seconds)
    token = _current.set(b)
    try:
        yield b
    finally:
        _current.reset(token)
