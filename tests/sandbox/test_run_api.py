"""POST /codepark/api/run through a real server (auth on, base URL kept)."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import network_probe


@pytest.fixture
def jp_server_config(tmp_path):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyter_codepark": True},
            "allow_unauthenticated_access": False,
            "terminals_enabled": False,
        },
        "CodeParkApp": {
            "store_url": f"sqlite:///{tmp_path / 'codepark.sqlite'}",
            "run_pool_size": 1,
            "run_rate_per_minute": 6,
            "run_timeout_s": 5,
            "run_max_code_kb": 4,
            "sandbox_memory_mb": 256,
            "sandbox_pids_max": 48,
        },
    }


async def _post(jp_fetch, body: dict, **kwargs):
    response = await jp_fetch(
        "codepark", "api", "run", method="POST", body=json.dumps(body), **kwargs
    )
    return json.loads(response.body)


async def test_run_returns_output(jp_fetch):
    result = await _post(jp_fetch, {"code": "print(1)"})
    assert result["status"] == "ok" and result["stdout"] == "1\n"


async def test_hostile_code_through_the_api(jp_fetch, host_listeners):
    probe = await _post(
        jp_fetch, {"code": network_probe(host_listeners.tcp_port, host_listeners.udp_port)}
    )
    assert "tcp-host failed" in probe["stdout"] and "udp-outside failed" in probe["stdout"]
    assert not host_listeners.received_anything()
    hog = await _post(jp_fetch, {"code": "b = b'x' * (1024 ** 3)"})
    assert (hog["status"], hog["reason"]) == ("killed", "out of memory")
    loop = await _post(jp_fetch, {"code": "while True: pass", "timeout_s": 1})
    assert loop["status"] == "timeout"
    bomb = await _post(jp_fetch, {"code": "import os\nwhile True:\n    os.fork()"})
    assert (bomb["status"], bomb["reason"]) == ("killed", "too many processes")


async def test_bad_requests_are_400(jp_fetch):
    for body in ({"code": ""}, {"code": "x" * 5000}, {"code": "1", "timeout_s": "x"}):
        with pytest.raises(HTTPClientError) as err:
            await _post(jp_fetch, body)
        assert err.value.code == 400


async def test_unauthenticated_post_is_403(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await _post(jp_fetch, {"code": "print(1)"}, headers={"Authorization": ""})
    assert err.value.code == 403


async def test_rate_limit_gives_429_with_retry_after(jp_fetch):
    for _ in range(6):
        await _post(jp_fetch, {"code": "1"})
    with pytest.raises(HTTPClientError) as err:
        await _post(jp_fetch, {"code": "1"})
    assert err.value.code == 429
    assert int(err.value.response.headers["Retry-After"]) >= 1
    assert json.loads(err.value.response.body)["reason"] == "rate-limited"
