"""Every demo notebook runs top to bottom (nbclient, a kernel from this venv, a store of its
own) and leaves real outputs: tables, plotly figures, widgets; no errors, no stderr."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"
WIDGET = "application/vnd.jupyter.widget-view+json"
#: mime types each notebook must show at least once
EXPECTED = {
    "01-tour.ipynb": {PLOTLY, WIDGET, "text/html"},
    "02-hotspots-and-coupling.ipynb": {PLOTLY, WIDGET, "text/html"},
    "03-time-travel.ipynb": {PLOTLY, WIDGET, "text/html"},
    "04-team-and-ownership.ipynb": {PLOTLY, WIDGET, "text/html"},
}
BUDGET_S = 30


def kernel_env(tmp_path: Path) -> dict[str, str]:
    """A store and a demo-repository folder of the test's own (the kernel inherits them)."""
    return {
        "CODEPARK_STORE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}",
        "CODEPARK_DEMO_DIR": str(tmp_path / "demo"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }


def execute(path: Path, cwd: Path, timeout_s: int = 120) -> tuple[nbformat.NotebookNode, float]:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout_s, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    start = time.monotonic()
    client.execute()
    return nb, time.monotonic() - start


def check_outputs(name: str, nb: nbformat.NotebookNode) -> None:
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.outputs, f"{name} cell {i} has no output:\n{cell.source}"
        for out in cell.outputs:
            assert out.output_type != "error", f"{name} cell {i}: {out.get('evalue')}"
            if out.output_type == "stream":
                assert out.name == "stdout", f"{name} cell {i} wrote to stderr: {out.text}"
            seen |= set(out.get("data", {}))
            if PLOTLY in out.get("data", {}):
                fig = out["data"][PLOTLY]
                assert fig["data"], f"{name} cell {i}: an empty figure"
            if WIDGET in out.get("data", {}):
                model = out["data"][WIDGET]["model_id"]
                state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
                assert model in state["state"], f"{name} cell {i}: widget state not saved"
    missing = EXPECTED[name] - seen
    assert not missing, f"{name} shows no {missing}"


def test_every_notebook_is_covered():
    assert NAMES == sorted(EXPECTED)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name, tmp_path, monkeypatch):
    for key, value in kernel_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    nb, took = execute(NOTEBOOKS / name, NOTEBOOKS)
    check_outputs(name, nb)
    assert took < BUDGET_S, f"{name} took {took:.1f} s"
    assert os.path.exists(tmp_path / "store.sqlite")  # the notebook used the test's store
