"""The CodePark panel in a real JupyterLab, seen through headless Chromium."""

from __future__ import annotations

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.ui


def open_lab(page, lab_server) -> None:
    page.goto(lab_server.lab_url())
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    page.wait_for_selector(".jp-SideBar [data-id='jp-codepark-panel']", timeout=30_000)


def test_panel_shows_server_status(page, lab_server):
    open_lab(page, lab_server)
    page.click(".jp-SideBar [data-id='jp-codepark-panel']")
    panel = page.locator("#jp-codepark-panel")
    panel.locator(".jp-CodePark-features li").first.wait_for(timeout=30_000)
    status = lab_server.api("codepark/api/status")
    text = panel.inner_text()
    assert f"Server extension {status['version']}" in text
    for feature in ("store", "analysis", "ai", "collaboration", "sandbox"):
        row = panel.locator(f"li[data-feature='{feature}']")
        assert row.count() == 1
        assert status["features"][feature]["detail"] in row.inner_text()
    assert panel.locator("li[data-feature='store'] .jp-CodePark-ok").count() == 1
    shot = screenshot(page, "codepark-panel")
    assert shot.stat().st_size > 10_000


def test_command_palette_has_the_codepark_category(page, lab_server):
    open_lab(page, lab_server)
    page.keyboard.press("Control+Shift+C")
    palette = page.locator("#modal-command-palette")
    palette.wait_for(timeout=10_000)
    page.keyboard.type("CodePark")
    items = palette.locator(".lm-CommandPalette-item")
    items.first.wait_for(timeout=10_000)
    labels = items.all_inner_texts()
    assert any("Open the CodePark panel" in label for label in labels), labels
    assert palette.locator(".lm-CommandPalette-header", has_text="CodePark").count() >= 1
    palette.locator(".lm-CommandPalette-item", has_text="Open the CodePark panel").click()
    page.locator("#jp-codepark-panel").wait_for(state="visible", timeout=10_000)
