"""An HTTP load generator for `rag bench`: N concurrent clients POSTing /api/ask for a while."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    clients: int
    mix: str
    seconds: float
    requests: int
    errors: int
    statuses: dict[int, int]
    rps: float
    p50_ms: float
    p95_ms: float

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def helpdesk_mix(questions: list[str], n: int, seed: int = 7) -> list[str]:
    """Return n questions where popular ones repeat, as at a help desk (Zipf-like weights)."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(questions))]
    return rng.choices(questions, weights=weights, k=n)


def distinct(questions: list[str], n: int) -> list[str]:
    """Return n questions no two alike (a numbered suffix), so no cache can help."""
    return [f"{questions[i % len(questions)]} {i}" for i in range(n)]


async def _run(base: str, stream: list[str], clients: int, seconds: float) -> tuple[list[float], dict[int, int], int]:
    import httpx

    lat: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    cursor = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker() -> None:
            nonlocal cursor, errors
            while time.perf_counter() < stop:
                q = stream[cursor % len(stream)]
                cursor += 1
                t = time.perf_counter()
                try:
                    r = await client.post("/api/ask", json={"question": q})
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                    if r.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                lat.append((time.perf_counter() - t) * 1000)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return lat, statuses, errors


def run_load(base: str, questions: list[str], clients: int, seconds: float, mix: str) -> LoadResult:
    """Drive the server for `seconds` with `clients` concurrent connections; return throughput and p95."""
    stream = helpdesk_mix(questions, 20000) if mix == "helpdesk" else distinct(questions, 100000)
    t = time.perf_counter()
    lat, statuses, errors = asyncio.run(_run(base, stream, clients, seconds))
    took = time.perf_counter() - t
    lat.sort()
    return LoadResult(clients, mix, round(took, 1), len(lat), errors, statuses, round(len(lat) / took, 1),
                      round(statistics.median(lat), 1) if lat else 0.0,
                      round(lat[int(0.95 * (len(lat) - 1))], 1) if lat else 0.0)


LUA = r"""
local bodies = {%s}
local distinct = %s
local n, id = 0, 0
setup = function(thread) id = id + 1; thread:set("id", id) end
init = function(args) tid = wrk.thread:get("id") end
request = function()
  n = n + 1
  local q = bodies[(n %% #bodies) + 1]
  if distinct then q = q .. " " .. tid .. "-" .. n end
  return wrk.format("POST", "/api/ask", {["Content-Type"] = "application/json"}, '{"question": "' .. q .. '"}')
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "p50": %%.2f, "p95": %%.2f, "errors": %%d, "status_errors": %%d, "us": %%d}\n',
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, e.status, summary.duration))
end
"""


def run_wrk(base: str, questions: list[str], clients: int, seconds: float, mix: str) -> LoadResult:
    """Drive the server with wrk (C, so the load generator does not eat the server's two cores)."""
    import json
    import subprocess
    import tempfile

    pool = helpdesk_mix(questions, 5000) if mix == "helpdesk" else questions
    lua_strings = ",".join("[==[" + json.dumps(q, ensure_ascii=False)[1:-1] + "]==]" for q in pool)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as fh:
        fh.write(LUA % (lua_strings, "true" if mix == "distinct" else "false"))
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", fh.name, base],
                         capture_output=True, text=True, check=True).stdout
    r = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    secs = r["us"] / 1e6
    return LoadResult(clients, mix, round(secs, 1), r["requests"], r["errors"], {}, round(r["requests"] / secs, 1),
                      round(r["p50"], 1), round(r["p95"], 1))
