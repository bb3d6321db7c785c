"""A jupyter_client kernel provisioner that starts kernels inside the bubblewrap sandbox.

Named ``codepark-sandbox`` in the ``jupyter_client.kernel_provisioners`` entry point; a kernel
spec selects it with ``metadata.kernel_provisioner.provisioner_name`` (see :mod:`.kernelspec`).
The limits are traits, set from the kernel spec's provisioner ``config`` or from Jupyter
configuration (``c.SandboxProvisioner.memory_mb = 1024``).

How it differs from :class:`~jupyter_client.provisioning.LocalProvisioner`:

- the connection uses the ``ipc`` transport (Unix sockets in the sandbox's run folder, bound
  into the sandbox at the same path): TCP cannot cross the sandbox's network namespace;
- the connection file is written in that run folder and given to the sandbox's uid;
- the command is wrapped by :meth:`.Sandbox.command` (cleared environment, so no
  ``JPY_PARENT_PID``: its pid would mean nothing in the sandbox's PID namespace);
- SIGINT cannot reach through bubblewrap, so kernel specs use ``interrupt_mode: message``;
  other signals go to the sandbox's processes by their host pids (found in its control group);
- on every exit the sandbox's control groups are emptied (SIGKILL) and removed; on shutdown
  (not restart) its folders are deleted, so nothing of the kernel outlives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Int, List, Unicode, default

from .launcher import NOBODY, Sandbox, SandboxOptions, default_scratch_root
from .limits import Limits, Usage

PROVISIONER_NAME = "codepark-sandbox"
IPC_PATH_MAX = 107  # sizeof(sockaddr_un.sun_path) - 1 on Linux


def sandbox_name(kernel_id: str) -> str:
    """A short name for the kernel's sandbox (Unix socket paths must stay short)."""
    return "k" + kernel_id.replace("-", "")[:15]


class SandboxProvisioner(LocalProvisioner):
    """Runs the kernel under bubblewrap with no network, a private scratch and limits."""

    memory_mb = Int(512, config=True, help="Memory the kernel and its children may use (MiB).")
    cpu_percent = Int(
        100, config=True, help="CPU share of the kernel, in percent of one core (0: no limit)."
    )
    pids_max = Int(
        128,
        config=True,
        help="Processes and threads the kernel may have at once (ipykernel itself uses ~10).",
    )
    scratch_root = Unicode(
        config=True,
        help="""Folder holding each kernel's private scratch and run folders (hidden from every
        sandbox but the kernel's own). Default: codepark-sandbox in the system temp folder.""",
    )
    sandbox_uid = Int(NOBODY, config=True, help="uid of the kernel when the server runs as root.")
    sandbox_gid = Int(NOBODY, config=True, help="gid of the kernel when the server runs as root.")
    extra_hidden_paths = List(
        Unicode(),
        config=True,
        help="More folders to hide from kernels, besides home folders, /run, /tmp, /srv etc.",
    )

    @default("scratch_root")
    def _default_scratch_root(self) -> str:
        return default_scratch_root()

    sandbox: Sandbox | None = None

    def sandbox_options(self) -> SandboxOptions:
        return SandboxOptions(
            limits=Limits(self.memory_mb, self.cpu_percent, self.pids_max),
            scratch_root=self.scratch_root,
            uid=self.sandbox_uid,
            gid=self.sandbox_gid,
            extra_hidden_paths=tuple(self.extra_hidden_paths),
        )

    @property
    def scratch(self) -> Path | None:
        return self.sandbox.scratch if self.sandbox else None

    def usage(self) -> Usage:
        """What the kernel ran into (OOM kills, refused forks) since its last (re)start."""
        return self.sandbox.usage() if self.sandbox else Usage()

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        if self.sandbox is None:
            self.sandbox = Sandbox(sandbox_name(self.kernel_id), self.sandbox_options())
        sandbox = self.sandbox
        if len(str(sandbox.run_dir / "k-99")) > IPC_PATH_MAX:
            raise ValueError(
                f"The sandbox's scratch_root {self.scratch_root!r} is too long for Unix "
                f"socket paths ({IPC_PATH_MAX} characters at most): choose a shorter one."
            )
        await asyncio.to_thread(sandbox.prepare)
        km = self.parent
        if km is not None:
            km.transport = "ipc"
            km.cache_ports = False
            km.ip = str(sandbox.run_dir / "k")
            km.connection_file = str(sandbox.run_dir / "kernel.json")
        kwargs = await super().pre_launch(**kwargs)
        if km is not None:
            await asyncio.to_thread(sandbox.give, km.connection_file)
        kwargs["cmd"] = sandbox.command(kwargs["cmd"], kwargs.get("env"))
        kwargs["cwd"] = str(sandbox.home)
        return kwargs

    async def send_signal(self, signum: int) -> None:
        if signum in (signal.SIGKILL, signal.SIGTERM) or self.sandbox is None:
            await super().send_signal(signum)
            return
        # bubblewrap does not forward signals: deliver them inside, by host pid
        for pid in await asyncio.to_thread(_sandboxed_pids, self.sandbox):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart=restart)
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.destroy, keep_files=restart)
            if not restart:
                self.sandbox = None

    async def get_provisioner_info(self) -> dict[str, Any]:
        info = await super().get_provisioner_info()
        info["scratch_root"] = self.scratch_root
        return info

    async def load_provisioner_info(self, provisioner_info: dict) -> None:
        await super().load_provisioner_info(provisioner_info)
        self.scratch_root = provisioner_info.get("scratch_root", self.scratch_root)
        self.sandbox = Sandbox(sandbox_name(self.kernel_id), self.sandbox_options())


def _sandboxed_pids(sandbox: Sandbox) -> list[int]:
    """The sandbox's own processes (not the bubblewrap and shell wrapping them)."""
    pids = []
    for pid in sandbox.pids():
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if comm not in ("bwrap", "sh", "setpriv"):
            pids.append(pid)
    return pids
