"""CSV a spreadsheet opens as text: formula-like cells neutralised, every cell quoted (RFC 4180)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

# A spreadsheet runs a cell as a formula when its first visible character is one of these
# (full-width forms too: some programs fold them). Tab, CR and LF start DDE payloads.
FORMULA_START = frozenset("=+-@\t\r\n|＝＋－＠")


def _invisible(ch: str) -> bool:
    """Return whether a spreadsheet skips `ch` before reading a formula: spaces, controls, format marks."""
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")


# Where a spreadsheet may start a new cell inside ours when it splits the file its own way
# (a ';' list separator, tab-separated import, a line break once quoting is misread).
SPLITS = frozenset(";\t\r\n")


def _formula_at(text: str, i: int) -> bool:
    """Return whether `text[i:]` starts like a formula once leading invisible characters are skipped."""
    while i < len(text) and _invisible(text[i]) and text[i] not in FORMULA_START:
        i += 1
    return i < len(text) and text[i] in FORMULA_START


def neutralise(value: object) -> str:
    """Return a cell shown as text, never run: an apostrophe before it when, past any leading spaces
    and invisible characters (U+3000, U+FEFF, U+200B …), it starts like a formula, and after each
    ';', tab or line break inside it that is followed by one (`x;=1+1` → `x;'=1+1`)."""
    text = "" if value is None else str(value)
    if not any(ch in SPLITS for ch in text):
        return "'" + text if _formula_at(text, 0) else text
    out = ["'"] if _formula_at(text, 0) else []
    for i, ch in enumerate(text):
        out.append(ch)
        if ch in SPLITS and i and _formula_at(text, i + 1):
            out.append("'")
    return "".join(out)


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """Return the rows as CSV, every cell neutralised and quoted.

    Quoting every cell keeps `x;=1+1` one cell in a spreadsheet whose list separator is `;`
    (QUOTE_MINIMAL quotes only cells holding a comma, a quote or a line break).
    """
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([neutralise(r[c]) for c in columns])
    return out.getvalue()
