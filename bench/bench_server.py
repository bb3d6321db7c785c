"""The REST API under load and the event loop during an analysis (a benchmark, not a test).

    python bench/bench_server.py [--files 10000] [--requests 2000]

Starts a real Jupyter server with CodePark, analyses a synthetic repository of `--files` files,
then, in the same run: N concurrent clients on CodePark's read endpoints and on Jupyter's own
`/api/status` (the ceiling of one tornado process), req/s and p50/p99 for each, as ratios; then
the latency of `/api/status` while a large analysis runs (event-loop lag shows up there).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import ServerProcess  # noqa: E402


async def load(url: str, headers: dict, n: int, clients: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=60) as client:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(n):
            queue.put_nowait(i)

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                t0 = time.perf_counter()
                r = await client.get(url)
                latencies.append(time.perf_counter() - t0)
                r.raise_for_status()

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return n / wall, statistics.median(latencies) * 1000, p99 * 1000


async def lag_during_analysis(srv: ServerProcess, headers: dict, path: str) -> list[float]:
    samples: list[float] = []
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        r = await client.post(srv.url + "codepark/api/analyses", json={"path": path})
        job = r.json()
        while True:
            t0 = time.perf_counter()
            await client.get(srv.url + "api/status")
            samples.append((time.perf_counter() - t0) * 1000)
            state = (await client.get(srv.url + f"codepark/api/analyses/{job['id']}")).json()
            if state["state"] not in ("queued", "running"):
                break
            await asyncio.sleep(0.05)
    return samples


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--commits", type=int, default=3000)
    ap.add_argument("--requests", type=int, default=2000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="codepark-bench-server-"))
    root = work / "root"
    root.mkdir()
    for name, commits, files in (("wide", args.commits, args.files), ("deep", 20000, 800)):
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "synthrepo.py"), str(root / name), "--commits",
             str(commits), "--files", str(files), "--authors", "10", "--seed", "2"],
            check=True, capture_output=True,
        )  # fmt: skip
    srv = ServerProcess(work / "srv", root, f"sqlite:///{work / 'store.sqlite'}", lab=False)
    srv.start()
    try:
        job = srv.api("codepark/api/analyses", "POST", {"path": "wide"})
        while srv.api(f"codepark/api/analyses/{job['id']}")["state"] in ("queued", "running"):
            time.sleep(0.2)
        repo = srv.api("codepark/api/repos")["items"][0]
        print(f"analysed: {repo['summary']['files']} files, {repo['summary']['commits']} commits")
        headers = {"Authorization": f"token {srv.token}"}
        rid = repo["id"]
        targets = {
            "jupyter /api/status": "api/status",
            "codepark summary": f"codepark/api/repos/{rid}/summary",
            "codepark files (100)": f"codepark/api/repos/{rid}/files?limit=100&sort=hotspot_score",
            "codepark hotspots": f"codepark/api/repos/{rid}/hotspots",
        }
        for clients in (10, 100):
            base = None
            for label, path in targets.items():
                rps, p50, p99 = asyncio.run(load(srv.url + path, headers, args.requests, clients))
                base = base or (rps, p99)
                print(
                    f"{clients:>3} clients  {label:<22} {rps:7.0f} req/s  p50 {p50:6.1f} ms  "
                    f"p99 {p99:6.1f} ms  ({rps / base[0]:.2f}x the throughput, "
                    f"{p99 / base[1]:.2f}x the p99 of /api/status)"
                )
        samples = asyncio.run(lag_during_analysis(srv, headers, "deep"))
        samples.sort()
        p99 = samples[int(len(samples) * 0.99) - 1]
        print(
            f"/api/status during a 20k-commit analysis: {len(samples)} samples, "
            f"p50 {statistics.median(samples):.1f} ms, p99 {p99:.1f} ms, max {samples[-1]:.1f} ms"
        )
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
