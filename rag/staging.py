"""Guides uploaded by staff, kept in the data folder until confirmed: stage, preview, confirm, discard.

An upload is written to ``<data>/uploads/<token>/`` before anything reads it, so a file that
fails to parse, a crash or a failed rebuild never loses what staff sent; only a successful
rebuild or an explicit discard deletes it.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest import IGNORED_PREFIXES, SUPPORTED, IngestError, corpus_files, doc_id_for, read_text
from rag.parse import parse_text

TOKEN_RE = re.compile(r"[0-9a-f]{32}")
LINE_RE = re.compile(r"\blines? (\d+)")
# What each type must start with: a renamed file is refused before a reader sees it.
MAGIC = {".pdf": (b"%PDF-",), ".docx": (b"PK\x03\x04",)}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MAX_NAME_CHARS = 150
CELL_CHARS = 24  # how much of each section the preview shows


class UploadError(ValueError):
    """An upload is refused before staging; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class PreviewProject:
    """One project row of the preview: its label, title and the start of each section (or None)."""

    label: str
    title: str
    cells: list[str | None]


@dataclass
class Preview:
    """What staff see before confirming: the parsed structure, or the parser's refusal and its line."""

    token: str
    name: str
    doc: str
    size: int
    uploaded_at: str
    title: str = ""
    headings: list[str] = field(default_factory=list)
    projects: list[PreviewProject] = field(default_factory=list)
    general: list[str] = field(default_factory=list)  # headings of the general part, if any
    error: str = ""
    line_no: int = 0  # the line the refusal names, and its text
    line_text: str = ""
    existing: str = ""  # "same" (already in the corpus) or "conflict" (another file, same id)

    @property
    def ok(self) -> bool:
        """Return whether the guide can be added as it stands."""
        return not self.error and not self.existing


def clean_name(name: str) -> str:
    """Return the upload's base name, safe as a file name; raise UploadError if it cannot serve."""
    base = unicodedata.normalize("NFKC", re.split(r"[\\/]", name or "")[-1])
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if not base or base.startswith(IGNORED_PREFIXES):
        raise UploadError(f"文件名不可用 (unusable file name): {name!r}")
    if len(base) > MAX_NAME_CHARS:
        raise UploadError(f"文件名过长：最多 {MAX_NAME_CHARS} 个字符 (file name too long)")
    return base


def check_type(name: str, head: bytes) -> None:
    """Refuse (415) a type the reader does not take, or content that is not what its name says."""
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED:
        raise UploadError(f"{name}: 不支持的文件类型 {ext or '(无扩展名)'}，请上传 {'、'.join(SUPPORTED)} "
                          f"(unsupported type)", 415)
    starts = MAGIC.get(ext)
    if starts and not head.startswith(starts):
        raise UploadError(f"{name}: 文件内容不是 {ext} 格式 (content is not {ext})", 415)
    if not starts and b"\x00" in head and not head.startswith(UTF16_BOMS):
        raise UploadError(f"{name}: 文件内容不是文本 (content is not text)", 415)


def stage(uploads: Path, name: str, data: bytes, max_bytes: int) -> str:
    """Check and keep an upload; return its token."""
    if len(data) > max_bytes:
        raise UploadError(f"文件过大：最多 {max_bytes // (1024 * 1024)} MB (file over {max_bytes} bytes)", 413)
    if not data:
        raise UploadError("文件是空的 (the file is empty)")
    name = clean_name(name)
    check_type(name, data[:4096])
    token = uuid.uuid4().hex
    folder = uploads / token
    folder.mkdir(parents=True)
    (folder / name).write_bytes(data)
    meta = {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "uploaded_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    return token


def stage_aliases(uploads: Path, doc: str, data: bytes, max_bytes: int) -> str:
    """Keep an aliases file uploaded for guide `doc` (checked at preview, not here); return its token."""
    if len(data) > max_bytes:
        raise UploadError(f"文件过大：最多 {max_bytes // 1024} KB (file over {max_bytes} bytes)", 413)
    if not data.strip():
        raise UploadError("文件是空的 (the file is empty)")
    token = uuid.uuid4().hex
    folder = uploads / token
    folder.mkdir(parents=True)
    name = f"{doc}.aliases.toml"
    (folder / name).write_bytes(data)
    meta = {"name": name, "doc": doc, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "uploaded_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    return token


def staged_file(uploads: Path, token: str) -> tuple[Path, dict]:
    """Return a staged upload's file and metadata; KeyError if there is none."""
    if not TOKEN_RE.fullmatch(token):
        raise KeyError(token)
    folder = uploads / token
    try:
        meta = json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError) as e:
        raise KeyError(token) from e
    path = folder / meta["name"]
    if not path.is_file():
        raise KeyError(token)
    return path, meta


def pending(uploads: Path) -> list[tuple[str, dict]]:
    """Return the staged uploads (token, metadata), oldest first."""
    out = []
    for folder in uploads.iterdir() if uploads.is_dir() else []:
        try:
            out.append((folder.name, staged_file(uploads, folder.name)[1]))
        except KeyError:  # half-written, or discarded meanwhile
            continue
    return sorted(out, key=lambda item: item[1]["uploaded_at"])


def discard(uploads: Path, token: str) -> None:
    """Delete a staged upload (staff chose to, or the guide is now in the corpus)."""
    staged_file(uploads, token)
    shutil.rmtree(uploads / token)


def existing(path: Path, corpus_dir: Path) -> str:
    """Return "same" if the corpus holds this file already, "conflict" if another with its id, else ""."""
    doc = doc_id_for(path)
    for f in corpus_files(corpus_dir):
        if doc_id_for(f) == doc:
            return "same" if f.read_bytes() == path.read_bytes() else "conflict"
    return ""


def preview(uploads: Path, token: str, corpus_dir: Path) -> Preview:
    """Parse a staged upload; a refusal is part of the preview, with the line it names."""
    path, meta = staged_file(uploads, token)
    pv = Preview(token, meta["name"], doc_id_for(path), meta["size"], meta["uploaded_at"])
    pv.existing = existing(path, corpus_dir)
    text = ""
    try:
        text = read_text(path)
        doc = parse_text(text, pv.doc)
    except (IngestError, ValueError) as e:
        pv.error = str(e)
        m = LINE_RE.search(pv.error)
        lines = text.splitlines()
        if m and 0 < int(m.group(1)) <= len(lines):
            pv.line_no, pv.line_text = int(m.group(1)), lines[int(m.group(1)) - 1].strip()[:200]
        return pv
    pv.title = doc.title
    pv.general = [s.heading for s in doc.general]
    for p in doc.projects:
        for s in p.sections:
            if s.heading not in pv.headings:
                pv.headings.append(s.heading)
    for p in doc.projects:
        by = {s.heading: doc.text[s.start : s.end] for s in p.sections}
        cells = [_cut(by[h]) if h in by else None for h in pv.headings]
        pv.projects.append(PreviewProject(p.label, p.title, cells))
    return pv


def _cut(text: str) -> str:
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS] + "…"
