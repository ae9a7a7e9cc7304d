"""Keep the server's filesystem out of what anyone may read (/healthz)."""

from __future__ import annotations

import re

# An absolute POSIX or Windows path: what follows a `/` or `C:\` up to a space or a quote.
_PATH = re.compile(r"""(?<![\w:/])(?:[A-Za-z]:[\\/]|/)[^\s'"]+""")


def without_paths(status: dict) -> dict:
    """Return the status with every absolute path shortened to its last part (a model folder's name)."""
    return {k: _PATH.sub(_last_part, v) if isinstance(v, str) else v for k, v in status.items()}


def _last_part(m: re.Match[str]) -> str:
    return re.split(r"[\\/]", m.group(0).rstrip("/\\"))[-1] or "…"
