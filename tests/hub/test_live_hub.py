"""A real JupyterHub (local profile of hub/jupyterhub_config.py) with configurable-http-proxy,
PostgreSQL as the hub's database and CodePark's store: two users log in, spawn, share, run code
in the sandbox, and everything stops cleanly."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import pytest
from httpx_ws import connect_ws

from jupyter_codepark.sandbox.launcher import sandbox_problem

from .hubprocess import HubProcess, process_tree, still_alive, wait_for

pytestmark = pytest.mark.postgres
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def hub(postgres_cluster):
    # short and private: sandboxed kernels' Unix socket paths must stay under 108 characters
    state_dir = Path(tempfile.mkdtemp(prefix="cph-", dir="/tmp"))
    hub = HubProcess(
        state_dir,
        db_url=postgres_cluster.create_database(),
        store_url=postgres_cluster.create_database(),
    )
    TIMINGS["hub start"] = hub.start()
    try:
        yield hub
    finally:
        for user in hub.users.values():
            if hub.process.poll() is None and user.server_model():
                user.stop()
        hub.stop()
        shutil.rmtree(state_dir, ignore_errors=True)
        print("\nlive hub timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in TIMINGS.items()))


@pytest.fixture(scope="module")
def alice(hub):
    user = hub.login("alice")
    TIMINGS["spawn alice"] = user.spawn()
    return user


@pytest.fixture(scope="module")
def bob(hub):
    user = hub.login("bob")
    TIMINGS["spawn bob"] = user.spawn()
    return user


def needs_sandbox():
    problem = sandbox_problem()
    if problem:
        pytest.skip(f"!!! SANDBOXED KERNEL THROUGH THE HUB SKIPPED: {problem} !!!")


def assert_all_gone(tree: dict[int, int]) -> None:
    try:
        wait_for(lambda: not still_alive(tree), "processes to end", 30)
    except TimeoutError:
        pytest.fail("left running after the hub stopped:\n" + "\n".join(still_alive(tree)))


def test_users_reach_their_own_servers(hub, alice, bob):
    for user in (alice, bob):
        r = user.server("GET", user.name, "codepark/api/status")
        assert r.status_code == 200, r.text
        assert r.json()["version"]
        # the server reports its activity to the hub (what the idle culler reads)
        assert user.server_model()["last_activity"]
    r = bob.server("GET", "alice", "codepark/api/status")
    assert r.status_code == 403


def test_alice_shares_her_server_with_bob(hub, alice, bob):
    r = alice.api("POST", "shares/alice/", json={"user": "bob"})
    assert r.status_code == 200, r.text
    assert r.json()["user"]["name"] == "bob"
    r = bob.api("GET", "users/bob/shared")
    assert [s["server"]["user"]["name"] for s in r.json()["items"]] == ["alice"]
    # a fresh token: single-user servers cache what a token may do for a few minutes
    fresh = bob.new_token("after the share")
    r = bob.server("GET", "alice", "codepark/api/status", token=fresh)
    assert r.status_code == 200, r.text
    r = bob.server("GET", "alice", "api/contents", token=fresh)
    assert r.status_code == 200, r.text


def test_sandboxed_kernel_runs_code_through_the_hub(hub, alice):
    needs_sandbox()
    specs = alice.server("GET", "alice", "api/kernelspecs").json()
    assert specs["default"] == "codepark-sandbox"
    started = time.monotonic()
    r = alice.server("POST", "alice", "api/kernels", json={"name": "codepark-sandbox"})
    assert r.status_code == 201, r.text
    kernel_id = r.json()["id"]
    # through the proxy's websocket, as JupyterLab does; the code runs in the sandbox, as a
    # non-root uid that cannot see the hub's state (cookie secret, database)
    url = hub.url(f"user/alice/api/kernels/{kernel_id}/channels").replace("http", "ws", 1)
    with httpx.Client(headers=alice.headers(), timeout=60) as client:
        with connect_ws(url, client) as ws:
            secret = hub.state_dir / "jupyterhub_cookie_secret"
            request = execute_request(f"import os; print(os.getuid(), os.path.exists('{secret}'))")
            ws.send_json(request)
            stdout = collect_stdout(ws, request["header"]["msg_id"])
    TIMINGS["sandboxed kernel start + execute"] = time.monotonic() - started
    uid, sees_secret = stdout.split()
    assert int(uid) != 0 and sees_secret == "False"  # not root; the hub's secrets are hidden
    r = alice.server("DELETE", "alice", f"api/kernels/{kernel_id}")
    assert r.status_code == 204


def execute_request(code: str) -> dict:
    return {
        "channel": "shell",
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": "execute_request",
            "session": "hub-test",
            "username": "alice",
            "version": "5.3",
            "date": "",
        },  # fmt: skip
        "parent_header": {},
        "metadata": {},
        "content": {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },  # fmt: skip
        "buffers": [],
    }


def collect_stdout(ws, msg_id: str, limit_s: float = 120.0) -> str:
    """stdout of request ``msg_id``: read until both its reply (shell) and its idle status
    (iopub) have come, since the two channels are not ordered with each other."""
    out, replied, idle = [], False, False
    end = time.monotonic() + limit_s
    while not (replied and idle):
        if time.monotonic() > end:
            raise TimeoutError("no execute_reply and idle status")
        msg = ws.receive_json(timeout=limit_s)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue  # e.g. the kernel_info the server sends on connect
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            raise AssertionError("\n".join(content["traceback"]))
        elif kind == "execute_reply":
            assert content["status"] == "ok", content
            replied = True
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    return "".join(out)


def test_run_api_through_the_hub(hub, alice):
    needs_sandbox()
    started = time.monotonic()
    r = alice.server("POST", "alice", "codepark/api/run", json={"code": "print(1)"})
    TIMINGS["first run (cold pool)"] = time.monotonic() - started
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["stdout"]) == ("ok", "1\n")


def test_servers_and_hub_stop_cleanly(hub, alice, bob):
    # a kernel is running when the server is stopped: it must go too
    if not sandbox_problem():
        r = alice.server("POST", "alice", "api/kernels", json={"name": "codepark-sandbox"})
        assert r.status_code == 201, r.text
    tree = process_tree(hub.process.pid)
    assert len(tree) >= 3, tree  # the proxy, the culler, the servers (and a kernel)
    alice.stop()
    bob.stop()
    hub.stop()
    assert hub.process.returncode == 0, hub.log()[-3000:]
    assert_all_gone(tree)


def test_no_process_outlives_the_hub_even_with_servers_running():
    """The hub stops running servers (and their kernels) itself on SIGTERM."""
    state_dir = Path(tempfile.mkdtemp(prefix="cph-", dir="/tmp"))
    hub = HubProcess(state_dir)  # SQLite for the hub and the store
    try:
        hub.start()
        carol = hub.login("carol")
        carol.spawn()
        if not sandbox_problem():
            r = carol.server("POST", "carol", "api/kernels", json={"name": "codepark-sandbox"})
            assert r.status_code == 201, r.text
        tree = process_tree(hub.process.pid)
        hub.stop()
        assert hub.process.returncode == 0, hub.log()[-3000:]
        assert_all_gone(tree)
    finally:
        hub.stop()
        shutil.rmtree(state_dir, ignore_errors=True)
