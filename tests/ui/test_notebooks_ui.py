"""The tour notebook in a real JupyterLab: run all, the city draws, plotly charts render, the
dashboard links a hotspot to its trend; no widget error, no console error. Saves
docs/screenshots/dashboard.png."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import SCREENSHOTS
from .test_city import SAMPLE_JS

pytestmark = pytest.mark.ui
ROOT = Path(__file__).resolve().parents[2]
WIDGET_ERRORS = ("Error displaying widget", "Failed to load model class", "model not found",
                 "Error rendering", "Traceback")  # fmt: skip


def clone_project(dest: Path) -> Path:
    """A clone of this project (so the tour analyses a real history) with the working tree's
    notebooks copied over it."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True, timeout=120)
    shutil.rmtree(dest / "notebooks", ignore_errors=True)
    shutil.copytree(ROOT / "notebooks", dest / "notebooks",
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))  # fmt: skip
    return dest


def run_all(page) -> None:
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    last = page.locator(".jp-Notebook .jp-CodeCell").last.locator(".jp-InputArea-prompt")
    page.wait_for_function(
        "el => /\\[\\d+\\]/.test(el.textContent)", arg=last.element_handle(), timeout=180_000
    )


def test_tour_notebook_in_jupyterlab(page, lab_server):
    clone_project(lab_server.root / "jupyter-codepark")
    page.set_viewport_size({"width": 1440, "height": 1000})
    path = "jupyter-codepark/notebooks/01-tour.ipynb"
    page.goto(lab_server.lab_url(f"lab/workspaces/tour/tree/{path}"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    run_all(page)
    notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")

    # every code cell ran without an error or stderr output
    assert (
        notebook.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).count()
        == 0
    )
    assert (
        notebook.locator(
            ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']"
        ).count()
        == 0
    )

    # the city and the dashboard's city drew
    cities = notebook.locator(".cp-city")
    cities.nth(1).locator("canvas").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    for i in range(2):
        cities.nth(i).scroll_into_view_if_needed()
        drawn = page.evaluate(SAMPLE_JS, cities.nth(i).element_handle())
        assert drawn["drawn"] > 0.05 * drawn["total"], (i, drawn["drawn"])

    # plotly charts rendered (the hotspot scatter, the dashboard's charts and its timeline)
    plots = notebook.locator(".js-plotly-plot")
    plots.first.wait_for(timeout=30_000)
    assert plots.count() >= 5
    assert notebook.locator(".js-plotly-plot .main-svg").count() >= 5
    dashboard = notebook.locator(".cp-dashboard")
    dashboard.scroll_into_view_if_needed()  # cells out of view are skipped (content-visibility)
    dashboard.locator(".cp-dashboard-timeline .main-svg").first.wait_for(timeout=30_000)

    # choosing a hotspot in the list shows its trend (a round trip through the kernel)
    options = dashboard.locator(".cp-dashboard-hotspots select option")
    label = options.nth(1).inner_text()
    dashboard.locator(".cp-dashboard-hotspots select").select_option(label=label)
    dashboard.locator(".cp-dashboard-details").scroll_into_view_if_needed()
    dashboard.locator(".cp-dashboard-trend .js-plotly-plot").wait_for(timeout=30_000)
    chosen = label.split()[-1]
    assert chosen in dashboard.locator(".cp-dashboard-details").inner_text()
    page.wait_for_function(
        "([el, p]) => el.dataset.selected === p",
        arg=[dashboard.locator(".cp-city").element_handle(), chosen],
        timeout=10_000,
    )

    text = notebook.inner_text()
    for needle in WIDGET_ERRORS:
        assert needle not in text, needle

    # a viewport tall enough for the whole dashboard (parts scrolled out of view are not drawn)
    page.set_viewport_size({"width": 1440, "height": 2600})
    page.wait_for_timeout(800)
    dashboard.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "dashboard.png"
    dashboard.screenshot(path=str(shot))
    assert shot.stat().st_size > 40_000


@pytest.mark.parametrize(
    "name",
    ["02-hotspots-and-coupling.ipynb", "03-time-travel.ipynb", "04-team-and-ownership.ipynb"],
)
def test_other_notebooks_run_in_jupyterlab(page, lab_server, name):
    """Each demo notebook runs in the browser with real outputs: a drawn city or plotly charts,
    and no error, stderr or widget failure."""
    project = lab_server.root / "jupyter-codepark"
    if not project.exists():
        clone_project(project)
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(
        lab_server.lab_url(f"lab/workspaces/nb-{name[:2]}/tree/jupyter-codepark/notebooks/{name}")
    )
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    run_all(page)
    notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
    stderr = "[data-mime-type='application/vnd.jupyter.stderr']"
    assert notebook.locator(f".jp-OutputArea-output{stderr}, .jp-RenderedText{stderr}").count() == 0
    visuals = notebook.locator(".js-plotly-plot .main-svg, .cp-city canvas")
    visuals.first.wait_for(timeout=60_000)
    assert visuals.count() >= 1
    text = notebook.inner_text()
    for needle in WIDGET_ERRORS:
        assert needle not in text, (name, needle)
