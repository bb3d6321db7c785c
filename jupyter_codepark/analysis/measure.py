"""Code metrics of many blobs: cached by blob sha, the rest read with one `git cat-file` and
measured in chunks on an executor. Cost follows distinct blobs, never commits x files."""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import Cancelled
from .blobs import BlobReader
from .executors import Executor, InlineExecutor
from .git import Repo
from .metrics import METRICS_VERSION, FileMetrics, language_for, measure

CHUNK_FILES = 48
CHUNK_BYTES = 2_000_000
INLINE_BELOW = 64  # fewer files than this to measure: not worth a process pool


class Cache(Protocol):
    def get_many(self, keys: Iterable[tuple[str, int, str]]) -> dict: ...

    def put_many(self, items: dict) -> None: ...


@dataclass(frozen=True, slots=True)
class Blob:
    """A file version to measure: its path (for the language) and blob sha."""

    path: str
    blob: str
    size: int | None = None


def cache_key(path: str, blob: str) -> tuple[str, int, str]:
    ext = posixpath.splitext(path)[1].lower()[:16]
    return (blob, METRICS_VERSION, ext)


def measure_chunk(args: tuple[list[tuple[str, bytes]], int]) -> list[dict[str, Any]]:
    """Worker entry point: measure (path, content) pairs; picklable, no state."""
    items, max_bytes = args
    return [measure(path, data, max_bytes=max_bytes).to_dict() for path, data in items]


def _too_big(path: str, size: int | None, max_bytes: int) -> dict[str, Any]:
    """The record of a blob too big to measure (its content is never read)."""
    what = f"{size:,} bytes" if size is not None else "more bytes"
    error = f"file too large: {what} > limit {max_bytes:,}"
    return FileMetrics.unmeasured(language_for(path), error).to_dict()


def measure_blobs(
    repo: Repo,
    blobs: list[Blob],
    cache: Cache,
    *,
    executor: Executor | None = None,
    max_bytes: int = 1_000_000,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> dict[tuple[str, int, str], dict[str, Any]]:
    """Metrics of every blob, by cache key. Reads and measures only blobs not in the cache."""
    keys = {cache_key(b.path, b.blob): b for b in blobs}
    results = cache.get_many(keys)
    todo = [b for k, b in keys.items() if k not in results]
    total = len(keys)
    if progress:
        progress(len(results), total)
    if not todo:
        return results
    fresh: dict[tuple[str, int, str], dict[str, Any]] = {}
    for b in todo:
        if b.size is not None and b.size > max_bytes:
            fresh[cache_key(b.path, b.blob)] = _too_big(b.path, b.size, max_bytes)
    todo = [b for b in todo if cache_key(b.path, b.blob) not in fresh]
    run = executor if executor is not None and len(todo) >= INLINE_BELOW else InlineExecutor()
    with BlobReader(repo) as reader:
        chunks = _chunks(reader, todo, max_bytes, cancel, fresh)
        for chunk_blobs, measured in _run(run, chunks, max_bytes):
            for b, m in zip(chunk_blobs, measured, strict=True):
                fresh[cache_key(b.path, b.blob)] = m
            if progress:
                progress(len(results) + len(fresh), total)
            if cancel is not None and cancel.is_set():
                raise Cancelled("The analysis was cancelled.")
    cache.put_many(fresh)
    results.update(fresh)
    return results


def _run(
    executor: Executor,
    chunks: Iterator[tuple[list[Blob], list[tuple[str, bytes]]]],
    max_bytes: int,
) -> Iterator[tuple[list[Blob], list[dict[str, Any]]]]:
    # results come back unordered: each chunk's blobs travel with its result
    yield from executor.map_unordered(_TaggedChunk(max_bytes), chunks)


class _TaggedChunk:
    """Picklable task: (blobs, items) -> (blobs, metrics)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def __call__(self, chunk: tuple[list[Blob], list[tuple[str, bytes]]]) -> Any:
        return chunk[0], measure_chunk((chunk[1], self.max_bytes))


def _chunks(
    reader: BlobReader,
    todo: list[Blob],
    max_bytes: int,
    cancel: threading.Event | None,
    oversize: dict[tuple[str, int, str], dict[str, Any]],
) -> Iterator[tuple[list[Blob], list[tuple[str, bytes]]]]:
    """Chunks of blobs read for measuring; blobs over `max_bytes` go to `oversize` unread."""
    blobs: list[Blob] = []
    items: list[tuple[str, bytes]] = []
    size = 0
    by_sha: dict[str, list[Blob]] = {}
    for b in todo:
        by_sha.setdefault(b.blob, []).append(b)
    for sha, data in reader.read_many(list(by_sha), max_bytes):
        if cancel is not None and cancel.is_set():
            raise Cancelled("The analysis was cancelled.")
        if data is None:
            for b in by_sha[sha]:
                oversize[cache_key(b.path, b.blob)] = _too_big(b.path, b.size, max_bytes)
            continue
        for b in by_sha[sha]:
            blobs.append(b)
            items.append((b.path, data))
            size += len(data)
        if len(items) >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield blobs, items
            blobs, items, size = [], [], 0
    if items:
        yield blobs, items
