from __future__ import annotations

import pytest
from sqlalchemy import select

from jupyter_codepark.errors import InvalidInput, StoreError
from jupyter_codepark.store import Store
from jupyter_codepark.store.cache import MetricsCache
from jupyter_codepark.store.migrations import SCHEMA_VERSION, current_version
from jupyter_codepark.store.schema import repos


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    else:
        store = Store(request.getfixturevalue("postgres_url"))
    yield store
    store.close()


def test_schema_is_created_once_and_versioned(any_store):
    any_store.ensure_schema()
    with any_store.connect() as conn:
        assert current_version(conn) == SCHEMA_VERSION
    # a second handle on the same database finds it ready
    again = Store(any_store.url.render_as_string(hide_password=False))
    again.ensure_schema()
    assert again.ping()[0]
    again.close()


def test_metrics_cache_round_trip_and_first_write_wins(any_store):
    cache = MetricsCache(any_store)
    key = ("a" * 40, 1, ".py")
    cache.put_many({key: {"loc": 3, "functions": [{"name": "f"}]}})
    cache.put_many({key: {"loc": 99}})
    assert cache.get_many([key, ("b" * 40, 1, ".py")]) == {
        key: {"loc": 3, "functions": [{"name": "f"}]}
    }


def test_a_failed_transaction_leaves_nothing(any_store):
    with pytest.raises(RuntimeError):
        with any_store.begin() as conn:
            conn.execute(repos.insert().values(path="/x", name="x"))
            raise RuntimeError("crash mid-write")
    with any_store.connect() as conn:
        assert conn.execute(select(repos)).all() == []


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with store.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_bad_urls_and_unreachable_servers_are_clear(tmp_path):
    with pytest.raises(InvalidInput, match="Not a valid store URL"):
        Store("::not a url::")
    dead = Store("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    ok, detail = dead.ping()
    assert not ok and "unreachable" in detail
    with pytest.raises(StoreError, match="unavailable"):
        dead.ensure_schema()
