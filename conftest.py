"""pytest plugins and fixtures for the whole suite (plugins must live in the top conftest)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server", "jupyter_server_ydoc.pytest_plugin"]


@pytest.fixture(scope="session")
def postgres_cluster():
    """A real PostgreSQL server for the session, started on a free loopback port."""
    from tests.postgres import running_cluster

    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    return postgres_cluster.create_database()
