"""Every error GuideQA raises on purpose, in one hierarchy: catch `GuideQAError` for all of them.

Each also derives from the built-in it replaced (ValueError for bad input, RuntimeError for a
missing resource), so code that caught those keeps working; the old names stay importable where
they were defined (`rag.parse.ParseError`, `rag.index.IndexError_`, `rag.encoder.EncoderUnavailable`,
`web.store` raises StoreError).

The one mapping the web and the CLI use: each class carries the HTTP status the web answers
with (`{"error": message}`) and the exit code `rag` ends with (BSD sysexits.h, so a script can
tell bad input from a missing resource).
"""

from __future__ import annotations


class GuideQAError(Exception):
    """Base of every GuideQA error; the message is meant for the user or the operator."""

    http_status = 500
    exit_code = 1


class ParseError(GuideQAError, ValueError):
    """The document does not have the structure of a guide; names the line that broke it."""

    http_status = 422
    exit_code = 65  # EX_DATAERR


class IndexUnavailable(GuideQAError, RuntimeError):
    """The index is missing, stale or corrupt; the message says which."""

    http_status = 503
    exit_code = 66  # EX_NOINPUT: run `rag build`


class EncoderUnavailable(GuideQAError, RuntimeError):
    """No embedding model could be loaded; the message says which and why."""

    http_status = 503
    exit_code = 69  # EX_UNAVAILABLE


class QuestionError(GuideQAError, ValueError):
    """The question cannot be answered as asked (empty, too long, not text); the message says why."""

    http_status = 422
    exit_code = 64  # EX_USAGE


class QuestionTooComplex(QuestionError):
    """Answering would exceed the per-answer time budget (`Settings.answer_budget_s`).

    Not the user's fault as such, but retrying the same text will not help: the reply says so
    (HTTP 503, CLI exit 1) and the worker goes on serving others.
    """

    http_status = 503
    exit_code = 1


class UnknownGuide(QuestionError):
    """A question was scoped to a guide that is not loaded; the message lists those that are."""

    http_status = 404


class StoreError(GuideQAError, RuntimeError):
    """The database cannot be written or read; the message says so plainly."""

    http_status = 503
    exit_code = 74  # EX_IOERR
