"""CodePark for Jupyter: understand, see and work on a codebase together in JupyterLab."""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "analyze", "load_report"]


def __getattr__(name: str):  # imported lazily: the server extension does not need pandas
    if name in ("analyze", "load_report"):
        from .analysis import api

        return getattr(api, name)
    raise AttributeError(f"module 'jupyter_codepark' has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "prebuilt_labextension", "dest": "jupyter-codepark"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .server.app import CodeParkApp

    return [{"module": "jupyter_codepark.server.app", "app": CodeParkApp}]
