"""Folders of sandboxes whose server died (kill -9, Ctrl-C without a TTY) are swept later."""

from __future__ import annotations

import os
import subprocess
import time

from jupyter_codepark.sandbox import launcher


def test_stale_folders_go_live_and_recent_ones_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(launcher, "_swept_roots", set())
    old = time.time() - 3600
    stale, live, recent = (tmp_path / n for n in ("kstale", "klive", "krecent"))
    for home in (stale, live, recent):
        (home / "scratch").mkdir(parents=True)
        (home / "run").mkdir()
    proc = subprocess.Popen(["sleep", "60"], cwd=live / "scratch")
    try:
        for home in (stale, live):
            os.utime(home, (old, old))
        launcher.sweep_stale_folders(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["klive", "krecent"]
    finally:
        proc.kill()
        proc.wait()
