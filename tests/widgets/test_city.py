"""CodeCity's Python side: the bytes it sends, metrics, filters, history, exports."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from jupyter_codepark.widgets import CodeCity
from jupyter_codepark.widgets.sample import sample_files, sample_history

N = 120


@pytest.fixture(scope="module")
def files() -> pd.DataFrame:
    return sample_files(N, seed=3)


@pytest.fixture(scope="module")
def history(files):
    return sample_history(files, steps=12, changes_per_step=10, seed=3)


@pytest.fixture
def city(files, history) -> CodeCity:
    return CodeCity(files, history, title="test")


def arr(b: bytes, dtype) -> np.ndarray:
    return np.frombuffer(b, dtype=dtype)


def test_bytes_have_the_expected_dtype_and_length(city, files):
    n = len(city.paths)
    assert n == N + 5  # the files table plus the paths deleted during the history
    m = len(city.city_layout.dirs)
    expected = {
        "file_dirs": (4, n),
        "building_rects": (2, 4 * n),
        "district_rects": (2, 4 * m),
        "district_depth": (1, m),
        "heights": (4, n),
        "colors": (4, n),
        "hist_base_heights": (4, n),
        "hist_base_colors": (4, n),
    }
    for name, (size, count) in expected.items():
        assert isinstance(getattr(city, name), bytes), name
        assert len(getattr(city, name)) == size * count, name
    steps = len(city.times)
    assert steps == 12
    offsets = arr(city.hist_offsets, np.uint32)
    assert len(offsets) == steps + 1 and offsets[0] == 0 and (np.diff(offsets) >= 0).all()
    events = int(offsets[-1])
    assert len(city.hist_ids) == len(city.hist_heights) == len(city.hist_colors) == 4 * events
    assert len(city.hist_times) == 8 * steps
    assert arr(city.hist_ids, np.uint32).max() < n
    assert len(city.file_names.split("\n")) == n
    assert city.dir_names.split("\n")[0] == ""
    # a building's path is its folder + its name
    dirs = city.dir_names.split("\n")
    names = city.file_names.split("\n")
    fd = arr(city.file_dirs, np.uint32)
    rebuilt = [f"{dirs[d]}/{nm}" if dirs[d] else nm for d, nm in zip(fd, names, strict=True)]
    assert rebuilt == city.paths


def test_heights_mark_files_absent_now(city, files):
    h = arr(city.heights, np.float32)
    i = city.paths.index("attic/old0.py")
    assert h[i] < 0
    j = city.paths.index(files["path"][0])
    assert h[j] == pytest.approx(files["complexity"][0])


def test_history_replays_to_the_present(city, files):
    """Applying every step's events to the base state gives the files table's values."""
    city.height_by("loc")
    h = arr(city.hist_base_heights, np.float32).copy()
    ids = arr(city.hist_ids, np.uint32)
    h[ids] = arr(city.hist_heights, np.float32)  # later events overwrite earlier ones
    present = arr(city.heights, np.float32)
    assert np.allclose(h, present)
    gone = city.paths.index("attic/old0.py")
    base = arr(city.hist_base_heights, np.float32)
    assert base[gone] < 0  # added during the history: absent before step 0


def test_color_by_numeric_column_is_continuous_with_a_clamp(city):
    city.color_by("churn")
    assert city.color_mode == "continuous" and city.color_label == "churn"
    lo, hi = city.color_data_range
    assert lo < hi
    city.color_by("churn", range=(10, 20))
    assert city.color_range == [10.0, 20.0]


def test_color_by_categorical_gives_a_legend(city, files):
    city.color_by("main_author")
    assert city.color_mode == "categorical"
    assert set(city.categories) == set(files["main_author"])
    codes = arr(city.colors, np.float32)
    i = city.paths.index(files["path"][5])
    assert city.categories[int(codes[i])] == files["main_author"][5]


def test_color_by_a_user_series(city, files):
    series = pd.Series(np.arange(len(files), dtype=float), index=files["path"], name="rank")
    before = city.colors
    city.color_by(series)
    assert city.colors != before and city.color_label == "rank"
    codes = arr(city.colors, np.float32)
    assert codes[city.paths.index(files["path"][7])] == 7
    assert np.isnan(codes[city.paths.index("attic/old0.py")])
    # a Series aligned with the table's rows (no path index) works as well
    city.color_by(pd.Series(np.ones(len(files)), name="ones"))
    assert city.color_label == "ones"
    city.height_by(files.set_index("path")["loc"] * 2)
    h = arr(city.heights, np.float32)
    assert h[city.paths.index(files["path"][0])] == files["loc"][0] * 2


def test_presets(files, history):
    coupling = pd.DataFrame(
        {"a": [files["path"][0]], "b": [files["path"][1]], "shared": [4], "degree": [80.0]}
    )
    city = CodeCity(files, history, coupling=coupling)
    for preset in ("hotspot", "complexity", "churn", "revisions", "age", "author", "language"):
        city.color_by(preset)
    city.color_by("age")
    assert city.color_age
    city.color_by("coupling")
    assert city.color_label.startswith("coupling")
    city.selected = files["path"][0]  # as a click in the browser does
    assert city.color_label == f"coupling to {files['path'][0]}"
    v = arr(city.colors, np.float32)
    assert v[city.paths.index(files["path"][1])] == 80.0
    with pytest.raises(KeyError):
        city.color_by("no_such_column")
    with pytest.raises(TypeError):
        city.height_by("language")


def test_filter_with_a_query_fades_the_rest(city, files):
    kept = city.filter("complexity > 20 and authors == 1")
    expected = set(files.query("complexity > 20 and authors == 1")["path"])
    assert kept == len(expected) > 0
    mask = arr(city.fade_mask, np.uint8)
    assert len(mask) == len(city.paths)
    assert {p for p, m in zip(city.paths, mask, strict=True) if m == 0} == expected
    rects = city.building_rects
    city.filter(None)
    assert city.fade_mask == b"" and city.building_rects == rects  # nothing moves


def test_filter_with_a_glob_and_a_list(city, files):
    n_ts = city.filter("*.ts")
    assert n_ts == sum(p.endswith(".ts") for p in city.paths)
    assert city.filter("attic/*") == 5
    assert city.filter([files["path"][0], "not/there.py"]) == 1


def test_highlight_and_select(city, files):
    city.highlight([files["path"][0], files["path"][1]], "#ff0000")
    city.highlight([files["path"][2]], "#00ff00")
    assert [h["color"] for h in city.highlights] == ["#ff0000", "#00ff00"]
    assert city.highlights[0]["ids"] == [city.paths.index(files["path"][i]) for i in (0, 1)]
    got = []
    city.on_select(got.append)
    city.select(files["path"][3])
    assert got == [files["path"][3]]
    with pytest.raises(KeyError):
        city.select("nope.py")


def test_time_travel_and_delta(city):
    city.seek(3)
    assert city.time_index == 3
    city.seek(city.times[5] + pd.Timedelta(hours=1))
    assert city.time_index == 5
    city.seek("now")
    assert city.time_index == -1
    city.delta_view(0, "now")
    assert city.delta == [0, -1]
    city.clear_delta()
    city.play(interval_ms=100)
    assert city.playing and city.play_interval_ms == 100


def test_history_as_a_frame_and_weekly_buckets(files, history):
    rows = [
        {"time": c["time"], "path": p, "added": a, "deleted": d, "status": s, "blob": b}
        for c in history
        for p, a, d, s, b in c["changes"]
    ]
    frame = pd.DataFrame(rows)
    by_list = CodeCity(files, history, bucket="week")
    by_frame = CodeCity(files, frame, bucket="week")
    assert by_list.hist_heights == by_frame.hist_heights
    monthly = CodeCity(files, history, bucket="month")
    assert len(monthly.times) < len(by_list.times)


def test_details_for_the_tooltip(city, files):
    d = city.details(files["path"][0])
    assert d["loc"] == files["loc"][0] and d["main_author"] == files["main_author"][0]
    json.dumps(d)


def test_codecharta_export(city, files, tmp_path):
    doc = city.to_codecharta(tmp_path / "city.cc.json", project_name="demo")
    again = json.loads((tmp_path / "city.cc.json").read_text())
    assert again == doc
    assert doc["projectName"] == "demo" and doc["apiVersion"] == "1.3"
    assert set(doc) >= {"nodes", "edges", "attributeTypes", "attributeDescriptors", "blacklist"}
    (root,) = doc["nodes"]
    assert root["name"] == "root" and root["type"] == "Folder"

    def leaves(node, prefix):
        for child in node.get("children", []):
            path = f"{prefix}/{child['name']}" if prefix else child["name"]
            if child["type"] == "File":
                yield path, child
            else:
                assert child["type"] == "Folder"
                yield from leaves(child, path)

    found = dict(leaves(root, ""))
    assert set(found) == set(files["path"])
    first = found[files["path"][0]]
    assert first["attributes"]["rloc"] == files["sloc"][0]
    assert first["attributes"]["mcc"] == files["complexity"][0]
    assert set(doc["attributeTypes"]["nodes"]) >= {"rloc", "mcc", "number_of_commits"}


def test_codecharta_edges_from_coupling(files):
    coupling = pd.DataFrame({"a": ["x"], "b": ["y"], "shared": [3], "degree": [50.0]})
    doc = CodeCity(files, coupling=coupling).to_codecharta()
    assert doc["edges"] == [
        {
            "fromNodeName": "/root/x",
            "toNodeName": "/root/y",
            "attributes": {"pairingRate": 50.0, "commits": 3.0},
        }
    ]


def test_state_survives_a_reload(city):
    """The widget's state is plain traits (saved with the notebook): nothing lives only in
    Python objects the browser needs."""
    state = city.get_state()
    for key in ("building_rects", "heights", "colors", "hist_ids", "dir_names", "selected"):
        assert key in state
    assert city.state_size() < 200_000


def test_commits_keep_their_order_when_author_dates_go_backwards():
    files = pd.DataFrame({"path": ["a.py", "b.py"], "loc": [30, 5], "complexity": [3, 1]})
    history = [
        {"time": "2026-01-01", "changes": [("a.py", 10, 0, "A", "x1")]},
        {"time": "2026-01-05", "changes": [("a.py", 20, 0, "M", "x2")]},
        {"time": "2026-01-03", "changes": [("b.py", 5, 0, "A", "y1")]},  # rebased, older date
    ]
    city = CodeCity(files, history, height="loc", color="loc")
    assert len(city.times) == 3 and city.times.is_monotonic_increasing
    ids = arr(city.hist_ids, np.uint32)
    heights = arr(city.hist_heights, np.float32)
    assert [city.paths[i] for i in ids] == ["a.py", "a.py", "b.py"]
    assert heights.tolist() == [10, 30, 5]  # a.py grows 10 -> 30 lines, b.py appears last
    assert arr(city.hist_base_heights, np.float32).tolist() == [-1, -1]


def test_show_people_from_presence(city, files):
    a, b = files["path"][0], files["path"][1]
    city.highlight([files["path"][2]], "#00ff00")  # someone else's highlight stays
    presence = {
        "rooms": [
            {"path": f"repo/{a}", "users": [
                {"username": "bob", "display_name": "Bob Builder", "color": "#2196f3"},
                {"username": "alice", "display_name": "Alice Liddell", "color": "#e91e63"},
            ]},
            {"path": f"repo/{b}", "users": [{"username": "carol", "name": "Carol"}]},
            {"path": "elsewhere/x.py", "users": [{"username": "dan"}]},
            {"path": "repo/not-in-the-city.py", "users": [{"username": "erin"}]},
        ]
    }  # fmt: skip
    shown = city.show_people(presence, prefix="repo")
    assert shown == {a: ["Alice Liddell", "Bob Builder"], b: ["Carol"]}
    groups = {h["color"]: h["ids"] for h in city.highlights if h.get("people")}
    assert groups == {"#e91e63": [city.paths.index(a)], "#ff2d95": [city.paths.index(b)]}
    assert [h["color"] for h in city.highlights if not h.get("people")] == ["#00ff00"]
    assert city.details(a)["here now"] == "Alice Liddell, Bob Builder"
    assert "here now" not in city.details(files["path"][3])

    # people move on: the old highlight goes, the other one stays
    city.show_people({"rooms": []}, prefix="repo")
    assert [h["color"] for h in city.highlights] == ["#00ff00"]
    assert "here now" not in city.details(a)
