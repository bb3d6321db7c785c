"""Markers of the notebook tests (registered here: pyproject's list belongs to the suite)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "binder: builds a fresh virtualenv from binder/ alone and runs the tour there (~1-3 min;"
        " deselect with -m 'not binder')",
    )
