"""The hostile-code suite through the run service: real sandboxed kernels, real limits."""

from __future__ import annotations

import asyncio

import pytest

from jupyter_codepark.errors import InvalidInput, RateLimited
from jupyter_codepark.sandbox.ratelimit import RateLimiter
from jupyter_codepark.sandbox.run import RunService, run_settings

from .conftest import leftover_cgroups, network_probe, wait_until_gone

FORK_BOMB = "import os\nwhile True:\n    os.fork()\n"


async def _run(scratch_root, code: str, timeout_s: float = 20, **settings):
    settings.setdefault("pool_size", 1)
    service = RunService(run_settings(scratch_root=str(scratch_root), **settings))
    before = set(leftover_cgroups("codepark-sandbox/k*"))  # other servers' sandboxes may be live
    try:
        return await service.run(code, timeout_s, user="alice")
    finally:
        await service.close()
        # nothing of the sandbox outlives the service: processes, folders, control groups
        assert wait_until_gone(str(scratch_root)) == []
        assert list(scratch_root.iterdir()) == []
        assert set(leftover_cgroups("codepark-sandbox/k*")) - before == set()


async def test_ok_with_stdout_stderr_and_rich_outputs(scratch_root):
    code = (
        "import sys\nprint('out')\nsys.stderr.write('err')\n"
        "from IPython.display import HTML, display\ndisplay(HTML('<b>hi</b>'))\n6 * 7"
    )
    result = await _run(scratch_root, code)
    assert result.status == "ok"
    assert (result.stdout, result.stderr) == ("out\n", "err")
    assert [o["type"] for o in result.outputs] == ["display_data", "execute_result"]
    assert result.outputs[0]["data"]["text/html"] == "<b>hi</b>"
    assert result.outputs[1]["data"]["text/plain"] == "42"


async def test_error_has_traceback(scratch_root):
    result = await _run(scratch_root, "1 / 0")
    assert result.status == "error"
    assert result.error["ename"] == "ZeroDivisionError"
    assert result.error["traceback"]


async def test_network_is_unreachable(scratch_root, host_listeners):
    code = network_probe(host_listeners.tcp_port, host_listeners.udp_port)
    result = await _run(scratch_root, code)
    assert result.status == "ok", result
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["tcp-host"].startswith("failed ConnectionRefusedError")  # not the host's port
    assert lines["udp-outside"].startswith("failed OSError 101")  # ENETUNREACH: no route
    # UDP to 127.0.0.1 stays in the sandbox's own loopback: the host's socket gets nothing
    assert not host_listeners.received_anything()


async def test_memory_hog_is_killed_out_of_memory(scratch_root):
    result = await _run(scratch_root, "b = b'x' * (1024 ** 3)", memory_mb=256)
    assert (result.status, result.reason) == ("killed", "out of memory")


async def test_fork_bomb_is_contained(scratch_root):
    result = await _run(scratch_root, FORK_BOMB, timeout_s=10, pids_max=48, memory_mb=1024)
    assert (result.status, result.reason) == ("killed", "too many processes")
    # the host still forks
    proc = await asyncio.create_subprocess_exec("true")
    assert await proc.wait() == 0


async def test_infinite_loop_ends_at_the_timeout(scratch_root):
    result = await _run(scratch_root, "while True:\n    pass", timeout_s=1)
    assert result.status == "timeout"


async def test_flood_of_output_is_cut(scratch_root):
    result = await _run(scratch_root, "while True:\n    print('x' * 1000)", max_output_kb=16)
    assert (result.status, result.reason) == ("killed", "too much output")
    assert result.truncated and len(result.stdout) <= 16 * 1024


async def test_each_run_gets_a_fresh_kernel(scratch_root):
    service = RunService(run_settings(scratch_root=str(scratch_root), pool_size=1))
    try:
        first = await service.run("secret = 1\nopen('f', 'w').write('x')", user="a")
        second = await service.run("import os\nprint('secret' in dir(), os.listdir('.'))", user="b")
    finally:
        await service.close()
    assert first.status == "ok"
    assert second.stdout.strip() == "False []"


def test_request_validation():
    service = RunService(run_settings(max_code_kb=1, timeout_s=5))
    with pytest.raises(InvalidInput):
        service.check("x" * 2000, None)
    with pytest.raises(InvalidInput):
        service.check("", None)
    with pytest.raises(InvalidInput):
        service.check("1", "soon")
    assert service.check("1", 100) == ("1", 5.0)  # capped at the configured maximum


def test_rate_limiter_refills():
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    limiter.take("a")
    limiter.take("a")
    limiter.take("b")  # per user
    with pytest.raises(RateLimited) as err:
        limiter.take("a")
    assert err.value.retry_after_s == 30
    now[0] += 30
    limiter.take("a")
