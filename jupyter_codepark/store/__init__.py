"""The CodePark store: embedded SQLite by default, PostgreSQL for teams (SQLAlchemy Core)."""

from __future__ import annotations

from .engine import Store

__all__ = ["Store"]
