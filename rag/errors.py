"""The errors GuideQA raises on purpose, each with a message a person can act on.

This is the single mapping the web and the CLI use: every class carries the HTTP status the
web answers with (`{"error": message}`) and the exit code `rag` ends with. Each also keeps the
builtin base its callers caught before the hierarchy existed (ValueError, RuntimeError), so an
`except ValueError` written earlier still catches a bad question or an unparseable guide.
Exit codes follow BSD sysexits.h, so a script can tell bad input from a missing service.
"""

from __future__ import annotations


class GuideQAError(Exception):
    """Base of every error GuideQA raises deliberately (as opposed to a bug)."""

    http_status: int = 500
    exit_code: int = 1


class QuestionError(GuideQAError, ValueError):
    """The question cannot be answered as asked: not text, empty, too long, an unknown guide."""

    http_status = 422
    exit_code = 64  # EX_USAGE


class ParseError(GuideQAError, ValueError):
    """A guide cannot be structured into projects and sections; the message names the line."""

    http_status = 422
    exit_code = 65  # EX_DATAERR


class IndexUnavailable(GuideQAError, RuntimeError):
    """There is no usable index: none built, stale, or a file missing or corrupt."""

    http_status = 503
    exit_code = 66  # EX_NOINPUT


class EncoderUnavailable(GuideQAError, RuntimeError):
    """The embedding model cannot be loaded; the engine answers with BM25 alone."""

    http_status = 503
    exit_code = 69  # EX_UNAVAILABLE


class StoreError(GuideQAError, RuntimeError):
    """The question and feedback database cannot be written or read; the message says so plainly."""

    http_status = 503
    exit_code = 74  # EX_IOERR
