"""A loaded (and quantized) embedding model kept as one file, so the next process starts fast.

Loading the model folder costs ~3.4 s, nearly all of it the tokenizer: transformers reads
tokenizer.json as Python JSON, converts it and builds it again. Unpickling the finished model
takes ~1.0 s with identical embeddings, which is what keeps cold start under 10 s (rag bench).

The file is a pickle, which can run code when loaded: it lives in the index folder this
program writes, is written atomically and is keyed on everything it was made from, so only a
file we wrote for exactly this model, precision and library versions is ever loaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".model.pt"
# A write takes ~2 s; a temporary file this old belongs to no living writer.
STRAY_SECONDS = 3600


def cache_key(model_dir: str, quantize: bool) -> str | None:
    """Return a key for a local model folder's loaded form; None for a hub id (nothing to stat)."""
    folder = Path(model_dir)
    if not folder.is_dir():
        return None
    import sentence_transformers
    import torch
    import transformers

    files = sorted(
        (str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    )
    parts = {"folder": str(folder.resolve()), "files": files, "quantize": quantize, "torch": torch.__version__,
             "transformers": transformers.__version__, "sentence_transformers": sentence_transformers.__version__}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


def load(cache_dir: Path, key: str) -> object | None:
    """Return the model stored under `key`, or None (absent, or unreadable: then it is removed)."""
    path = cache_dir / (key + SUFFIX)
    if not path.exists():
        return None
    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's notes about its own storage classes
            return torch.load(path, weights_only=False, map_location="cpu")
    except Exception as e:  # a truncated or foreign file: load the folder instead, and replace it
        log.warning("ignoring unreadable model cache %s: %s", path, e)
        path.unlink(missing_ok=True)
        return None


def store(cache_dir: Path, key: str, model: object) -> None:
    """Write the model under `key` atomically and drop files of other keys; failures only log."""
    import torch

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        os.close(fd)
        try:
            torch.save(model, tmp)
            os.replace(tmp, cache_dir / (key + SUFFIX))
        finally:
            Path(tmp).unlink(missing_ok=True)
        for old in cache_dir.glob("*" + SUFFIX):
            if old.name != key + SUFFIX:
                old.unlink(missing_ok=True)  # another model or version: each is 0.4 GB
        for stray in cache_dir.glob("*.tmp"):  # left by a process killed while writing
            if time.time() - stray.stat().st_mtime > STRAY_SECONDS:
                stray.unlink(missing_ok=True)
    except Exception as e:  # a full disk or read-only folder costs start-up time, nothing else
        log.warning("could not keep the loaded model in %s: %s", cache_dir, e)
