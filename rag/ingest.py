"""Read guides from .txt, .md, .pdf and .docx into text, and add them to the corpus."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from rag.parse import Document, parse_text

SUPPORTED = (".txt", ".md", ".pdf", ".docx")


class IngestError(ValueError):
    """A file cannot be read as a guide; the message names the file and the reason."""


def doc_id_for(path: Path) -> str:
    """Return a URL-safe document id from the file name (CJK, letters, digits, - and _ kept)."""
    stem = re.sub(r"[^\w\u3400-\u9fff-]+", "-", path.stem).strip("-")
    return stem or "document"


def read_text(path: Path) -> str:
    """Return the text of a supported file; raise IngestError for anything unreadable."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise IngestError(f"{path.name}: unsupported type {ext or '(none)'}; supported: {', '.join(SUPPORTED)}")
    try:
        if ext in (".txt", ".md"):
            raw = path.read_bytes()
            try:
                return raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                return raw.decode("gb18030")
        if ext == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(str(path))
            if reader.is_encrypted:
                raise IngestError(f"{path.name}: the PDF is encrypted")
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
            if not text.strip():
                raise IngestError(f"{path.name}: the PDF has no text layer (scanned images?)")
            return text
        from docx import Document as Docx

        d = Docx(str(path))
        parts = [p.text for p in d.paragraphs]
        parts += [cell.text for table in d.tables for row in table.rows for cell in row.cells]
        return "\n".join(parts)
    except IngestError:
        raise
    except Exception as e:  # a corrupt file of any kind: the user gets the reason, not a traceback
        raise IngestError(f"{path.name}: cannot read {ext} file: {type(e).__name__}: {e}") from e


def load_document(path: Path) -> Document:
    """Read and parse a guide; ParseError (a ValueError) names the line it cannot structure."""
    return parse_text(read_text(path), doc_id_for(path))


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Return the guides in the corpus folder, sorted; hidden and temporary files are skipped."""
    if not corpus_dir.is_dir():
        return []
    return sorted(
        p for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith((".", "~$"))
    )


def add_file(path: Path, corpus_dir: Path) -> Path:
    """Validate a guide, then copy it into the corpus atomically; idempotent for identical files."""
    load_document(path)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    data = path.read_bytes()
    doc_id = doc_id_for(path)
    for existing in corpus_files(corpus_dir):
        if doc_id_for(existing) == doc_id:
            if hashlib.sha256(existing.read_bytes()).digest() == hashlib.sha256(data).digest():
                return existing
            raise IngestError(f"{path.name}: a different guide with id {doc_id!r} is already in the corpus")
    dest = corpus_dir / path.name
    fd, tmp = tempfile.mkstemp(dir=corpus_dir, prefix=".add-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, dest)
    return dest
