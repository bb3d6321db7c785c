"""A per-key token bucket: ``rate_per_minute`` calls, with bursts up to the same number."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from ..errors import RateLimited


class RateLimiter:
    def __init__(self, rate_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate_per_s = rate_per_minute / 60.0
        self.capacity = float(rate_per_minute)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)

    def take(self, key: str) -> None:
        """Spend one token of ``key`` or raise :class:`RateLimited` saying when one is back."""
        if self.rate_per_s <= 0:
            return  # 0 means no limit
        now = self.clock()
        tokens, last = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate_per_s)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            wait_s = math.ceil((1.0 - tokens) / self.rate_per_s)
            raise RateLimited(
                f"Too many runs: at most {int(self.capacity)} a minute. Try again in {wait_s} s.",
                retry_after_s=wait_s,
            )
        self._buckets[key] = (tokens - 1.0, now)
        if len(self._buckets) > 10_000:  # forget full buckets of idle users
            self._buckets = {
                k: v
                for k, v in self._buckets.items()
                if v[0] + (now - v[1]) * self.rate_per_s < self.capacity
            }
