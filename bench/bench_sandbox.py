"""Sandboxed execution: kernel start time sandboxed vs plain ipykernel, and the run service's
latency for ``print(1)`` on a warm pool (plus a bare sandboxed ``python -c`` for comparison:
the alternative design of one fresh process per run).

Run by ``make bench``; prints medians and percentiles, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from jupyter_codepark.sandbox.kernelspec import KERNEL_NAME, install
from jupyter_codepark.sandbox.launcher import Sandbox, run_once, sandbox_problem
from jupyter_codepark.sandbox.run import RunService, run_settings


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def kernel_start_s(kernel_name: str, ksm: KernelSpecManager | None) -> float:
    km = AsyncKernelManager(
        kernel_name=kernel_name, **({"kernel_spec_manager": ksm} if ksm else {})
    )
    t0 = time.perf_counter()
    await km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    elapsed = time.perf_counter() - t0
    kc.stop_channels()
    await km.shutdown_kernel(now=True)
    return elapsed


async def main(n_kernels: int, n_runs: int) -> None:
    problem = sandbox_problem()
    if problem:
        print(f"sandbox unavailable: {problem}")
        return
    with tempfile.TemporaryDirectory() as prefix:
        install(prefix=prefix)
        ksm = KernelSpecManager(kernel_dirs=[f"{prefix}/share/jupyter/kernels"])
        plain = [await kernel_start_s("python3", None) for _ in range(n_kernels)]
        boxed = [await kernel_start_s(KERNEL_NAME, ksm) for _ in range(n_kernels)]
    print(
        f"kernel start, plain ipykernel:   median {statistics.median(plain):.3f} s (n={n_kernels})"
    )
    print(
        f"kernel start, sandboxed:         median {statistics.median(boxed):.3f} s (n={n_kernels})"
    )

    sandbox = Sandbox("bench-once")
    await asyncio.to_thread(sandbox.prepare)
    once = []
    for _ in range(n_kernels):
        t0 = time.perf_counter()
        await asyncio.to_thread(run_once, sandbox, [sys.executable, "-c", "print(1)"])
        once.append(time.perf_counter() - t0)
    await asyncio.to_thread(sandbox.destroy)
    print(
        f"bare sandboxed `python -c`:      median {statistics.median(once):.3f} s (n={n_kernels})"
    )

    service = RunService(run_settings(pool_size=2, max_concurrent=1, rate_per_minute=0))
    await service.run("print(1)")  # fill the pool
    latencies = []
    for _ in range(n_runs):
        await asyncio.sleep(1.0)  # let the pool refill: this measures the warm path
        t0 = time.perf_counter()
        result = await service.run("print(1)")
        latencies.append(time.perf_counter() - t0)
        assert result.status == "ok", result
    await service.close()
    print(
        f"run service, print(1), warm:     p50 {pct(latencies, 0.5) * 1000:.1f} ms, "
        f"p95 {pct(latencies, 0.95) * 1000:.1f} ms (n={n_runs})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", type=int, default=7, help="kernel starts per kind")
    parser.add_argument("--runs", type=int, default=20, help="warm runs")
    args = parser.parse_args()
    asyncio.run(main(args.kernels, args.runs))
