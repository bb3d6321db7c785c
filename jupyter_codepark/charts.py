"""Plotly figures of a report: hotspots, activity over time, ownership, coupling, complexity.

Every function takes a :class:`~jupyter_codepark.analysis.report.Report` and returns a plain
``plotly.graph_objects.Figure`` (a few kB of JSON; JupyterLab draws it with the plotly mime
renderer). ``FigureWidget`` (which carries plotly.js, ~5 MB, per widget) is left to the
dashboard, where Python callbacks need it. Figures stay small on big repositories: the treemap
has a bounded depth and a bounded number of blocks, the coupling views keep the top pairs.

>>> from jupyter_codepark import analyze, charts  # doctest: +SKIP
>>> charts.hotspots(analyze(".")).show()  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

if TYPE_CHECKING:
    from .analysis.report import Report

__all__ = [
    "code_history",
    "complexity_treemap",
    "coupling_matrix",
    "coupling_network",
    "file_coupling",
    "hotspots",
    "ownership",
    "timeline",
    "trend",
]

PALETTE = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
]  # fmt: skip
OTHER = "other"
WEEK_MS = 7 * 86_400_000
_MARGIN = {"l": 50, "r": 20, "t": 50, "b": 40}


def _layout(fig: go.Figure, title: str, height: int, **kw: Any) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01},
        height=height,
        margin=_MARGIN,
        template="plotly_white",
        legend={"orientation": "h", "y": -0.15},
        **kw,
    )
    return fig


def _empty(title: str, message: str, height: int = 320) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height)


def _top_keys(totals: pd.Series, top: int) -> list[str]:
    return [str(k) for k in totals.sort_values(ascending=False).index[:top]]


# ----- hotspots --------------------------------------------------------------------------------
def hotspots(report: Report, *, top: int = 400, label: int = 8, height: int = 460) -> go.Figure:
    """Revisions (x) against complexity (y); marker area follows lines of code, colour the
    hotspot score. The ``label`` highest scores are named. Each point's ``customdata`` is its
    path (for click handlers)."""
    files = report.files
    df = files[pd.to_numeric(files["complexity"], errors="coerce").notna()]
    df = df.sort_values("hotspot_score", ascending=False).head(top)
    title = "Hotspots: revisions vs complexity (size = lines of code)"
    if df.empty:
        return _empty(title, "No measured files (complexity needs Python or a lizard language).")
    loc = pd.to_numeric(df["loc"], errors="coerce").fillna(0).clip(lower=0)
    size = 6 + 34 * np.sqrt(loc / max(float(loc.max()), 1.0))
    text = [p if i < label else "" for i, p in enumerate(df["path"])]
    fig = go.Figure(
        go.Scatter(
            x=df["revisions"],
            y=df["complexity"],
            mode="markers+text",
            text=[t.rsplit("/", 1)[-1] for t in text],
            textposition="top center",
            textfont={"size": 10},
            customdata=np.stack([df["path"], df["loc"], df["hotspot_score"]], axis=-1),
            hovertemplate=(
                "%{customdata[0]}<br>revisions %{x}<br>complexity %{y}<br>"
                "LOC %{customdata[1]}<br>hotspot %{customdata[2]:.2f}<extra></extra>"
            ),
            marker={
                "size": size,
                "color": df["hotspot_score"],
                "colorscale": "YlOrRd",
                "showscale": True,
                "colorbar": {"title": {"text": "hotspot"}},
                "line": {"width": 0.5, "color": "#555"},
                "opacity": 0.85,
            },
        )
    )
    fig.update_xaxes(title_text="revisions")
    fig.update_yaxes(title_text="cyclomatic complexity (sum)")
    return _layout(fig, title, height)


# ----- activity over time ----------------------------------------------------------------------
def timeline(
    report: Report,
    *,
    by: str = "author",
    value: str = "commits",
    top: int = 8,
    height: int = 360,
) -> go.Figure:
    """Weekly commits (``value="commits"``) or churn (``"churn"``: added + deleted lines),
    stacked by ``by`` = ``"author"`` or ``"folder"`` (top-level folders); the ``top`` biggest
    keys are kept, the rest are summed as "other". Bars are weeks (x: week start)."""
    if by not in ("author", "folder"):
        raise ValueError("by must be 'author' or 'folder'")
    if value not in ("commits", "churn", "added", "deleted"):
        raise ValueError("value must be 'commits', 'churn', 'added' or 'deleted'")
    tl = report.timeline
    tl = tl[tl["by"] == by].copy()
    title = f"{'Commits' if value == 'commits' else 'Churn'} per week by {by}"
    if tl.empty:
        return _empty(title, "No commits in the analysed history.")
    tl["churn"] = tl["added"] + tl["deleted"]
    tl["key"] = tl["key"].astype(str).replace({"": "(root)", ".": "(root)"})
    keep = _top_keys(tl.groupby("key")[value].sum(), top)
    tl.loc[~tl["key"].isin(keep), "key"] = OTHER
    wide = tl.pivot_table(index="week", columns="key", values=value, aggfunc="sum", fill_value=0)
    order = [k for k in keep if k in wide.columns] + ([OTHER] if OTHER in wide.columns else [])
    fig = go.Figure()
    for i, key in enumerate(order):
        fig.add_bar(
            x=wide.index,
            y=wide[key],
            name=key,
            marker_color=PALETTE[i % len(PALETTE)] if key != OTHER else "#c7c7c7",
            hovertemplate=f"{key}<br>week of %{{x|%Y-%m-%d}}: %{{y}}<extra></extra>",
        )
    fig.update_traces(width=WEEK_MS * 0.85, offset=0)  # a bar spans its week
    fig.update_xaxes(title_text="week", type="date")
    if len(wide.index) < 4:  # autorange around one or two bars zooms to the millisecond
        fig.update_xaxes(range=[wide.index.min() - pd.Timedelta(days=7),
                                wide.index.max() + pd.Timedelta(days=14)])  # fmt: skip
    fig.update_yaxes(title_text=value)
    return _layout(fig, title, height, barmode="stack")


def code_history(report: Report, *, last: int = 50, height: int = 320) -> go.Figure:
    """Lines of code and total complexity of the whole tree after each of the last commits."""
    df = report.code_history(last)
    title = f"Size and complexity over the last {len(df)} commits"
    if df.empty:
        return _empty(title, "No commits.")
    fig = go.Figure()
    fig.add_scatter(x=df["time"], y=df["loc"], name="lines of code", mode="lines+markers")
    fig.add_scatter(
        x=df["time"], y=df["complexity"], name="complexity", mode="lines+markers", yaxis="y2"
    )
    fig.update_layout(
        yaxis={"title": {"text": "lines of code"}},
        yaxis2={"title": {"text": "complexity"}, "overlaying": "y", "side": "right"},
    )
    return _layout(fig, title, height)


# ----- people ------------------------------------------------------------------------------------
def ownership(
    report: Report, *, depth: int = 1, top_folders: int = 15, top_authors: int = 8, height: int = 0
) -> go.Figure:
    """Per folder (at most ``depth`` levels deep): the share of its lines of code whose main
    developer is each author (stacked bars, left) and the folder's bus factor (right)."""
    files = report.files
    folders = report.folders
    title = f"Ownership and bus factor per folder (depth ≤ {depth})"
    rows = folders[(folders["depth"] >= 1) & (folders["depth"] <= depth)]
    if rows.empty:
        rows = folders[folders["depth"] == 0]
    rows = rows.sort_values("loc", ascending=False).head(top_folders)
    if rows.empty or files.empty:
        return _empty(title, "No files.")
    loc = pd.to_numeric(files["loc"], errors="coerce").fillna(0)
    shares: dict[str, pd.Series] = {}
    for folder in rows["folder"]:
        inside = files["path"].str.startswith(f"{folder}/") if folder else files["path"].notna()
        by_author = loc[inside].groupby(files.loc[inside, "main_author"]).sum()
        total = float(by_author.sum())
        shares[folder or "(root)"] = by_author / total if total else by_author * 0
    wide = pd.DataFrame(shares).T.fillna(0.0)
    keep = _top_keys(wide.sum(), top_authors)
    if len(wide.columns) > len(keep):
        wide[OTHER] = wide.drop(columns=keep).sum(axis=1)
    names = list(wide.index)[::-1]  # biggest folder on top
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.78, 0.22],
        horizontal_spacing=0.03,
        subplot_titles=("share of lines by main developer", "bus factor"),
    )
    for i, author in enumerate([*keep, *([OTHER] if OTHER in wide.columns else [])]):
        fig.add_bar(
            y=names,
            x=wide.loc[names, author],
            name=author,
            orientation="h",
            marker_color=PALETTE[i % len(PALETTE)] if author != OTHER else "#c7c7c7",
            hovertemplate=f"{author}<br>%{{y}}: %{{x:.0%}} of lines<extra></extra>",
            row=1,
            col=1,
        )
    bus = rows.set_index(rows["folder"].replace({"": "(root)"}))["bus_factor"]
    fig.add_bar(
        y=names,
        x=bus.loc[names],
        orientation="h",
        name="bus factor",
        marker_color=["#e15759" if b <= 1 else "#59a14f" for b in bus.loc[names]],
        text=bus.loc[names],
        textposition="auto",
        showlegend=False,
        hovertemplate="%{y}: bus factor %{x}<extra></extra>",
        row=1,
        col=2,
    )
    fig.update_xaxes(tickformat=".0%", range=[0, 1], row=1, col=1)
    return _layout(fig, title, height or 140 + 28 * len(names), barmode="stack")


# ----- coupling ----------------------------------------------------------------------------------
def _top_pairs(report: Report, top: int) -> pd.DataFrame:
    c = report.coupling
    return c.sort_values(["degree", "shared"], ascending=False).head(top)


_NO_PAIRS = (
    "No file pairs passed the coupling thresholds;<br>analyse with lower ones, e.g.<br>"
    "analyze(path, min_revisions=2, min_shared=2, min_degree=20)"
)


def coupling_network(report: Report, *, top: int = 30, height: int = 520) -> go.Figure:
    """The ``top`` most coupled file pairs as a network: files on a circle grouped by folder,
    an edge per pair (width and opacity follow the coupling degree)."""
    pairs = _top_pairs(report, top)
    title = f"Change coupling: top {len(pairs)} pairs"
    if pairs.empty:
        return _empty(title, _NO_PAIRS, height=260)
    nodes = sorted(set(pairs["a"]) | set(pairs["b"]), key=lambda p: (p.rsplit("/", 1)[0], p))
    angle = {p: 2 * math.pi * i / len(nodes) for i, p in enumerate(nodes)}
    pos = {p: (math.cos(a), math.sin(a)) for p, a in angle.items()}
    fig = go.Figure()
    lo, hi = float(pairs["degree"].min()), float(pairs["degree"].max())
    for row in pairs.itertuples():
        w = (row.degree - lo) / (hi - lo) if hi > lo else 1.0
        (x0, y0), (x1, y1) = pos[row.a], pos[row.b]
        fig.add_scatter(
            x=[x0, x1],
            y=[y0, y1],
            mode="lines",
            line={"width": 1 + 5 * w, "color": f"rgba(225,87,89,{0.25 + 0.65 * w:.2f})"},
            hoverinfo="text",
            text=f"{row.a} ↔ {row.b}: {row.degree:.0f} % ({row.shared} shared)",
            showlegend=False,
        )
    degree = pd.concat(
        [
            pairs[["a", "degree"]].set_axis(["p", "d"], axis=1),
            pairs[["b", "degree"]].set_axis(["p", "d"], axis=1),
        ]
    )
    weight = degree.groupby("p")["d"].sum()
    folders = pd.Series([p.rsplit("/", 1)[0] if "/" in p else "(root)" for p in nodes])
    codes = pd.factorize(folders)[0]
    fig.add_scatter(
        x=[pos[p][0] for p in nodes],
        y=[pos[p][1] for p in nodes],
        mode="markers+text",
        text=[p.rsplit("/", 1)[-1] for p in nodes],
        textposition=["middle right" if math.cos(angle[p]) >= 0 else "middle left" for p in nodes],
        textfont={"size": 10},
        customdata=nodes,
        hovertemplate="%{customdata}<extra></extra>",
        marker={
            "size": [8 + 0.08 * weight[p] for p in nodes],
            "color": [PALETTE[c % len(PALETTE)] for c in codes],
            "line": {"width": 0.5, "color": "#333"},
        },
        showlegend=False,
    )
    fig.update_xaxes(visible=False, range=[-1.6, 1.6])
    fig.update_yaxes(visible=False, range=[-1.2, 1.2], scaleanchor="x")
    return _layout(fig, title, height)


def coupling_matrix(report: Report, *, top: int = 30, height: int = 560) -> go.Figure:
    """The ``top`` most coupled pairs as a symmetric heat map of coupling degree (%)."""
    pairs = _top_pairs(report, top)
    title = f"Change coupling degree (%): top {len(pairs)} pairs"
    if pairs.empty:
        return _empty(title, _NO_PAIRS, height=260)
    nodes = sorted(set(pairs["a"]) | set(pairs["b"]))
    m = pd.DataFrame(np.nan, index=nodes, columns=nodes)
    for row in pairs.itertuples():
        m.loc[row.a, row.b] = m.loc[row.b, row.a] = row.degree
    fig = go.Figure(
        go.Heatmap(
            z=m.to_numpy(),
            x=nodes,
            y=nodes,
            colorscale="Reds",
            zmin=0,
            zmax=100,
            hovertemplate="%{y}<br>%{x}<br>%{z:.0f} %<extra></extra>",
            colorbar={"title": {"text": "%"}},
        )
    )
    fig.update_xaxes(showticklabels=len(nodes) <= 40, tickangle=45)
    fig.update_yaxes(showticklabels=len(nodes) <= 40, autorange="reversed")
    return _layout(fig, title, height)


def file_coupling(report: Report, path: str, *, top: int = 15, height: int = 0) -> go.Figure:
    """The files that change together with ``path`` (coupling degree, shared revisions)."""
    c = report.coupling
    mine = pd.concat(
        [
            c.loc[c["a"] == path, ["b", "shared", "degree"]].set_axis(["path", "s", "d"], axis=1),
            c.loc[c["b"] == path, ["a", "shared", "degree"]].set_axis(["path", "s", "d"], axis=1),
        ]
    ).sort_values("d", ascending=False)
    mine = mine.head(top)
    title = f"Changes together with {path.rsplit('/', 1)[-1]}"
    if mine.empty:
        return _empty(title, "No coupled files above the thresholds.", height=height or 220)
    fig = go.Figure(
        go.Bar(
            y=mine["path"][::-1],
            x=mine["d"][::-1],
            orientation="h",
            marker_color="#e15759",
            customdata=mine["s"][::-1],
            hovertemplate="%{y}<br>%{x:.0f} % (%{customdata} shared)<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="coupling degree (%)", range=[0, 100])
    return _layout(fig, title, height or 120 + 24 * len(mine))


# ----- complexity -------------------------------------------------------------------------------
def complexity_treemap(
    report: Report,
    *,
    color: str = "complexity",
    max_depth: int = 3,
    max_blocks: int = 1500,
    kind: str = "treemap",
    height: int = 560,
) -> go.Figure:
    """Folders and files as a treemap (or ``kind="sunburst"``): area = lines of code, colour =
    ``color`` (summed for counts, loc-weighted mean for others). Paths deeper than
    ``max_depth`` are merged into their folder at that depth, and beyond ``max_blocks`` the
    smallest files of each folder are merged into "(other files)", so big repositories stay
    fast to draw."""
    if max_depth < 1:
        raise ValueError("max_depth must be at least 1")
    if kind not in ("treemap", "sunburst"):
        raise ValueError("kind must be 'treemap' or 'sunburst'")
    files = report.files
    title = f"{color} by folder (area = lines of code, depth ≤ {max_depth})"
    loc = pd.to_numeric(files["loc"], errors="coerce").fillna(0)
    df = pd.DataFrame(
        {"path": files["path"], "loc": loc, "metric": pd.to_numeric(files[color], errors="coerce")}
    )
    df = df[df["loc"] > 0]
    if df.empty:
        return _empty(title, "No lines of code.")
    parts = df["path"].str.split("/")
    df["leaf"] = [
        "/".join(p) if len(p) - 1 <= max_depth else "/".join(p[:max_depth]) + "/…" for p in parts
    ]
    sizes = df.groupby("leaf")["loc"].sum()
    if len(sizes) > max_blocks:  # keep the biggest blocks, merge the rest per folder
        parent = df["leaf"].str.rpartition("/")[0]
        budget = max(max_blocks - parent.nunique(), 0)
        small = ~df["leaf"].isin(sizes.nlargest(budget).index)
        other = (parent + "/").where(parent != "", "") + "(other files)"
        df.loc[small, "leaf"] = other[small]
    additive = color in (
        "complexity",
        "loc",
        "sloc",
        "churn",
        "revisions",
        "added",
        "deleted",
        "bugfixes",
        "functions",
        "coupling_sum",
    )
    df["weighted"] = df["metric"] * (1 if additive else df["loc"])
    leaves = df.groupby("leaf").agg(loc=("loc", "sum"), weighted=("weighted", "sum"))
    nodes: dict[str, list[float]] = {}
    for leaf, row in leaves.iterrows():
        bits = str(leaf).split("/")
        for k in range(1, len(bits) + 1):
            node = "/".join(bits[:k])
            acc = nodes.setdefault(node, [0.0, 0.0])
            acc[0] += row["loc"]
            acc[1] += row["weighted"]
    ids = list(nodes)
    values = [nodes[i][0] for i in ids]
    colors = [nodes[i][1] / (1 if additive else max(nodes[i][0], 1)) for i in ids]
    root = report.repository.get("name") or "repository"
    trace = go.Treemap if kind == "treemap" else go.Sunburst
    fig = go.Figure(
        trace(
            ids=[root, *ids],
            labels=[root, *[i.rsplit("/", 1)[-1] for i in ids]],
            parents=["", *[i.rsplit("/", 1)[0] if "/" in i else root for i in ids]],
            values=[sum(v for i, v in zip(ids, values, strict=True) if "/" not in i), *values],
            branchvalues="total",
            marker={
                "colors": [np.nan, *colors],
                "colorscale": "YlOrRd",
                "showscale": True,
                "colorbar": {"title": {"text": color}},
            },
            hovertemplate="%{id}<br>%{value} lines<br>" + color + " %{color:.1f}<extra></extra>",
        )
    )
    return _layout(fig, title, height)


def trend(
    report: Report, path: str, *, height: int = 320, data: pd.DataFrame | None = None
) -> go.Figure:
    """Complexity (left axis) and lines of code (right axis) of one file after each commit that
    changed it, following renames (``report.trend(path)``; pass ``data`` to reuse it)."""
    df = report.trend(path) if data is None else data
    title = f"Trend of {path}"
    if df.empty:
        return _empty(title, "No measured versions.", height=height)
    hover = (
        "%{x|%Y-%m-%d %H:%M}<br>%{customdata[0]}<br>%{customdata[1]}"
        "<extra>%{fullData.name}: %{y}</extra>"
    )
    custom = np.stack([df["author"].astype(str), df["subject"].astype(str).str[:60]], axis=-1)
    fig = go.Figure()
    fig.add_scatter(
        x=df["time"],
        y=df["complexity"],
        name="complexity",
        mode="lines+markers",
        line={"shape": "hv", "color": "#e15759"},
        customdata=custom,
        hovertemplate=hover,
    )
    fig.add_scatter(
        x=df["time"],
        y=df["loc"],
        name="lines of code",
        mode="lines+markers",
        line={"shape": "hv", "color": "#4e79a7"},
        yaxis="y2",
        customdata=custom,
        hovertemplate=hover,
    )
    fig.update_layout(
        yaxis={"title": {"text": "complexity"}, "rangemode": "tozero"},
        yaxis2={
            "title": {"text": "lines of code"},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
        },
    )
    return _layout(fig, title, height)
