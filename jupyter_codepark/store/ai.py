"""Rows of the AI tables: the answer cache and per-user usage (no AI logic here)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Integer, cast, delete, func, select
from sqlalchemy.engine import Connection

from .schema import ai_cache, ai_usage
from .upsert import upsert


def cache_get(conn: Connection, key: str, newer_than: float) -> dict[str, Any] | None:
    row = conn.execute(
        select(ai_cache.c.data).where(ai_cache.c.key == key, ai_cache.c.created_at > newer_than)
    ).first()
    return json.loads(row[0]) if row else None


def cache_put(
    conn: Connection, key: str, task: str, backend: str, data: dict[str, Any], now: float
) -> None:
    row = {
        "key": key,
        "task": task,
        "backend": backend,
        "created_at": now,
        "data": json.dumps(data, separators=(",", ":"), default=str),
    }
    upsert(conn, ai_cache, [row], ["key"])


def cache_purge(conn: Connection, older_than: float) -> int:
    return conn.execute(delete(ai_cache).where(ai_cache.c.created_at <= older_than)).rowcount or 0


def usage_add(conn: Connection, **row: Any) -> None:
    conn.execute(ai_usage.insert().values(**row))


def usage_of(conn: Connection, user: str, since: float = 0.0) -> dict[str, Any]:
    """Totals of one user since a time, overall and by task."""
    u = ai_usage.c
    q = (
        select(
            u.task,
            func.count(),
            func.sum(cast(u.cached, Integer)),
            func.sum(u.prompt_tokens),
            func.sum(u.completion_tokens),
            func.sum(u.cost_usd),
        )
        .where(u.user == user, u.at >= since)
        .group_by(u.task)
        .order_by(u.task)
    )
    by_task = {}
    for task, n, hits, p, c, cost in conn.execute(q):
        by_task[task] = {
            "requests": n,
            "cache_hits": int(hits or 0),
            "prompt_tokens": int(p or 0),
            "completion_tokens": int(c or 0),
            "cost_usd": round(cost or 0.0, 8),
        }
    total = {
        k: sum(t[k] for t in by_task.values())
        for k in ("requests", "cache_hits", "prompt_tokens", "completion_tokens", "cost_usd")
    }
    total["cost_usd"] = round(total["cost_usd"], 8)
    total["tokens"] = total["prompt_tokens"] + total["completion_tokens"]
    return {"total": total, "by_task": by_task}
