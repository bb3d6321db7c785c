"""Binder, rehearsed: a fresh virtualenv set up from the files in ``binder/`` alone (what
repo2docker runs: ``pip install -r binder/requirements.txt`` then ``binder/postBuild``, from
the root of a copy of the project), then the tour notebook executed with that environment's
kernel. Slow (a full install; pip reuses the machine's wheel cache): marked ``binder``.

The copy is the working tree (tracked and new files) plus the prebuilt lab extension, without
``.git``: so the tour also proves its fallback to a synthetic repository. On Binder itself the
clone has no prebuilt extension and postBuild builds it with Node (not exercised here).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from .test_notebooks import check_outputs

pytestmark = [pytest.mark.binder, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parents[2]
BUILT = ["jupyter_codepark/prebuilt_labextension", "jupyter_codepark/widgets/static"]
BUDGET_S = 240


def copy_project(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file() and not rel.startswith(("hub/", "docs/", "bench/bench_")):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for rel in BUILT:
        if not (ROOT / rel).is_dir():
            pytest.fail(f"{rel} is not built: run `make install` (npm run build:prod) first")
        shutil.copytree(ROOT / rel, dest / rel)


def run(argv: list[str], cwd: Path, env: dict[str, str], timeout_s: int = 300) -> str:
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s)
    assert proc.returncode == 0, (
        f"{' '.join(argv)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc.stdout


def test_binder_environment_runs_the_tour(tmp_path):
    start = time.monotonic()
    project, venv, home = tmp_path / "project", tmp_path / "venv", tmp_path / "home"
    project.mkdir()
    copy_project(project)
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER", "CODEPARK"))
    }  # fmt: skip
    env |= {
        "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
    }
    py = str(venv / "bin" / "python")
    run([py, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"], project, env)
    installed = time.monotonic()
    out = run(["bash", "binder/postBuild"], project, env)
    assert "CodePark installed" in out
    built = time.monotonic()
    config = json.loads((home / ".jupyter" / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["default_url"] == "/lab/tree/notebooks/01-tour.ipynb"
    # the package came from the wheel, not from this checkout
    where = run([py, "-c", "import jupyter_codepark; print(jupyter_codepark.__file__)"], home, env)
    assert str(venv) in where

    env |= {
        "CODEPARK_STORE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}",
        "CODEPARK_DEMO_DIR": str(tmp_path / "demo"),
    }
    nbdir = project / "notebooks"
    run(
        [str(venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=180", "--output-dir", str(tmp_path / "out"),
         str(nbdir / "01-tour.ipynb")],
        nbdir, env,
    )  # fmt: skip
    nb = nbformat.read(tmp_path / "out" / "01-tour.ipynb", as_version=4)
    check_outputs("01-tour.ipynb", nb)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "synthetic repository" in text  # the copy has no .git: the tour fell back
    took = time.monotonic() - start
    print(f"binder: requirements {installed - start:.0f} s, postBuild {built - installed:.0f} s,"
          f" total {took:.0f} s")  # fmt: skip
    assert took < BUDGET_S, f"the Binder rehearsal took {took:.0f} s"
