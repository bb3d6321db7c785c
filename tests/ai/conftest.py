from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from tests.server import openapi


def server_config(tmp_path, **codepark):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyter_codepark": True},
            "allow_unauthenticated_access": False,
            "terminals_enabled": False,
            "identity_provider_class": "tests.ai.identity.TwoUsers",
        },
        "CodeParkApp": {
            "store_url": f"sqlite:///{tmp_path / 'codepark.sqlite'}",
            "sandbox_enabled": False,
            "executor": "thread",
            **codepark,
        },
    }


@pytest.fixture
def jp_server_config(tmp_path):
    return server_config(tmp_path, ai_rate_per_minute=1000)


async def ai(jp_fetch, *parts, body=None, method="POST", headers=None, **kw):
    """Call an AI route; JSON answers are checked against openapi.yaml."""
    url = "/" + "/".join(["codepark", "api", "ai", *parts])
    kwargs = {"method": method, "headers": dict(headers or {}), **kw}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    try:
        response = await jp_fetch("codepark", "api", "ai", *parts, **kwargs)
    except HTTPClientError as e:
        openapi.check(url, method, e.code, json.loads(e.response.body))
        raise
    if response.headers.get("Content-Type", "").startswith("text/event-stream"):
        return response.code, parse_sse(response.body.decode()), response.headers
    data = json.loads(response.body)
    openapi.check(url, method, response.code, data)
    return response.code, data, response.headers


async def ai_error(jp_fetch, *parts, body=None, method="POST", headers=None):
    with pytest.raises(HTTPClientError) as err:
        await ai(jp_fetch, *parts, body=body, method=method, headers=headers)
    return err.value.code, json.loads(err.value.response.body), err.value.response.headers


def parse_sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        events.append((name, json.loads("\n".join(data))))
    return events
