"""A process killed mid-analysis loses nothing; the CLI works as documented."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.store import Store

from .sample_repo import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    dest = tmp_path_factory.mktemp("synthetic") / "repo"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "synthrepo.py"), str(dest), "--commits", "2500",
         "--files", "120", "--authors", "5", "--seed", "3"],
        check=True, capture_output=True,
    )  # fmt: skip
    return dest


KILL_MID_MINING = textwrap.dedent("""
    import os, signal, sys
    from jupyter_codepark.analysis.pipeline import analyze_repository
    from jupyter_codepark.store import Store

    def progress(phase, done, total):
        if phase == "mining" and done >= 2000:  # some batches are written by now
            os.kill(os.getpid(), signal.SIGKILL)

    analyze_repository(Store(sys.argv[1]), sys.argv[2], progress=progress)
""")


def test_killed_mid_mining_then_rerun_equals_a_clean_run(synthetic, tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    proc = subprocess.run(
        [sys.executable, "-c", KILL_MID_MINING, url, str(synthetic)], capture_output=True
    )
    assert proc.returncode == -9, proc.stderr.decode()
    store = Store(url)
    with store.connect() as conn:  # the killed run did write history rows...
        assert conn.exec_driver_sql("SELECT count(*) FROM commits").scalar() > 0
        # ...but saved no state: they do not count
        assert conn.exec_driver_sql("SELECT count(*) FROM repo_state").scalar() == 0
    as_of = 1_800_000_000
    after = analyze_repository(store, synthetic, AnalysisOptions(), as_of=as_of)
    clean = analyze_repository(
        Store(f"sqlite:///{tmp_path / 'clean.sqlite'}"), synthetic, AnalysisOptions(), as_of=as_of
    )
    assert after.mode == "full"  # no state was saved: mined again, orphan rows dropped
    for table in ("files", "authors", "coupling", "timeline", "summary"):
        assert getattr(after, table) == getattr(clean, table), table
    with store.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM commits").scalar()
    assert n == clean.summary["commits"]


def codepark(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "jupyter_codepark.cli", *args],
        capture_output=True, text=True, cwd=cwd,
    )  # fmt: skip


def test_cli_analyses_a_repository_and_writes_the_json_contract(tmp_path):
    repo, shas = build(tmp_path / "repo")
    out = tmp_path / "report.json"
    store = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    proc = codepark("analyze", str(repo.path), "--json", str(out), "--store", store)
    assert proc.returncode == 0, proc.stderr
    assert f"@ {shas['c8'][:12]} (main)" in proc.stdout
    assert "9 commits (1 merges), 3 authors, 7 files" in proc.stdout
    assert "app/core.py" in proc.stdout.split("hotspots")[1]
    doc = json.loads(out.read_text())
    assert doc["repository"]["head"] == shas["c8"] and doc["commits"] == 9
    assert doc["bus_factor"] == 2
    assert {f["path"] for f in doc["files"]} >= {"app/core.py", "lib/util.py"}
    # --json - prints only JSON on stdout
    proc = codepark("analyze", str(repo.path), "--rev", shas["c4"], "--json", "-", "--store", store)
    assert proc.returncode == 0 and json.loads(proc.stdout)["commits"] == 4


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (lambda p: None, [], "does not exist"),
        (lambda p: p.mkdir(), [], "not inside a git repository"),
        (lambda p: build(p), ["--rev", "nope"], "Unknown revision"),
    ],
)
def test_cli_bad_input_is_one_clear_line_and_non_zero(tmp_path, make, args, message):
    target = tmp_path / "target"
    make(target)
    proc = codepark("analyze", str(target), *args, "--store", f"sqlite:///{tmp_path / 's.db'}")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("codepark: error: ")
    assert message.lower() in lines[0].lower()
    assert proc.stdout == ""
