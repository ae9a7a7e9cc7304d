"""HTTP load for `rag bench`: start `rag serve`, drive POST /api/ask with N clients, count what came back.

wrk (C) is used when installed, so the generator takes little of the two cores the server
needs; otherwise an asyncio httpx generator. Either way its CPU share is measured and reported.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class LoadResult:
    clients: int
    mix: str
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    loadgen_cpu_pct: float = 0.0  # of one core
    server_cpu_pct: float = 0.0  # of one core, all worker processes together

    def to_dict(self) -> dict:
        return asdict(self)


def helpdesk_mix(questions: list[str], n: int, seed: int = 7) -> list[str]:
    """Return n questions where popular ones repeat, as at a help desk (Zipf-like, s = 1.1)."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(questions))]
    return rng.choices(questions, weights=weights, k=n)


def distinct(questions: list[str], n: int) -> list[str]:
    """Return n questions no two alike (a numbered suffix), so no cache can help."""
    return [f"{questions[i % len(questions)]} {i}" for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], workers: int, timeout: float = 180,
                 port: int | None = None) -> tuple[subprocess.Popen, str, float]:
    """Start `rag serve`; return the process, its URL and seconds until the first 200 from /api/ask."""
    import httpx

    port = port or free_port()
    rag = shutil.which("rag") or str(Path(sys.executable).parent / "rag")
    t = time.perf_counter()
    # Its own process group: a server that never came up is killed with its workers, which
    # would otherwise keep the stderr pipe open and block the read below for ever.
    proc = subprocess.Popen([rag, "serve", "--port", str(port), "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t < timeout and proc.poll() is None:
        try:
            if httpx.post(base + "/api/ask", json={"question": "项目四出资要求"}, timeout=5).status_code == 200:
                return proc, base, time.perf_counter() - t
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    _kill_group(proc)
    err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
    raise RuntimeError(f"rag serve gave no 200 from /api/ask within {timeout:.0f} s: {err}")


def settle(proc: subprocess.Popen, timeout: float = 120) -> float:
    """Wait until the server's processes are idle (every worker loaded, not just the first to
    answer): a load run started earlier would pin its keep-alive connections to the ready ones."""
    t = time.perf_counter()
    last = _tree_cpu(proc.pid)
    while time.perf_counter() - t < timeout:
        time.sleep(0.5)
        now = _tree_cpu(proc.pid)
        if now - last < 0.05:
            break
        last = now
    return round(time.perf_counter() - t, 2)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _kill_group(proc)


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and all its descendants (the server's workers)."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            c = p.cpu_times()
            total += c.user + c.system
        except psutil.NoSuchProcess:
            pass
    return total


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_load(server: subprocess.Popen, base: str, questions: list[str], clients: int, seconds: float,
             mix: str) -> LoadResult:
    """Drive the server for `seconds` with `clients` concurrent connections; wrk if installed."""
    server_cpu = _tree_cpu(server.pid)
    res = _wrk(base, questions, clients, seconds, mix) if shutil.which("wrk") else _httpx(
        base, questions, clients, seconds, mix)
    res.server_cpu_pct = round(100 * (_tree_cpu(server.pid) - server_cpu) / res.seconds, 1)
    return res


async def _clients(base: str, stream: list[str], clients: int, seconds: float
                   ) -> tuple[list[float], dict[str, int], int]:
    import httpx

    lat: list[float] = []
    statuses: dict[str, int] = {}
    errors = cursor = 0
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
                    statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
                    errors += r.status_code != 200
                except httpx.HTTPError as e:
                    statuses[type(e).__name__] = statuses.get(type(e).__name__, 0) + 1
                    errors += 1
                lat.append((time.perf_counter() - t) * 1000)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return lat, statuses, errors


def _httpx(base: str, questions: list[str], clients: int, seconds: float, mix: str) -> LoadResult:
    stream = helpdesk_mix(questions, 20000) if mix == "helpdesk" else distinct(questions, 200000)
    cpu, t = _self_cpu(), time.perf_counter()
    lat, statuses, errors = asyncio.run(_clients(base, stream, clients, seconds))
    took = time.perf_counter() - t
    lat.sort()
    pick = (lambda p: round(lat[int(p * (len(lat) - 1))], 1)) if lat else (lambda p: 0.0)
    return LoadResult(clients, mix, round(took, 1), len(lat), errors, round(len(lat) / took, 1), pick(0.5), pick(0.95),
                      statuses, round(100 * (_self_cpu() - cpu) / took, 1))


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
  io.write(string.format('RESULT {"requests": %%d, "p50": %%.3f, "p95": %%.3f, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "us": %%d}\n', summary.requests, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, e.connect, e.read, e.write, e.status, e.timeout, summary.duration))
end
"""


def _wrk(base: str, questions: list[str], clients: int, seconds: float, mix: str) -> LoadResult:
    pool = helpdesk_mix(questions, 5000) if mix == "helpdesk" else questions
    bodies = ",".join("[==[" + json.dumps(q, ensure_ascii=False)[1:-1] + "]==]" for q in pool)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as fh:
        fh.write(LUA % (bodies, "true" if mix == "distinct" else "false"))
    cpu = _children_cpu()
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                              "-s", fh.name, base], capture_output=True, text=True, check=True).stdout
    finally:
        Path(fh.name).unlink(missing_ok=True)
    r = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    secs = r["us"] / 1e6
    kinds = {k: r[k] for k in ("connect", "read", "write", "status", "timeout") if r[k]}
    return LoadResult(clients, mix, round(secs, 1), r["requests"], sum(kinds.values()), round(r["requests"] / secs, 1),
                      round(r["p50"], 1), round(r["p95"], 1), {f"wrk_{k}_errors": v for k, v in kinds.items()},
                      round(100 * (_children_cpu() - cpu) / secs, 1))
