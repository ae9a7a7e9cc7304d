"""Build, store and load the index: parsed guides, BM25 terms and dense vectors, with a manifest.

Layout: ``index/builds/<id>/`` holds one complete build; ``index/CURRENT`` names the one in
service and is replaced atomically, so a killed build leaves the previous index in place.
The manifest records the corpus hash, model, settings and versions, and a sha256 of every
artifact: a stale or corrupt build is detected on load and never served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from rag.aliases import Aliases, aliases_path, load_aliases
from rag.bilingual import build_glossary
from rag.encoder import Encoder
from rag.errors import IndexUnavailable
from rag.ingest import corpus_files, load_document
from rag.lexicon import ENGLISH_GLOSSARY
from rag.parse import Document, Project, Section
from rag.settings import Settings
from rag.tokenize import Tokenizer, guide_words
from rag.topics import topic_words
from rag.types import Chunk, Clause

FORMAT_VERSION = 10
Progress = Callable[[str, int, int], None]


# The old name, kept for callers written before rag/errors.py.
IndexError_ = IndexUnavailable


def corpus_hash(corpus_dir: Path) -> str:
    """Return a hash over the names and bytes of every corpus file."""
    h = hashlib.sha256()
    for f in corpus_files(corpus_dir):
        h.update(f.name.encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
        extra = aliases_path(f)
        if extra.is_file():  # staff editing a guide's aliases file makes the index stale too
            h.update(extra.name.encode() + b"\0" + hashlib.sha256(extra.read_bytes()).digest())
    return h.hexdigest()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("guideqa", "rank-bm25", "bm25s", "jieba", "faiss-cpu", "sentence-transformers"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out


def passage_text(c: Chunk) -> str:
    """Return what the dense model sees of a chunk: where it sits, then its words."""
    return f"{c.project or ''} {c.project_title or ''} · {c.section or ''}：{c.text}"


def expected_manifest(settings: Settings, model: str | None) -> dict:
    """Return the manifest fields a build for these inputs must carry."""
    return {
        "format": FORMAT_VERSION,
        "corpus": corpus_hash(settings.corpus_dir),
        "model": model,
        "settings": settings.index_fingerprint(),
    }


def build(settings: Settings, encoder: Encoder | None, progress: Progress | None = None) -> Path:
    """Parse the corpus, tokenise, embed and write a new build; switch CURRENT to it."""
    step = progress or (lambda stage, done, total: None)
    files = corpus_files(settings.corpus_dir)
    if not files:
        raise IndexError_(f"no guides in {settings.corpus_dir}: add one with `rag add FILE`")
    t0 = time.perf_counter()
    docs: list[Document] = []
    aliases = Aliases()
    for i, f in enumerate(files):
        docs.append(load_document(f))
        aliases.update(load_aliases(aliases_path(f)))
        step("parse", i + 1, len(files))
    chunks = [c for d in docs for c in d.chunks()]
    words = guide_words(
        [p.title for d in docs for p in d.projects],
        [c.section or "" for c in chunks],
        [cl.text for c in chunks for cl in c.clauses],
        [*aliases.topics, *aliases.topics.values(), *aliases.terms.values()],
    )
    tok = Tokenizer(settings.tokenizer, words)
    # BM25 ranks clauses, not whole sections: a long 考核指标 section would otherwise lose to
    # every short one on length normalisation. Each clause carries its section's labels.
    tokens, owners = [], []
    for i, c in enumerate(chunks):
        head = f"{c.project} {c.project_title} {c.section}"
        for cl in c.clauses or (Clause(c.text, c.start, c.end),):
            tokens.append(tok(f"{head} {cl.text}"))
            owners.append(i)
        step("tokenize", i + 1, len(chunks))

    root = settings.index_dir
    tmp = root / "builds" / f".tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    (tmp / "documents.json").write_text(json.dumps([asdict(d) for d in docs], ensure_ascii=False))
    (tmp / "aliases.json").write_text(json.dumps(aliases.to_dict(), ensure_ascii=False))
    (tmp / "tokens.json").write_text(json.dumps({"words": sorted(words), "tokens": tokens, "owners": owners}, ensure_ascii=False))
    # English for the guides' distinctive title words (rag/bilingual.py). Not for common words (应用,
    # 智能 would take over "application", "able") nor metric names (引导 took "guide", 成分 "component"
    # and the near-miss check then asked for them): English metric words are the hand glossary's.
    vocab = set(topic_words(docs, tok))
    (tmp / "bilingual.json").write_text(json.dumps(build_glossary(vocab, ENGLISH_GLOSSARY), ensure_ascii=False))
    if encoder is not None:
        import faiss

        vecs = _embed(encoder, [passage_text(c) for c in chunks], "sections", step)
        index = faiss.IndexFlatIP(vecs.shape[1])
        index.add(vecs)
        faiss.write_index(index, str(tmp / "sections.faiss"))
        clause_texts = [f"{c.section}：{cl.text}" for c in chunks for cl in c.clauses]
        np.save(tmp / "clauses.npy", _embed(encoder, clause_texts, "clauses", step))
        _embed_semantic(tmp, docs, chunks, encoder, step)
    manifest = expected_manifest(settings, encoder.name if encoder else None) | {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(time.perf_counter() - t0, 2),
        "documents": [d.id for d in docs],
        "chunks": len(chunks),
        "settings_public": settings.public(),
        "versions": _versions(),
        "files": {p.name: _sha(p) for p in sorted(tmp.iterdir())},
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    # Names sort by creation time (to the nanosecond), so "the last two builds" is well defined.
    now = time.time_ns()
    final = root / "builds" / f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime(now // 10**9))}-{now % 10**9:09d}"
    os.replace(tmp, final)
    _switch(root, final.name)
    return final


def _embed_semantic(tmp: Path, docs: list[Document], chunks: list[Chunk], encoder: Encoder, step: Progress) -> None:
    """Embed every metric group and every project (title + problem) for the dense fallback (rag/semantic.py)."""
    from rag.roles import PROBLEM
    from rag.semantic import group_text, metric_spans, project_text

    texts = {d.id: d.text for d in docs}
    spans = metric_spans(chunks, texts)
    np.save(tmp / "groups.npy", _embed(encoder, [group_text(chunks[i], texts[chunks[i].doc][a:b])
                                                 for i, a, b in spans], "metric groups", step))
    projects, ptexts = [], []
    for d in docs:
        for p in d.projects:
            if not p.sections:
                continue
            problem = next((s for s in p.sections if s.role == PROBLEM), p.sections[0])
            projects.append([d.id, p.number])
            ptexts.append(project_text(p.title, d.text[problem.start : problem.end]))
    np.save(tmp / "projects.npy", _embed(encoder, ptexts, "projects", step))
    (tmp / "semantic.json").write_text(json.dumps({"groups": spans, "projects": projects}))


def _embed(encoder: Encoder, texts: list[str], stage: str, step: Progress) -> np.ndarray:
    # Batches of 64: large enough to keep the model busy, small enough to show progress.
    out = []
    step(f"embed {stage}", 0, len(texts))  # say which stage is running before its first batch ends
    for i in range(0, len(texts), 64):
        out.append(encoder.encode(texts[i : i + 64], kind="passage"))
        step(f"embed {stage}", min(i + 64, len(texts)), len(texts))
    return np.vstack(out).astype(np.float32) if out else np.zeros((0, encoder.dim), np.float32)


def _switch(root: Path, name: str) -> None:
    """Point CURRENT at a finished build atomically, then drop all but the last two builds."""
    tmp = root / f".CURRENT.{uuid.uuid4().hex[:6]}"
    tmp.write_text(name)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / "CURRENT")
    builds = sorted(p for p in (root / "builds").iterdir() if not p.name.startswith("."))
    for old in builds[:-2]:
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)


def current_build(root: Path) -> Path:
    """Return the build CURRENT names; raise IndexError_ when there is none."""
    try:
        name = (root / "CURRENT").read_text().strip()
    except OSError as e:
        raise IndexError_(f"no index in {root}: run `rag build`") from e
    path = root / "builds" / name
    if not name or not path.is_dir():
        raise IndexError_(f"index {root}/CURRENT names a missing build {name!r}: run `rag build`")
    return path


def read_manifest(build_dir: Path) -> dict:
    """Return the manifest after checking every artifact against its recorded sha256."""
    try:
        manifest = json.loads((build_dir / "manifest.json").read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise IndexError_(f"index manifest in {build_dir} is unreadable: {e}") from e
    for name, digest in files.items():
        path = build_dir / name
        if not path.exists() or _sha(path) != digest:
            raise IndexError_(f"index file {path} is missing or corrupt (checksum mismatch)")
    return manifest


def is_fresh(settings: Settings, model: str | None) -> bool:
    """Return True if the current build matches the corpus, settings and model (no model loaded)."""
    try:
        manifest = read_manifest(current_build(settings.index_dir))
    except IndexError_:
        return False
    return all(manifest.get(k) == v for k, v in expected_manifest(settings, model).items())


def load_documents(build_dir: Path) -> list[Document]:
    """Rebuild the parsed documents stored in a build."""
    raw = json.loads((build_dir / "documents.json").read_text())
    docs = []
    for d in raw:
        def section(s: dict) -> Section:
            return Section(s["number"], s["heading"], s["start"], s["end"], [Clause(**c) for c in s["clauses"]],
                           s.get("role"))

        projects = [
            Project(p["label"], p["title"], p["start"], p["end"], [section(s) for s in p["sections"]],
                    p.get("number", 0), p.get("group"))
            for p in d["projects"]
        ]
        docs.append(Document(d["id"], d["title"], d["text"], projects, [section(s) for s in d.get("general", [])]))
    return docs
