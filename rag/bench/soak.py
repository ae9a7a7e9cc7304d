"""Soak test: many concurrent clients asking and posting feedback; no 5xx, every feedback stored once.

    python -m rag.soak --requests 10000 --clients 100      # the full run (README figures)
The CI variant (tests/robustness/test_soak.py) runs the same code with fewer requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from rag.bench.benchq import bench_questions


async def _soak(base: str, total: int, clients: int, feedback_share: float) -> dict:
    import httpx

    qs = bench_questions(300)
    counts = {"ask": 0, "feedback": 0, "5xx": 0, "other_errors": 0, "429": 0}
    acked: list[str] = []  # comments the server acknowledged with 201
    ids: list[str] = []
    errors: list[str] = []
    todo = iter(range(total))
    rng = random.Random(11)
    async with httpx.AsyncClient(base_url=base, timeout=60,
                                 limits=httpx.Limits(max_connections=clients)) as client:

        async def worker() -> None:
            for i in todo:
                try:
                    if ids and rng.random() < feedback_share:
                        comment = f"soak-{i}"
                        r = await client.post("/api/feedback", json={"answer_id": rng.choice(ids),
                                                                     "vote": rng.choice(["up", "down"]), "comment": comment})
                        counts["feedback"] += 1
                        if r.status_code == 201:
                            acked.append(comment)
                    else:
                        r = await client.post("/api/ask", json={"question": rng.choice(qs)})
                        counts["ask"] += 1
                        if r.status_code == 200 and r.json().get("id"):
                            ids.append(r.json()["id"])
                    if r.status_code >= 500:
                        counts["5xx"] += 1
                    elif r.status_code == 429:
                        counts["429"] += 1
                except httpx.HTTPError as e:
                    counts["other_errors"] += 1
                    if len(errors) < 5:  # enough to diagnose, not a flood
                        errors.append(f"{type(e).__name__}: {e}")

        await asyncio.gather(*(worker() for _ in range(clients)))
    return counts | {"acked": acked, "errors": errors}


def soak(base: str, db: Path, total: int, clients: int, feedback_share: float = 0.2) -> dict:
    """Run the soak against a server whose SQLite file is `db`; return counts and the check."""
    t = time.perf_counter()
    res = asyncio.run(_soak(base, total, clients, feedback_share))
    took = time.perf_counter() - t
    con = sqlite3.connect(db)
    stored = [row[0] for row in con.execute("SELECT comment FROM feedback WHERE comment LIKE 'soak-%'")]
    con.close()
    acked = res.pop("acked")
    res |= {"seconds": round(took, 1), "requests": total, "clients": clients, "feedback_acked": len(acked),
            "feedback_stored": len(stored), "stored_exactly_once": sorted(stored) == sorted(acked)}
    return res


def main() -> None:
    from rag.bench import start_server
    from rag.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=10000)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="guideqa-soak-"))
    env = os.environ | {"RAG_DATA_DIR": str(work), "RAG_RATE_LIMIT": "0",
                        "RAG_CORPUS_DIR": str(Settings.from_env().corpus_dir)}
    proc, base, _ = start_server(env, args.workers)
    try:
        print(json.dumps(soak(base, work / "guideqa.sqlite3", args.requests, args.clients), ensure_ascii=False))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
