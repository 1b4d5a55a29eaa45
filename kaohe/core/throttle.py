"""Counting failed attempts in fixed time windows, in the Django cache.

The default cache is the database cache (``CACHE_URL`` may choose Redis), so
every worker process of a server, and with Redis every server, sees the same
counts: a limit of 10 means 10, not 10 per gunicorn worker.

A caller names what it counts by: ``Limit("prefix", "K7QD", 10)``. The name
of the thing counted (an address, a code prefix, a browser's token) is hashed
into the cache key, so the cache table holds no address or code in clear.

Counts are kept in fixed windows (``window`` seconds, aligned on the clock): a
throttled client is told to wait until its window ends (``Retry-After``). On the
database cache an increment is a read and a write, so two failures at the same
instant may count once; the limits are meant for guessing, where that does not
matter.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` failures for ``identity`` (of the kind ``name``) per window."""

    name: str
    identity: str
    limit: int


class Counter:
    """Failures of one ``scope`` (e.g. ``"sign-in"``) counted per window of ``window`` seconds."""

    def __init__(self, scope: str, window: int):
        self.scope = scope
        self.window = max(1, int(window))

    def _index(self, now: float) -> int:
        return int(now // self.window)

    def _key(self, limit: Limit, index: int) -> str:
        digest = hashlib.sha256(f"{self.scope}\0{limit.name}\0{limit.identity}".encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{limit.name}:{digest}:{index}"

    def retry_after(self, limits: list[Limit], now: float | None = None) -> int | None:
        """Seconds until the first of ``limits`` that is used up frees again; None when none is used up."""
        now = time.time() if now is None else now
        index = self._index(now)
        keys = {self._key(limit, index): limit for limit in limits}
        counts = cache.get_many(list(keys))
        if any(counts.get(key, 0) >= limit.limit for key, limit in keys.items()):
            return max(1, math.ceil((index + 1) * self.window - now))
        return None

    def record(self, limits: list[Limit], now: float | None = None) -> None:
        """Count one failure against each of ``limits``."""
        now = time.time() if now is None else now
        index = self._index(now)
        # The key outlives its window by a little, so a count is never reset early by expiry.
        timeout = self.window + 60
        for limit in limits:
            key = self._key(limit, index)
            if cache.add(key, 1, timeout=timeout):
                continue
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=timeout)
