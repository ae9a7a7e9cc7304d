"""Rebuild the index in the background after staff add or remove a guide, progress kept on disk.

The engine in service keeps answering while a build runs; the new engine is loaded beside it
and handed to `install` only when complete. A failed build puts the corpus back as it was (the
upload stays staged, a removed file returns) and the old index keeps serving. Progress lives
in ``<data>/guide-jobs/<id>.json`` so every server process can show it, and one lock file lets
only one rebuild run at a time across processes.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from rag import index as idx
from rag.engine import Engine
from rag.ingest import IngestError, add_file, corpus_files, doc_id_for, find_guide, remove_file, restore_file
from rag.settings import Settings

log = logging.getLogger("rag")
JOB_RE = re.compile(r"[0-9a-f]{12}")
# Shown to staff; the keys are the stages `rag.index.build` reports, then loading the new engine.
STAGES = {"queued": "排队中", "parse": "解析指南", "tokenize": "分词", "embed sections": "计算章节向量",
          "embed clauses": "计算条款向量", "embed metric groups": "计算指标向量", "embed projects": "计算项目向量",
          "load": "加载新索引", "done": "完成"}
# Rough share of a build each stage takes (embedding dominates), for one progress bar.
WEIGHTS = {"parse": 0.05, "tokenize": 0.05, "embed sections": 0.25, "embed clauses": 0.4, "embed metric groups": 0.15,
           "embed projects": 0.02, "load": 0.08}
WRITE_EVERY = 0.25  # seconds between progress writes


class Busy(RuntimeError):
    """Another rebuild is running; try again when it is done."""


@dataclass
class Job:
    """One add or remove and the rebuild after it."""

    id: str
    action: str  # "add" | "remove" | "aliases"
    doc: str
    name: str  # the file added or removed
    state: str = "running"  # "running" | "done" | "failed"
    stage: str = "queued"
    done: int = 0
    total: int = 0
    message: str = ""
    started_at: str = ""
    finished_at: str = ""

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)

    @property
    def percent(self) -> int:
        """Return the whole job's progress, 0-100."""
        if self.state == "done":
            return 100
        before = 0.0
        for stage, w in WEIGHTS.items():
            if stage == self.stage:
                return int(100 * (before + w * (self.done / self.total if self.total else 0)))
            before += w
        return 0

    def to_dict(self) -> dict:
        return asdict(self) | {"stage_label": self.stage_label, "percent": self.percent}


class Reindexer:
    """Starts rebuilds for one data folder and reports their progress."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dir = settings.data_dir / "guide-jobs"
        self._threads: dict[str, threading.Thread] = {}

    def add(self, staged: Path, current: Engine, install: Callable[[Engine], None],
            on_success: Callable[[], None] = lambda: None) -> Job:
        """Copy a staged guide into the corpus and rebuild; raise IngestError/ParseError, or Busy."""
        corpus = self.settings.corpus_dir

        def change() -> Callable[[], None]:
            before = {f.name for f in corpus_files(corpus)}
            dest = add_file(staged, corpus)
            return (lambda: dest.unlink(missing_ok=True)) if dest.name not in before else (lambda: None)

        return self._start("add", staged, change, current, install, on_success)

    def remove(self, doc: str, current: Engine, install: Callable[[Engine], None]) -> Job:
        """Move a guide out of the corpus (kept under data/removed) and rebuild; IngestError if unknown."""
        path = find_guide(doc, self.settings.corpus_dir)
        if len(corpus_files(self.settings.corpus_dir)) <= 1:
            raise IngestError(f"{doc}: 不能删除唯一的指南，请先添加另一份 (cannot remove the only guide)")

        def change() -> Callable[[], None]:
            kept = remove_file(doc, self.settings.corpus_dir, self.settings.data_dir / "removed")

            def undo() -> None:
                restore_file(kept, self.settings.corpus_dir, path.name)

            return undo

        return self._start("remove", path, change, current, install, lambda: None)

    def set_aliases(self, doc: str, staged: Path, current: Engine, install: Callable[[Engine], None],
                    on_success: Callable[[], None] = lambda: None) -> Job:
        """Install a checked aliases file as guide `doc`'s and rebuild; the file it replaces is kept
        under data/removed. Raise IngestError (unknown guide), ValueError (a bad file), or Busy."""
        from rag.aliases import aliases_path, install_aliases, restore_aliases
        from rag.aliases_check import check_aliases

        guide = find_guide(doc, self.settings.corpus_dir)
        data = staged.read_bytes()
        bad = check_aliases(data).errors
        if bad:
            raise ValueError(f"{staged.name}: line {bad[0].line}: {bad[0].message}")
        dest = aliases_path(guide)

        def change() -> Callable[[], None]:
            _, kept = install_aliases(guide, data, self.settings.data_dir / "removed")
            return lambda: restore_aliases(dest, kept)

        return self._start("aliases", guide, change, current, install, on_success, name=dest.name)

    def job(self, job_id: str) -> Job | None:
        """Return a job's state, or None; a job left running by a process that died is failed."""
        if not JOB_RE.fullmatch(job_id):
            return None
        try:
            job = Job(**json.loads((self.dir / f"{job_id}.json").read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if job.state == "running" and job_id not in self._threads and not self._locked():
            job.state, job.message = "failed", "重建中断（服务器重启？），请重新操作 (rebuild interrupted)"
        return job

    def recent(self, n: int = 5) -> list[Job]:
        """Return the last n jobs, newest first."""
        files = sorted(self.dir.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True) if self.dir.is_dir() else []
        return [j for j in (self.job(f.stem) for f in files[:n]) if j]

    def wait(self, job_id: str, timeout: float = 300) -> Job | None:
        """Block until a job started by this process ends (for the CLI and tests)."""
        thread = self._threads.get(job_id)
        if thread:
            thread.join(timeout)
        return self.job(job_id)

    def _locked(self) -> bool:
        try:
            fd = self._lock()
        except Busy:
            return True
        os.close(fd)
        return False

    def _lock(self) -> int:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Busy("另一次索引重建正在进行，请稍后再试 (another rebuild is running)") from None
        return fd

    def _start(self, action: str, path: Path, change: Callable[[], Callable[[], None]], current: Engine,
               install: Callable[[Engine], None], on_success: Callable[[], None], name: str = "") -> Job:
        fd = self._lock()
        try:
            undo = change()  # refusals (a conflicting id, an unreadable file) raise here, nothing started
        except BaseException:
            os.close(fd)
            raise
        job = Job(uuid.uuid4().hex[:12], action, doc_id_for(path), name or path.name, started_at=_now())
        self._write(job)
        thread = threading.Thread(target=self._run, args=(job, fd, undo, current, install, on_success),
                                  name=f"reindex-{job.id}", daemon=True)
        self._threads[job.id] = thread
        thread.start()
        return job

    def _run(self, job: Job, fd: int, undo: Callable[[], None], current: Engine,
             install: Callable[[Engine], None], on_success: Callable[[], None]) -> None:
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if stage != job.stage or done == total or now - last[0] > WRITE_EVERY:
                job.stage, job.done, job.total = stage, done, total
                self._write(job)
                last[0] = now

        root = self.settings.index_dir
        before = (root / "CURRENT").read_text().strip() if (root / "CURRENT").exists() else ""
        try:
            build_dir = idx.build(self.settings, current.encoder, progress)
            progress("load", 0, 1)
            install(Engine(self.settings, build_dir, current.encoder, current.dense_reason))
            progress("load", 1, 1)
            job.state, job.stage = "done", "done"
            try:
                on_success()
            except Exception as e:  # the guide is served; only the staged copy could not be tidied
                log.warning("staged upload not removed: %s", e)
        except Exception as e:
            log.error("rebuild after %s %s failed, still serving the previous index: %s", job.action, job.doc, e)
            job.state, job.message = "failed", f"{type(e).__name__}: {e}"
            try:
                undo()
                if before and (root / "CURRENT").read_text().strip() != before:
                    idx._switch(root, before)  # back to the build that matches the restored corpus
            except Exception as u:
                job.message += f"; 恢复语料失败 (corpus not restored): {u}"
        finally:
            job.finished_at = _now()
            self._write(job)
            self._threads.pop(job.id, None)
            os.close(fd)

    def _write(self, job: Job) -> None:
        tmp = self.dir / f".{job.id}.{uuid.uuid4().hex[:6]}"
        tmp.write_text(json.dumps(asdict(job), ensure_ascii=False))
        os.replace(tmp, self.dir / f"{job.id}.json")


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")
