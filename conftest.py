"""pytest plugins for the whole suite (must live in the top-level conftest)."""

pytest_plugins = ["pytest_jupyter.jupyter_server", "jupyter_server_ydoc.pytest_plugin"]
