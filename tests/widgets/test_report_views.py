"""Views of a real analysis: ``Report.history_frame`` / ``Report.city``, the plotly charts and
the linked dashboard, on the small repository with known history (a rename, a merge)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from jupyter_codepark import charts
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.analysis.report import Report
from jupyter_codepark.analysis.tables import CouplingFilter
from jupyter_codepark.store import Store
from jupyter_codepark.widgets import CodeCity
from jupyter_codepark.widgets.dashboard import Dashboard
from jupyter_codepark.widgets.sample import sample_files
from tests.analysis.sample_repo import AS_OF, build

LOOSE = CouplingFilter(min_revisions=1, min_shared=1, min_degree=0)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Report:
    base = tmp_path_factory.mktemp("views")
    repo, _ = build(base / "repo")
    store = Store(f"sqlite:///{base / 'store.sqlite'}")
    result = analyze_repository(store, repo.path, AnalysisOptions(coupling=LOOSE), as_of=AS_OF)
    return Report(result, store)


def test_history_frame_follows_renames(report):
    h = report.history_frame()
    assert list(h.columns) == ["seq", "sha", "time", "path", "added", "deleted", "status", "blob"]
    assert h["seq"].is_monotonic_increasing
    assert str(h["time"].dt.tz) == "UTC"
    # the merge contributes no rows; every other commit does
    non_merge = report.commits[~report.commits["is_merge"]]
    assert set(h["sha"]) == set(non_merge["sha"])
    move = h[h["path"].isin(["app/util.py", "lib/util.py"])]
    rename = move[move["sha"] == move[move["status"] == "R"]["sha"].iloc[0]]
    # the old name's D comes right before the new name's R, in the same commit
    assert list(rename["status"]) == ["D", "R"]
    assert list(rename["path"]) == ["app/util.py", "lib/util.py"]
    assert pd.isna(rename["blob"].iloc[0]) and rename["blob"].iloc[1]


def test_city_replays_history_over_the_union_of_paths(report):
    city = report.city(height="loc", color="main_author")
    try:
        assert isinstance(city, CodeCity)
        assert {"app/util.py", "lib/util.py", "app/core.py"} <= set(city.paths)
        assert len(city.times) == report.commits["is_merge"].eq(False).sum()
        assert city.title == report.repository["name"]
        i_old, i_new = city.paths.index("app/util.py"), city.paths.index("lib/util.py")
        heights = np.frombuffer(city.heights, dtype=np.float32)
        assert heights[i_old] < 0 <= heights[i_new]  # the old name is gone now
        base = np.frombuffer(city.hist_base_heights, dtype=np.float32)
        assert base[i_old] < 0 and base[i_new] < 0  # neither existed before the first commit
        city.seek("2024-01-16")  # after "Comment and helper", before the move
        assert city.time_index == 2
        assert city.state_size() < 50_000
        weekly = report.city(bucket="week")
        assert len(weekly.times) < len(city.times)
        weekly.close()
    finally:
        city.close()


FIGURES = [
    charts.hotspots,
    charts.timeline,
    lambda r: charts.timeline(r, by="folder", value="churn"),
    charts.ownership,
    charts.coupling_network,
    charts.coupling_matrix,
    charts.complexity_treemap,
    lambda r: charts.complexity_treemap(r, kind="sunburst", max_depth=1, color="maintainability"),
    lambda r: charts.trend(r, "app/core.py"),
    lambda r: charts.file_coupling(r, "app/core.py"),
    lambda r: charts.code_history(r, last=5),
]


@pytest.mark.parametrize("make", FIGURES)
def test_charts_are_plain_figures_with_data(report, make):
    fig = make(report)
    assert type(fig) is go.Figure
    assert fig.data, fig.layout.title.text
    assert not fig.layout.annotations or fig.layout.annotations[0].text != ""
    assert len(fig.to_json()) < 200_000
    json.loads(fig.to_json())


def test_chart_contents(report):
    scatter = charts.hotspots(report).data[0]
    measured = report.files["complexity"].notna().sum()
    assert len(scatter.x) == measured
    assert set(scatter.customdata[:, 0]) <= set(report.files["path"])
    bars = charts.timeline(report).data
    assert sum(sum(b.y) for b in bars) == report.commits.shape[0]  # merges count as commits
    owners = charts.ownership(report)
    shares = pd.DataFrame({b.name: list(b.x) for b in owners.data if b.xaxis == "x"})
    totals = shares.sum(axis=1)
    assert np.allclose(totals[totals > 0], 1.0) and (totals > 0).sum() >= 2  # assets/: no lines
    trend = charts.trend(report, "app/core.py")
    assert list(trend.data[0].y) == list(report.trend("app/core.py")["complexity"])
    tree = charts.complexity_treemap(report).data[0]
    assert {"app", "app/core.py", "lib/util.py"} <= set(tree.ids)


def test_treemap_depth_and_blocks_are_bounded():
    files = sample_files(3000, seed=2)  # folders up to 4 deep
    fake = SimpleNamespace(files=files, repository={"name": "big"})
    tree = charts.complexity_treemap(fake, max_depth=2, max_blocks=300).data[0]
    assert max(i.count("/") for i in tree.ids) <= 2  # "pkg0/mod1/…"
    assert any(i.endswith("/…") for i in tree.ids)
    assert len(tree.ids) < 400
    assert tree.values[0] == pytest.approx(files["loc"].sum())
    top = [v for i, v in zip(tree.ids, tree.values, strict=True) if "/" not in i and i != "big"]
    assert tree.values[0] == pytest.approx(sum(top))
    assert any(i.endswith("(other files)") for i in tree.ids)


def test_empty_results_give_an_explained_figure(report, monkeypatch):
    monkeypatch.setattr(Report, "coupling", property(lambda self: pd.DataFrame(
        columns=["a", "b", "shared", "degree"])))  # fmt: skip
    fig = charts.coupling_network(report)
    assert not fig.data and "thresholds" in fig.layout.annotations[0].text
    with pytest.raises(ValueError):
        charts.timeline(report, by="planet")


def test_dashboard_links_city_list_charts_and_time(report):
    dash = report.dashboard()
    try:
        assert isinstance(dash, Dashboard)
        assert isinstance(dash.timeline, go.FigureWidget)
        # a click on a building (the front end sets `selected`) updates the list and the panel
        hot = report.hotspots["path"].iloc[0]
        dash.city.selected = hot
        assert dash.hotspot_list.value == hot
        assert dash.selected_path == hot and hot in dash.details.value
        # choosing in the list selects the building
        other = report.hotspots["path"].iloc[1]
        dash.hotspot_list.value = other
        assert dash.city.selected == other
        dash.select(None)
        assert dash.city.selected == "" and dash.hotspot_list.value == ""
        # controls drive the city; a bad query is reported, not raised
        dash.height_menu.value = "loc"
        assert dash.city.height_label == "loc"
        dash.color_menu.value = "author"
        assert dash.city.color_mode == "categorical"
        dash.filter_box.value = "complexity > 3"
        assert "files match" in dash.status.value
        dash.filter_box.value = "complexity >>> 3"
        assert "#c0392b" in dash.status.value
        dash.filter_box.value = ""
        assert dash.city.fade_mask == b""
        # brushing the timeline (a zoom of its x range) moves the city's time slider
        dash.timeline.layout.xaxis.range = ["2023-12-01", "2024-01-16"]
        assert dash.city.time_index == 2
        assert "step 3 of" in dash.brush_label.value
        dash.timeline.layout.xaxis.autorange = True
        assert dash.city.time_index == -1
        dash.brush("2024-01-12", "2024-01-02")  # either order
        assert dash.city.time_index == 1
        dash.timeline_by.value = "folder"
        assert {t.name for t in dash.timeline.data} >= {"app"}
    finally:
        dash.city.close()
        dash.timeline.close()
        dash.close()
