"""Cancelling jobs, and a server killed mid-job: real server processes on a big repository."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import pytest

from tests.servers import ServerProcess, http_error

ROOT = Path(__file__).resolve().parents[2]
FINAL = {"done", "failed", "cancelled", "interrupted"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A server root with two synthetic repositories; the big one takes seconds to mine."""
    root = tmp_path_factory.mktemp("root")
    for name, commits in (("big", "20000"), ("small", "300")):
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "synthrepo.py"), str(root / name),
             "--commits", commits, "--files", "200", "--authors", "6", "--seed", "5"],
            check=True, capture_output=True,
        )  # fmt: skip
    return root


def server(tmp_path, root, store_url=None):
    return ServerProcess(
        tmp_path / f"server-{time.monotonic_ns()}",
        root,
        store_url or f"sqlite:///{tmp_path / 'store.sqlite'}",
        lab=False,
        extra_args=["--CodeParkApp.max_concurrent_jobs=1", "--CodeParkApp.executor=thread"],
    ).start()


def wait(srv, job_id, states, timeout_s=300):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = srv.api(f"codepark/api/analyses/{job_id}")
        if job["state"] in states:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job never reached {states}: {job}")


def test_cancel_a_running_and_a_queued_job(tmp_path, workspace):
    srv = server(tmp_path, workspace)
    try:
        big = srv.api("codepark/api/analyses", "POST", {"path": "big"})
        small = srv.api("codepark/api/analyses", "POST", {"path": "small"})
        running = wait(srv, big["id"], {"running"} | FINAL)
        assert running["state"] == "running"
        assert srv.api(f"codepark/api/analyses/{small['id']}")["state"] == "queued"
        # the queued one is cancelled at once
        assert srv.api(f"codepark/api/analyses/{small['id']}", "DELETE")["state"] == "cancelled"
        # the running one stops its git process and workers, and exposes no results
        srv.api(f"codepark/api/analyses/{big['id']}", "DELETE")
        assert wait(srv, big["id"], FINAL)["state"] == "cancelled"
        assert srv.api("codepark/api/repos")["items"] == []
        with pytest.raises(urllib.error.HTTPError) as err:
            srv.api(f"codepark/api/analyses/{big['id']}", "DELETE")
        assert http_error(err.value)[0] == 409
        # nothing of it is left running
        out = subprocess.run(["pgrep", "-f", f"git -C {workspace / 'big'}"], capture_output=True)
        assert out.stdout == b""
    finally:
        srv.stop()


def test_server_killed_mid_job_shows_interrupted_and_rerun_completes(tmp_path, workspace):
    store = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    first = server(tmp_path, workspace, store)
    try:
        job = first.api("codepark/api/analyses", "POST", {"path": "big"})
        assert wait(first, job["id"], {"running"} | FINAL)["state"] == "running"
    finally:
        first.kill()  # SIGKILL: no clean-up at all
    second = server(tmp_path, workspace, store)
    try:
        seen = second.api(f"codepark/api/analyses/{job['id']}")
        assert seen["state"] == "interrupted"
        assert "stopped" in seen["error"]
        again = second.api(f"codepark/api/analyses/{job['id']}/rerun", "POST")
        assert again["id"] != job["id"]
        done = wait(second, again["id"], FINAL)
        assert done["state"] == "done", done["error"]
        summary = second.api(f"codepark/api/repos/{done['repo_id']}/summary")
        assert summary["summary"]["commits"] >= 20000
    finally:
        second.stop()
