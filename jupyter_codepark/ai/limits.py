"""Per-user, per-task token buckets: `rate_per_minute` requests with bursts up to as many."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from ..errors import RateLimited


class TaskRateLimiter:
    def __init__(self, rate_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate_per_s = max(0, rate_per_minute) / 60.0
        self.capacity = float(max(0, rate_per_minute))
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def take(self, user: str, task: str) -> None:
        """Spend one request of (user, task) or raise RateLimited saying when one is back."""
        if self.rate_per_s <= 0:
            return  # 0: no limit
        key = (user, task)
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate_per_s)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait_s = max(1, math.ceil((1.0 - tokens) / self.rate_per_s))
                raise RateLimited(
                    f"Too many AI `{task}` requests: at most {int(self.capacity)} a minute per "
                    f"user. Try again in {wait_s} s.",
                    retry_after_s=wait_s,
                )
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > 10_000:  # forget the full buckets of idle users
                self._buckets = {
                    k: v
                    for k, v in self._buckets.items()
                    if v[0] + (now - v[1]) * self.rate_per_s < self.capacity
                }
