"""Collaboration benchmark: an edit on client A -> presence seen by client B (events WebSocket)
on loopback through a real server; hint lookup on a synthetic analysis of 10k files.

    python bench/bench_collab.py [--edits 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from httpx_ws import aconnect_ws  # noqa: E402
from pycrdt import Doc, Provider, Text  # noqa: E402
from pycrdt.websocket.websocket import HttpxWebsocket  # noqa: E402

from jupyter_codepark.collab.hints import Hints, HintSettings  # noqa: E402
from jupyter_codepark.store import Store  # noqa: E402
from jupyter_codepark.store import history as history_rows  # noqa: E402
from tests.servers import ServerProcess  # noqa: E402

ARGS = [
    "--ServerApp.identity_provider_class=tests.collab.identity.TwoUsersIdentityProvider",
    "--ServerApp.disable_check_xsrf=True",
]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


async def presence_latency(srv: ServerProcess, edits: int) -> list[float]:
    def put(path: str, user: str) -> dict:
        req = urllib.request.Request(
            f"{srv.url}api/collaboration/session/{path}", method="PUT",
            data=json.dumps({"format": "text", "type": "file"}).encode(),
            headers={"Authorization": f"token {user}-token"},
        )  # fmt: skip
        with urllib.request.urlopen(req) as r:
            return json.load(r)

    session = put("edit.py", "alice")
    room = f"text:file:{session['fileId']}"
    ws_base = srv.url
    doc_url = f"{ws_base}api/collaboration/room/{room}?sessionId={session['sessionId']}"
    events: asyncio.Queue = asyncio.Queue()
    out: list[float] = []
    doc = Doc()
    text = doc.get("source", type=Text)
    alice = {"Authorization": "token alice-token"}
    bob = {"Authorization": "token bob-token"}
    async with (
        aconnect_ws(f"{ws_base}codepark/api/events", headers=bob) as ev,
        aconnect_ws(doc_url, headers=alice) as ws,
        Provider(doc, HttpxWebsocket(ws, room)),
    ):

        async def pump():
            while True:
                message = await ev.receive_text()
                events.put_nowait((time.perf_counter(), json.loads(message)))

        task = asyncio.ensure_future(pump())
        for _ in range(500):  # the first sync
            if str(text):
                break
            await asyncio.sleep(0.01)  # noqa: ASYNC110 (a pycrdt Text has no awaitable change)
        await asyncio.sleep(0.5)
        for i in range(edits):
            while not events.empty():
                events.get_nowait()
            t0 = time.perf_counter()
            text.insert(0, f"# edit {i}\n")
            while True:
                t, e = await asyncio.wait_for(events.get(), 5)
                rooms = e.get("rooms") or []
                if e["type"] == "presence" and any(
                    (r.get("last_edit") or {}).get("username") == "alice" for r in rooms
                ):
                    out.append((t - t0) * 1000)
                    break
            await asyncio.sleep(0.1)
        task.cancel()
    return out


async def hint_latency(n_files: int, n_pairs: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp())
    store = Store(f"sqlite:///{tmp / 's.sqlite'}")
    repo_dir = tmp / "repo"
    repo_dir.mkdir()
    with store.begin() as conn:
        rid = history_rows.ensure_repo(conn, str(repo_dir), "repo")
        history_rows.update_repo(conn, rid, analysed_at=time.time())
    rnd = random.Random(1)
    paths = [f"pkg{i // 100}/mod{i}.py" for i in range(n_files)]
    files = [
        {"path": p, "revisions": rnd.randint(1, 90), "main_author": f"dev{rnd.randint(0, 30)}",
         "ownership": round(rnd.random(), 3)}
        for p in paths
    ]  # fmt: skip
    coupling = [
        {"a": rnd.choice(paths), "b": rnd.choice(paths), "shared": rnd.randint(3, 40),
         "degree": round(rnd.uniform(30, 100), 2)}
        for _ in range(n_pairs)
    ]  # fmt: skip
    result = SimpleNamespace(files=files, coupling=coupling)

    async def load(_rid: int):
        return result

    hints = Hints(store, str(tmp), load, HintSettings())
    t0 = time.perf_counter()
    await hints.for_path("repo/" + paths[0], str(repo_dir / paths[0]), set(), lambda n: None)
    cold = (time.perf_counter() - t0) * 1000
    warm = []
    for _ in range(1000):
        p = rnd.choice(paths)
        t0 = time.perf_counter()
        await hints.for_path("repo/" + p, str(repo_dir / p), set(), lambda n: None)
        warm.append((time.perf_counter() - t0) * 1000)
    return {"cold_ms": cold, "p50_ms": pct(warm, 50), "p95_ms": pct(warm, 95)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=200)
    args = ap.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    base = Path(tempfile.mkdtemp())
    root = base / "root"
    root.mkdir()
    (root / "edit.py").write_text("".join(f"line {i}\n" for i in range(200)))
    srv = ServerProcess(base / "srv", root, f"sqlite:///{base / 'store.sqlite'}", lab=False,
                        extra_args=ARGS).start()  # fmt: skip
    try:
        lat = asyncio.run(presence_latency(srv, args.edits))
    finally:
        srv.stop()
    print(
        f"edit on A -> presence on B ({len(lat)} edits, loopback): "
        f"p50 {statistics.median(lat):.1f} ms, p95 {pct(lat, 95):.1f} ms, max {max(lat):.1f} ms"
    )
    h = asyncio.run(hint_latency(10_000, 50_000))
    print(
        f"hint lookup, 10k files / 50k coupled pairs: first {h['cold_ms']:.0f} ms (index built), "
        f"then p50 {h['p50_ms']:.3f} ms, p95 {h['p95_ms']:.3f} ms"
    )


if __name__ == "__main__":
    main()
