"""The hostile-code suite needs a working bubblewrap; where it cannot run, say so loudly."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest

from jupyter_codepark.sandbox.launcher import sandbox_problem


@pytest.fixture(autouse=True)
def _needs_sandbox():
    problem = sandbox_problem()
    if problem:
        pytest.skip(f"!!! SANDBOX TESTS SKIPPED: {problem} !!!")


@pytest.fixture
def scratch_root():
    """A private scratch root, short (Unix socket paths have 107 characters at most)."""
    root = Path(tempfile.mkdtemp(prefix="cps-", dir="/tmp"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def processes_mentioning(text: str) -> list[int]:
    """Live (non-zombie) processes whose command line mentions ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def wait_until_gone(text: str, limit_s: float = 10.0) -> list[int]:
    """Processes mentioning ``text`` still alive after ``limit_s`` (a limit, not a timing)."""
    end = time.monotonic() + limit_s
    while (left := processes_mentioning(text)) and time.monotonic() < end:
        time.sleep(0.05)
    return left


def leftover_cgroups(name: str) -> list[str]:
    found = []
    for controller in ("memory", "pids", "cpu"):
        base = Path("/sys/fs/cgroup") / controller
        if base.exists():
            found += [str(p) for p in base.rglob(name) if p.is_dir()]
    return found


class HostListeners:
    """A TCP listener and a UDP socket on the host's loopback, to prove nothing reaches them."""

    def __init__(self) -> None:
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen()
        self.tcp.setblocking(False)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.setblocking(False)
        self.tcp_port = self.tcp.getsockname()[1]
        self.udp_port = self.udp.getsockname()[1]

    def received_anything(self) -> bool:
        try:
            self.tcp.accept()[0].close()
            return True
        except BlockingIOError:
            pass
        try:
            self.udp.recv(64)
            return True
        except BlockingIOError:
            return False

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


@pytest.fixture
def host_listeners():
    listeners = HostListeners()
    yield listeners
    listeners.close()


def network_probe(tcp_port: int, udp_port: int) -> str:
    """Code run in the sandbox: tries the host's listeners and the outside; prints outcomes.
    Never sends anything off the machine: the outside address is TEST-NET-1 and only UDP
    ``connect()`` (which sends no packet) is tried on it."""
    return f"""
import socket
def attempt(label, fn):
    try:
        fn()
        print(label, "ok")
    except OSError as e:
        print(label, "failed", type(e).__name__, e.errno)
def tcp():
    with socket.create_connection(("127.0.0.1", {tcp_port}), timeout=2):
        pass
def udp_loopback():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("127.0.0.1", {udp_port}))
        s.send(b"hello")
def udp_outside():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 53))
attempt("tcp-host", tcp)
attempt("udp-host", udp_loopback)
attempt("udp-outside", udp_outside)
"""
