from __future__ import annotations

import json

import pytest


@pytest.fixture
def jp_server_config(tmp_path):
    # An unreachable PostgreSQL store: the status says so instead of failing.
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyter_codepark": True},
            "allow_unauthenticated_access": False,
            "terminals_enabled": False,
        },
        "CodeParkApp": {
            "store_url": "postgresql+psycopg://nobody:secret@127.0.0.1:9/none?connect_timeout=2",
            "ai_model": "openai/test-model",
        },
    }


async def test_status_shows_an_unreachable_store_without_leaking_its_password(jp_fetch):
    response = await jp_fetch("codepark", "api", "status")
    body = json.loads(response.body)
    store = body["features"]["store"]
    assert store["healthy"] is False
    assert "unreachable" in store["detail"]
    assert "secret" not in response.body.decode()
    assert body["healthy"] is False
    # collaboration is not enabled on this server: reported, not a failure
    assert body["features"]["collaboration"]["enabled"] is False
    assert body["features"]["ai"] == {
        "enabled": True,
        "healthy": True,
        "backend": "litellm",
        "model": "openai/test-model",
        "detail": "model openai/test-model",
    }
