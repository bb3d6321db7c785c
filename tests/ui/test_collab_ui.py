"""The team layer in a real JupyterLab: the Team panel shows who is where, a note added over
REST shows as a marker in the open editor and in the notes list, the hint line of the file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.analysis.sample_repo import build

from .conftest import screenshot
from .test_codepark_panel import widen_sidebar

pytestmark = pytest.mark.ui

TEAM = "#jp-codepark-team"


@pytest.fixture(scope="module")
def teamrepo(lab_server):
    root = Path(lab_server.root)
    if not (root / "teamrepo").exists():
        build(root / "teamrepo")
    job = lab_server.api("codepark/api/analyses", "POST", {"path": "teamrepo"})
    deadline = time.monotonic() + 120
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.3)
        job = lab_server.api(f"codepark/api/analyses/{job['id']}")
    assert job["state"] == "done", job
    return root / "teamrepo"


def test_team_notes_and_hint(page, lab_server, teamrepo):
    page.goto(lab_server.lab_url("lab/workspaces/team/tree/teamrepo/app/core.py"))
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    editor = page.locator(".jp-FileEditor .cm-content")
    editor.wait_for(timeout=30_000)
    page.locator(".jp-FileEditor .cm-line", has_text="def add").first.wait_for(timeout=30_000)
    page.click(f".jp-SideBar [data-id='{TEAM[1:]}']", timeout=30_000)
    panel = page.locator(TEAM)
    panel.wait_for(state="visible", timeout=10_000)

    # I am in the Team section, in the file I opened
    person = panel.locator(".jp-CodePark-person", has_text="teamrepo/app/core.py")
    person.first.wait_for(timeout=30_000)
    presence = lab_server.api("codepark/api/presence?path=teamrepo/app/core.py")
    assert presence["rooms"] and presence["rooms"][0]["users"], presence
    me = presence["rooms"][0]["users"][0]["username"]
    row = panel.locator(f".jp-CodePark-personRow[data-username='{me}']")
    assert "(you)" in row.inner_text()
    assert row.locator(".jp-CodePark-follow").count() == 0  # nobody follows themselves

    # a note added over REST appears in the list and as a marker on its lines
    text = (teamrepo / "app" / "core.py").read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if t.startswith("def classify"))
    note = lab_server.api(
        "codepark/api/notes",
        "POST",
        {"path": "teamrepo/app/core.py", "line": line, "end_line": line + 1,
         "body": "Should classify accept floats?"},
    )  # fmt: skip
    assert note["state"] == "open"
    item = panel.locator(".jp-CodePark-note", has_text="Should classify accept floats?")
    item.wait_for(timeout=10_000)
    assert f"L{line}" in item.inner_text()
    start = page.locator(".jp-FileEditor .cm-line.jp-CodePark-noteStart")
    start.wait_for(timeout=10_000)
    assert "def classify" in start.inner_text()
    assert page.locator(".jp-FileEditor .cm-line.jp-CodePark-noteLine").count() == 2
    marker = page.locator(".jp-FileEditor .jp-CodePark-noteMarker")
    assert marker.count() == 1
    assert "Should classify accept floats?" in marker.get_attribute("aria-label")

    # the quiet hint, when the analysis has one for this file
    hints = lab_server.api("codepark/api/hints?path=teamrepo/app/core.py")
    if hints["coupled"] or (hints.get("file") or {}).get("main_author"):
        panel.locator(".jp-CodePark-hint").wait_for(timeout=10_000)

    # "CodePark: Add note" from the editor's context menu, on the selected lines
    first = page.locator(".jp-FileEditor .cm-line", has_text="def total").first
    last = page.locator(".jp-FileEditor .cm-line", has_text="s = 0").first
    first.click()
    page.keyboard.press("Home")
    last.click(modifiers=["Shift"])
    last.click(button="right")
    page.locator(".lm-Menu-item", has_text="CodePark: Add note").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("Is total used? @nobody")
    dialog.locator(".jp-mod-accept").click()
    added = panel.locator(".jp-CodePark-note", has_text="Is total used?")
    added.wait_for(timeout=10_000)
    total = next(i for i, t in enumerate(text, 1) if t.startswith("def total"))
    assert f"L{total}–{total + 1}" in added.inner_text()
    page.locator(".jp-FileEditor .jp-CodePark-noteMarker").nth(1).wait_for(timeout=10_000)
    notes = lab_server.api("codepark/api/notes?path=teamrepo/app/core.py")["items"]
    assert {(n["line"], n["end_line"]) for n in notes} == {(line, line + 1), (total, total + 1)}

    # a mention of the browser's user (another identity writes it) pops a lab notification
    lab_server.api(
        "codepark/api/notes",
        "POST",
        {"path": "teamrepo/app/core.py", "line": 4, "body": f"@{me} can add take floats?"},
    )
    page.get_by_text("mentioned you in teamrepo/app/core.py:4").first.wait_for(timeout=10_000)

    widen_sidebar(page)
    page.wait_for_timeout(1000)  # the toast's slide-in
    screenshot(page, "team")

    # resolving a note from the list removes its marker
    item.locator(".jp-CodePark-linkButton", has_text="Resolve").click()
    panel.locator(".jp-CodePark-note.jp-mod-resolved").wait_for(timeout=10_000)
    page.locator(".jp-FileEditor .cm-line.jp-CodePark-noteStart", has_text="def classify").wait_for(
        state="detached", timeout=10_000
    )
    assert page.locator(".jp-FileEditor .jp-CodePark-noteMarker").count() == 2

    # clicking a note jumps to its line; clicking a person opens their file
    item.locator(".jp-CodePark-noteJump").click()
    person.first.click()
