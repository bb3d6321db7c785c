"""Benchmark the CodeCity widget against the targets of issue 11 (a benchmark, not a test).

    python bench/bench_city.py [--files 50000] [--no-browser]

Prints: Python build time and synced state size for 50k files, the JS bundle size, the bytes of
a year of weekly history at 10k files, and (with Debian chromium) the first draw, one frame, a pick
and a recolour in headless Chromium (software GL) at 50k, 100k and 200k buildings. The browser
part loads the same bundle with a plain-object model (no Jupyter), so it measures the renderer.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import http.server
import json
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jupyter_codepark.widgets import CodeCity  # noqa: E402
from jupyter_codepark.widgets.city import STATIC  # noqa: E402
from jupyter_codepark.widgets.sample import sample_files, sample_history  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TARGETS = {
    "build_s": 0.5,
    "state_mb": 2.0,
    "bundle_kb": 700,
    "history_mb": 1.0,
    "first_draw_s": 2.0,
}

HARNESS = """<!doctype html><meta charset="utf-8"><body style="margin:0">
<div id="host" style="width:1000px"></div>
<script type="module">
import city from './city.js';
const raw = await (await fetch('./state.json')).json();
const state = {};
for (const [k, v] of Object.entries(raw)) {
  if (v && v.$b64 !== undefined) {
    const bin = atob(v.$b64); const u = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) { u[i] = bin.charCodeAt(i); }
    state[k] = new DataView(u.buffer);
  } else { state[k] = v; }
}
const listeners = {};
const model = {
  get: k => state[k], set: (k, v) => { state[k] = v; },
  on: (e, cb) => { (listeners[e] ??= []).push(cb); }, off: () => {},
  save_changes: () => {}, send: () => {}
};
const t0 = performance.now();
city.render({ model, el: document.getElementById('host') });
await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
const view = document.querySelector('.cp-city').codecity;
const gl = view.scene.canvas.getContext('webgl2');
const sync = () => gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
sync();  // a read-back waits for the GPU to finish the frame
const draw = performance.now() - t0;
const f0 = performance.now();
view.scene.render(); sync();
const frame = performance.now() - f0;
const picks = [];
for (let i = 0; i < 20; i++) {
  const a = performance.now(); view.scene.pick(300 + 20 * i, 200 + 5 * i);
  picks.push(performance.now() - a);
}
picks.sort((a, b) => a - b);
state.color_range = [0, 1];
const u0 = performance.now();
view.update(0); view.scene.render(); sync();
const update = performance.now() - u0;
window.result = { draw, frame, pick: picks[10], update, hits: picks.length };
</script>"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def best(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def encode_state(city: CodeCity) -> dict:
    out = {}
    for k, v in city.get_state().items():
        if k in ("_esm", "_css", "layout"):
            continue
        out[k] = {"$b64": base64.b64encode(v).decode()} if isinstance(v, bytes) else v
    return out


def browser_runs(cities: dict[str, CodeCity]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(STATIC / "city.js", root / "city.js")
        (root / "index.html").write_text(HARNESS)
        handler = partial(_QuietHandler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        args = [
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
        ]
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
                for label, city in cities.items():
                    (root / "state.json").write_text(json.dumps(encode_state(city)))
                    page = browser.new_page(viewport={"width": 1000, "height": 600})
                    errors: list[str] = []
                    page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                    page.goto(url)
                    page.wait_for_function("window.result !== undefined", timeout=120_000)
                    results[label] = page.evaluate("window.result")
                    if errors:
                        results[label]["errors"] = errors
                    page.close()
                browser.close()
        finally:
            server.shutdown()
    return results


def line(name: str, value: float, unit: str, target: float | None = None) -> None:
    verdict = "" if target is None else ("  ok" if value <= target else "  OVER TARGET")
    limit = "" if target is None else f"  (target <= {target:g} {unit})"
    print(f"{name:<44} {value:10.3f} {unit}{limit}{verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=50_000)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    files = sample_files(args.files, seed=1)
    build_s, city = best(3, lambda: CodeCity(files))
    line(f"Python build, {args.files:,} files", build_s, "s", TARGETS["build_s"])
    line("widget state (binary + JSON)", city.state_size() / 1e6, "MB", TARGETS["state_mb"])

    bundle = (STATIC / "city.js").read_bytes()
    line("JS bundle (minified)", len(bundle) / 1024, "KB", TARGETS["bundle_kb"])
    line("JS bundle (gzip)", len(gzip.compress(bundle)) / 1024, "KB")

    f10 = sample_files(10_000, seed=2)
    year = sample_history(f10, steps=365, changes_per_step=60, seed=2, freq="1D")
    hist_s, weekly = best(1, lambda: CodeCity(f10, year, bucket="week"))
    names = [n for n in weekly.keys if n.startswith("hist_")]
    hist_bytes = sum(len(getattr(weekly, n)) for n in names)
    events = len(weekly.hist_ids) // 4
    print(
        f"history: 10,000 files, 365 daily commits of ~60 changes + every file added once, "
        f"bucketed by week -> {len(weekly.times)} steps, {events:,} events"
    )
    line("  history bytes sent (hist_* traits)", hist_bytes / 1e6, "MB", TARGETS["history_mb"])
    line("  Python build with history", hist_s, "s")

    if args.no_browser or not Path(CHROMIUM).exists():
        print("browser: skipped")
        return
    cities = {f"{args.files // 1000}k": city}
    for n in (100_000, 200_000):
        cities[f"{n // 1000}k"] = CodeCity(sample_files(n, seed=3))
    for label, r in browser_runs(cities).items():
        target = TARGETS["first_draw_s"] if label == "50k" else None
        line(f"headless Chromium {label}: first draw", r["draw"] / 1000, "s", target)
        line(f"headless Chromium {label}: one frame (orbit)", r["frame"], "ms")
        line(f"headless Chromium {label}: pick (grid index, median)", r["pick"], "ms")
        line(f"headless Chromium {label}: recolour + redraw", r["update"], "ms")
        if r.get("errors"):
            print("  page errors:", r["errors"])


if __name__ == "__main__":
    main()
