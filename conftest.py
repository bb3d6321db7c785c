"""pytest plugins and fixtures for the whole suite (plugins must live in the top conftest)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server", "jupyter_server_ydoc.pytest_plugin"]


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's sync API keeps an event loop running for the session's
    browser, which would confuse pytest-jupyter's per-test loop in the tests after them."""
    ui = [i for i in items if "/tests/ui/" in str(i.path)]
    for item in ui:
        item.add_marker(pytest.mark.ui)
    items[:] = [i for i in items if i not in ui] + ui


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
