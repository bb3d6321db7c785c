"""A real Jupyter server (or JupyterLab) in a subprocess, for tests that need a browser, a
restart, or a kill -9: started on a free loopback port under a JupyterHub-style base URL."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_settings(settings_dir: Path) -> None:
    """No news toast or update check in screenshots."""
    target = settings_dir / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True, exist_ok=True)
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


@dataclass
class ServerProcess:
    base: Path  # private folder: config, data, runtime, logs
    root: Path  # the server's root_dir
    store_url: str
    lab: bool = True
    base_url: str = "/user/alice/"
    extra_args: list[str] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.base_url}"

    def lab_url(self, path: str = "lab") -> str:
        return f"{self.url}{path}?token={self.token}"

    def start(self, timeout_s: float = 60) -> ServerProcess:
        self.port = free_port()
        lab_settings(self.base / "settings")
        env = {
            **os.environ,
            "JUPYTERLAB_SETTINGS_DIR": str(self.base / "settings"),
            "JUPYTER_CONFIG_DIR": str(self.base / "config"),
            "JUPYTER_DATA_DIR": str(self.base / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.base / "runtime"),
            "CODEPARK_STORE_URL": self.store_url,
        }
        module = "jupyterlab" if self.lab else "jupyter_server"
        argv = [
            sys.executable, "-m", module, "--no-browser", "--allow-root", "--ip=127.0.0.1",
            f"--port={self.port}", f"--ServerApp.base_url={self.base_url}",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False", *self.extra_args,
        ]  # fmt: skip
        if self.lab:
            argv.append(f"--LabApp.workspaces_dir={self.base / 'workspaces'}")
        self.log_path = self.base / f"server-{self.port}.log"
        self._log_file = open(self.log_path, "wb")  # noqa: SIM115 (closed by stop/kill)
        self.process = subprocess.Popen(
            argv, cwd=self.root, env=env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self.api("api/status")
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("The Jupyter server did not start:\n" + self.log()) from None
                time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)

    def kill(self) -> None:
        """SIGKILL: the server gets no chance to clean up (a crash)."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close_log()

    def _close_log(self) -> None:
        if getattr(self, "_log_file", None) is not None:
            self._log_file.close()
            self._log_file = None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._close_log()


def http_error(e: urllib.error.HTTPError) -> tuple[int, dict]:
    return e.code, json.loads(e.read() or b"{}")
