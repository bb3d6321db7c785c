"""A real JupyterHub (the ``local`` profile of hub/jupyterhub_config.py) in a subprocess, with
configurable-http-proxy from hub/node_modules, on free loopback ports; users log in through
the login form and act with API tokens of their own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.servers import free_port

HUB_DIR = Path(__file__).resolve().parents[2] / "hub"
CONFIG = HUB_DIR / "jupyterhub_config.py"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
TIMEOUT = httpx.Timeout(60.0)


def wait_for(predicate, what: str, limit_s: float = 120.0, every_s: float = 0.25):
    """Polls ``predicate`` until it returns something truthy (returned); a limit, not a timing."""
    end = time.monotonic() + limit_s
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > end:
            raise TimeoutError(f"gave up waiting for {what} after {limit_s} s")
        time.sleep(every_s)


@dataclass
class User:
    """A logged-in user: a browser-like session (cookies) and an API token."""

    name: str
    hub: HubProcess
    token: str = ""

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"token {token or self.token}"}

    def api(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        """A hub API call (``path`` under /hub/api/)."""
        return httpx.request(
            method, self.hub.url(f"hub/api/{path}"), headers=self.headers(token), timeout=TIMEOUT,
            **kw,
        )  # fmt: skip

    def server(
        self, method: str, owner: str, path: str, token: str | None = None, **kw: Any
    ) -> httpx.Response:
        """A call to ``owner``'s single-user server, through the proxy."""
        return httpx.request(
            method, self.hub.url(f"user/{owner}/{path}"), headers=self.headers(token),
            timeout=TIMEOUT, **kw,
        )  # fmt: skip

    def new_token(self, note: str) -> str:
        r = self.api("POST", f"users/{self.name}/tokens", json={"note": note, "expires_in": 3600})
        r.raise_for_status()
        return r.json()["token"]

    def spawn(self, limit_s: float = 180.0) -> float:
        """Starts the user's server and waits until it is ready; returns seconds taken."""
        started = time.monotonic()
        r = self.api("POST", f"users/{self.name}/server")
        assert r.status_code in (201, 202), r.text
        wait_for(lambda: self.server_model().get("ready"), f"{self.name}'s server", limit_s)
        return time.monotonic() - started

    def server_model(self) -> dict:
        r = self.api("GET", f"users/{self.name}")
        r.raise_for_status()
        return r.json().get("servers", {}).get("", {})

    def stop(self, limit_s: float = 120.0) -> None:
        r = self.api("DELETE", f"users/{self.name}/server")
        assert r.status_code in (202, 204), r.text
        wait_for(lambda: not self.server_model(), f"{self.name}'s server to stop", limit_s)


@dataclass
class HubProcess:
    state_dir: Path  # short: sandboxed kernels' socket paths live under it
    db_url: str = ""
    store_url: str = ""
    password: str = "correct horse battery"
    env_extra: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    users: dict[str, User] = field(default_factory=dict)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def start(self, limit_s: float = 120.0) -> float:
        """Starts the hub; returns the seconds until its login page answered."""
        if not PROXY.exists():
            raise RuntimeError(f"{PROXY} is missing: run `npm ci --prefix hub` (make test does)")
        self.port = free_port()
        env = {
            **os.environ,
            "CODEPARK_HUB_PROFILE": "local",
            "CODEPARK_HUB_STATE_DIR": str(self.state_dir),
            "CODEPARK_HUB_PORT": str(self.port),
            "CODEPARK_HUB_HUB_PORT": str(free_port()),
            "CODEPARK_HUB_PROXY_API_PORT": str(free_port()),
            "CODEPARK_HUB_LOCAL_PASSWORD": self.password,
            **({"CODEPARK_HUB_DB_URL": self.db_url} if self.db_url else {}),
            **({"CODEPARK_HUB_STORE_URL": self.store_url} if self.store_url else {}),
            **self.env_extra,
        }
        self.log_path = self.state_dir / "hub.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed by stop)
        started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
            cwd=self.state_dir, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip

        def up() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError("JupyterHub exited:\n" + self.log())
            try:
                return httpx.get(self.url("hub/login"), timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        try:
            wait_for(up, "JupyterHub to answer", limit_s)
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - started

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def login(self, name: str) -> User:
        """Logs in through the form (xsrf and all), then makes the user an API token."""
        with httpx.Client(base_url=self.url(), timeout=TIMEOUT) as browser:
            browser.get("hub/login").raise_for_status()
            xsrf = browser.cookies["_xsrf"]
            r = browser.post(
                "hub/login", data={"username": name, "password": self.password, "_xsrf": xsrf}
            )
            assert r.status_code == 302, f"login of {name} failed: {r.status_code} {r.text}"
            # the xsrf token is bound to the login: a page visit after it sets the new one
            browser.get("hub/home", headers={"Sec-Fetch-Mode": "navigate"}).raise_for_status()
            xsrf = [c.value for c in browser.cookies.jar if c.name == "_xsrf"][-1]
            r = browser.post(
                f"hub/api/users/{name}/tokens",
                json={"note": "live hub test", "expires_in": 3600},
                headers={"X-XSRFToken": xsrf},
            )
            r.raise_for_status()
        user = User(name, self, r.json()["token"])
        self.users[name] = user
        return user

    def stop(self, limit_s: float = 60.0) -> None:
        """SIGTERM, as an operator would: the hub stops its servers, proxy and services."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=limit_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None


# -- processes ----------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def process_tree(root: int) -> dict[int, int]:
    """The live descendants of ``root`` (not root itself): pid -> start time."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) and st[1] != "Z":
            children.setdefault(st[0], []).append(int(entry.name))
            starts[int(entry.name)] = st[2]
    found: dict[int, int] = {}
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found[pid] = starts[pid]
        todo.extend(children.get(pid, []))
    return found


def still_alive(snapshot: dict[int, int]) -> list[str]:
    """Processes of an earlier :func:`process_tree` that still run (same pid, same start)."""
    alive = []
    for pid, start in snapshot.items():
        st = _stat(pid)
        if st and st[1] != "Z" and st[2] == start:
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            alive.append(f"{pid}: {cmd[:200]}")
    return alive
