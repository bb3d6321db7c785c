"""A small pool of warm sandboxed kernels, each used for one run and then thrown away."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from .kernelspec import write_kernel_spec
from .limits import Usage

POOL_KERNEL_NAME = "codepark-run"
KERNEL_READY_TIMEOUT_S = 60


@dataclass
class WarmKernel:
    manager: AsyncKernelManager
    client: Any  # AsyncKernelClient, channels started

    def usage(self) -> Usage:
        provisioner = self.manager.provisioner
        return provisioner.usage() if hasattr(provisioner, "usage") else Usage()

    async def is_alive(self) -> bool:
        return await self.manager.is_alive()


class KernelPool:
    """Keeps ``size`` sandboxed kernels started and ready; :meth:`take` hands one out (or
    starts one when none is ready) and tops the pool up in the background.

    Kernels are started from the event loop's thread: bubblewrap's ``--die-with-parent`` ties a
    sandbox to the thread that forked it, so starting from a worker thread would kill it when
    that thread ends.
    """

    def __init__(
        self,
        size: int,
        provisioner_config: dict[str, Any],
        log: logging.Logger | None = None,
    ) -> None:
        self.size = size
        self.log = log or logging.getLogger(__name__)
        self._spec_dir = tempfile.mkdtemp(prefix="codepark-run-spec-")
        write_kernel_spec(os.path.join(self._spec_dir, POOL_KERNEL_NAME), None, provisioner_config)
        self._ksm = KernelSpecManager(kernel_dirs=[self._spec_dir])
        self._ready: list[WarmKernel] = []
        self._starting: set[asyncio.Task] = set()
        self._discarding: set[asyncio.Task] = set()
        self._closed = False

    async def start_kernel(self) -> WarmKernel:
        km = AsyncKernelManager(kernel_name=POOL_KERNEL_NAME, kernel_spec_manager=self._ksm)
        # the kernel's own stdout is only ipykernel's banner; per run, it would flood the log
        await km.start_kernel(stdout=subprocess.DEVNULL)
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=KERNEL_READY_TIMEOUT_S)
        except BaseException:
            client.stop_channels()
            await km.shutdown_kernel(now=True)
            raise
        return WarmKernel(km, client)

    def top_up(self) -> None:
        """Start kernels in the background until ``size`` are ready or starting."""
        while not self._closed and len(self._ready) + len(self._starting) < self.size:
            task = asyncio.ensure_future(self._start_into_pool())
            self._starting.add(task)
            task.add_done_callback(self._starting.discard)

    async def _start_into_pool(self) -> None:
        try:
            kernel = await self.start_kernel()
        except Exception:
            self.log.exception("CodePark: a sandboxed kernel for the run pool failed to start")
            return
        if self._closed:
            await self._shutdown(kernel)
        else:
            self._ready.append(kernel)

    async def take(self) -> WarmKernel:
        """A ready kernel (a fresh one if none is warm)."""
        while self._ready:
            kernel = self._ready.pop(0)
            if await kernel.is_alive():
                self.top_up()
                return kernel
            self.discard(kernel)
        self.top_up()
        return await self.start_kernel()

    def discard(self, kernel: WarmKernel) -> None:
        """Shut a used kernel down in the background (sandbox killed, files removed)."""
        task = asyncio.ensure_future(self._shutdown(kernel))
        self._discarding.add(task)
        task.add_done_callback(self._discarding.discard)

    @staticmethod
    async def _shutdown(kernel: WarmKernel) -> None:
        kernel.client.stop_channels()
        with contextlib.suppress(Exception):
            await kernel.manager.shutdown_kernel(now=True)

    async def close(self) -> None:
        self._closed = True
        if self._starting:
            await asyncio.gather(*self._starting, return_exceptions=True)
        ready, self._ready = self._ready, []
        await asyncio.gather(*(self._shutdown(k) for k in ready), return_exceptions=True)
        if self._discarding:
            await asyncio.gather(*self._discarding, return_exceptions=True)
        await asyncio.to_thread(shutil.rmtree, self._spec_dir, True)
