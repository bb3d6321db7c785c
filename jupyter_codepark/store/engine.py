"""Connecting to the store: one SQLAlchemy engine per URL, SQLite tuned for concurrent readers."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from ..errors import InvalidInput, StoreError
from .migrations import migrate


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DBAPI callback)
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    """A handle on the store. Safe to share between threads; every call is blocking I/O."""

    def __init__(self, url: str) -> None:
        try:
            self.url: URL = make_url(url)
        except Exception as e:  # SQLAlchemy raises ArgumentError for garbage
            raise InvalidInput(f"Not a valid store URL {url!r}: {e}") from e
        self.dialect = self.url.get_backend_name()
        if self.dialect == "sqlite":
            database = self.url.database
            if database and database != ":memory:":
                os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)
            self.engine: Engine = create_engine(self.url)
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True)
        self._ready = False
        self._ready_lock = threading.Lock()

    def ensure_schema(self) -> None:
        """Create or migrate the schema once per process (blocking: call it off the event loop)."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                try:
                    migrate(self.engine)
                except SQLAlchemyError as e:
                    raise StoreError(f"The store {self.display_url} is unavailable: {e}") from e
                self._ready = True

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: everything inside is committed together or not at all."""
        self.ensure_schema()
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as e:
            raise StoreError(f"Store error ({self.display_url}): {e}") from e

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reads."""
        self.ensure_schema()
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as e:
            raise StoreError(f"Store error ({self.display_url}): {e}") from e

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for logs and the status endpoint."""
        return self.url.render_as_string(hide_password=True)

    def ping(self) -> tuple[bool, str]:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as e:
            return False, f"{self.display_url} unreachable: {e.__class__.__name__}: {e}"
        return True, self.display_url

    def close(self) -> None:
        self.engine.dispose()
