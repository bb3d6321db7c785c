"""Rows of the semantic-search index: which sources (blobs, commits) a model has indexed, their
chunks and embeddings (no search logic here)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .schema import search_chunks, search_sources
from .upsert import insert_ignore

_IN = 400  # values per IN (...) clause


def _chunks(items: list[Any], n: int = _IN) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def indexed(conn: Connection, model: str, sources: Iterable[str]) -> set[str]:
    """The subset of `sources` already indexed by `model`."""
    c = search_sources.c
    found: set[str] = set()
    for part in _chunks(sorted(set(sources))):
        q = select(c.source).where(c.model == model, c.source.in_(part))
        found.update(r[0] for r in conn.execute(q))
    return found


def vectors_by_text(conn: Connection, model: str, text_shas: Iterable[str]) -> dict[str, bytes]:
    """Stored vectors of identical texts (any source), by text sha."""
    c = search_chunks.c
    found: dict[str, bytes] = {}
    for part in _chunks(sorted(set(text_shas))):
        q = select(c.text_sha, c.vector).where(c.model == model, c.text_sha.in_(part))
        for sha, vector in conn.execute(q):
            found.setdefault(sha, vector)
    return found


def save(
    conn: Connection, model: str, sources: dict[str, int], chunks: list[dict[str, Any]]
) -> None:
    """Mark `sources` ({sha: number of chunks}) indexed and store their chunk rows."""
    for part in _chunks(chunks):
        insert_ignore(conn, search_chunks, [{**row, "model": model} for row in part])
    rows = [{"source": s, "model": model, "chunks": n} for s, n in sources.items()]
    for part in _chunks(rows):
        insert_ignore(conn, search_sources, part)


def load(conn: Connection, model: str, sources: Iterable[str]) -> dict[str, list[tuple]]:
    """Chunks of `sources`: {source: [(chunk, kind, name, line, end_line, vector), ...]}."""
    c = search_chunks.c
    out: dict[str, list[tuple]] = {}
    for part in _chunks(sorted(set(sources))):
        q = (
            select(c.source, c.chunk, c.kind, c.name, c.line, c.end_line, c.vector)
            .where(c.model == model, c.source.in_(part))
            .order_by(c.source, c.chunk)
        )
        for source, *rest in conn.execute(q):
            out.setdefault(source, []).append(tuple(rest))
    return out
