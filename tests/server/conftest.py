from __future__ import annotations

import pytest


@pytest.fixture
def jp_server_config(tmp_path):
    """A real server with CodePark, no unauthenticated access, and a private SQLite store."""
    return {
        "ServerApp": {
            "jpserver_extensions": {
                "jupyter_codepark": True,
                "jupyter_server_ydoc": True,
                "jupyter_server_fileid": True,
            },
            "allow_unauthenticated_access": False,
            "terminals_enabled": False,
        },
        "CodeParkApp": {"store_url": f"sqlite:///{tmp_path / 'codepark.sqlite'}"},
    }
