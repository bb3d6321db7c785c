"""The wheel carries both extensions and enables them on a plain install, with no Node."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installs_both_extensions_without_node(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(wheels), str(ROOT)],
        check=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    (wheel,) = wheels.glob("jupyter_codepark-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    data = next(n for n in names if ".data/data/" in n).split(".data/data/")[0] + ".data/data/"
    assert f"{data}etc/jupyter/jupyter_server_config.d/jupyter_codepark.json" in names
    assert f"{data}share/jupyter/labextensions/jupyter-codepark/package.json" in names
    assert "jupyter_codepark/widgets/static/city.js" in names  # the notebook city's bundle
    assert "jupyter_codepark/openapi.yaml" in names
    lab = f"{data}share/jupyter/labextensions/jupyter-codepark/"
    assert any(n.startswith(f"{lab}static/remoteEntry") for n in names)
    assert (
        f"{data}share/jupyter/labextensions/jupyter-codepark/schemas/jupyter-codepark/plugin.json"
        in names
    )  # noqa: E501

    # A fresh venv that gets the wheel by a plain pip install. Its dependencies are borrowed
    # from this venv through a .pth line (the wheel's own files and config stay in the new one).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv)}))
    (purelib / "_borrowed_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--ignore-installed",  # never uninstall the copy in the borrowed venv
         str(wheel)],
        check=True,
    )  # fmt: skip
    bindir = venv / "bin"
    env = {
        # only the new venv's scripts: no node, no npm on PATH
        "PATH": str(bindir),
        "HOME": str(tmp_path),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }
    assert shutil.which("node", path=env["PATH"]) is None  # really no Node here
    servers = subprocess.run(
        [str(python), "-m", "jupyter_server", "extension", "list"],
        env=env, capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    out = servers.stdout + servers.stderr
    assert "jupyter_codepark" in out and "OK" in out.split("jupyter_codepark", 1)[1], out
    imported = subprocess.run(
        [str(python), "-c", "import jupyter_codepark; print(jupyter_codepark.__file__)"],
        env=env, capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert imported.stdout.strip().startswith(str(venv))
    labs = subprocess.run(
        [str(python), "-m", "jupyterlab.labextensions", "list"],
        env=env, capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    lab_out = labs.stdout + labs.stderr
    line = next(ln for ln in lab_out.splitlines() if "jupyter-codepark" in ln)
    assert "enabled" in line and "OK" in line, lab_out
    assert str(venv) in lab_out
