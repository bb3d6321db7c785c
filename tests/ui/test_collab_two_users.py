"""Two people in one JupyterLab (as JupyterHub sharing makes it): alice and bob, each in their
own browser context, logged in by token as named users. They see each other in the Team
section; a note alice adds shows as a gutter marker for bob within a second; bob opens its
thread from the marker and replies, alice resolves; editing a coupled file shows the history
hint; a note on a notebook cell marks that cell for the other; a cell's output shared by alice
reaches bob's activity feed; bob's 3D city shows where alice is."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from tests.repo_builder import RepoBuilder
from tests.servers import ServerProcess

from .conftest import CHROMIUM, SCREENSHOTS, screenshot
from .test_city import FIND_JS
from .test_codepark_panel import widen_sidebar

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
TEAM = "#jp-codepark-team"
CALC = "proj/src/calc.py"
NOTEBOOK = "proj/explore.ipynb"
# A generous bound for a loaded CI machine: tests assert behaviour, not speed. On a quiet machine
# the marker shows well within the "within a second"; bench/bench_collab.py measures it.
MARKER_WAIT_MS = 10_000


def coupled_repo(root: Path) -> None:
    """calc.py and test_calc.py change together in 6 commits (a history hint); a notebook."""
    b = RepoBuilder(root / "proj")
    alice = ("Alice Liddell", "alice@example.com")
    b.write("README.md", "# proj\n")
    for i in range(6):
        b.write("src/calc.py", "".join(f"def f{j}():\n    return {j}\n" for j in range(i + 2)))
        b.write(
            "tests/test_calc.py", "".join(f"def test_f{j}():\n    pass\n" for j in range(i + 1))
        )
        b.commit(f"calc step {i}", alice, f"2024-01-{i + 1:02d}T10:00:00+00:00")
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell("total = sum(range(10))\nprint('total', total)")
    first.id = "cell-sum"
    first.outputs = [nbformat.v4.new_output("stream", name="stdout", text="total 45\n")]
    first.execution_count = 1
    second = nbformat.v4.new_code_cell(
        "def mean(xs):\n    return sum(xs) / len(xs)\n\nmean([1, 2])"
    )
    second.id = "cell-mean"
    nb.cells = [first, second]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    b.write("explore.ipynb", nbformat.writes(nb))
    b.commit("explore", alice, "2024-02-01T10:00:00+00:00")


@pytest.fixture(scope="module")
def team_lab(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    base = tmp_path_factory.mktemp("teamlab")
    root = base / "root"
    root.mkdir()
    coupled_repo(root)
    args = [
        "--ServerApp.identity_provider_class=tests.collab.identity.TwoLabUsersIdentityProvider",
        "--ServerApp.allow_unauthenticated_access=False",
        "--CodeParkApp.activity_window_s=0.3",
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        server = ServerProcess(
            base, root, f"sqlite:///{base / 'codepark.sqlite'}", extra_args=args
        ).start()
    try:
        job = server.api("codepark/api/analyses", "POST", {"path": "proj"})
        deadline = time.monotonic() + 120
        while job["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.3)
            job = server.api(f"codepark/api/analyses/{job['id']}")
        assert job["state"] == "done", job
        yield server
    finally:
        server.stop()


def user_page(browser, server: ServerProcess, user: str, path: str):
    """A browser context of its own (cookies and all) logged in as `user` with their token."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.console_errors = errors
    page.on("dialog", lambda d: d.accept())  # "leave the page?" when going to another file
    page.goto(f"{server.url}lab/workspaces/{user}/tree/{path}?token={user}-token")
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    return context, page


def me(page, server: ServerProcess) -> dict:
    """JupyterLab's /api/me as this browser sees it (its login cookie, no token)."""
    return page.evaluate(
        "async url => (await (await fetch(url, {credentials: 'same-origin'})).json()).identity",
        f"{server.url}api/me",
    )


def open_team(page):
    panel = page.locator(TEAM)
    tab = page.locator(f".jp-SideBar [data-id='{TEAM[1:]}']")
    tab.wait_for(timeout=30_000)
    if not panel.is_visible():  # a restored workspace may have it open already
        tab.click()
    panel.wait_for(state="visible", timeout=10_000)
    return panel


def editor_line(page, text: str):
    return page.locator(".jp-FileEditor .cm-line", has_text=text).first


def select_lines(page, first: str, last: str) -> None:
    editor_line(page, first).click()
    page.keyboard.press("Home")
    editor_line(page, last).click(modifiers=["Shift"])


def add_note_from_menu(page, target, body: str) -> None:
    target.click(button="right")
    page.locator(".lm-Menu-item", has_text="CodePark: Add note").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill(body)
    dialog.locator(".jp-mod-accept").click()


def test_two_users_see_each_other_notes_threads_hints_notebooks_city(browser, team_lab):
    alice_ctx, alice = user_page(browser, team_lab, "alice", CALC)
    bob_ctx, bob = user_page(browser, team_lab, "bob", CALC)
    try:
        run_scenario(alice, bob, team_lab)
        for page in (alice, bob):
            # two front ends on one kernel (the shared notebook's): each gets the messages of
            # the other's widget-manager comm and logs them as unknown; nothing is wrong
            errors = [e for e in page.console_errors if not e.startswith("Comm not found")]
            assert errors == [], errors
    finally:
        alice_ctx.close()
        bob_ctx.close()


def run_scenario(alice, bob, server: ServerProcess) -> None:
    # each browser is its own named user, for the REST API and for JupyterLab's identity
    assert me(alice, server)["username"] == "alice"
    assert me(bob, server)["display_name"] == "Bob Builder"
    for page in (alice, bob):
        editor_line(page, "def f6").wait_for(timeout=30_000)
    a_panel, b_panel = open_team(alice), open_team(bob)

    # each sees the other in the Team section, in the file they share
    for panel, self_name, other, other_name in (
        (a_panel, "alice", "bob", "Bob Builder"),
        (b_panel, "bob", "alice", "Alice Liddell"),
    ):
        row = panel.locator(f".jp-CodePark-personRow[data-username='{other}']")
        row.wait_for(timeout=30_000)
        assert other_name in row.inner_text() and CALC in row.inner_text()
        assert row.locator(".jp-CodePark-follow").count() == 1
        mine = panel.locator(f".jp-CodePark-personRow[data-username='{self_name}']")
        mine.wait_for(timeout=30_000)
        assert "(you)" in mine.inner_text()

    # editing a coupled file shows the history hint (for the one editing it)
    editor_line(bob, "def f1").click()
    bob.keyboard.press("End")
    bob.keyboard.type("  # bob was here")
    hint = b_panel.locator(".jp-CodePark-hint")
    hint.wait_for(timeout=10_000)
    assert "tests/test_calc.py changed with this file in 6 of 6 commits" in hint.inner_text()

    # alice adds a note on two lines; bob sees the marker within a second of it being added
    select_lines(alice, "def f3", "return 3")
    add_note_from_menu(alice, editor_line(alice, "return 3"), "Is **f3** still used? @bob")
    marker = bob.locator(".jp-FileEditor .jp-CodePark-noteMarker")
    marker.wait_for(timeout=MARKER_WAIT_MS)
    marker.hover()  # hovering shows the note
    card = bob.locator(".jp-CodePark-noteHover")
    card.wait_for(timeout=10_000)
    assert "Alice Liddell" in card.inner_text() and "Is **f3** still used?" in card.inner_text()
    start = bob.locator(".jp-FileEditor .cm-line.jp-CodePark-noteStart")
    assert "def f3" in start.inner_text()
    assert bob.locator(".jp-FileEditor .cm-line.jp-CodePark-noteLine").count() == 2
    bob.get_by_text("alice mentioned you in proj/src/calc.py").first.wait_for(timeout=10_000)

    # alice's own view: the thread of her new note is open, and she may delete it
    a_thread = a_panel.locator(".jp-CodePark-thread")
    a_thread.wait_for(timeout=10_000)
    assert a_thread.get_by_role("button", name="Delete").count() == 1

    # bob clicks the marker: the thread opens (Markdown rendered), he replies
    marker.click()
    b_thread = b_panel.locator(".jp-CodePark-thread")
    b_thread.wait_for(timeout=10_000)
    b_thread.locator(".jp-CodePark-markdown strong", has_text="f3").wait_for(timeout=10_000)
    assert "Alice Liddell" in b_thread.inner_text()
    assert b_thread.get_by_role("button", name="Delete").count() == 0  # not his note
    b_thread.locator("textarea[aria-label='Reply']").fill("Yes, by `report()`.")
    b_thread.get_by_role("button", name="Reply").click()
    reply = a_thread.locator(".jp-CodePark-reply", has_text="by report()")
    reply.wait_for(timeout=10_000)
    assert "Bob Builder" in reply.inner_text()
    assert reply.locator("code", has_text="report()").count() == 1

    # alice resolves; bob's thread says so and his marker goes
    a_thread.get_by_role("button", name="Resolve").click()
    bob.locator(".jp-CodePark-thread.jp-mod-resolved").wait_for(timeout=10_000)
    assert "Resolved by alice" in b_thread.inner_text()
    marker.wait_for(state="detached", timeout=10_000)
    a_thread.get_by_role("button", name="Reopen").wait_for(timeout=10_000)
    a_thread.get_by_role("button", name="Reopen").click()
    marker.wait_for(timeout=10_000)

    # the activity feed: bob's edit, alice's note and bob's reply, live; a click opens the lines
    feed = a_panel.locator("[aria-label='Recent activity']")
    feed.locator(".jp-CodePark-activityRow", has_text=f"bob edited {CALC} L3").first.wait_for(
        timeout=10_000
    )
    feed.locator(".jp-CodePark-activityRow", has_text=f"bob replied to a note on {CALC}").wait_for(
        timeout=10_000
    )
    note_row = feed.locator(".jp-CodePark-activityRow", has_text=f"alice added a note on {CALC}")
    assert "L7–8" in note_row.first.inner_text()

    widen_sidebar(alice)
    widen_sidebar(bob)
    alice.wait_for_timeout(500)
    screenshot(alice, "two-users-alice")
    screenshot(bob, "two-users-bob")

    # notebooks: both open one; alice notes the second cell; bob's marker is in that cell
    for page, user in ((alice, "alice"), (bob, "bob")):
        page.goto(f"{server.url}lab/workspaces/{user}/tree/{NOTEBOOK}")
        page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".cm-line").first.wait_for(
            timeout=60_000
        )
    a_panel, b_panel = open_team(alice), open_team(bob)
    cell = alice.locator(".jp-Notebook .jp-Cell").nth(1)
    cell.locator(".cm-line", has_text="return sum").click()
    add_note_from_menu(alice, cell.locator(".cm-line", has_text="return sum"), "Empty xs?")
    b_cell = bob.locator(".jp-Notebook .jp-Cell").nth(1)
    b_cell.locator(".jp-CodePark-noteMarker").wait_for(timeout=10_000)
    assert "return sum" in b_cell.locator(".cm-line.jp-CodePark-noteStart").inner_text()
    assert (
        bob.locator(".jp-Notebook .jp-Cell").nth(0).locator(".jp-CodePark-noteMarker").count() == 0
    )
    notes = server.api(f"codepark/api/notes?path={NOTEBOOK}")["items"]
    assert [(n["cell_id"], n["line"], n["author"]["username"]) for n in notes] == [
        ("cell-mean", 2, "alice")
    ]

    # alice shares the first cell's output; bob's feed shows it with the excerpt
    first = alice.locator(".jp-Notebook .jp-Cell").nth(0)
    first.locator(".jp-InputPrompt").click()
    first.locator(".jp-InputPrompt").click(button="right")
    alice.locator(".lm-Menu-item", has_text="CodePark: Share output with collaborators").click()
    shared = b_panel.locator(
        ".jp-CodePark-activityRow[data-kind='run.shared']",
        has_text=f"alice shared run output of {NOTEBOOK}",
    )
    shared.wait_for(timeout=10_000)
    assert shared.locator(".jp-CodePark-runExcerpt").inner_text().strip() == "total 45"
    runs = server.api(f"codepark/api/activity?kind=run.shared&path={NOTEBOOK}")["items"]
    assert [(r["user"], r["data"]["cell_id"]) for r in runs] == [("alice", "cell-sum")]
    assert "sum(range" not in json.dumps(runs)  # the output, never the code

    # bob filters the feed to the notebook, then back to all files; a row opens its lines
    b_feed = b_panel.locator("[aria-label='Recent activity']")
    calc_row = b_feed.locator(
        ".jp-CodePark-activityRow", has_text=f"alice added a note on {CALC} L7–8"
    )
    calc_row.wait_for(timeout=10_000)
    b_panel.get_by_label("This file only").check()
    calc_row.wait_for(state="detached", timeout=10_000)
    assert b_feed.locator(".jp-CodePark-activityRow", has_text=NOTEBOOK).count() >= 2
    b_panel.get_by_label("This file only").uncheck()
    calc_row.locator(".jp-CodePark-activityJump").click()
    bob.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current", has_text="calc.py").wait_for(
        timeout=10_000
    )
    bob.locator(".jp-StatusBar-Widget", has_text="Ln 7, Col 1").first.wait_for(timeout=10_000)

    # people on the city: alice goes back to calc.py; bob's city highlights it, names her
    alice.goto(f"{server.url}lab/workspaces/alice/tree/{CALC}")
    editor_line(alice, "def f6").wait_for(timeout=60_000)
    bob.click(".jp-SideBar [data-id='jp-codepark-panel']", timeout=30_000)
    codepark = bob.locator("#jp-codepark-panel")
    codepark.locator(".jp-CodePark-repoSelect option[value='proj']").wait_for(
        state="attached", timeout=30_000
    )
    codepark.locator(".jp-CodePark-cityButton").click()
    root = bob.locator(".jp-CodePark-city .cp-city")
    root.wait_for(timeout=60_000)
    city = bob.locator(".jp-CodePark-city[data-people~='src/calc.py']")
    city.wait_for(timeout=10_000)
    chip = city.locator(".jp-CodePark-cityPerson[data-path='src/calc.py']", has_text="Alice")
    chip.wait_for(timeout=10_000)
    bob.wait_for_function("r => r.codecity !== undefined", arg=root.element_handle())
    bob.wait_for_timeout(800)  # the first frames and the height animation
    found = bob.evaluate(FIND_JS, [root.element_handle(), ["src/calc.py"]])
    assert found, "calc.py's building is not visible"
    box = root.locator("canvas").bounding_box()
    x, y = box["x"] + found["at"][0], box["y"] + found["at"][1]
    bob.mouse.move(x - 5, y - 5)
    bob.mouse.move(x, y)
    tooltip = root.locator(".cp-city-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    bob.wait_for_function(
        "el => el.innerText.includes('Alice Liddell')", arg=tooltip.element_handle(), timeout=10_000
    )
    assert "here now" in tooltip.inner_text()
    screenshot(bob, "city-people")
    assert (SCREENSHOTS / "two-users-bob.png").exists()
