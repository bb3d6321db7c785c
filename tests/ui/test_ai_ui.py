"""CodePark's AI help in a real JupyterLab (offline engine): "Review with CodePark" from the
editor's context menu puts severity-coloured gutter markers on the planted problems and lists
them in the panel; "Add docstring" edits the file as one undoable edit; "Explain with CodePark"
opens a rendered explanation with facts; insights render in the panel; a notebook cell gets
its own markers; an over-large file is a clear notification."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.ai.repos import PLANTED, build_project, line_of

from .conftest import screenshot
from .test_codepark_panel import ensure_analysed, widen_sidebar

pytestmark = pytest.mark.ui

PANEL = "#jp-codepark-panel"
EDITOR = ".jp-FileEditor"


BIG = "def risky(value):\n    return value\n" + "\n".join(
    f"X_{i} = {'1' * 60}" for i in range(5000)
)
NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Demo"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["import json\n", "LIMIT = 3"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["def risky(value, seen=[]):\n", "    try:\n",
                    "        return json.loads(value)\n", "    except:\n",
                    "        return LIMIT"]},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}  # fmt: skip


@pytest.fixture(scope="module")
def aiproj(lab_server):
    """The AI test repository, its test files committed (the panel's file insight reads them
    from the analysis), analysed."""
    root = Path(lab_server.root)
    if not (root / "aiproj").exists():
        b = build_project(root / "aiproj")
        for name, text in (("planted.py", PLANTED), ("docme.py", PLANTED), ("big.py", BIG),
                           ("demo.ipynb", json.dumps(NOTEBOOK))):  # fmt: skip
            b.write(name, text)
        b.commit("Add the AI test files", ("Ann Author", "ann@example.com"),
                 "2024-01-21T10:00:00+00:00")  # fmt: skip
    ensure_analysed(lab_server, "aiproj")
    return root / "aiproj"


def open_file(page, lab_server, workspace: str, path: str):
    page.goto(lab_server.lab_url(f"lab/workspaces/{workspace}/tree/{path}"))
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    page.locator(f"{EDITOR} .cm-content").wait_for(timeout=30_000)
    page.locator(f"{EDITOR} .cm-line", has_text="def risky").first.wait_for(timeout=30_000)


def context_command(page, target, label: str) -> None:
    target.click(button="right")
    item = page.locator(".lm-Menu-item", has_text=label)
    item.first.wait_for(timeout=10_000)
    item.first.click()


def editor_text(page) -> str:
    return page.locator(f"{EDITOR} .cm-content").inner_text()


def put_cursor_on(page, text: str):
    """Click at the end of the first line with `text`; that line, to right-click on."""
    line = page.locator(f"{EDITOR} .cm-line", has_text=text).first
    line.click()
    page.keyboard.press("End")
    return line


def test_review_shows_gutter_markers_and_the_panel_lists_them(page, lab_server, aiproj):
    open_file(page, lab_server, "aireview", "aiproj/planted.py")
    context_command(page, page.locator(f"{EDITOR} .cm-content"), "Review with CodePark")

    markers = page.locator(f"{EDITOR} .cm-gutter-lint .cm-lint-marker")
    markers.first.wait_for(timeout=30_000)
    answer = lab_server.api("codepark/api/ai/review", "POST", {"path": "aiproj/planted.py"})
    # one gutter marker per finding's first line, coloured by the line's worst severity
    rank = {"error": 0, "warning": 1, "info": 2}
    worst: dict[int, str] = {}
    for f in answer["findings"]:
        if rank[f["severity"]] < rank[worst.get(f["line"], "info")] or f["line"] not in worst:
            worst[f["line"]] = f["severity"]
    assert markers.count() == len(worst)
    for severity in set(worst.values()):
        expected = sum(1 for s in worst.values() if s == severity)
        assert page.locator(f"{EDITOR} .cm-lint-marker-{severity}").count() == expected
    # the bare except (ruff E722) and the mutable default (B006) are marked on their own text
    assert page.locator(f"{EDITOR} .jp-CodePark-aiMark", has_text="except:").count() >= 1
    assert page.locator(f"{EDITOR} .jp-CodePark-aiMark", has_text="seen=[]").count() >= 1

    # hovering the marked text shows the message, the suggested fix and the evidence
    page.locator(f"{EDITOR} .jp-CodePark-aiMark", has_text="except:").last.hover()
    tip = page.locator(".cm-tooltip .jp-CodePark-aiDiagnostic", has_text="E722")
    tip.first.wait_for(timeout=10_000)
    text = tip.first.inner_text()
    assert "E722" in text and "Fix:" in text and "Evidence: rule: ruff E722" in text

    # the panel lists the findings; a click jumps to the finding's line
    page.click(".jp-SideBar [data-id='jp-codepark-panel']", timeout=30_000)
    panel = page.locator(PANEL)
    rows = panel.locator(".jp-CodePark-finding")
    rows.first.wait_for(timeout=10_000)
    assert rows.count() == len(answer["findings"])
    widen_sidebar(page)
    panel.locator(".jp-CodePark-section-ai-review").scroll_into_view_if_needed()
    screenshot(page, "ai-review")
    tangled = line_of(PLANTED, "def tangled")
    row = panel.locator(f".jp-CodePark-finding[data-line='{tangled}']").first
    row.click()
    page.locator(".jp-StatusBar-Widget", has_text=f"Ln {tangled}, Col 1").wait_for(timeout=10_000)
    assert "def tangled" in page.locator(f"{EDITOR} .cm-line").nth(tangled - 1).inner_text()

    # re-review after a substantial change: the markers were cleared, the list says it is stale
    page.locator(f"{EDITOR} .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n" + "".join(f"\nx{i} = {i}" for i in range(30)))
    panel.locator(".jp-CodePark-warning", has_text="changed a lot").wait_for(timeout=10_000)
    assert page.locator(f"{EDITOR} .jp-CodePark-aiMark").count() == 0
    for _ in range(60):  # leave the file as it was for the other tests
        if "x0 = 0" not in editor_text(page):
            break
        page.keyboard.press("Control+z")
    assert "x0 = 0" not in editor_text(page)


def test_add_docstring_edits_the_file_and_undo_reverts_it(page, lab_server, aiproj):
    open_file(page, lab_server, "aidoc", "aiproj/docme.py")
    before = editor_text(page)
    line = put_cursor_on(page, "def many")
    context_command(page, line, "Add docstring")
    page.wait_for_function(
        """() => document.querySelector('.jp-FileEditor .cm-content').innerText
                   .includes('Parameters')""",
        timeout=30_000,
    )
    after = editor_text(page)
    assert '"""' in after and "Parameters" in after
    lines = [t.strip() for t in after.splitlines()]
    for name in ("a", "b", "c", "d", "e", "f", "g"):  # numpydoc: each parameter on its own line
        assert name in lines and f"The {name}." in lines, name
    page.locator(".Toastify__toast", has_text="added a docstring").wait_for(timeout=10_000)
    screenshot(page, "ai-docstring")
    # the file on disk gets it too (the collaborative room saves it)
    deadline = time.monotonic() + 20
    while "Parameters" not in (aiproj / "docme.py").read_text() and time.monotonic() < deadline:
        page.keyboard.press("Control+s")
        time.sleep(0.5)
    assert "Parameters" in (aiproj / "docme.py").read_text()

    # one Ctrl+Z reverts the whole docstring
    page.locator(f"{EDITOR} .cm-content").click()
    page.keyboard.press("Control+z")
    page.wait_for_function(
        """() => !document.querySelector('.jp-FileEditor .cm-content').innerText
                   .includes('Parameters')""",
        timeout=10_000,
    )
    assert editor_text(page) == before


def test_explain_opens_a_rendered_view_with_facts(page, lab_server, aiproj):
    open_file(page, lab_server, "aiexplain", "aiproj/planted.py")
    line = put_cursor_on(page, "def tangled")
    context_command(page, line, "Explain with CodePark")
    view = page.locator(".jp-CodePark-explain")
    view.locator(".jp-CodePark-explainFacts dt", has_text="signature").wait_for(timeout=30_000)
    assert "def tangled(a, b, c, d, e)" in view.locator(".jp-CodePark-explainFacts").inner_text()
    # Markdown rendered (strong, lists), not shown as raw text
    assert view.locator(".jp-CodePark-explainText .jp-RenderedMarkdown").count() == 1
    assert "**" not in view.locator(".jp-CodePark-explainText").inner_text()
    screenshot(page, "ai-explain")


def test_insights_render_in_the_panel(page, lab_server, aiproj):
    page.goto(lab_server.lab_url("lab/workspaces/aiinsights"))
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    page.click(".jp-SideBar [data-id='jp-codepark-panel']", timeout=30_000)
    panel = page.locator(PANEL)
    panel.locator(".jp-CodePark-repoSelect option[value='aiproj']").wait_for(
        state="attached", timeout=30_000
    )
    panel.locator(".jp-CodePark-repoSelect").select_option("aiproj")
    widen_sidebar(page)
    button = panel.locator(".jp-CodePark-insightsButton")
    button.click()
    rendered = panel.locator(".jp-CodePark-aiInsights .jp-RenderedMarkdown")
    rendered.wait_for(timeout=30_000)
    page.wait_for_function(
        """() => document.querySelector('.jp-CodePark-aiInsights').innerText
                   .includes('app/buggy.py')""",
        timeout=30_000,
    )
    text = rendered.inner_text()
    assert "core/engine.py" in text and "util/solo.py" in text
    panel.locator(".jp-CodePark-section-ai-insights").scroll_into_view_if_needed()
    screenshot(page, "ai-insights")


def test_review_of_a_notebook_cell_marks_that_cell(page, lab_server, aiproj):
    page.goto(lab_server.lab_url("lab/workspaces/ainb/tree/aiproj/demo.ipynb"))
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    # the notebook names no kernel: JupyterLab asks for one; no kernel is needed here
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-reject").click(timeout=30_000)
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    cells.nth(1).locator(".cm-content").wait_for(timeout=60_000)
    cells.nth(1).locator(".cm-line", has_text="except").click()
    context_command(page, cells.nth(1).locator(".cm-content"), "Review with CodePark")
    cells.nth(1).locator(".cm-lint-marker").first.wait_for(timeout=30_000)
    marked = cells.nth(1).locator(".jp-CodePark-aiMark", has_text="except:")
    assert marked.count() >= 1
    assert cells.nth(0).locator(".cm-lint-marker").count() == 0
    # the panel lists the cell's findings; `json` and `LIMIT` come from the first code cell:
    # not reported as undefined
    page.click(".jp-SideBar [data-id='jp-codepark-panel']", timeout=30_000)
    panel = page.locator(PANEL)
    panel.locator(".jp-CodePark-aiReviewHead", has_text="demo.ipynb (cell 3)").wait_for(
        timeout=10_000
    )
    texts = panel.locator(".jp-CodePark-finding").all_inner_texts()
    assert any("E722" in t and "cell 3 · L4" in t for t in texts), texts
    assert any("B006" in t and "cell 3 · L1" in t for t in texts), texts
    assert not any("F821" in t for t in texts), texts
    widen_sidebar(page)
    panel.locator(".jp-CodePark-section-ai-review").scroll_into_view_if_needed()
    screenshot(page, "ai-notebook-review")
    # a click on a finding selects its cell and puts the cursor on its line
    cells.nth(0).locator(".cm-content").click()
    page.locator(".jp-StatusBar-Widget", has_text="Cell 2/3").wait_for(timeout=10_000)
    panel.locator(".jp-CodePark-finding", has_text="E722").click()
    page.locator(".jp-StatusBar-Widget", has_text="Ln 4, Col 1").wait_for(timeout=10_000)
    page.locator(".jp-StatusBar-Widget", has_text="Cell 3/3").wait_for(timeout=10_000)


def test_too_large_a_file_is_a_clear_notification(page, lab_server, aiproj):
    open_file(page, lab_server, "aibig", "aiproj/big.py")
    context_command(page, page.locator(f"{EDITOR} .cm-content"), "Review with CodePark")
    toast = page.locator(".Toastify__toast", has_text="too large")
    toast.first.wait_for(timeout=30_000)
    assert "limit" in toast.first.inner_text()
    page.console_errors.clear()  # the browser logs the 413 response itself


@pytest.fixture(scope="module")
def model_lab(tmp_path_factory):
    """A second JupyterLab whose CodePark uses a language model: the local fake OpenAI server;
    the `inlineCompletion` setting switched on."""
    from tests.ai.fake_openai import FakeOpenAI
    from tests.servers import ServerProcess

    fake = FakeOpenAI().start()
    fake.reply = "3.14159 * radius ** 2"
    base = tmp_path_factory.mktemp("modellab")
    root = base / "root"
    root.mkdir()
    settings = base / "settings" / "jupyter-codepark"
    settings.mkdir(parents=True)
    (settings / "ai.jupyterlab-settings").write_text(json.dumps({"inlineCompletion": True}))
    saved = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = "sk-test-not-a-real-key"
    server = ServerProcess(
        base,
        root,
        f"sqlite:///{base / 'codepark.sqlite'}",
        extra_args=[
            "--CodeParkApp.ai_model=openai/fake-model",
            f"--CodeParkApp.ai_api_base={fake.api_base}",
        ],
    ).start()
    yield server, fake
    server.stop()
    fake.stop()
    if saved is None:
        os.environ.pop("OPENAI_API_KEY", None)
    else:
        os.environ["OPENAI_API_KEY"] = saved


def test_inline_completion_comes_from_the_model(page, model_lab):
    server, fake = model_lab
    (Path(server.root) / "geo.py").write_text("import math\n\n\n")
    page.goto(server.lab_url("lab/workspaces/ainline/tree/geo.py"))
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    content = page.locator(f"{EDITOR} .cm-content")
    content.wait_for(timeout=30_000)
    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("def area(radius):\nreturn ", delay=20)  # the editor indents
    ghost = page.locator(f"{EDITOR} .jp-GhostText")
    ghost.wait_for(timeout=30_000)
    assert "3.14159 * radius ** 2" in ghost.inner_text()
    # the model got the text around the cursor
    prompt = fake.prompts()[-1]
    assert "def area(radius):\n    return <CURSOR>" in prompt and "FILE: geo.py" in prompt
    screenshot(page, "ai-inline-completion")
    page.keyboard.press("Tab")  # accept
    page.wait_for_function(
        """() => document.querySelector('.jp-FileEditor .cm-content').innerText
                   .includes('return 3.14159 * radius ** 2')""",
        timeout=10_000,
    )
    # "Explain with CodePark" streams the model's answer (server-sent events) into its view
    fake.reply = "The function **area** returns the area of a circle of the given radius."
    line = put_cursor_on(page, "def area")
    context_command(page, line, "Explain with CodePark")
    view = page.locator(".jp-CodePark-explain")
    view.locator(".jp-CodePark-explainFacts dt", has_text="signature").wait_for(timeout=30_000)
    text = view.locator(".jp-CodePark-explainText .jp-RenderedMarkdown")
    assert "returns the area of a circle" in text.inner_text()
    assert text.locator("strong", has_text="area").count() == 1  # Markdown rendered
    assert "Language model openai/fake-model" in view.inner_text()
    assert "def area(radius)" in fake.prompts()[-1]  # the prompt carries the grounded facts
