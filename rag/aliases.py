"""Per-guide aliases: the words people use for one guide's topics and metrics, from a data file.

Knowledge of one particular guide (a colloquial name for a project whose title uses a terser
word; the English name of one of its metrics) lives beside the guide as ``<stem>.aliases.toml``,
not in code. The file is
optional and written by help-desk staff; its format is documented in docs/guides.md::

    [topics]      # what people say = a word of one of this guide's project titles
    "自动驾驶" = "某标题词"
    [terms]       # English or spoken words = the guide's own term for them
    "cleanliness" = "某指标词"
"""

from __future__ import annotations

import os
import time
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

SUFFIX = ".aliases.toml"
SECTIONS = ("topics", "terms")


@dataclass
class Aliases:
    """Topic aliases (alias → title word) and term glossary (word → guide term), keys normalised."""

    topics: dict[str, str] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)

    def update(self, other: Aliases) -> None:
        self.topics.update(other.topics)
        self.terms.update(other.terms)

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {"topics": self.topics, "terms": self.terms}


def aliases_path(guide: Path) -> Path:
    """Return where the aliases of a guide file live: the same folder and stem, .aliases.toml."""
    return guide.with_name(guide.stem + SUFFIX)


def load_aliases(path: Path) -> Aliases:
    """Read an aliases file; a missing file is no aliases; raise ValueError naming a bad one."""
    from rag.normalize import normalize

    if not path.is_file():
        return Aliases()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path.name}: not a valid aliases file ({e})") from e
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise ValueError(f"{path.name}: unknown table(s) {sorted(unknown)}; allowed: [topics], [terms]")
    out = Aliases()
    for name in SECTIONS:
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ValueError(f"{path.name}: [{name}] must be a table of \"word\" = \"word\" lines")
        for k, v in table.items():
            if not isinstance(v, str) or not k.strip() or not v.strip():
                raise ValueError(f"{path.name}: [{name}] {k!r} must map to a non-empty word")
            getattr(out, name)[normalize(k).strip()] = normalize(v).strip()
    return out


def install_aliases(guide: Path, data: bytes, keep_dir: Path) -> tuple[Path, Path | None]:
    """Write `data` as the guide's aliases file (atomically), keeping the file it replaces in
    `keep_dir`; return the file written and the kept copy (None when there was none)."""
    dest = aliases_path(guide)
    kept = None
    if dest.exists():
        keep_dir.mkdir(parents=True, exist_ok=True)
        kept = keep_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}-{dest.name}"
        kept.write_bytes(dest.read_bytes())
    _write_atomic(dest, data)
    return dest, kept


def restore_aliases(dest: Path, kept: Path | None) -> None:
    """Undo `install_aliases`: the kept file back in place, or no aliases file if there was none."""
    if kept is not None:
        _write_atomic(dest, kept.read_bytes())
    else:
        dest.unlink(missing_ok=True)


def _write_atomic(dest: Path, data: bytes) -> None:
    """Write under a hidden temporary name, then rename: a reader never sees half a file."""
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:6]}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)
