"""``Dashboard``: the city, its controls, the hotspot list and the charts of one report, linked.

Links (both ways where it makes sense):

- clicking a building, a hotspot in the list, or calling ``dashboard.select(path)`` selects the
  file everywhere: the list follows, the side panel shows its metrics, its complexity trend
  and the files it changes together with;
- brushing a time range in the timeline (drag to select, or zoom the x axis) moves the city's
  time slider to the end of the range; double-click (autoscale) returns to "now";
- the height / colour menus and the filter box drive ``city.height_by``, ``city.color_by`` and
  ``city.filter`` (a pandas query over the files table or a glob over paths).

The timeline is the only ``plotly.graph_objects.FigureWidget`` (it needs Python callbacks);
the other charts are plain figures redrawn into ``Output`` widgets.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from .. import charts
from .city import PRESETS, CodeCity

if TYPE_CHECKING:
    from ..analysis.report import Report

#: columns offered in the menus when the files table has them (presets come first)
MENU_SKIP = {
    "path",
    "folder",
    "renamed_from",
    "error",
    "hotspot_basis",
    "binary",
    "first_seen",
    "last_change",
}
NUMERIC_PRESETS = ["hotspot", "complexity", "churn", "revisions", "age"]
CATEGORICAL_PRESETS = ["author", "language"]


def _menus(files: pd.DataFrame, coupling: bool) -> tuple[list[str], list[str]]:
    numeric = [
        c
        for c in files.columns
        if c not in MENU_SKIP
        and pd.api.types.is_numeric_dtype(files[c])
        and not pd.api.types.is_bool_dtype(files[c])
    ]
    other = [c for c in files.columns if c not in MENU_SKIP and c not in numeric]
    heights = [p for p in NUMERIC_PRESETS if PRESETS[p] in files.columns]
    heights += [c for c in numeric if c not in {PRESETS[p] for p in heights}]
    colors = [*heights, *[p for p in CATEGORICAL_PRESETS if PRESETS[p] in files.columns]]
    if coupling:
        colors.append("coupling")
    colors += [c for c in other if c not in {PRESETS[p] for p in colors if p in PRESETS}]
    return heights, colors


def _figure_out(fig: Any, out: w.Output) -> None:
    """Show a plain figure in an Output widget as plotly's mime bundle (what ``fig.show()``
    sends in JupyterLab), set directly so it also works outside a kernel and in callbacks."""
    bundle = {
        "application/vnd.plotly.v1+json": {**json.loads(fig.to_json()), "config": {}},
        "text/plain": f"<plotly figure: {fig.layout.title.text or ''}>",
    }
    out.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)


class Dashboard(w.VBox):
    """A linked view of one report (``report.dashboard()``).

    Parts stay reachable for scripting: ``city``, ``timeline`` (FigureWidget), ``hotspot_list``,
    ``height_menu``, ``color_menu``, ``filter_box``; ``select(path)`` and ``brush(start, end)``
    do what a click and a brush do.
    """

    def __init__(
        self,
        report: Report,
        *,
        city: CodeCity | None = None,
        height: str = "complexity",
        color: str = "hotspot",
        top: int = 25,
        timeline_by: str = "author",
        view_height: int = 520,
        **city_kw: Any,
    ) -> None:
        import plotly.graph_objects as go

        self.report = report
        self.selected_path = ""
        self.files = report.files
        self._coupling = report.coupling
        self.city = city or report.city(
            height=height, color=color, view_height=view_height, **city_kw
        )
        self.city.layout = w.Layout(flex="3 1 0%", min_width="0", width="auto")
        heights, colors = _menus(self.files, coupling=len(self._coupling) > 0)
        self.height_menu = w.Dropdown(
            options=heights,
            value=_pick(height, heights),
            description="height",
            layout=w.Layout(width="220px"),
        )
        self.color_menu = w.Dropdown(
            options=colors,
            value=_pick(color, colors),
            description="colour",
            layout=w.Layout(width="220px"),
        )
        self.filter_box = w.Text(
            placeholder='query "complexity > 20" or glob "src/*.py"; Enter to apply',
            description="filter",
            continuous_update=False,
            layout=w.Layout(width="420px"),
        )
        self.status = w.HTML()
        self.height_menu.observe(self._on_height, names="value")
        self.color_menu.observe(self._on_color, names="value")
        self.filter_box.observe(self._on_filter, names="value")
        controls = w.HBox(
            [self.height_menu, self.color_menu, self.filter_box, self.status],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )

        # the selected file: details, trend, couplings
        self.details = w.HTML("<i>Click a building or a hotspot to see its history.</i>")
        self.trend_out = w.Output()
        self.coupling_out = w.Output()
        side = w.VBox(
            [self.details, self.trend_out, self.coupling_out],
            layout=w.Layout(flex="2 1 0%", min_width="0", overflow="hidden"),
        )

        # the hotspot list
        hot = report.hotspots.head(top)
        options = [
            (f"{s:6.2f}  {p}", p) for p, s in zip(hot["path"], hot["hotspot_score"], strict=True)
        ]
        self.hotspot_list = w.Select(
            options=[("(none)", ""), *options], value="", rows=12, layout=w.Layout(width="100%")
        )
        self.hotspot_list.observe(self._on_list, names="value")
        table = w.VBox(
            [w.HTML(f"<b>Top {len(hot)} hotspots</b> (score, path)"), self.hotspot_list],
            layout=w.Layout(flex="1 1 0%", min_width="0"),
        )

        # the timeline (the one FigureWidget) and the plain charts
        self.timeline_by = w.ToggleButtons(
            options=["author", "folder"], value=timeline_by, style={"button_width": "80px"}
        )
        self.timeline_value = w.ToggleButtons(
            options=["commits", "churn"], value="commits", style={"button_width": "80px"}
        )
        self.timeline = go.FigureWidget(charts.timeline(report, by=timeline_by, height=320))
        self.timeline.update_layout(dragmode="select", selectdirection="h")
        self._wire_timeline()
        self.timeline_by.observe(self._on_timeline_kind, names="value")
        self.timeline_value.observe(self._on_timeline_kind, names="value")
        self.brush_label = w.HTML("<i>Drag across the timeline to move the city in time.</i>")
        self.chart_outs = {
            name: w.Output(layout=w.Layout(min_width="0"))
            for name in ("hotspots", "ownership", "coupling", "complexity")
        }
        _figure_out(charts.hotspots(report, height=420), self.chart_outs["hotspots"])
        _figure_out(charts.ownership(report), self.chart_outs["ownership"])
        _figure_out(charts.coupling_network(report, height=420), self.chart_outs["coupling"])
        _figure_out(charts.complexity_treemap(report, height=420), self.chart_outs["complexity"])
        grid = w.GridBox(
            list(self.chart_outs.values()),
            layout=w.Layout(grid_template_columns="1fr 1fr", grid_gap="8px"),
        )

        self.city.on_select(self._on_city_select)
        title = html.escape(str(report.repository.get("name", "")))
        super().__init__(
            [
                w.HTML(f"<h3 style='margin:4px 0'>CodePark: {title}</h3>"),
                controls,
                w.HBox([self.city, side], layout=w.Layout(width="100%")),
                w.HBox([table], layout=w.Layout(width="100%")),
                w.HBox(
                    [self.timeline_by, self.timeline_value, self.brush_label],
                    layout=w.Layout(align_items="center"),
                ),
                self.timeline,
                grid,
            ],
            layout=w.Layout(width="100%"),
        )
        self.add_class("cp-dashboard")
        for part, name in ((self.trend_out, "trend"), (self.coupling_out, "coupling"),
                           (self.hotspot_list, "hotspots"), (self.timeline, "timeline"),
                           (self.brush_label, "brush"), (self.details, "details")):  # fmt: skip
            part.add_class(f"cp-dashboard-{name}")

    # ----- selection ---------------------------------------------------------------------------
    def select(self, path: str | None) -> None:
        """Select a file everywhere (the city, the list, the side panel)."""
        if (path or "") == self.city.selected:
            self._show_file(path or "")
        else:
            self.city.select(path or None)  # its observer calls _on_city_select

    def _on_list(self, change: dict[str, Any]) -> None:
        if change["new"] != self.city.selected:
            self.city.select(change["new"] or None)

    def _on_city_select(self, path: str) -> None:
        values = {v for _, v in self.hotspot_list.options}
        self.hotspot_list.value = path if path in values else ""
        self._show_file(path)

    def _show_file(self, path: str) -> None:
        self.selected_path = path
        if not path:
            self.details.value = "<i>Click a building or a hotspot to see its history.</i>"
            self.trend_out.outputs = ()
            self.coupling_out.outputs = ()
            return
        info = self.city.details(path)
        cells = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>"
            for k, v in info.items()
        )
        self.details.value = (
            f"<b>{html.escape(path)}</b><table style='font-size:12px'>{cells}</table>"
        )
        if path in self.files.index:
            try:
                fig = charts.trend(self.report, path, height=280)
            except Exception as e:  # noqa: BLE001 (shown to the user, never raised in a callback)
                fig = charts._empty(f"Trend of {path}", f"No trend: {e}", height=160)
        else:
            fig = charts._empty(f"Trend of {path}", "Deleted before the analysed revision.", 160)
        _figure_out(fig, self.trend_out)
        _figure_out(charts.file_coupling(self.report, path), self.coupling_out)

    # ----- metrics and filter ------------------------------------------------------------------
    def _on_height(self, change: dict[str, Any]) -> None:
        self._guard(lambda: self.city.height_by(change["new"]))

    def _on_color(self, change: dict[str, Any]) -> None:
        self._guard(lambda: self.city.color_by(change["new"]))

    def _on_filter(self, change: dict[str, Any]) -> None:
        text = change["new"].strip()

        def apply() -> None:
            kept = self.city.filter(text or None)
            self.status.value = f"{kept} files match" if text else ""

        self._guard(apply)

    def _guard(self, action: Any) -> None:
        try:
            action()
        except Exception as e:  # noqa: BLE001 (a bad query or metric is reported, not raised)
            self.status.value = f"<span style='color:#c0392b'>{html.escape(str(e))}</span>"
        else:
            if "color:#c0392b" in self.status.value:
                self.status.value = ""

    # ----- time ----------------------------------------------------------------------------------
    def _wire_timeline(self) -> None:
        self.timeline.layout.on_change(self._on_range, "xaxis.range")
        self.timeline.layout.on_change(self._on_autorange, "xaxis.autorange")
        for trace in self.timeline.data:
            trace.on_selection(self._on_selection)

    def _on_timeline_kind(self, _change: dict[str, Any]) -> None:
        fig = charts.timeline(
            self.report, by=self.timeline_by.value, value=self.timeline_value.value, height=320
        )
        with self.timeline.batch_update():
            self.timeline.data = []
            self.timeline.add_traces(list(fig.data))
            self.timeline.layout.title = fig.layout.title
            self.timeline.layout.yaxis.title = fig.layout.yaxis.title
        for trace in self.timeline.data:
            trace.on_selection(self._on_selection)

    def _on_range(self, _layout: Any, x_range: Any) -> None:
        if x_range and len(x_range) == 2:
            self.brush(x_range[0], x_range[1])

    def _on_autorange(self, _layout: Any, autorange: Any) -> None:
        if autorange:
            self.city.seek("now")
            self.brush_label.value = "city: now"

    def _on_selection(self, _trace: Any, points: Any, selector: Any) -> None:
        xr = getattr(selector, "xrange", None)
        if xr:
            self.brush(xr[0], xr[1])
        elif points.xs:
            xs = pd.to_datetime(pd.Series(points.xs), utc=True)
            self.brush(xs.min(), xs.max() + pd.Timedelta(days=7))

    def brush(self, start: Any, end: Any) -> None:
        """What brushing the timeline does: the city shows the last step at or before ``end``
        and the label counts the commits between ``start`` and ``end``."""
        t0, t1 = sorted((_stamp(start), _stamp(end)))
        times = self.city.times
        if not len(times):
            self.brush_label.value = "<i>no history to travel through</i>"
            return
        self.city.seek(t1)
        in_range = int(((times >= t0) & (times <= t1)).sum())
        shown = times[self.city.time_index]
        self.brush_label.value = (
            f"city at <b>{shown:%Y-%m-%d %H:%M}</b> (step {self.city.time_index + 1} of "
            f"{len(times)}); {in_range} steps between {t0:%Y-%m-%d} and {t1:%Y-%m-%d}"
        )


def _stamp(value: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _pick(value: str, options: list[str]) -> str:
    if value in options:
        return value
    for preset, column in PRESETS.items():
        if column == value and preset in options:
            return preset
    return options[0] if options else value
