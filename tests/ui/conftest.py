"""A real JupyterLab server with CodePark, and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CODEPARK_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def jp_asyncio_loop():
    """Replace pytest-jupyter's per-test loop: Playwright's sync API runs its own loop, which
    pytest-jupyter's fixture would otherwise pick up as "current" and try to close."""
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup():
    """No in-process Jupyter server here (the lab runs as a subprocess): nothing to clean."""
    yield None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    url: str  # http://127.0.0.1:PORT/BASE/
    token: str
    root: Path
    process: subprocess.Popen

    def lab_url(self, path: str = "lab") -> str:
        return f"{self.url}{path}?token={self.token}"

    def api(self, path: str) -> dict:
        req = urllib.request.Request(
            self.url + path, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)


def _lab_settings(settings_dir: Path) -> None:
    """No news toast or update check in screenshots."""
    target = settings_dir / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True, exist_ok=True)
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory) -> LabServer:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    root.mkdir()
    settings = base / "settings"
    _lab_settings(settings)
    port = _free_port()
    token = secrets.token_hex(16)
    base_url = "/user/alice/"  # JupyterHub-style: nothing may assume "/"
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "CODEPARK_STORE_URL": f"sqlite:///{base / 'codepark.sqlite'}",
    }
    log = open(base / "lab.log", "wb")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab",
            "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
            f"--ServerApp.base_url={base_url}", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
            "--ServerApp.terminals_enabled=False",
        ],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = LabServer(f"http://127.0.0.1:{port}{base_url}", token, root, proc)
    deadline = time.monotonic() + 60
    while True:
        try:
            server.api("api/status")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("JupyterLab did not start:\n" + (base / "lab.log").read_text())
            time.sleep(0.2)
    yield server
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    """A fresh page that records console errors; the test fails if any appear."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.console_errors = errors
    yield page
    context.close()
    assert errors == [], f"console errors in JupyterLab: {errors}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
