"""Schema versions. Version 1 is the schema in `schema.py`; later versions add steps here."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError

from ..errors import StoreError
from .schema import meta, metadata, search_chunks, search_sources

SCHEMA_VERSION = 2


def _add_search_tables(conn: Connection) -> None:
    """Version 2: the semantic-search index (embeddings by blob or commit, model and chunk)."""
    for table in (search_sources, search_chunks):
        table.create(conn, checkfirst=True)
    for index in search_chunks.indexes:
        index.create(conn, checkfirst=True)


# version N -> function bringing a store at version N-1 to N (run inside one transaction)
STEPS: dict[int, Callable[[Connection], None]] = {2: _add_search_tables}


def current_version(conn: Connection) -> int | None:
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else None


def migrate(engine: Engine) -> int:
    """Create or upgrade the schema; safe when two processes open a new store at once."""
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                metadata.create_all(conn, checkfirst=True)
                version = current_version(conn)
                if version is None:
                    conn.execute(meta.insert().values(key="schema_version", value="1"))
                    version = 1
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"The store has schema version {version}, newer than this CodePark "
                        f"understands ({SCHEMA_VERSION}): upgrade jupyter-codepark."
                    )
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    STEPS[step](conn)
                    conn.execute(
                        meta.update().where(meta.c.key == "schema_version").values(value=str(step))
                    )
                return SCHEMA_VERSION
        except (IntegrityError, ProgrammingError) as e:
            # another process created the same tables or row at the same moment: look again
            if attempt == 2:
                raise StoreError(f"Cannot prepare the store schema: {e}") from e
    raise AssertionError("unreachable")
