"""Routes the JupyterLab front end needs beyond the results: repository discovery and the city
state (the notebook widget's synced traits as JSON), on a real Jupyter server."""

from __future__ import annotations

import base64

import numpy as np

from jupyter_codepark.analysis.discover import find_repositories
from jupyter_codepark.widgets import CodeCity
from tests.analysis.sample_repo import build
from tests.repo_builder import RepoBuilder

from .test_analyses import api, error_of, wait_done


def test_discovery_walks_a_bounded_depth_and_skips_noise(tmp_path):
    for rel in ("a", "deep/er/repo", "too/deep/for/it", ".hidden/r", "node_modules/r", "a/inner"):
        (tmp_path / rel / ".git").mkdir(parents=True)
    (tmp_path / "plain").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "a")
    assert find_repositories(str(tmp_path)) == ["a", "deep/er/repo"]
    assert find_repositories(str(tmp_path), max_depth=1) == ["a"]
    assert find_repositories(str(tmp_path), max_depth=4) == ["a", "deep/er/repo", "too/deep/for/it"]
    assert find_repositories(str(tmp_path / "a")) == [""]
    assert find_repositories(str(tmp_path), limit=1) == ["a"]


async def test_discover_lists_repositories_with_their_analysis(jp_fetch, jp_root_dir):
    build(jp_root_dir / "sample")
    RepoBuilder(jp_root_dir / "work" / "empty")  # a repository without commits is still offered
    (jp_root_dir / "notes").mkdir()
    _, found, _ = await api(jp_fetch, "repos", "discover")
    assert [(r["path"], r["repo_id"]) for r in found["items"]] == [
        ("sample", None),
        ("work/empty", None),
    ]
    _, job, _ = await api(jp_fetch, "analyses", method="POST", body={"path": "sample"})
    done = await wait_done(jp_fetch, job["id"])
    _, found, _ = await api(jp_fetch, "repos", "discover", params={"depth": "1"})
    assert [(r["path"], r["repo_id"]) for r in found["items"]] == [("sample", done["repo_id"])]
    code, err = await error_of(jp_fetch, "repos", "discover", params={"depth": "99"})
    assert code == 400 and "depth" in err["message"]


async def test_city_state_is_what_the_widget_syncs(jp_fetch, jp_root_dir):
    build(jp_root_dir / "sample")
    _, job, _ = await api(jp_fetch, "analyses", method="POST", body={"path": "sample"})
    rid = str((await wait_done(jp_fetch, job["id"]))["repo_id"])
    _, city, _ = await api(
        jp_fetch, "repos", rid, "city", params={"height": "loc", "color": "main_author"}
    )
    state = city["state"]
    assert set(city["binary"]) >= {"heights", "colors", "building_rects", "hist_offsets"}
    names = state["file_names"].split("\n")
    assert city["paths"] == len(names) and "core.py" in names
    # the same as the notebook widget over the same files table
    _, files, _ = await api(jp_fetch, "repos", rid, "files", params={"limit": "1000"})
    import pandas as pd

    frame = pd.DataFrame(files["items"])
    widget = CodeCity(frame, height="loc", color="main_author")
    try:
        by_path = dict(zip(widget.paths, np.frombuffer(widget.heights, np.float32), strict=True))
    finally:
        widget.close()
    dirs = state["dir_names"].split("\n")
    file_dirs = np.frombuffer(base64.b64decode(state["file_dirs"]), np.uint32)
    heights = np.frombuffer(base64.b64decode(state["heights"]), np.float32)
    paths = [f"{dirs[d]}/{n}" if dirs[d] else n for d, n in zip(file_dirs, names, strict=True)]
    for path, h in zip(paths, heights, strict=True):
        if path in by_path:
            assert h == by_path[path], path
    assert state["color_mode"] == "categorical" and "Ann Author" in state["categories"]
    assert len(np.frombuffer(base64.b64decode(state["hist_times"]), np.float64)) >= 7

    code, err = await error_of(jp_fetch, "repos", rid, "city", params={"height": "main_author"})
    assert code == 400 and "numeric" in err["message"]
    code, _ = await error_of(jp_fetch, "repos", rid, "city", params={"color": "nope"})
    assert code == 400
    code, _ = await error_of(jp_fetch, "repos", "999", "city")
    assert code == 404
