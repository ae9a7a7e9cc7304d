"""The `rag` command line: build, add, remove, ask, eval, serve, bench. Heavy imports live inside commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rag import Engine, Settings


def _settings(**overrides: object) -> Settings:
    from rag import Settings

    try:
        return Settings.from_env(**overrides)
    except ValueError as e:  # a mistyped RAG_* variable: say which, exit non-zero, no traceback
        raise click.ClickException(str(e)) from e


def _fail(e: Exception) -> click.ClickException:
    """Return the error as a one-line message; a GuideQAError exits with its class's code (rag/errors.py)."""
    from rag import GuideQAError

    if not isinstance(e, GuideQAError):
        return click.ClickException(str(e))
    # click reads exit_code from the class, so the code travels in a subclass made for it.
    failure = type("GuideQAFailure", (click.ClickException,), {"exit_code": e.exit_code})
    return failure(str(e))


def _engine(settings: Settings, mode: str = "hybrid", quiet: bool = False) -> Engine:
    """Open the engine, telling the user once, on stderr, when semantic search is off."""
    import logging

    from rag import Engine
    from rag.encoder import EncoderUnavailable, load_encoder

    logging.basicConfig(level=logging.ERROR)
    encoder, reason = None, "BM25-only mode requested"
    if mode != "bm25":
        try:
            encoder = load_encoder(settings.embed_model, settings.embed_quantize, settings.model_cache_dir)
        except EncoderUnavailable as e:
            reason = str(e)
            click.echo(f"rag: semantic search is off, answering with BM25 alone — {e}", err=True)
    try:
        engine = Engine.open(settings, encoder=encoder, progress=None if quiet else _progress(),
                             use_model=encoder is not None, reason=reason)
    except Exception as e:  # a corpus the parser refuses, an unwritable index: a message, not a trace
        raise click.ClickException(str(e)) from e
    # First-call costs (lazy imports, the model's first run) are paid here, not from the first
    # question's time budget.
    engine.warm_up()
    return engine


def _progress() -> Callable[[str, int, int], None]:
    last = {"stage": ""}

    def show(stage: str, done: int, total: int) -> None:
        if stage != last["stage"]:
            if last["stage"]:
                click.echo("", err=True)
            last["stage"] = stage
        click.echo(f"\r  {stage:<16} {done}/{total}", err=True, nl=False)
        if done == total:
            click.echo("", err=True)
            last["stage"] = ""

    return show


@click.group()
@click.version_option(package_name="guideqa")
def main() -> None:
    """GuideQA (指南问答): cited, verbatim answers from funding-call guidelines."""


@main.command()
def build() -> None:
    """Index every guide in corpus/ (BM25 + dense vectors) and switch to the new index."""
    import time

    from rag import index as idx
    from rag.encoder import EncoderUnavailable, load_encoder

    s = _settings()
    t = time.perf_counter()
    try:
        encoder = load_encoder(s.embed_model, s.embed_quantize, s.model_cache_dir)
    except EncoderUnavailable as e:
        click.echo(f"rag: semantic search is off, building the BM25 index alone — {e}", err=True)
        encoder = None
    try:
        path = idx.build(s, encoder, _progress())
    except Exception as e:
        raise _fail(e) from e
    m = json.loads((path / "manifest.json").read_text())
    click.echo(f"built {m['chunks']} sections from {len(m['documents'])} guide(s) in {time.perf_counter() - t:.1f}s → {path}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
def add(file: Path) -> None:
    """Add a guide (.txt .md .pdf .docx) to corpus/ after checking it can be structured."""
    from rag.ingest import add_file

    s = _settings()
    if not file.is_file():
        raise click.ClickException(f"{file}: no such file")
    try:
        dest = add_file(file, s.corpus_dir)
    except ValueError as e:
        raise _fail(e) from e
    click.echo(f"added {dest.name}; run `rag build` to index it")


@main.command()
@click.argument("doc")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def aliases(doc: str, file: Path) -> None:
    """Check FILE and make it guide DOC's aliases file (the old one is kept in the data folder)."""
    from rag.aliases import install_aliases
    from rag.aliases_check import check_aliases
    from rag.ingest import find_guide, load_document

    s = _settings()
    try:
        guide = find_guide(doc, s.corpus_dir)
        parsed = load_document(guide)
    except ValueError as e:
        raise _fail(e) from e
    result = check_aliases(file.read_bytes(), [p.title for p in parsed.projects], parsed.text)
    for p in result.warnings:
        click.echo(f"{file}:{p.line}: warning: {p.message}", err=True)
    if not result.ok:
        for p in result.errors:
            click.echo(f"{file}:{p.line}: {p.message}", err=True)
        raise click.ClickException(f"{file}: {len(result.errors)} error(s); nothing changed")
    dest, kept = install_aliases(guide, file.read_bytes(), s.data_dir / "removed")
    click.echo(f"{dest.name}: {len(result.topics)} topic(s), {len(result.terms)} term(s)"
               + (f" (previous file kept at {kept})" if kept else "") + "; run `rag build` to use it")


@main.command()
@click.argument("doc")
def remove(doc: str) -> None:
    """Take guide DOC (its file stem) out of corpus/; the file is kept in the data folder."""
    from rag.ingest import remove_file

    s = _settings()
    try:
        kept = remove_file(doc, s.corpus_dir, s.data_dir / "removed")
    except ValueError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"removed {doc} from the corpus (file kept at {kept}); run `rag build` to drop it from the index")


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per answer.")
@click.option("--batch", type=click.File("r", encoding="utf-8"), help="Questions, one per line ('-' for stdin).")
@click.option("--previous", help="The previous question, to complete a follow-up.")
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), default="hybrid")
@click.option("--top-k", type=click.IntRange(1, 10), default=3)
@click.option("--doc", help="Ask one guide only: its file stem (see `rag guides`).")
def ask(question: str | None, as_json: bool, batch, previous: str | None, mode: str, top_k: int,  # type: ignore[no-untyped-def]
        doc: str | None) -> None:
    """Answer QUESTION from the guides, with citations."""
    from rag.render import render_text

    if (question is None) == (batch is None):
        raise click.UsageError("give a QUESTION or --batch FILE, not both")
    engine = _engine(_settings(), mode, quiet=True)
    if doc is not None and doc not in engine.documents:
        raise click.ClickException(f"unknown guide {doc!r}; loaded: {', '.join(engine.documents)}")
    questions = [question] if batch is None else (line.rstrip("\n") for line in batch)
    failed = False
    for q in questions:
        if batch is not None and not (q or "").strip():
            continue
        try:
            ans = engine.ask(q or "", previous=previous, top_k=top_k, mode=mode, doc=doc)
        except ValueError as e:
            if batch is None:
                raise _fail(e) from e
            click.echo(json.dumps({"question": q, "error": str(e)}, ensure_ascii=False))
            failed = True
            continue
        click.echo(ans.to_json() if as_json else render_text(ans))
    if failed:
        sys.exit(1)


@main.command("eval")
@click.argument("file", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--report", type=click.Path(path_type=Path), default=Path("eval/report.json"), show_default=True)
@click.option("--thresholds", type=click.Path(path_type=Path), default=Path("eval/thresholds.json"), show_default=True)
@click.option("--no-ablation", is_flag=True, help="Skip the BM25-only and dense-only runs.")
@click.option("--doc", help="Ask questions that name no guide (no \"doc\"/\"expect_doc\") of this guide.")
def eval_(file: Path | None, report: Path, thresholds: Path, no_ablation: bool, doc: str | None) -> None:
    """Score the engine on eval/questions.jsonl; exit non-zero below the kept thresholds."""
    from rag.evaluate import run_eval

    file = file or Path("eval/questions.jsonl")
    if not file.is_file():
        raise click.ClickException(f"{file}: no question set (one JSON object per line, see README)")
    try:
        ok = run_eval(file, report, thresholds, _engine(_settings()), not no_ablation, click.echo, doc)
    except ValueError as e:
        raise click.ClickException(str(e)) from e
    if not ok:
        raise click.ClickException("eval below thresholds (see above)")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the overview as JSON.")
def guides(as_json: bool) -> None:
    """List the loaded guides: id (for --doc), title, general part and projects."""
    from dataclasses import asdict

    engine = _engine(_settings(), quiet=True)
    for g in engine.guides():
        if as_json:
            click.echo(json.dumps(asdict(g), ensure_ascii=False))
            continue
        click.echo(f"{g.doc}\t{g.title}\t{len(g.projects)} projects"
                   + (f", general part: {'、'.join(c.section or '' for c in g.general)}" if g.general else ""))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the chat, document view, staff view and JSON API (building the index if missing)."""
    from rag.encoder import encoder_name
    from rag.errors import StoreError
    from rag.index import is_fresh
    from web.app import serve as run
    from web.store import open_store

    s = _settings()
    try:  # create or migrate the database once, before any worker, and fail with a message
        open_store(s).close()
    except StoreError as e:
        raise click.ClickException(str(e)) from e
    engine = None
    # Build or repair the index once, before any worker starts. Several workers each open their
    # own engine, so the parent loads the model only when the index needs (re)building.
    if workers == 1 or not is_fresh(s, encoder_name(s.embed_model, s.embed_quantize)):
        engine = _engine(s)
    click.echo(f"GuideQA at http://{host}:{port}/", err=True)
    run(host, port, s, workers=workers, engine=engine if workers == 1 else None)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("bench/report.json"), show_default=True)
@click.option("--quick", is_flag=True, help="Smaller run (CI smoke): fewer questions, 1x and 10x only, short HTTP.")
@click.option("--adversarial", "hostile", type=click.IntRange(min=1), default=None, is_flag=False, flag_value=1000,
              help="Only answer N hostile questions (default 1000) warm; report p50, p99 and the slowest.")
@click.option("--warm", "warm_only", is_flag=True,
              help="Only warm answers with every guide of the corpus loaded vs the bare embedding, repeated.")
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="With --warm: the guides to load (default RAG_CORPUS_DIR).")
@click.option("--repeat", type=click.IntRange(min=1), default=3, show_default=True, help="With --warm: passes.")
@click.option("--torch-threads", type=click.IntRange(min=1), default=None,
              help="With --warm: torch threads (1 = as each `rag serve --workers 2` worker; default torch's).")
def bench(out: Path, quick: bool, hostile: int | None, warm_only: bool, corpus: Path | None, repeat: int,
          torch_threads: int | None) -> None:
    """Measure cold start, warm latency by stage, scale and HTTP throughput; write a JSON report."""
    if warm_only:
        from rag.bench.guides import run_guides, summary

        rep = run_guides(corpus or _settings().corpus_dir, 100 if quick else 600, repeat, echo=click.echo,
                         threads=torch_threads)
        out = Path("bench/warm-guides.json") if out == Path("bench/report.json") else out
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(rep.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        click.echo(f"{summary(rep)}\nreport: {out}")
        return
    if hostile:
        from rag.bench.adversarial import run_adversarial, write

        r = run_adversarial(_engine(_settings(), quiet=True), hostile)
        if out == Path("bench/report.json"):
            out = Path("bench/adversarial.json")
        write(r, out)
        click.echo(f"{r.n} hostile questions up to {r.max_chars} characters, answered warm with caches cleared:\n"
                   f"  p50 {r.p50_ms} ms  p99 {r.p99_ms} ms  slowest {r.max_ms} ms  (bare short query embedding "
                   f"{r.embed_floor_ms} ms)\n  too complex {r.too_complex}  refused {r.errors}  most steps {r.max_steps}\n"
                   f"  slowest: {r.slowest!r}\nreport: {out}")
        return
    from rag.bench.extras import hint, missing

    if gone := missing():  # a plain install: say which extra, exit non-zero, no traceback
        raise click.ClickException(hint(gone))
    from rag.bench import run_bench

    run_bench(out, quick=quick, echo=click.echo)


if __name__ == "__main__":
    main()
