"""Synthetic corpora for scale tests: copies of a real guide under distinct ids, numbers shifted.

The copies keep the structure and wording, so every benchmark question stays meaningful while
the index grows; shifted numbers keep them from being byte-identical.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from rag.ingest import corpus_files, read_text


def shifted(text: str, i: int) -> str:
    """Return the guide with every integer n written as n + i and the title marked as copy i."""
    def shift(line: str) -> str:
        # Section numbers ("2.考核指标：") are structure, not figures: they stay.
        head = re.match(r"\s*\d+\s*[.．、]", line)
        cut = head.end() if head else 0
        return line[:cut] + re.sub(r"\d+", lambda m: str(int(m.group()) + i), line[cut:])

    lines = [shift(line) for line in text.splitlines()]
    for n, line in enumerate(lines):
        if "指南" in line:
            lines[n] = line.replace("指南", f"指南（合成副本 {i}）", 1)
            break
    return "\n".join(lines) + "\n"


def make_scaled_corpus(src_dir: Path, dst_dir: Path, factor: int) -> list[Path]:
    """Write the real guides plus (factor - 1) synthetic copies of each into dst_dir."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    dst_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for src in corpus_files(src_dir):
        out.append(Path(shutil.copy(src, dst_dir / src.name)))
        text = read_text(src)
        for i in range(1, factor):
            dest = dst_dir / f"{src.stem}-synthetic-{i:03d}.txt"
            dest.write_text(shifted(text, i), encoding="utf-8")
            out.append(dest)
    return out
