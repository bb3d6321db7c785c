"""Collaboration benchmark: an edit on client A -> presence seen by client B (events WebSocket)
on loopback through a real server; hint lookup on a synthetic analysis of 10k files; and N
simulated editors (pycrdt clients over real WebSockets, each sending its cursor by awareness as
JupyterLab does) typing in one room for a while, on a server with CodePark's layer and on one
with collaboration alone (CodePark disabled): the server process's CPU time, their ratio, and
that no update was lost (every client ends with the same text holding every typed character).

    python bench/bench_collab.py [--edits 200] [--editors 20] [--duration 60] [--rate 2]
                                 [--rounds 1] [--skip-load]
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
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from httpx_ws import aconnect_ws  # noqa: E402
from pycrdt import (  # noqa: E402
    Assoc,
    Awareness,
    Doc,
    Provider,
    Text,
    create_awareness_message,
)
from pycrdt.websocket.websocket import HttpxWebsocket  # noqa: E402

from jupyter_codepark.collab.hints import Hints, HintSettings  # noqa: E402
from jupyter_codepark.store import Store  # noqa: E402
from jupyter_codepark.store import history as history_rows  # noqa: E402
from tests.servers import ServerProcess  # noqa: E402

ARGS = [
    "--ServerApp.identity_provider_class=tests.collab.identity.TwoUsersIdentityProvider",
    "--ServerApp.disable_check_xsrf=True",
]


# collaboration alone: the same server and extensions with CodePark's disabled
WITHOUT_CODEPARK = ["--ServerApp.jpserver_extensions=jupyter_codepark=False"]
# what the editors type: one letter each, none of them in the file's initial text
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
INITIAL = "".join(f"line {i}\n" for i in range(200))


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


def put_session(srv: ServerProcess, path: str, user: str) -> dict:
    req = urllib.request.Request(
        f"{srv.url}api/collaboration/session/{path}", method="PUT",
        data=json.dumps({"format": "text", "type": "file"}).encode(),
        headers={"Authorization": f"token {user}-token"},
    )  # fmt: skip
    with urllib.request.urlopen(req) as r:
        return json.load(r)


class Editor:
    """One simulated person: a pycrdt client of the room that types its own letter at random
    places and moves its cursor there (awareness), at `rate` characters per second."""

    def __init__(self, i: int, srv: ServerProcess, path: str) -> None:
        self.i, self.srv, self.path = i, srv, path
        self.user = "alice" if i % 2 == 0 else "bob"
        self.letter = LETTERS[i]
        self.doc = Doc()
        self.text = self.doc.get("source", type=Text)
        self.typed = 0

    async def run(self, ready: asyncio.Barrier, start: asyncio.Event, stop: asyncio.Event,
                  done: asyncio.Event, rate: float) -> None:  # fmt: skip
        session = await asyncio.to_thread(put_session, self.srv, self.path, self.user)
        room = f"text:file:{session['fileId']}"
        url = f"{self.srv.url}api/collaboration/room/{room}?sessionId={session['sessionId']}"
        headers = {"Authorization": f"token {self.user}-token"}
        rnd = random.Random(self.i)
        try:
            await self._type(url, room, headers, rnd, ready, start, stop, done, rate)
        except Exception:
            if not done.is_set():
                raise
            # leaving: an update still in flight when the socket closes is of no interest

    async def _type(self, url, room, headers, rnd, ready, start, stop, done, rate) -> None:  # noqa: ANN001
        async with aconnect_ws(url, headers=headers) as ws:
            channel = HttpxWebsocket(ws, room)
            async with Provider(self.doc, channel):
                awareness = Awareness(self.doc)
                for _ in range(1000):  # the first sync
                    if str(self.text):
                        break
                    await asyncio.sleep(0.01)  # noqa: ASYNC110 (a Text has no awaitable change)
                await ready.wait()
                await start.wait()
                await asyncio.sleep(rnd.random() / rate)  # not all in step
                while not stop.is_set():
                    pos = rnd.randint(0, len(self.text))
                    self.text.insert(pos, self.letter)
                    self.typed += 1
                    sticky = self.text.sticky_index(pos, Assoc.AFTER).to_json()
                    awareness.set_local_state({
                        "user": {"username": self.user, "name": self.user},
                        "cursors": [{"anchor": sticky, "head": sticky}],
                    })  # fmt: skip
                    update = awareness.encode_awareness_update([awareness.client_id])
                    await channel.send(create_awareness_message(update))
                    await asyncio.sleep(rnd.uniform(0.5, 1.5) / rate)
                await done.wait()  # stay in the room until everyone has converged


async def typing_load(
    srv: ServerProcess, path: str, editors: int, duration_s: float, rate: float, listen: bool
) -> dict:
    """`editors` clients type for `duration_s`; the server's CPU time from the first keystroke
    until every client holds every character (plus a 2 s settle for deferred work)."""
    proc = psutil.Process(srv.process.pid)
    people = [Editor(i, srv, path) for i in range(editors)]
    ready = asyncio.Barrier(editors + 1)
    start, stop, done = asyncio.Event(), asyncio.Event(), asyncio.Event()
    tasks = [asyncio.ensure_future(e.run(ready, start, stop, done, rate)) for e in people]
    listener = None
    if listen:  # a teammate's CodePark panel, receiving the presence pushes

        async def panel():
            headers = {"Authorization": "token bob-token"}
            async with aconnect_ws(f"{srv.url}codepark/api/events", headers=headers) as ev:
                while True:
                    await ev.receive_text()

        listener = asyncio.ensure_future(panel())
    await asyncio.wait_for(ready.wait(), 120)
    await asyncio.sleep(1.0)  # connections settled
    cpu0, t0 = sum(proc.cpu_times()[:2]), time.perf_counter()
    start.set()
    await asyncio.sleep(duration_s)
    stop.set()
    typed = {e.letter: e.typed for e in people}
    deadline = time.monotonic() + 120
    while True:  # converged: all texts equal and every typed letter in them
        texts = {str(e.text) for e in people}
        text = next(iter(texts))
        if len(texts) == 1 and all(text.count(k) == n for k, n in typed.items()):
            break
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    converge_s = time.perf_counter() - t0 - duration_s
    await asyncio.sleep(2.0)
    cpu1, t1 = sum(proc.cpu_times()[:2]), time.perf_counter()
    done.set()
    await asyncio.gather(*tasks)
    if listener is not None:
        listener.cancel()
    lost = {k: n - text.count(k) for k, n in typed.items() if text.count(k) != n}
    return {
        "cpu_s": cpu1 - cpu0,
        "wall_s": t1 - t0,
        "typed": sum(typed.values()),
        "distinct_texts": len(texts),
        "lost": lost,
        "intact": text.count("\n") == INITIAL.count("\n"),
        "converge_s": converge_s,
    }


def codepark_enabled(srv: ServerProcess) -> bool:
    try:
        srv.api("codepark/api/status")
        return True
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return False
        raise


def load_on(base: Path, name: str, args: argparse.Namespace, with_codepark: bool) -> dict:
    root = base / name / "root"
    root.mkdir(parents=True)
    (root / "together.py").write_text(INITIAL)
    extra = ARGS + ([] if with_codepark else WITHOUT_CODEPARK)
    srv = ServerProcess(base / name / "srv", root, f"sqlite:///{base / name / 'store.sqlite'}",
                        lab=False, extra_args=extra).start()  # fmt: skip
    try:
        if codepark_enabled(srv) != with_codepark:
            raise SystemExit(f"CodePark is {'not ' * with_codepark}enabled on the {name} server")
        return asyncio.run(
            typing_load(srv, "together.py", args.editors, args.duration, args.rate, with_codepark)
        )
    finally:
        srv.stop()


def report_load(args: argparse.Namespace, base: Path) -> None:
    ratios = []
    for k in range(args.rounds):  # alternate which server goes first: load on a shared machine
        order = [False, True] if k % 2 == 0 else [True, False]  # drifts between the two runs
        runs = {w: load_on(base, f"{'codepark' if w else 'alone'}-{k}", args, w) for w in order}
        alone, layer = runs[False], runs[True]
        for name, r in (("collaboration alone", alone), ("with CodePark", layer)):
            ok = not r["lost"] and r["distinct_texts"] == 1 and r["intact"]
            print(
                f"{args.editors} editors x {args.duration:g} s, {name}: {r['typed']} keystrokes, "
                f"server CPU {r['cpu_s']:.2f} s over {r['wall_s']:.1f} s "
                f"({100 * r['cpu_s'] / r['wall_s']:.0f}% of a core); converged "
                f"{r['converge_s']:.2f} s after the last keystroke; "
                + ("no lost updates" if ok else f"LOST {r['lost']}, {r['distinct_texts']} texts")
            )
        # per keystroke, since the two runs type slightly different amounts
        ratios.append((layer["cpu_s"] / layer["typed"]) / (alone["cpu_s"] / alone["typed"]))
        print(f"round {k + 1}: server CPU per keystroke, CodePark's layer vs collaboration "
              f"alone: {ratios[-1]:.2f}x")  # fmt: skip
    median = statistics.median(ratios)
    print(
        f"server CPU per keystroke, CodePark's layer vs collaboration alone: median "
        f"{median:.2f}x over {len(ratios)} round(s) (target < 1.15)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--editors", type=int, default=20, help="simulated editors in one room")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of typing")
    ap.add_argument("--rate", type=float, default=2.0, help="characters per second per editor")
    ap.add_argument("--rounds", type=int, default=1, help="pairs of load runs (order alternates)")
    ap.add_argument("--skip-load", action="store_true", help="only the latency figures")
    args = ap.parse_args()
    if not 1 <= args.editors <= len(LETTERS):
        ap.error(f"--editors is between 1 and {len(LETTERS)}")
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
    if not args.skip_load:
        report_load(args, base)


if __name__ == "__main__":
    main()
