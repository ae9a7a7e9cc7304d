"""A real `rag serve` for the browser tests: started on a free port, stopped after the module."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(env: dict[str, str], wait_s: float = 180) -> Iterator[str]:
    """Run `rag serve` with `env` until /healthz answers; yield its address; stop it afterwards."""
    port = free_port()
    rag = shutil.which("rag") or str(Path(sys.executable).parent / "rag")
    proc = subprocess.Popen([rag, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            if proc.poll() is not None:
                pytest.fail(f"rag serve exited: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"rag serve did not come up in {wait_s:.0f} s")
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
