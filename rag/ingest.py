"""Read guides from .txt, .md, .pdf and .docx into plain text, and add them to the corpus.

Every failure a user can cause (wrong type, corrupt or encrypted file, no text) becomes an
IngestError naming the file and the reason; structural problems surface as the parser's
ParseError naming the line. Neither is ever a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path

from rag.parse import Document, parse_text

SUPPORTED = (".txt", ".md", ".pdf", ".docx")
# Editors and office suites leave these next to real files (.swp, ~$lock.docx); never guides.
IGNORED_PREFIXES = (".", "~$")
UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9_\-\u3400-\u9fff\uf900-\ufaff]+")


class IngestError(ValueError):
    """A file cannot be read as a guide; the message names the file and the reason."""


def doc_id_for(path: Path) -> str:
    """Return a URL-safe document id from the file stem (CJK, ASCII letters, digits, - and _ kept)."""
    # NFKC first so full-width "２０２３" becomes "2023" instead of being dashed away.
    stem = unicodedata.normalize("NFKC", path.stem)
    doc_id = re.sub(r"-{2,}", "-", UNSAFE_ID_CHARS.sub("-", stem)).strip("-")
    # A name of only punctuation still needs a distinct id, so derive one from the name itself.
    return doc_id or "doc-" + hashlib.sha1(path.stem.encode()).hexdigest()[:8]


def _decode(raw: bytes, name: str) -> str:
    """Decode a text file: UTF-16 if it has that BOM, else UTF-8 (BOM stripped), else GB18030."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows Notepad's "Unicode"
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):  # older Chinese government files are often GBK
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise IngestError(f"{name}: looks like a binary file, not text")
        return text
    raise IngestError(f"{name}: text is neither UTF-8 nor GB18030; re-save it as UTF-8")


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        # Many "protected" PDFs only restrict printing and open with an empty password.
        try:
            opened = bool(reader.decrypt(""))
        except Exception:  # e.g. AES without the optional cryptography package
            opened = False
        if not opened:
            raise IngestError(f"{path.name}: the PDF is encrypted; save an unprotected copy and add that")
    if not reader.pages:
        raise IngestError(f"{path.name}: the PDF has no pages (damaged file?)")
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if not text.strip():
        raise IngestError(f"{path.name}: the PDF has no text layer (scanned images?); run OCR first")
    return text


def _read_docx(path: Path) -> str:
    from docx import Document as open_docx
    from docx.table import Table

    parts: list[str] = []
    # Walk the body in order so a table stays where it sits between paragraphs.
    for block in open_docx(str(path)).iter_inner_content():
        if isinstance(block, Table):
            seen: set[object] = set()  # merged cells are repeated by row.cells; keep each once
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        parts.append(cell.text)
        else:
            parts.append(block.text)
    return "\n".join(parts)


def read_text(path: Path) -> str:
    """Return the text of a supported file; raise IngestError for anything unreadable."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise IngestError(
            f"{path.name}: unsupported type {ext or '(no extension)'}; supported: {', '.join(SUPPORTED)}"
        )
    try:
        if ext == ".pdf":
            text = _read_pdf(path)
        elif ext == ".docx":
            text = _read_docx(path)
        else:
            text = _decode(path.read_bytes(), path.name)
    except IngestError:
        raise
    except Exception as e:  # pypdf/python-docx raise many types on damaged files; report, don't crash
        raise IngestError(
            f"{path.name}: cannot read this {ext} file (damaged?): {type(e).__name__}: {e}"
        ) from e
    if not text.strip():
        raise IngestError(f"{path.name}: the file contains no text")
    return text


def load_document(path: Path) -> Document:
    """Read and parse a guide; ParseError (a ValueError) names the line it cannot structure."""
    return parse_text(read_text(path), doc_id_for(path))


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Return the guides in the corpus folder, sorted; hidden and temporary files are skipped."""
    if not corpus_dir.is_dir():
        return []
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith(IGNORED_PREFIXES)
    )


def add_file(path: Path, corpus_dir: Path) -> Path:
    """Validate a guide, then copy it into the corpus atomically; idempotent for identical files."""
    if path.name.startswith(IGNORED_PREFIXES):  # it would land but never be indexed
        raise IngestError(f"{path.name}: hidden or temporary file names are not indexed; rename it")
    load_document(path)  # refuse an unstructurable guide before anything touches the corpus
    from rag.aliases import aliases_path, load_aliases

    extra = aliases_path(path)
    load_aliases(extra)  # a broken aliases file beside it is refused too, naming itself
    data = path.read_bytes()
    doc_id = doc_id_for(path)
    for existing in corpus_files(corpus_dir):
        if doc_id_for(existing) == doc_id:
            if existing.read_bytes() == data:
                return existing
            raise IngestError(
                f"{path.name}: the corpus already has a different guide with id {doc_id!r} "
                f"({existing.name}); rename the file or remove the old one"
            )
    corpus_dir.mkdir(parents=True, exist_ok=True)
    dest = corpus_dir / path.name
    # The temp name is hidden, so a reader listing the corpus never sees a half-written guide.
    fd, tmp = tempfile.mkstemp(dir=corpus_dir, prefix=".add-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; a corpus file should be readable like a copy
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if extra.is_file():  # the guide's aliases travel with it (docs/guides.md)
        shutil.copyfile(extra, aliases_path(dest))
    return dest


def find_guide(doc_id: str, corpus_dir: Path) -> Path:
    """Return the corpus file of a guide, by id (the file stem) or file name; IngestError if none."""
    files = corpus_files(corpus_dir)
    for f in files:
        if doc_id in (doc_id_for(f), f.name, f.stem):
            return f
    known = ", ".join(doc_id_for(f) for f in files) or "none"
    raise IngestError(f"{doc_id}: no such guide in {corpus_dir} (guides: {known})")


def remove_file(doc_id: str, corpus_dir: Path, keep_dir: Path) -> Path:
    """Move a guide out of the corpus into `keep_dir` (never deleted) and return where it went."""
    src = find_guide(doc_id, corpus_dir)
    keep_dir.mkdir(parents=True, exist_ok=True)
    # A time prefix keeps every removed copy, even of a guide removed twice.
    dest = keep_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}-{src.name}"
    shutil.move(str(src), dest)
    return dest


def restore_file(kept: Path, corpus_dir: Path, name: str) -> Path:
    """Put a removed guide back into the corpus under its original name (undoes `remove_file`)."""
    dest = corpus_dir / name
    if dest.exists():
        raise IngestError(f"{name}: the corpus already has a file of that name; not overwritten")
    shutil.move(str(kept), dest)
    return dest
