"""Semantic search in the CodePark panel: a real JupyterLab, a repository built by the test, the
real packaged model, headless Debian Chromium. Type a question, see the planted function, open
it at its line, light the result files up in the 3D city."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ai.search_repo import QUESTIONS, build_shop

from .conftest import screenshot
from .test_codepark_panel import CURSOR_LINE_JS, PANEL, ensure_analysed, widen_sidebar

pytestmark = pytest.mark.ui

# the search's highlights (other groups, such as where collaborators are, left out)
HIGHLIGHTED_JS = """root => {
  const v = root.codecity;
  const groups = (v.model.get('highlights') || []).filter(g => !g.people);
  return groups.flatMap(g => g.ids.map(id => [g.color, v.paths.path(id)]));
}"""


@pytest.fixture(scope="module")
def shop(lab_server):
    root = Path(lab_server.root)
    if not (root / "shop").exists():
        build_shop(root / "shop")
    return ensure_analysed(lab_server, "shop")


def test_search_box_finds_opens_and_lights_up_the_city(page, lab_server, shop):
    question, path, name = QUESTIONS[0]
    page.goto(lab_server.lab_url("lab/workspaces/search"))
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    page.click(".jp-SideBar [data-id='jp-codepark-panel']", timeout=30_000)
    panel = page.locator(PANEL)
    panel.locator(".jp-CodePark-repoSelect option[value='shop']").wait_for(
        state="attached", timeout=30_000
    )
    widen_sidebar(page)
    panel.locator(".jp-CodePark-repoSelect").select_option("shop")

    box = panel.get_by_role("searchbox", name="Search the code by meaning")
    box.wait_for(timeout=30_000)
    page.wait_for_function("el => !el.disabled", arg=box.element_handle(), timeout=30_000)
    box.fill(question)
    box.press("Enter")
    # the first search builds the index (progress shown), then the answer comes
    hits = panel.locator(".jp-CodePark-searchResults .jp-CodePark-searchHit")
    hits.first.wait_for(timeout=180_000)
    first = hits.first.inner_text()
    assert name in first and f"{path}:" in first, first
    results = panel.locator(".jp-CodePark-searchResults").inner_text()
    assert "commits" in results and " ms" in results
    screenshot(page, "search-panel")

    # a click opens the file with the cursor on the function's definition
    hits.first.locator("button").click()
    page.wait_for_function(CURSOR_LINE_JS, arg=f"def {name}(", timeout=30_000)
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current").first.inner_text()
    assert Path(path).name in tab

    # another question replaces the answer
    q2, path2, name2 = QUESTIONS[2]
    box.fill(q2)
    panel.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_function(
        "([sel, name]) => document.querySelector(sel)?.textContent.includes(name)",
        arg=[f"{PANEL} .jp-CodePark-searchResults .jp-CodePark-searchHit", name2],
        timeout=30_000,
    )

    # "Show on city": the main-area city opens with the result files highlighted
    panel.get_by_role("button", name="Show on city").click()
    root = page.locator(".jp-CodePark-city .cp-city").first
    root.wait_for(timeout=60_000)
    page.wait_for_function("r => r.codecity !== undefined", arg=root.element_handle())
    page.wait_for_function(
        "() => Number(document.querySelector('.jp-CodePark-cityHost')?.dataset.highlighted) > 0",
        timeout=30_000,
    )
    lit = page.evaluate(HIGHLIGHTED_JS, root.element_handle())
    assert [c for c, _ in lit] == ["#ff9f1c"] * len(lit)
    assert path2 in {p for _, p in lit} and 1 <= len(lit) <= 3, lit  # the best results' files
    status = page.locator(".jp-CodePark-cityToolbar").inner_text()
    assert f"{len(lit)} file" in status and "of the search lit up" in status
    page.wait_for_timeout(800)
    screenshot(page, "search-city")
