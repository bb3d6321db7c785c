"""Run a snippet of untrusted code: a fresh sandboxed kernel per run, from a warm pool.

:class:`RunService` checks the caller's rate and the sizes, queues the run behind at most
``max_concurrent`` others, executes it in a warm kernel of :class:`.pool.KernelPool`, collects
stdout, stderr and rich outputs (``display_data`` / ``execute_result`` MIME bundles) up to an
output budget, and then throws the kernel away (its sandbox is killed and deleted), so no run
sees another's state.

Statuses: ``ok``; ``error`` (with ``ename``, ``evalue``, ``traceback``); ``timeout`` (the run
was stopped at its time limit); ``killed`` with a ``reason``: ``out of memory`` (the kernel's
OOM killer stopped a process of the sandbox), ``too many processes`` (a fork was refused at the
pids limit; the sandbox is then killed whole, which is how a fork bomb ends), ``too much
output`` (the output budget was exceeded), or ``kernel died``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import InvalidInput, RateLimited, SandboxUnavailable
from .launcher import sandbox_problem
from .limits import Limits
from .pool import KernelPool, WarmKernel
from .ratelimit import RateLimiter

RICH = ("display_data", "execute_result")
POLL_S = 0.25  # how often a silent kernel is checked for death


@dataclass(frozen=True)
class RunSettings:
    limits: Limits = field(default_factory=Limits)
    timeout_s: float = 10.0  # default and maximum of a run
    pool_size: int = 2
    max_concurrent: int = 2
    max_queued: int = 8
    rate_per_minute: int = 30
    max_code_kb: int = 64
    max_output_kb: int = 1024
    scratch_root: str | None = None

    def provisioner_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "memory_mb": self.limits.memory_mb,
            "cpu_percent": self.limits.cpu_percent,
            "pids_max": self.limits.pids_max,
        }
        if self.scratch_root:
            config["scratch_root"] = self.scratch_root
        return config


@dataclass
class RunResult:
    status: str = "ok"  # ok | error | timeout | killed
    stdout: str = ""
    stderr: str = ""
    outputs: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None  # ename, evalue, traceback
    reason: str | None = None  # why it was killed
    truncated: bool = False
    duration_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class _Collector:
    """Accumulates a run's output within a byte budget."""

    def __init__(self, result: RunResult, budget_bytes: int) -> None:
        self.result = result
        self.left = budget_bytes

    def _spend(self, n: int) -> bool:
        self.left -= n
        if self.left < 0:
            self.result.truncated = True
        return self.left >= 0

    def add(self, msg: dict[str, Any]) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            text = content.get("text", "")
            size = len(text.encode())
            if not self._spend(size):
                text = text.encode()[: max(0, size + self.left)].decode(errors="ignore")
            name = "stderr" if content.get("name") == "stderr" else "stdout"
            setattr(self.result, name, getattr(self.result, name) + text)
        elif kind in RICH:
            output = {"type": kind, "data": content.get("data", {})}
            output["metadata"] = content.get("metadata", {})
            if self._spend(len(json.dumps(output))):
                self.result.outputs.append(output)
        elif kind == "error":
            error = {k: content.get(k) for k in ("ename", "evalue", "traceback")}
            self._spend(len(json.dumps(error)))
            self.result.error = error
            self.result.status = "error"

    @property
    def over(self) -> bool:
        return self.left < 0


async def execute(
    kernel: WarmKernel, code: str, timeout_s: float, max_output_bytes: int
) -> RunResult:
    """Run ``code`` in ``kernel`` and collect what it says until it is idle, dies, floods or
    runs out of time. The kernel is spent afterwards (the caller discards it)."""
    result = RunResult()
    collector = _Collector(result, max_output_bytes)
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + timeout_s
    msg_id = kernel.client.execute(code, store_history=False, allow_stdin=False)
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            result.status = "timeout"
            break
        try:
            msg = await kernel.client.get_iopub_msg(timeout=min(remaining, POLL_S))
        except queue.Empty:
            if not await kernel.is_alive():
                result.status, result.reason = "killed", "kernel died"
                break
            continue
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
            break
        collector.add(msg)
        if collector.over:
            result.status, result.reason = "killed", "too much output"
            break
    result.duration_s = round(loop.time() - started, 3)
    return result


class RunService:
    """Rate limit, queue, size limits and the warm pool; one per server."""

    def __init__(self, settings: RunSettings, log: logging.Logger | None = None) -> None:
        self.settings = settings
        self.log = log or logging.getLogger(__name__)
        self.rate = RateLimiter(settings.rate_per_minute)
        self._slots = asyncio.Semaphore(max(1, settings.max_concurrent))
        self._waiting = 0
        self._pool: KernelPool | None = None
        self._problem: str | None = None
        self._checked = False

    async def _ensure_pool(self) -> KernelPool:
        if not self._checked:
            self._problem = await asyncio.to_thread(sandbox_problem)
            self._checked = True
        if self._problem:
            raise SandboxUnavailable(f"Sandboxed runs are not available here: {self._problem}")
        if self._pool is None:
            self._pool = KernelPool(
                self.settings.pool_size, self.settings.provisioner_config(), self.log
            )
        return self._pool

    def check(self, code: Any, timeout_s: Any) -> tuple[str, float]:
        """Validate a request; returns the code and the effective timeout."""
        if not isinstance(code, str) or not code.strip():
            raise InvalidInput("`code` must be a non-empty string.")
        limit = self.settings.max_code_kb * 1024
        if len(code.encode()) > limit:
            raise InvalidInput(f"`code` is larger than {self.settings.max_code_kb} KiB.")
        if timeout_s is None:
            return code, self.settings.timeout_s
        if isinstance(timeout_s, bool) or not isinstance(timeout_s, int | float):
            raise InvalidInput("`timeout_s` must be a number of seconds.")
        if not 0 < timeout_s:
            raise InvalidInput("`timeout_s` must be positive.")
        return code, min(float(timeout_s), self.settings.timeout_s)

    async def run(self, code: Any, timeout_s: Any = None, user: str = "") -> RunResult:
        code, timeout = self.check(code, timeout_s)
        pool = await self._ensure_pool()
        if self._waiting >= self.settings.max_queued + self.settings.max_concurrent:
            raise RateLimited(
                "The run queue is full; try again shortly.",
                retry_after_s=max(1, round(timeout)),
                reason="run-queue-full",
            )
        self.rate.take(user)
        self._waiting += 1
        try:
            async with self._slots:
                kernel = await pool.take()
                try:
                    result = await execute(
                        kernel, code, timeout, self.settings.max_output_kb * 1024
                    )
                    self._apply_limits(kernel, result)
                finally:
                    pool.discard(kernel)
        finally:
            self._waiting -= 1
        return result

    @staticmethod
    def _apply_limits(kernel: WarmKernel, result: RunResult) -> None:
        """A limit hit during the run overrides the status: the run was killed for it."""
        usage = kernel.usage()
        if usage.killed_reason:
            result.status, result.reason = "killed", usage.killed_reason

    async def close(self) -> None:
        if self._pool is not None:
            with contextlib.suppress(Exception):
                await self._pool.close()
            self._pool = None


def run_settings(**kwargs: Any) -> RunSettings:
    """RunSettings from flat keyword arguments (``memory_mb`` etc. go into the limits)."""
    limits = Limits(
        **{k: kwargs.pop(k) for k in ("memory_mb", "cpu_percent", "pids_max") if k in kwargs}
    )
    return RunSettings(limits=limits, **kwargs)


__all__ = ["RunResult", "RunService", "RunSettings", "execute", "run_settings"]
