from __future__ import annotations

import pytest

from .identity import TwoUsersIdentityProvider


@pytest.fixture
def jp_server_config(tmp_path, jp_root_dir):
    """CodePark + collaboration + file ids, no unauthenticated access, two identities, a private
    store; activity coalesced over 0.2 s so tests need not wait."""
    return {
        "ServerApp": {
            "jpserver_extensions": {
                "jupyter_codepark": True,
                "jupyter_server_ydoc": True,
                "jupyter_server_fileid": True,
            },
            "allow_unauthenticated_access": False,
            "terminals_enabled": False,
            "identity_provider_class": TwoUsersIdentityProvider,
            # the test identity provider does not mark token logins; XSRF is for cookies
            "disable_check_xsrf": True,
        },
        "CodeParkApp": {
            "store_url": f"sqlite:///{tmp_path / 'codepark.sqlite'}",
            "executor": "thread",
            "activity_window_s": 0.2,
        },
        "SQLiteYStore": {"db_path": str(tmp_path / "ystore.db")},
        "BaseFileIdManager": {
            "root_dir": str(jp_root_dir),
            "db_path": str(tmp_path / "fileid.db"),
            "db_journal_mode": "OFF",
        },
        "YDocExtension": {"document_save_delay": 0.3, "document_cleanup_delay": 60},
    }
