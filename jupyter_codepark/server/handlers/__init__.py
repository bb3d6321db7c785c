"""Routes of the CodePark REST API, one module per resource."""

from __future__ import annotations

from jupyter_server.utils import url_path_join

from .status import StatusHandler


def routes(namespace: str) -> list[tuple[str, type]]:
    """URL patterns (without the server's base URL, which Jupyter prepends) and handlers."""
    api = url_path_join("/", namespace, "api")
    return [
        (url_path_join(api, "status"), StatusHandler),
    ]
