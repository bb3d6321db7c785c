"""``CodeCity``: a 3D code city (anywidget + a bundled three.js renderer).

Folders are districts, files are buildings on a stable squarified treemap (``layout.py``);
footprint follows lines of code, height and colour any column of the files table or any Series
indexed by path. Per-building data travels as binary columns (``Bytes`` traits, float32 /
uint32 / uint16), never one widget per file; history travels as sparse per-step changes
(``history.py``) that the browser replays and interpolates on the GPU.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import math
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import pandas as pd
import traitlets as t

from . import history as hist
from .codecharta import codecharta
from .layout import CityLayout

STATIC = Path(__file__).parent / "static"
_BUNDLE = STATIC / "city.js"  # built by `npm run build:widget` (part of build:prod)
_NOT_BUILT = """export default { render({ el }) {
  el.textContent = "CodeCity: the front end is not built (npm run build:widget)."; } };"""

PALETTE = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
]  # fmt: skip
OTHER = "other"

#: preset name -> column of the files table ("coupling" is computed from the coupling table)
PRESETS = {
    "hotspot": "hotspot_score",
    "hotspots": "hotspot_score",
    "complexity": "complexity",
    "churn": "churn",
    "revisions": "revisions",
    "age": "age_days",
    "author": "main_author",
    "language": "language",
    "coupling": "coupling",
}
#: how a column evolves through history (others keep their present value while the file exists)
TIME_KINDS = {"loc": "lines", "sloc": "lines", "lines": "lines", "revisions": "count"}
TIME_KINDS |= {"churn": "churn"}
AGE_COLUMNS = {"age_days"}
DETAIL_COLUMNS = [
    "language", "loc", "complexity", "revisions", "churn", "authors", "main_author",
    "ownership", "bus_factor", "hotspot_score", "age_days", "coupling_sum",
]  # fmt: skip


@dataclass
class _Metric:
    label: str
    values: pd.Series  # index: path; floats, or category codes for a categorical metric
    categories: list[str]
    time_kind: str  # see history.metric_events
    column: str | None = None
    age: bool = False


def _files_frame(files: pd.DataFrame) -> pd.DataFrame:
    if "path" in files.columns:
        df = files.set_index("path", drop=False)
    else:
        df = files.copy()
        df["path"] = df.index.astype(str)
    df.index = df.index.astype(str)
    df.index.name = None  # "path" stays a column only: queries can name it
    if df.index.has_duplicates:
        raise ValueError("the files table has duplicate paths")
    return df


def _f32(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype=np.float32).tobytes()


def _u32(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype=np.uint32).tobytes()


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


class CodeCity(anywidget.AnyWidget):
    """A 3D city of a repository's files.

    >>> city = CodeCity(report.files, history=changes)  # doctest: +SKIP
    >>> city.height_by("complexity"); city.color_by("main_author")  # doctest: +SKIP
    >>> city.filter("complexity > 20 and authors == 1")  # doctest: +SKIP
    """

    _esm = _BUNDLE if _BUNDLE.is_file() else _NOT_BUILT

    # layout (sent once)
    dir_names = t.Unicode("").tag(sync=True)
    file_names = t.Unicode("").tag(sync=True)
    file_dirs = t.Bytes(b"").tag(sync=True)  # uint32 per building
    world_size = t.Float(1.0).tag(sync=True)
    building_rects = t.Bytes(b"").tag(sync=True)  # uint16 x0, y0, x1, y1 per building
    district_rects = t.Bytes(b"").tag(sync=True)  # uint16 x0, y0, x1, y1 per folder
    district_depth = t.Bytes(b"").tag(sync=True)  # uint8 per folder
    # metrics of the present (the files table)
    heights = t.Bytes(b"").tag(sync=True)  # float32; < 0: not in the files table
    height_label = t.Unicode("").tag(sync=True)
    colors = t.Bytes(b"").tag(sync=True)  # float32 values or category codes; NaN: no value
    color_label = t.Unicode("").tag(sync=True)
    color_mode = t.Unicode("continuous").tag(sync=True)
    categories = t.List(t.Unicode()).tag(sync=True)
    palette = t.List(t.Unicode(), default_value=PALETTE).tag(sync=True)
    color_data_range = t.List(t.Float()).tag(sync=True)
    color_range = t.List(t.Float(), help="clamped colour range [lo, hi]; [] = full").tag(sync=True)
    color_age = t.Bool(False).tag(sync=True)  # colours hold the day of the last change
    as_of = t.Float(0.0).tag(sync=True)  # epoch seconds of "now"
    # filter, highlights, selection
    fade_mask = t.Bytes(b"").tag(sync=True)  # uint8 per building, 1 = filtered out
    highlights = t.List(t.Dict()).tag(sync=True)
    selected = t.Unicode("", help="path of the selected building ('' = none)").tag(sync=True)
    # history (sparse changes per step)
    hist_times = t.Bytes(b"").tag(sync=True)  # float64 epoch seconds per step
    hist_offsets = t.Bytes(b"").tag(sync=True)  # uint32, steps + 1
    hist_ids = t.Bytes(b"").tag(sync=True)  # uint32 building per event
    hist_heights = t.Bytes(b"").tag(sync=True)  # float32 per event, < 0: deleted
    hist_colors = t.Bytes(b"").tag(sync=True)  # float32 per event
    hist_base_heights = t.Bytes(b"").tag(sync=True)  # float32 per building before step 0
    hist_base_colors = t.Bytes(b"").tag(sync=True)
    time_index = t.Int(-1, help="step shown; -1 = now (the files table)").tag(sync=True)
    playing = t.Bool(False).tag(sync=True)
    play_interval_ms = t.Int(400).tag(sync=True)
    delta = t.List(t.Int(), help="[a, b]: colour by the change between two steps").tag(sync=True)
    # view
    title = t.Unicode("").tag(sync=True)
    view_height = t.Int(480).tag(sync=True)

    def __init__(
        self,
        files: pd.DataFrame,
        history: Iterable[Mapping[str, Any]] | pd.DataFrame | None = None,
        *,
        height: str | pd.Series = "complexity",
        color: str | pd.Series = "hotspot_score",
        footprint: str = "loc",
        coupling: pd.DataFrame | None = None,
        blob_metrics: pd.DataFrame | None = None,
        bucket: str = "commit",
        city_layout: CityLayout | None = None,
        title: str = "",
        view_height: int = 480,
        **kwargs: Any,
    ) -> None:
        super().__init__(title=title, view_height=view_height, **kwargs)
        self._files = _files_frame(files)
        self._coupling = coupling
        self._blob_metrics = blob_metrics
        self._select_callbacks: list[Callable[[str], None]] = []
        self._png_callbacks: dict[str, tuple[str | None, Callable[[bytes], None] | None]] = {}
        self.png: bytes | None = None
        self._color_metric: str | pd.Series | None = None
        changes = hist.change_frame(history) if history is not None else None
        self._rows, self._times = (
            hist.step_frame(changes, bucket) if changes is not None else (None, np.zeros(0))
        )
        #: where every building stands (computed once; pass it to another view to share it)
        self.city_layout = self._build_layout(footprint, city_layout)
        self._send_layout()
        self._prepare_history()
        self.height_by(height)
        self.color_by(color)
        self.observe(self._on_selected, names="selected")
        self.on_msg(self._on_message)

    # ----- layout -------------------------------------------------------------------------
    def _build_layout(self, footprint: str, layout: CityLayout | None) -> CityLayout:
        files = self._files
        size = pd.to_numeric(files.get(footprint, pd.Series(1.0, files.index)), errors="coerce")
        sizes = size.fillna(1.0).astype(float).to_dict()
        if self._rows is not None and len(self._rows):
            lines, _ = hist.metric_events(self._rows, "lines", size)
            past = pd.Series(lines, index=self._rows.index).groupby(self._rows["path"]).max()
            for path, value in past.items():
                sizes.setdefault(path, float(value))
        if layout is not None:
            if not layout.covers(sizes):
                raise ValueError("the given layout lacks some paths: build it over the union")
            return layout
        return CityLayout.build(sizes)

    def _send_layout(self) -> None:
        lay = self.city_layout
        names = [p.rsplit("/", 1)[-1] for p in lay.paths]
        with self.hold_sync():
            self.dir_names = "\n".join(lay.dirs)
            self.file_names = "\n".join(names)
            self.file_dirs = _u32(lay.file_dir)
            self.world_size = float(lay.world)
            self.building_rects = lay.quantized(lay.rects).tobytes()
            self.district_rects = lay.quantized(lay.district_rects).tobytes()
            self.district_depth = lay.district_depth.astype(np.uint8).tobytes()
        self._present = np.zeros(len(lay.paths), dtype=bool)
        self._present[self._ids(self._files.index)] = True
        self.as_of = self._now()

    def _now(self) -> float:
        candidates = [float(self._times.max())] if len(self._times) else []
        if "last_change" in self._files.columns:
            last = pd.to_datetime(self._files["last_change"], utc=True, errors="coerce").max()
            if pd.notna(last):
                candidates.append(last.timestamp())
        return max(candidates) if candidates else pd.Timestamp.now(tz="UTC").timestamp()

    def _ids(self, paths: Iterable[str]) -> np.ndarray:
        """Building ids of paths (all of which must be in the layout)."""
        if not hasattr(self, "_path_index"):
            self._path_index = pd.Index(self.city_layout.paths)
        ids = self._path_index.get_indexer(pd.Index(list(paths), dtype=object))
        if (ids < 0).any():
            raise KeyError("paths missing from the layout")
        return ids.astype(np.int64)

    @property
    def paths(self) -> list[str]:
        """Building ``i`` is ``paths[i]`` (the union of the files table and the history)."""
        return self.city_layout.paths

    @property
    def files(self) -> pd.DataFrame:
        return self._files

    # ----- history ------------------------------------------------------------------------
    def _prepare_history(self) -> None:
        rows = self._rows
        if rows is None or not len(rows):
            return
        rows = rows.assign(id=self._ids(rows["path"])).sort_values(["step", "id"], kind="stable")
        self._rows = rows.reset_index(drop=True)
        self._alive = hist.alive_after(self._rows)
        before = hist.existed_before(self._rows)
        existed = self._present.copy()  # paths the history never touches exist throughout
        existed[self._ids(before.index)] = before.to_numpy()
        self._existed = existed
        with self.hold_sync():
            self.hist_times = np.asarray(self._times, dtype=np.float64).tobytes()
            self.hist_offsets = hist.step_offsets(self._rows["step"], len(self._times)).tobytes()
            self.hist_ids = _u32(self._rows["id"])

    @property
    def times(self) -> pd.DatetimeIndex:
        """The time of each step of the history (``time_index`` indexes these)."""
        return pd.to_datetime(self._times, unit="s", utc=True)

    def _step(self, when: Any) -> int:
        if when is None or (isinstance(when, str) and when == "now"):
            return -1
        if isinstance(when, (int, np.integer)):
            if when >= len(self._times) or when < -1:
                raise IndexError(f"step {when} out of range (0..{len(self._times) - 1}, -1)")
            return int(when)
        stamp = pd.Timestamp(when)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
        k = int(np.searchsorted(self._times, stamp.timestamp(), side="right")) - 1
        return max(k, 0)

    def seek(self, when: Any) -> None:
        """Show the city at a step (int), a time (the last step at or before it) or "now"."""
        self.time_index = self._step(when)

    def play(self, interval_ms: int | None = None) -> None:
        if interval_ms:
            self.play_interval_ms = int(interval_ms)
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    def delta_view(self, a: Any, b: Any = "now") -> None:
        """Colour by the change of the colour metric between two steps or times."""
        self.delta = [self._step(a), self._step(b)]

    def clear_delta(self) -> None:
        self.delta = []

    def _history_values(self, metric: _Metric) -> tuple[np.ndarray, np.ndarray]:
        """(value per event, value per building before step 0) of a metric."""
        rows = self._rows
        assert rows is not None
        kind = metric.time_kind
        if kind == "blob" and metric.column is None:
            kind = "const"
        values, base = hist.metric_events(
            rows, kind, metric.values, blob_metrics=self._blob_metrics, column=metric.column
        )
        base_all = self._full(metric.values)
        base_all[self._ids(base.index)] = base.to_numpy(dtype=np.float64)
        return values, base_all

    # ----- metrics ------------------------------------------------------------------------
    def _full(self, values: pd.Series) -> np.ndarray:
        out = np.full(len(self.city_layout.paths), np.nan)
        if not hasattr(self, "_path_index"):
            self._path_index = pd.Index(self.city_layout.paths)
        ids = self._path_index.get_indexer(values.index)
        known = ids >= 0
        out[ids[known]] = values.to_numpy(dtype=np.float64)[known]
        return out

    def _series(self, data: pd.Series) -> pd.Series:
        s = data
        if not s.index.isin(self._files.index).any() and len(s) == len(self._files):
            s = pd.Series(s.to_numpy(), index=self._files.index, name=s.name)
        s.index = s.index.astype(str)
        return s[~s.index.duplicated(keep="last")]

    def _metric(self, metric: str | pd.Series, *, color: bool) -> _Metric:
        if isinstance(metric, pd.Series):
            return self._encode(str(metric.name or "custom"), self._series(metric), "const")
        name = PRESETS.get(metric, metric)
        if name == "coupling":
            return self._coupling_metric()
        if name not in self._files.columns:
            raise KeyError(f"no column {name!r} in the files table (presets: {sorted(PRESETS)})")
        col = self._files[name]
        kind = TIME_KINDS.get(name, "const")
        if self._blob_metrics is not None and name in self._blob_metrics.columns:
            kind = "blob"
        if color and name in AGE_COLUMNS and "last_change" in self._files.columns:
            last = pd.to_datetime(self._files["last_change"], utc=True, errors="coerce")
            days = (last - pd.Timestamp(0, tz="UTC")).dt.total_seconds() / hist.DAY_S
            m = self._encode(name, days, "age")
            m.age = True
            return m
        return self._encode(name, col, kind, column=name)

    def _encode(self, label: str, s: pd.Series, kind: str, column: str | None = None) -> _Metric:
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            text = s.astype("string")
            counts = text.value_counts(dropna=True)
            cats = [str(c) for c in counts.index[: len(PALETTE) - 1]]
            if len(counts) > len(cats):
                cats.append(OTHER)
            code = {c: float(i) for i, c in enumerate(cats)}
            other = code.get(OTHER, np.nan)
            codes = text.map(lambda v: np.nan if pd.isna(v) else code.get(str(v), other))
            return _Metric(label, codes.astype(np.float64), cats, "const", column)
        values = pd.to_numeric(s, errors="coerce").astype(np.float64)
        return _Metric(label, values, [], kind, column)

    def _coupling_metric(self) -> _Metric:
        if self._coupling is None:
            raise ValueError("colouring by coupling needs CodeCity(..., coupling=report.coupling)")
        sel = self.selected
        c = self._coupling
        deg = pd.concat(
            [
                c.loc[c["a"] == sel, ["b", "degree"]].set_axis(["path", "degree"], axis=1),
                c.loc[c["b"] == sel, ["a", "degree"]].set_axis(["path", "degree"], axis=1),
            ]
        )
        values = pd.Series(0.0, index=self._files.index)
        values.loc[deg["path"][deg["path"].isin(values.index)]] = (
            deg.set_index("path")["degree"].groupby(level=0).max()
        )
        label = f"coupling to {sel}" if sel else "coupling (select a file)"
        return _Metric(label, values, [], "const")

    def height_by(self, metric: str | pd.Series) -> None:
        """Building heights from a column / preset name or a Series indexed by path."""
        m = self._metric(metric, color=False)
        if m.categories:
            raise TypeError(f"height needs a numeric metric, {m.label!r} is categorical")
        present = self._full(m.values)
        present[~self._present] = -1.0
        with self.hold_sync():
            self.height_label = m.label
            self.heights = _f32(np.nan_to_num(present, nan=0.0))
            if self._rows is not None and len(self._rows):
                values, base = self._history_values(m)
                values = np.where(self._alive, np.nan_to_num(values, nan=0.0), -1.0)
                base = np.where(self._existed, np.nan_to_num(base, nan=0.0), -1.0)
                self.hist_heights = _f32(values)
                self.hist_base_heights = _f32(base)

    def color_by(
        self,
        metric: str | pd.Series,
        *,
        range: tuple[float, float] | None = None,  # noqa: A002 (the user's word)
    ) -> None:
        """Colours from a column / preset or a Series indexed by path: numeric values get a
        continuous scale (clamp with ``range`` or in the legend), others a palette + legend."""
        m = self._metric(metric, color=True)
        self._color_metric = metric
        present = self._full(m.values)
        with self.hold_sync():
            self.color_label = m.label
            self.color_age = m.age
            self.colors = _f32(present)
            self.color_mode = "categorical" if m.categories else "continuous"
            self.categories = m.categories
            shown = present[self._present]
            if m.age:
                shown = self.as_of / hist.DAY_S - shown
            finite = shown[np.isfinite(shown)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            self.color_data_range = [lo, hi] if hi > lo else [lo, lo + 1]
            if range is not None:
                self.color_range = [float(range[0]), float(range[1])]
            elif m.categories or not finite.size:
                self.color_range = []
            else:
                p98 = float(np.percentile(finite, 98))
                self.color_range = [lo, p98] if lo < p98 < hi else []
            if self._rows is not None and len(self._rows):
                values, base = self._history_values(m)
                self.hist_colors = _f32(values)
                self.hist_base_colors = _f32(base)

    # ----- filter, highlight, selection -------------------------------------------------------
    def filter(
        self,
        query_or_glob: str | pd.Series | Iterable[str] | None = None,
        *,
        glob: str | None = None,
        query: str | None = None,
    ) -> int:
        """Fade the files that do not match; the rest stay in place. Returns how many match.

        A string with spaces or operators is a pandas query over the files table
        (``"complexity > 20 and authors == 1"``); otherwise a glob over paths (``"src/*.py"``;
        ``*`` crosses folders; a pattern without ``/`` also matches the file name). Also takes
        a boolean Series indexed by path, or a list of paths. ``None`` clears the filter.
        """
        if query_or_glob is None and glob is None and query is None:
            self.fade_mask = b""
            return len(self._files)
        keep = np.zeros(len(self.paths), dtype=bool)
        if isinstance(query_or_glob, str) and query is None and glob is None:
            if re.search(r"[\s=<>!()&|~]", query_or_glob):
                query = query_or_glob
            else:
                glob = query_or_glob
        if query is not None:
            keep[self._ids(self._files.query(query).index)] = True
        elif glob is not None:
            keep[:] = self._glob(glob)
        elif isinstance(query_or_glob, pd.Series) and pd.api.types.is_bool_dtype(query_or_glob):
            s = self._series(query_or_glob)
            keep[self._ids(s.index[s.to_numpy()].intersection(list(self.city_layout.index)))] = True
        else:
            wanted = [p for p in query_or_glob or () if p in self.city_layout.index]
            keep[self._ids(wanted)] = True
        self.fade_mask = (~keep).astype(np.uint8).tobytes()
        return int(keep.sum())

    def _glob(self, pattern: str) -> np.ndarray:
        rx = re.compile(fnmatch.translate(pattern))
        paths = pd.Series(self.paths, dtype="string")
        target = paths if "/" in pattern else paths.str.rsplit("/", n=1).str[-1]
        return target.str.match(rx).fillna(False).to_numpy(dtype=bool) | paths.str.match(rx).fillna(
            False
        ).to_numpy(dtype=bool)

    def highlight(self, paths: Iterable[str], color: str = "#ff7f0e") -> None:
        """Paint buildings in one colour (presence, AI findings); adds to earlier highlights."""
        ids = [int(i) for i in self._ids(p for p in paths if p in self.city_layout.index)]
        self.highlights = [*self.highlights, {"color": color, "ids": ids}]

    def clear_highlights(self) -> None:
        self.highlights = []

    def show_people(
        self, presence: dict[str, Any], prefix: str = "", color: str = "#ff2d95"
    ) -> dict[str, list[str]]:
        """Highlight the buildings someone is in, each in the colour of (the first of) its
        people, and name them in the tooltip ("here now"). `presence` is the answer of
        ``GET /codepark/api/presence``; `prefix` is the repository's path under the server root
        (room paths are relative to the root, the city's to the repository). Replaces the
        previous people, keeps other highlights. Returns {city path: names}."""
        lead = prefix.strip("/") + "/" if prefix.strip("/") else ""
        people: dict[str, list[tuple[str, str]]] = {}
        for room in presence.get("rooms", []):
            path = str(room.get("path", ""))
            if not path.startswith(lead) or path[len(lead) :] not in self.city_layout.index:
                continue
            for user in room.get("users", []):
                name = user.get("display_name") or user.get("name") or user.get("username")
                who = people.setdefault(path[len(lead) :], [])
                if name and name not in [n for n, _ in who]:
                    who.append((str(name), user.get("color") or color))
        groups: dict[str, list[str]] = {}
        for path, who in people.items():
            groups.setdefault(sorted(who)[0][1], []).append(path)
        self._people = {p: sorted(n for n, _ in who) for p, who in people.items()}
        kept = [h for h in self.highlights if not h.get("people")]
        self.highlights = kept + [
            {"color": c, "ids": [int(i) for i in self._ids(paths)], "people": True}
            for c, paths in sorted(groups.items())
        ]
        return dict(self._people)

    def select(self, path: str | None) -> None:
        if path and path not in self.city_layout.index:
            raise KeyError(path)
        self.selected = path or ""

    def on_select(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(path)`` when the user clicks a building ('' when cleared)."""
        self._select_callbacks.append(callback)

    def _on_selected(self, change: dict[str, Any]) -> None:
        metric = self._color_metric
        if isinstance(metric, str) and PRESETS.get(metric, metric) == "coupling":
            self.color_by(metric)
        for cb in self._select_callbacks:
            cb(change["new"])

    # ----- messages: tooltip details, PNG ----------------------------------------------------
    def details(self, path: str) -> dict[str, Any]:
        """The metrics shown in the tooltip of one building."""
        here = getattr(self, "_people", {}).get(path)
        people = {"here now": ", ".join(here)} if here else {}
        if path not in self._files.index:
            return {"status": "deleted", **people}
        row = self._files.loc[path]
        metrics = {c: _py(row[c]) for c in DETAIL_COLUMNS if c in row.index and pd.notna(row[c])}
        return {**people, **metrics}

    def _on_message(self, _widget: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        kind = content.get("type")
        if kind == "details":
            i = int(content.get("id", -1))
            if 0 <= i < len(self.paths):
                self.send({"type": "details", "id": i, "metrics": self.details(self.paths[i])})
        elif kind == "png":
            data = str(content.get("data", ""))
            png = base64.b64decode(data.split(",", 1)[1]) if "," in data else b""
            self.png = png
            path, callback = self._png_callbacks.pop(str(content.get("request")), (None, None))
            if path:
                Path(path).write_bytes(png)
            if callback:
                callback(png)

    def to_png(
        self, path: str | Path | None = None, callback: Callable[[bytes], None] | None = None
    ) -> None:
        """Ask the browser for a PNG of the current view. It arrives after the current cell
        finishes: then it is in ``city.png``, written to ``path`` and passed to ``callback``."""
        token = secrets.token_hex(8)
        self._png_callbacks[token] = (str(path) if path else None, callback)
        self.send({"type": "png", "request": token})

    def reset_view(self) -> None:
        self.send({"type": "reset-view"})

    # ----- export ---------------------------------------------------------------------------
    def to_codecharta(
        self, path: str | Path | None = None, *, project_name: str | None = None
    ) -> dict[str, Any]:
        """The files table as CodeCharta's ``cc.json`` (and coupling as edges); written to
        ``path`` when given."""
        doc = codecharta(self._files, self._coupling, project_name or self.title or "codepark")
        if path:
            Path(path).write_text(json.dumps(doc))
        return doc

    def state_size(self) -> int:
        """Bytes of synced widget state (binary buffers + JSON), as a notebook would save it."""
        total = 0
        for name, value in self.get_state().items():
            if name in ("_esm", "_css"):
                continue
            if isinstance(value, (bytes, memoryview)):
                total += len(value)
            else:
                total += len(json.dumps(value, default=str))
        return total
