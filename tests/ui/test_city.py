"""The CodeCity widget in a real JupyterLab notebook, driven through headless Chromium."""

from __future__ import annotations

import nbformat
import pytest

from jupyter_codepark.widgets.sample import sample_files, sample_history

from .conftest import screenshot

pytestmark = pytest.mark.ui

SEED, N, STEPS = 11, 300, 16
SETUP = f"""\
import numpy as np, pandas as pd
from jupyter_codepark.widgets import CodeCity
from jupyter_codepark.widgets.sample import sample_files, sample_history
files = sample_files({N}, seed={SEED})
history = sample_history(files, steps={STEPS}, changes_per_step=15, seed={SEED})
city = CodeCity(files, history, title="sample city", view_height=460)
city"""
CELLS = [
    SETUP,
    'print("SELECTED=" + city.selected)',
    'city.color_by(pd.Series(np.arange(len(files)) % 7, index=files["path"], name="user_rank"))',
    'print("KEPT=", city.filter("complexity > 20 and authors == 1"))',
    'city.filter(None); city.color_by("language"); city.seek("now")',
    'city.color_by("loc"); city.delta_view(0, "now")',
    'city.clear_delta(); city.color_by("language"); city.to_png("export.png")',
    'import os; print("PNG=", os.path.getsize("export.png"), city.png[:4] == b"\\x89PNG")',
    'city.color_by("churn")',
    'print("RANGE=", city.color_range)',
]

# canvas pixels -> how much of it is drawn, and a coarse fingerprint to compare scenes
SAMPLE_JS = """async root => {
  const url = root.codecity.scene.toDataURL();
  const img = new Image();
  img.src = url;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const bg = [d[0], d[1], d[2]];
  let drawn = 0;
  const grid = new Array(32 * 16).fill(0);
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const i = 4 * (y * c.width + x);
      const diff = Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]);
      if (diff > 24) { drawn++; }
      const cell = Math.floor(y * 16 / c.height) * 32 + Math.floor(x * 32 / c.width);
      grid[cell] += d[i] + d[i + 1] + d[i + 2];
    }
  }
  return { drawn, total: c.width * c.height, grid, background: bg };
}"""

# the first candidate whose building is visible under its projected point
FIND_JS = """([root, paths]) => {
  const v = root.codecity;
  for (const p of paths) {
    for (const share of [0.6, 0.9, 0.3]) {
      const at = v.project(p, share);
      if (at && v.pathAt(at[0], at[1]) === p) { return { path: p, share, at }; }
    }
  }
  return null;
}"""


def known_candidates() -> list[str]:
    """Files present from the first step to now, tallest (most complex) first."""
    files = sample_files(N, seed=SEED)
    history = sample_history(files, steps=STEPS, changes_per_step=15, seed=SEED)
    first = {p for p, *_, s, _ in history[0]["changes"] if s == "A"} & set(files["path"])
    tall = files[files["path"].isin(first)].sort_values("complexity", ascending=False)
    return list(tall["path"][:15])


def write_notebook(root) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "city.ipynb")
    return "city.ipynb"


def run_cell(page, index: int, timeout_ms: int = 60_000) -> str:
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    prompt = cell.locator(".jp-InputArea-prompt")
    page.wait_for_function(
        "el => /\\[\\d+\\]/.test(el.textContent)", arg=prompt.element_handle(), timeout=timeout_ms
    )
    return cell.locator(".jp-Cell-outputWrapper").inner_text()


def changed_share(a: dict, b: dict) -> float:
    cells = len(a["grid"])
    per_cell = a["total"] / cells
    diff = [abs(x - y) / per_cell for x, y in zip(a["grid"], b["grid"], strict=True)]
    return sum(d > 3 for d in diff) / cells


def test_city_in_a_notebook(page, lab_server):
    name = write_notebook(lab_server.root)
    # a workspace of its own: the shared lab's default workspace stays as other tests expect
    page.goto(lab_server.lab_url(f"lab/workspaces/codecity/tree/{name}"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    run_cell(page, 0, timeout_ms=120_000)
    root = page.locator(".cp-city").first
    root.locator("canvas").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    handle = root.element_handle()

    # the canvas drew: a good share of non-background pixels
    first = page.evaluate(SAMPLE_JS, handle)
    assert first["drawn"] > 0.05 * first["total"], first["drawn"]
    assert "sample city" in root.inner_text()

    # hover shows the tooltip of a known file, click selects it (seen by the kernel)
    found = page.evaluate(FIND_JS, [handle, known_candidates()])
    assert found, "no known building is visible"
    known = found["path"]
    box = root.locator("canvas").bounding_box()
    x, y = box["x"] + found["at"][0], box["y"] + found["at"][1]
    page.mouse.move(x - 5, y - 5)
    page.mouse.move(x, y)
    tooltip = root.locator(".cp-city-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert known in tooltip.inner_text()
    page.wait_for_function(
        "el => el.innerText.includes('main_author')", arg=tooltip.element_handle(), timeout=10_000
    )  # details came back from the kernel
    page.mouse.click(x, y)
    page.wait_for_function(
        "([el, p]) => el.dataset.selected === p", arg=[handle, known], timeout=10_000
    )
    assert f"SELECTED={known}" in run_cell(page, 1)

    # the time slider changes the scene; the known building keeps its place
    ground_now = page.evaluate("([r, p]) => r.codecity.project(p, 0)", [handle, known])
    root.locator(".cp-city-slider").fill("0")
    page.wait_for_timeout(900)
    assert "now" not in root.locator(".cp-city-time").inner_text()
    past = page.evaluate(SAMPLE_JS, handle)
    assert changed_share(first, past) > 0.02
    ground_then = page.evaluate("([r, p]) => r.codecity.project(p, 0)", [handle, known])
    assert ground_then == ground_now
    at_then = page.evaluate(
        "([r, p]) => { const a = r.codecity.project(p, 0.5); return r.codecity.pathAt(...a); }",
        [handle, known],
    )
    assert at_then == known
    root.locator(".cp-city-slider").fill(str(STEPS))
    page.wait_for_timeout(900)
    assert root.locator(".cp-city-time").inner_text() == "now"

    # color_by with a user Series and filter with a query change the scene
    before = page.evaluate(SAMPLE_JS, handle)
    run_cell(page, 2)
    root.locator(".cp-city-legend", has_text="user_rank").wait_for(timeout=10_000)
    page.wait_for_timeout(900)
    recoloured = page.evaluate(SAMPLE_JS, handle)
    assert changed_share(before, recoloured) > 0.02
    assert "KEPT=" in run_cell(page, 3)
    page.wait_for_timeout(900)
    filtered = page.evaluate(SAMPLE_JS, handle)
    assert changed_share(recoloured, filtered) > 0.02

    run_cell(page, 4)
    root.locator(".cp-city-legend", has_text="language").wait_for(timeout=10_000)
    page.wait_for_timeout(900)
    stderr = ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']"
    assert page.locator(stderr).count() == 0
    root.scroll_into_view_if_needed()
    shot = screenshot(page, "city")
    assert shot.stat().st_size > 20_000

    # delta view between two pinned times, then a PNG export that lands in the kernel
    run_cell(page, 5)
    root.locator(".cp-city-legend", has_text="Δ loc").wait_for(timeout=10_000)
    grew = page.evaluate("r => r.codecity.deltaValues.filter(v => v > 0).length", handle)
    assert grew > 10  # files that gained lines between the first step and now
    run_cell(page, 6)
    page.wait_for_timeout(1500)
    out = run_cell(page, 7)
    assert "True" in out and int(out.split("PNG=")[1].split()[0]) > 10_000, out

    # clamping the continuous range in the legend reaches the kernel
    run_cell(page, 8)
    root.locator(".cp-city-legend", has_text="churn").wait_for(timeout=10_000)
    root.locator(".cp-city-hi").fill("500")
    root.locator(".cp-city-hi").press("Enter")
    page.wait_for_timeout(500)
    assert "500.0]" in run_cell(page, 9)

    # the dark theme: the view follows body[data-jp-theme-light] and the --jp-* colours
    light_bg = page.evaluate(SAMPLE_JS, handle)["background"]
    set_theme(page, "JupyterLab Dark", light=False)
    page.wait_for_timeout(1500)
    dark_bg = page.evaluate(SAMPLE_JS, handle)["background"]
    assert sum(dark_bg) < sum(light_bg) - 200, (light_bg, dark_bg)

    # after a page reload the widget renders again from its model state
    page.reload()
    page.locator(".cp-city canvas").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    again = page.evaluate(SAMPLE_JS, page.locator(".cp-city").first.element_handle())
    assert again["drawn"] > 0.05 * again["total"]
    set_theme(page, "JupyterLab Light", light=True)  # the settings outlive this test


def set_theme(page, name: str, light: bool) -> None:
    """Pick a theme in the Settings menu (the setting is saved in the lab's settings dir)."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel").get_by_text(name, exact=True).click()
    selector = f"body[data-jp-theme-light='{str(light).lower()}']"
    page.wait_for_selector(selector, state="attached", timeout=20_000)
