"""The code-metrics cache: metrics of a blob never change, so they are kept by blob sha."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import and_, select, tuple_

from .engine import Store
from .schema import blob_metrics
from .upsert import insert_ignore

CacheKey = tuple[str, int, str]  # blob sha, metrics version, file extension
_CHUNK = 400


def _chunks(items: list, n: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


class MetricsCache:
    """Metrics by (blob, version, extension) in the store; blocking, thread-safe."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get_many(self, keys: Iterable[CacheKey]) -> dict[CacheKey, dict[str, Any]]:
        wanted = sorted(set(keys))
        found: dict[CacheKey, dict[str, Any]] = {}
        if not wanted:
            return found
        c = blob_metrics.c
        with self.store.connect() as conn:
            for chunk in _chunks(wanted):
                rows = conn.execute(
                    select(c.blob, c.version, c.path_ext, c.data).where(
                        and_(tuple_(c.blob, c.version, c.path_ext).in_(chunk))
                    )
                )
                for blob, version, ext, data in rows:
                    found[(blob, version, ext)] = json.loads(data)
        return found

    def put_many(self, items: dict[CacheKey, dict[str, Any]]) -> None:
        rows = [
            {"blob": b, "version": v, "path_ext": e, "data": json.dumps(d, separators=(",", ":"))}
            for (b, v, e), d in items.items()
        ]
        with self.store.begin() as conn:
            for chunk in _chunks(rows):
                insert_ignore(conn, blob_metrics, chunk)


class MemoryCache:
    """The same interface in memory, for runs without a store."""

    def __init__(self) -> None:
        self.data: dict[CacheKey, dict[str, Any]] = {}

    def get_many(self, keys: Iterable[CacheKey]) -> dict[CacheKey, dict[str, Any]]:
        return {k: self.data[k] for k in keys if k in self.data}

    def put_many(self, items: dict[CacheKey, dict[str, Any]]) -> None:
        self.data.update(items)
