"""Check an aliases file before it replaces a guide's: every problem with its line, and what it would do.

`load_aliases` (rag/aliases.py) stops at the first problem and names the file; staff uploading a
new file want all of them at once, each with its line, and a look at what the file maps. Checked
against the guide: a [topics] word that no project title of the guide contains finds no project,
and a [terms] word the guide never writes matches no clause — both are warnings (the file is still
valid), since staff may be preparing aliases for a corrected guide.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

from rag.aliases import SECTIONS

MAX_ALIASES_BYTES = 256 * 1024  # a few thousand lines; far more than any guide's vocabulary
TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Problem:
    """One problem of the file: the line it is on (0 when the whole file) and what is wrong."""

    line: int
    message: str


@dataclass
class AliasesCheck:
    """What an aliases file maps (as written, in file order), its errors and its warnings."""

    topics: list[tuple[str, str]] = field(default_factory=list)
    terms: list[tuple[str, str]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _key_lines(lines: list[str]) -> dict[tuple[str | None, str], int]:
    """Return where each key is written, by (table, key), and each table header by (None, name):
    one pass, so a file of thousands of lines costs what its length does."""
    out: dict[tuple[str | None, str], int] = {}
    current: str | None = None
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if line.startswith("[") and "]" in line:  # a table header: [topics]
            current = line[1 : line.index("]")].strip("[]\"' \t")
            out.setdefault((None, current), n)
            continue
        if line[:1] in ("'", '"') and line[0] in line[1:]:
            key = line[1 : line.index(line[0], 1)]
        elif "=" in line:
            key = line.split("=", 1)[0].split(".", 1)[0].strip()
        else:
            continue
        out.setdefault((current, key), n)
    return out


def check_aliases(data: bytes, titles: list[str] | None = None, text: str | None = None) -> AliasesCheck:
    """Check an aliases file's bytes; with the guide's project `titles` and `text`, warn about words
    that would find nothing in it. Never raises on bad input: problems are in the result."""
    from rag.normalize import normalize

    out = AliasesCheck()
    if len(data) > MAX_ALIASES_BYTES:
        out.errors.append(Problem(0, f"文件过大：最多 {MAX_ALIASES_BYTES // 1024} KB (file too large)"))
        return out
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        out.errors.append(Problem(0, f"不是 UTF-8 文本 (not UTF-8 text: byte {e.start})"))
        return out
    where = _key_lines(source.splitlines())
    try:
        doc = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        m = TOML_LINE.search(str(e))
        out.errors.append(Problem(int(m.group(1)) if m else 0, f"TOML 格式错误 (invalid TOML): {e}"))
        return out
    for name in doc:
        if name not in SECTIONS:
            out.errors.append(Problem(where.get((None, name), 0), f"未知的表或键 “{name}”：只允许 [topics] 和 [terms] "
                                      f"(unknown key {name!r}; allowed: [topics], [terms])"))
    norm_titles = [normalize(t) for t in titles or []]
    norm_text = normalize(text) if text is not None else None
    for name in SECTIONS:
        table = doc.get(name, {})
        if not isinstance(table, dict):
            out.errors.append(Problem(where.get((None, name), 0),
                                      f"{name} 必须是一个表：[{name}] 下面写 \"词\" = \"词\" (must be a table)"))
            continue
        for key, value in table.items():
            line = where.get((name, key), 0)
            if not isinstance(value, str):
                out.errors.append(Problem(line, f"[{name}] “{key}” 的值必须是一个词（带引号的文字），"
                                  f"不能是 {type(value).__name__} (must map to a quoted word)"))
                continue
            if not key.strip() or not value.strip():
                out.errors.append(Problem(line, f"[{name}] 左右两边都不能为空 (empty word): {key!r} = {value!r}"))
                continue
            getattr(out, name).append((key, value))
            word = normalize(value).strip()
            if name == "topics" and titles is not None and not any(word in t for t in norm_titles):
                out.warnings.append(Problem(line, f"“{value}” 不在本指南任何项目的标题中，这个别名找不到项目 "
                                            f"(not a word of any project title)"))
            if name == "terms" and norm_text is not None and word not in norm_text:
                out.warnings.append(Problem(line, f"本指南正文中没有“{value}”，这个词条不会匹配任何条款 "
                                            f"(the guide never writes this word)"))
    out.errors.sort(key=lambda p: p.line)
    return out
