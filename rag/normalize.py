"""Fold the ways people type the same words: traditional characters, full-width forms, case."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from types import ModuleType

# NFKC would also fold these, but they carry meaning in the guide (≥2000 人) and must survive.
_KEEP = str.maketrans({"≥": "≥", "≤": "≤"})
_SPACE = re.compile(r"\s+")
# 市区（县）联动, 区（县）科技主管部门: Chongqing's guides write 区县 with the 县 in brackets.
_DISTRICT = re.compile(r"区\s*\(\s*县\s*\)")
# Control and format characters (zero-width joiners, bidi marks) that a paste can smuggle in.
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


@lru_cache(maxsize=1)
def _zhconv() -> ModuleType:
    import zhconv

    return zhconv


def to_simplified(text: str) -> str:
    """Return text in simplified characters (項目四出資 → 项目四出资)."""
    if text.isascii():
        return text
    return str(_zhconv().convert(text, "zh-cn"))


# Questions and clauses are normalised again at every stage of an answer, and character
# conversion is most of an answer's own time: short texts are remembered (a whole guide is not).
_CACHED_BELOW = 2000


def normalize(text: str) -> str:
    """Return the form both queries and the index are matched in.

    Simplified, half-width, lower-case, single spaces, no control characters. Only for
    matching: displayed text is always the guide's own.
    """
    return _normalize_short(text) if len(text) < _CACHED_BELOW else _normalize(text)


@lru_cache(maxsize=32768)
def _normalize_short(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).translate(_KEEP)
    text = _DISTRICT.sub("区县", to_simplified(text).lower())
    return _SPACE.sub(" ", text).strip()


def strip_spaces(text: str) -> str:
    """Return text without whitespace, for comparing spans the PDF spaced differently."""
    return _SPACE.sub("", text)
