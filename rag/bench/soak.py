"""Soak test: many concurrent clients asking and posting feedback; no 5xx, every feedback stored once.

    python -m rag.bench.soak --requests 10000 --clients 100                  # one server, SQLite
    python -m rag.bench.soak --requests 10000 --clients 100 --replicas 2 --postgres --restart
        # two replicas on one throwaway PostgreSQL, restarted halfway through (docs/deploy.md)

Feedback goes to another replica than the one that answered, each answer is voted on at most once
(the store keeps one vote per answer), and every comment is unique, so "stored
exactly once" is checked row by row. During a database restart feedback may answer 503 (never
acknowledged, so nothing is lost); /api/ask must never answer 5xx.
The CI variants (tests/robustness/test_soak.py, tests/web/test_fleet.py) run the same code with
fewer requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rag.bench.benchq import bench_questions


async def _soak(bases: list[str], total: int, clients: int, feedback_share: float,
                midway: Callable[[], None] | None) -> dict:
    import httpx

    qs = bench_questions(300)
    counts: Counter[str] = Counter()
    acked: list[str] = []  # comments the server acknowledged with 201
    ids: list[tuple[str, int]] = []  # (answer id, replica that answered), each voted on once
    errors: list[str] = []
    todo = iter(range(total))
    rng = random.Random(11)
    event: dict[str, float] = {}

    def run_midway() -> None:
        assert midway is not None
        event["start"] = time.perf_counter()
        midway()
        event["end"] = time.perf_counter()

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=clients)) as client:

        async def worker() -> None:
            for i in todo:
                if midway is not None and i == total // 2:
                    threading.Thread(target=run_midway, daemon=True).start()
                kind = "ask"
                try:
                    if ids and rng.random() < feedback_share:
                        kind = "feedback"
                        aid, served_by = ids.pop(rng.randrange(len(ids)))
                        base = bases[(served_by + 1) % len(bases)]  # crosswise when there are replicas
                        comment = f"soak-{i}"
                        r = await client.post(base + "/api/feedback", json={
                            "answer_id": aid, "vote": rng.choice(["up", "down"]), "comment": comment})
                        if r.status_code == 201:
                            acked.append(comment)
                    else:
                        which = rng.randrange(len(bases))
                        r = await client.post(bases[which] + "/api/ask", json={"question": rng.choice(qs)})
                        if r.status_code == 200 and r.json().get("id"):
                            ids.append((r.json()["id"], which))
                    counts[kind] += 1
                    if r.status_code >= 500:
                        counts["5xx"] += 1
                        counts[f"{kind}_5xx"] += 1
                        if len(errors) < 5:
                            errors.append(f"{kind} {r.status_code}: {r.text[:200]}")
                    elif r.status_code == 429:
                        counts["429"] += 1
                    elif r.status_code == 404:
                        counts[f"{kind}_404"] += 1
                except httpx.HTTPError as e:
                    counts["other_errors"] += 1
                    counts[f"{kind}_other_errors"] += 1
                    if len(errors) < 5:  # enough to diagnose, not a flood
                        errors.append(f"{kind} {type(e).__name__}: {e}")

        await asyncio.gather(*(worker() for _ in range(clients)))
    out: dict[str, object] = {k: counts[k] for k in ("ask", "feedback", "5xx", "ask_5xx", "feedback_5xx", "feedback_404", "429",
                                  "other_errors", "ask_other_errors", "feedback_other_errors")}
    if event:
        out["midway_seconds"] = round(event.get("end", time.perf_counter()) - event["start"], 1)
    return out | {"acked": acked, "errors": errors}


def stored_comments(db: Path | str) -> list[str]:
    """Return the soak's feedback comments as stored, from a SQLite file or a PostgreSQL URL."""
    sql = "SELECT comment FROM feedback WHERE comment LIKE 'soak-%'"
    if isinstance(db, str) and db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as conn:
            return [row[0] for row in conn.execute(sql)]  # no parameters: '%' is literal
    con = sqlite3.connect(db)
    try:
        return [row[0] for row in con.execute(sql)]
    finally:
        con.close()


def soak(base: str | list[str], db: Path | str, total: int, clients: int, feedback_share: float = 0.2,
         midway: Callable[[], None] | None = None) -> dict:
    """Run the soak against one server or several replicas sharing `db`; return counts and the check.

    `midway` (for instance a database restart) runs in a thread once half the requests are sent.
    """
    bases = [base] if isinstance(base, str) else list(base)
    t = time.perf_counter()
    res = asyncio.run(_soak(bases, total, clients, feedback_share, midway))
    took = time.perf_counter() - t
    acked = res.pop("acked")
    stored = stored_comments(db)
    times = Counter(stored)
    lost = [c for c in acked if times[c] == 0]
    res |= {"seconds": round(took, 1), "requests": total, "clients": clients, "replicas": len(bases),
            "feedback_acked": len(acked), "feedback_stored": len(stored),
            "acked_lost": len(lost), "stored_twice": sum(1 for n in times.values() if n > 1),
            "stored_not_acked": len(set(times) - set(acked)),
            "stored_exactly_once": not lost and all(n == 1 for n in times.values())}
    return res


def main() -> None:
    from rag.bench.loadgen import start_server, stop_server
    from rag.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=10000)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2, help="uvicorn workers per replica")
    ap.add_argument("--replicas", type=int, default=1, help="rag serve processes (need --postgres when > 1)")
    ap.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server (rag/bench/pgcluster.py)")
    ap.add_argument("--restart", action="store_true", help="restart PostgreSQL halfway through")
    ap.add_argument("--down-seconds", type=float, default=3.0, help="how long PostgreSQL stays down")
    ap.add_argument("--port", type=int, default=0, help="first replica's port (others follow); 0 = any free")
    args = ap.parse_args()
    # A SIGTERM (timeout, Ctrl-C's sibling) still stops the servers and deletes the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if (args.replicas > 1 or args.restart) and not args.postgres:
        ap.error("several replicas or a restart need --postgres")
    work = Path(tempfile.mkdtemp(prefix="guideqa-soak-"))
    env = os.environ | {"RAG_DATA_DIR": str(work), "RAG_RATE_LIMIT": "0",
                        "RAG_CORPUS_DIR": str(Settings.from_env().corpus_dir)}
    cluster = None
    db: Path | str = work / "guideqa.sqlite3"
    if args.postgres:
        from rag.bench.pgcluster import Cluster

        cluster = Cluster()
        db = env["RAG_DATABASE_URL"] = cluster.new_database()
    procs = []
    try:
        for n in range(args.replicas):
            proc, base, _ = start_server(env, args.workers, port=args.port + n if args.port else None)
            procs.append((proc, base))
        midway = (lambda: cluster.restart(args.down_seconds)) if cluster and args.restart else None
        res = soak([b for _, b in procs], db, args.requests, args.clients, midway=midway)
        print(json.dumps(res | {"workers": args.workers, "postgres": bool(cluster), "restart": args.restart},
                         ensure_ascii=False))
    finally:
        for proc, _ in procs:
            stop_server(proc)
        if cluster is not None:
            cluster.destroy()


if __name__ == "__main__":
    main()
