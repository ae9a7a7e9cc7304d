"""Per-client limits kept in memory: the answer rate limit and the staff sign-in throttle.

Both tables are bounded by evicting the least recently seen clients, never by clearing them: a
flood of new client keys then costs the flooder's own oldest entries, and a blocked client stays
blocked unless it is the one that has been quiet longest.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

# Distinct clients remembered; an entry is ~200 bytes, so 100,000 clients are ~20 MB.
MAX_CLIENTS = 100_000


class _Table(OrderedDict[str, tuple[float, float]]):
    """Client → (a number, a time), oldest first; `put` evicts beyond `limit` entries."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: str, value: tuple[float, float]) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


class RateLimiter:
    """A token bucket per client: `per_minute` answers, refilled continuously, burst of a quarter."""

    def __init__(self, per_minute: int, max_clients: int = MAX_CLIENTS) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(5.0, per_minute / 4)
        self._buckets = _Table(max_clients)
        self._lock = threading.Lock()

    def allow(self, client: str) -> tuple[bool, float]:
        """Return (allowed, seconds until the next token)."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets.put(client, (tokens - 1, now))
                return True, 0.0
            self._buckets.put(client, (tokens, now))
            return False, (1 - tokens) / self.rate

    @property
    def clients(self) -> int:
        """How many clients the table remembers."""
        return len(self._buckets)


@dataclass(frozen=True)
class Verdict:
    """Whether a sign-in attempt may be checked now, and if not, for how many seconds not."""

    allowed: bool
    wait: float = 0.0


class SignInThrottle:
    """Wrong staff tokens slow down the one who types them, and everyone once there are many.

    Per client: `free` wrong tokens, then each further one locks that client out for twice as long
    as the last (1 s, 2 s, 4 s … up to `max_wait`). Globally: more than `global_failures` wrong
    tokens within `window` seconds lock every sign-in for the rest of that window (a guess spread
    over many addresses). A locked attempt is refused before the token is compared, so guessing
    gains nothing from it. A client's count is forgotten after `forget` quiet seconds or on success.
    """

    def __init__(self, free: int = 5, max_wait: float = 900.0, global_failures: int = 100,
                 window: float = 600.0, forget: float = 3600.0, max_clients: int = MAX_CLIENTS) -> None:
        self.free, self.max_wait, self.forget = free, max_wait, forget
        self.global_failures, self.window = global_failures, window
        self._clients = _Table(max_clients)  # client → (failures, time of the last one)
        self._recent: list[float] = []  # times of recent failures, any client
        self._lock = threading.Lock()

    def _wait(self, failures: float) -> float:
        over = int(failures) - self.free
        return 0.0 if over < 0 else min(self.max_wait, 2.0 ** over)

    def check(self, client: str) -> Verdict:
        """Return whether `client` may try a token now."""
        now = time.monotonic()
        with self._lock:
            self._recent = [t for t in self._recent if now - t < self.window]
            if len(self._recent) >= self.global_failures:
                return Verdict(False, self.window - (now - self._recent[0]))
            failures, last = self._clients.get(client, (0.0, 0.0))
            if failures and now - last > self.forget:
                del self._clients[client]
                return Verdict(True)
            wait = self._wait(failures - 1) - (now - last) if failures > self.free else 0.0
            return Verdict(wait <= 0, max(0.0, wait))

    def failed(self, client: str) -> None:
        """Count a wrong token from `client`."""
        now = time.monotonic()
        with self._lock:
            failures, _ = self._clients.get(client, (0.0, 0.0))
            self._clients.put(client, (failures + 1, now))
            self._recent.append(now)
            del self._recent[: max(0, len(self._recent) - self.global_failures)]

    def succeeded(self, client: str) -> None:
        """Forget `client`'s wrong tokens."""
        with self._lock:
            self._clients.pop(client, None)
