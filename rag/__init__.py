"""GuideQA's engine: cited, verbatim answers from funding-call guidelines.

The public API, for the web layer, the CLI and anyone embedding the engine::

    from rag import Engine, Settings
    engine = Engine.open(Settings.from_env())
    answer = engine.ask("项目四出资要求")      # an Answer with its Citations

The names load lazily (PEP 562): `import rag` and `rag --help` import no engine module, no model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.engine import Engine
    from rag.errors import (
        EncoderUnavailable,
        GuideQAError,
        IndexUnavailable,
        ParseError,
        QuestionError,
        QuestionTooComplex,
        StoreError,
    )
    from rag.settings import Settings
    from rag.types import Answer, Citation

# Public name → the module that defines it.
_EXPORTS = {
    "Engine": "rag.engine",
    "Settings": "rag.settings",
    "Answer": "rag.types",
    "Citation": "rag.types",
    "GuideQAError": "rag.errors",
    "QuestionError": "rag.errors",
    "QuestionTooComplex": "rag.errors",
    "ParseError": "rag.errors",
    "IndexUnavailable": "rag.errors",
    "EncoderUnavailable": "rag.errors",
    "StoreError": "rag.errors",
}

__all__ = [
    "Answer",
    "Citation",
    "EncoderUnavailable",
    "Engine",
    "GuideQAError",
    "IndexUnavailable",
    "ParseError",
    "QuestionError",
    "QuestionTooComplex",
    "Settings",
    "StoreError",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines a public name on first use, and keep the name."""
    module = _EXPORTS.get(name)
    if module is None:  # not ours: `from rag import index` then imports the submodule
        raise AttributeError(f"module 'rag' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
