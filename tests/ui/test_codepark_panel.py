"""The CodePark panel end to end: a real JupyterLab (base URL /user/alice/), a real repository
built by the test, headless Debian Chromium. Analyse, progress, hotspots, the 3D city in the
main area, file insight with coupling, cancel, and a clear error for an invalid choice."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.analysis.sample_repo import build

from .conftest import screenshot
from .test_city import FIND_JS, SAMPLE_JS

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
PANEL = "#jp-codepark-panel"
# true when the text editor's cursor is on a line containing `text`
CURSOR_LINE_JS = """text => {
  const editor = [...document.querySelectorAll('.jp-FileEditor')].find(e => e.offsetParent);
  const cursor = editor?.querySelector('.cm-cursor-primary');
  if (!cursor) { return false; }
  const y = cursor.getBoundingClientRect().top + 2;
  const line = [...editor.querySelectorAll('.cm-line')].find(l => {
    const r = l.getBoundingClientRect();
    return r.top <= y && y <= r.bottom;
  });
  return Boolean(line && line.textContent.includes(text));
}"""


@pytest.fixture(scope="module")
def repos(lab_server):
    """sample: the engine's small repository; big: a synthetic one whose analysis takes a few
    seconds (to cancel); notgit: a plain folder."""
    root = Path(lab_server.root)
    if not (root / "sample").exists():
        build(root / "sample")
    if not (root / "big").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "synthrepo.py"), str(root / "big"),
             "--commits", "4000", "--files", "500", "--seed", "3"],
            check=True, capture_output=True,
        )  # fmt: skip
    (root / "notgit").mkdir(exist_ok=True)
    (root / "notgit" / "readme.txt").write_text("not a repository\n")
    return root


def open_panel(page, lab_server, workspace: str):
    page.goto(lab_server.lab_url(f"lab/workspaces/{workspace}"))  # nothing restored
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    page.click(".jp-SideBar [data-id='jp-codepark-panel']", timeout=30_000)
    panel = page.locator(PANEL)
    panel.locator(".jp-CodePark-repoSelect option[value='sample']").wait_for(
        state="attached", timeout=30_000
    )
    return panel


def widen_sidebar(page, dx: int = 130) -> None:
    """Drag the handle between the left sidebar and the main area (roomier screenshots)."""
    handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle:visible").first
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=5)
    page.mouse.up()


def ensure_analysed(lab_server, path: str) -> int:
    body = {"path": path, "options": {"coupling": {"min_revisions": 1, "min_shared": 1}}}
    job = lab_server.api("codepark/api/analyses", "POST", body)
    for _ in range(600):
        job = lab_server.api(f"codepark/api/analyses/{job['id']}")
        if job["state"] == "done":
            return job["repo_id"]
        assert job["state"] in ("queued", "running"), job
        time.sleep(0.1)
    raise AssertionError(job)


def choose(panel, value: str) -> None:
    panel.locator(".jp-CodePark-repoSelect").select_option(value)


def lower_coupling_thresholds(panel) -> None:
    panel.locator(".jp-CodePark-options summary").click()
    for name, value in (("min_revisions", "1"), ("min_shared", "1"), ("min_degree", "10")):
        panel.locator(f"input[name='{name}']").fill(value)


def canvas_drawn(page, root) -> float:
    page.wait_for_function("r => r.codecity !== undefined", arg=root.element_handle())
    page.wait_for_timeout(800)  # the first frames and the height animation
    sample = page.evaluate(SAMPLE_JS, root.element_handle())
    return sample["drawn"] / sample["total"]


def active_tab(page) -> str:
    return page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current").first.inner_text()


def test_analyse_hotspots_city_and_insight(page, lab_server, repos):
    panel = open_panel(page, lab_server, "analyse")
    widen_sidebar(page)
    choose(panel, "sample")
    assert "Not analysed yet" in panel.inner_text() or panel.locator(".jp-CodePark-table").count()
    lower_coupling_thresholds(panel)
    panel.locator(".jp-CodePark-analyseButton").click()
    panel.locator(".jp-CodePark-options summary").click()  # fold the options again
    panel.locator(".jp-CodePark-done").wait_for(timeout=60_000)
    job = panel.locator(".jp-CodePark-jobs li").first
    assert job.get_attribute("data-state") == "done"

    # summary and hotspots
    rows = panel.locator(".jp-CodePark-table tbody tr")
    rows.first.wait_for(timeout=30_000)
    assert rows.first.get_attribute("data-path") == "app/core.py"
    paths = [rows.nth(i).get_attribute("data-path") for i in range(rows.count())]
    assert "lib/util.py" in paths
    cards = panel.locator(".jp-CodePark-cards").inner_text()
    assert "commits" in cards and "bus factor" in cards and "python" in cards
    screenshot(page, "panel-hotspots")

    # sort by path, filter by folder, back
    panel.locator("button[data-sort='path']").click()
    first = rows.first.get_attribute("data-path")
    assert first == sorted(paths)[0]
    panel.locator("select[aria-label='Filter hotspots by folder']").select_option("lib")
    assert [rows.nth(i).get_attribute("data-path") for i in range(rows.count())] == ["lib/util.py"]
    panel.locator("select[aria-label='Filter hotspots by folder']").select_option("")
    panel.locator("button[data-sort='hotspot_score']").click()
    assert rows.first.get_attribute("data-path") == "app/core.py"

    # a row opens the file at its most complex function
    repo_id = lab_server.api("codepark/api/repos/discover")["items"]
    repo_id = next(r["repo_id"] for r in repo_id if r["path"] == "sample")
    fns = lab_server.api(f"codepark/api/repos/{repo_id}/files/app/core.py/functions")
    top = fns["items"][0]
    rows.first.click()
    page.locator(".jp-FileEditor .cm-cursor-primary").first.wait_for(
        state="attached", timeout=30_000
    )
    assert active_tab(page).startswith("core.py")
    page.wait_for_function(CURSOR_LINE_JS, arg=f"def {top['name']}", timeout=10_000)

    # insight of the active file: its coupled file, clickable
    insight = panel.locator(".jp-CodePark-insight[data-path='app/core.py']")
    insight.wait_for(timeout=30_000)
    coupled = insight.locator(".jp-CodePark-coupled button[data-path='lib/util.py']")
    coupled.wait_for(timeout=30_000)
    insight.locator(".jp-CodePark-sparkline polyline").wait_for(timeout=30_000)
    assert "wrote" in insight.inner_text()
    insight.scroll_into_view_if_needed()
    screenshot(page, "file-insight")
    coupled.click()
    page.wait_for_function(
        "() => document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current')"
        "?.textContent.startsWith('util.py')",
        timeout=30_000,
    )

    # the 3D city in the main area: drawn, click a building, the file opens
    panel.locator(".jp-CodePark-cityButton").click()
    root = page.locator(".jp-CodePark-city .cp-city")
    root.wait_for(timeout=60_000)
    assert canvas_drawn(page, root) > 0.02
    screenshot(page, "city-lab")
    found = page.evaluate(FIND_JS, [root.element_handle(), ["app/core.py", "lib/util.py"]])
    assert found, "no building visible under its projected point"
    canvas = root.locator("canvas").first
    canvas.click(position={"x": found["at"][0], "y": found["at"][1]})
    name = found["path"].rsplit("/", 1)[-1]
    page.wait_for_function(
        "n => document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current')"
        "?.textContent.startsWith(n)",
        arg=name,
        timeout=30_000,
    )
    # metric controls rebuild the heights and colours in place
    page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="City: sample").click()
    page.locator("select[aria-label='Colour metric']").select_option("main_author")
    page.wait_for_function(
        "r => r.querySelector('.cp-city-legend')?.textContent.includes('main_author')",
        arg=root.element_handle(),
        timeout=30_000,
    )


def test_cancel_a_running_analysis(page, lab_server, repos):
    panel = open_panel(page, lab_server, "cancel")
    widen_sidebar(page)
    panel.locator(".jp-CodePark-repoSelect option[value='big']").wait_for(state="attached")
    choose(panel, "big")
    panel.locator(".jp-CodePark-analyseButton").click()
    bar = panel.locator(".jp-CodePark-progress[data-state='running'] [role='progressbar']")
    bar.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => /\\d/.test(document.querySelector('.jp-CodePark-progressFoot')?.textContent)",
        timeout=30_000,
    )
    screenshot(page, "panel-analysing")
    panel.locator(".jp-CodePark-progress .jp-CodePark-cancel").click()
    panel.locator(".jp-CodePark-jobs li[data-state='cancelled']").first.wait_for(timeout=30_000)
    assert "Analysis cancelled." in panel.inner_text()
    assert panel.locator(".jp-CodePark-progress").count() == 0


def test_an_invalid_choice_says_what_is_wrong(page, lab_server, repos):
    panel = open_panel(page, lab_server, "invalid")
    panel.locator(".jp-CodePark-repoSelect").select_option(label="Other folder…")
    panel.locator(".jp-CodePark-folderInput").fill("notgit")
    panel.locator(".jp-CodePark-analyseButton").click()
    alert = panel.locator(".jp-CodePark-analyse [role='alert']")
    alert.wait_for(timeout=30_000)
    text = alert.inner_text()
    assert "Cannot analyse notgit" in text and "not inside a git repository" in text, text
    assert "Choose a folder inside a git repository" in text
    panel.locator(".jp-CodePark-folderInput").fill("../outside")
    panel.locator(".jp-CodePark-analyseButton").click()
    page.wait_for_function(
        "() => /outside the server/i.test(document.querySelector("
        "'.jp-CodePark-analyse [role=alert]')?.textContent)",
        timeout=30_000,
    )
    # the browser logs the refused requests themselves (400, 403): expected here, nothing else
    refused = [e for e in page.console_errors if "status of 40" in e]
    assert len(refused) == 2, page.console_errors
    for e in refused:
        page.console_errors.remove(e)


def test_file_browser_context_menu(page, lab_server, repos):
    ensure_analysed(lab_server, "sample")
    open_panel(page, lab_server, "browser")
    page.click(".jp-SideBar [data-id='filebrowser']")
    listing = page.locator(".jp-FileBrowser .jp-DirListing-content")
    listing.locator(".jp-DirListing-item[title*='sample']").first.dblclick()
    listing.locator(".jp-DirListing-item[title*='app']").first.dblclick()
    core = listing.locator(".jp-DirListing-item[title*='core.py']").first
    core.click(button="right")
    page.locator(".lm-Menu-item", has_text="Show in code city").click()
    root = page.locator(".jp-CodePark-city .cp-city[data-selected='app/core.py']")
    root.wait_for(timeout=60_000)

    # a folder that is no repository: the panel opens and says so
    page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").click()
    listing.locator(".jp-DirListing-item[title*='notgit']").first.click(button="right")
    page.locator(".lm-Menu-item", has_text="Analyse with CodePark").click()
    alert = page.locator(f"{PANEL} .jp-CodePark-analyse [role='alert']")
    alert.wait_for(timeout=30_000)
    assert "Cannot analyse notgit" in alert.inner_text()
    refused = [e for e in page.console_errors if "status of 400" in e]
    assert len(refused) == 1, page.console_errors
    page.console_errors.remove(refused[0])


def use_theme(page, name: str) -> None:
    """Settings > Theme > name."""
    page.locator(".lm-MenuBar-item", has_text="Settings").click()
    page.locator(".lm-Menu-item", has_text="Theme").first.hover()
    page.locator(".lm-Menu-item", has_text=name).first.click()


def test_dark_theme_uses_the_lab_colours(page, lab_server, repos):
    ensure_analysed(lab_server, "sample")
    panel = open_panel(page, lab_server, "dark")
    widen_sidebar(page)
    choose(panel, "sample")
    panel.locator(".jp-CodePark-table tbody tr").first.wait_for(timeout=30_000)
    use_theme(page, "JupyterLab Dark")
    try:
        page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
        page.wait_for_timeout(500)
        colours = page.evaluate(
            """() => {
              const rgb = s => s.match(/\\d+/g).slice(0, 3).map(Number);
              const lum = c => (c[0] + c[1] + c[2]) / 3;
              const p = document.querySelector('#jp-codepark-panel');
              const card = p.querySelector('.jp-CodePark-cardValue');
              return {
                panel: lum(rgb(getComputedStyle(p).backgroundColor)),
                text: lum(rgb(getComputedStyle(card).color)),
              };
            }"""
        )
        assert colours["panel"] < 80 < colours["text"], colours
        screenshot(page, "panel-dark")
    finally:
        use_theme(page, "JupyterLab Light")
        page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'")
