"""The errors GuideQA raises on purpose: each carries a message a person can act on."""

from __future__ import annotations


class GuideQAError(Exception):
    """Base of every error GuideQA raises deliberately (as opposed to a bug)."""


class StoreError(GuideQAError, RuntimeError):
    """The question and feedback database cannot be written or read; the message says so plainly."""
