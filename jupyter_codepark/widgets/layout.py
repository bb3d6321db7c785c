"""A stable city layout: folders are districts of a nested squarified treemap (``squarify``),
files are buildings whose footprint follows a size (lines of code).

The layout is computed once over the union of every path shown (the present files and all the
paths a history touches), so a building never moves while history plays; it depends only on the
paths and their sizes, so two views of the same repository and period get the same city. To keep
places across views whose path sets differ, build one ``CityLayout`` over the union and pass it to
each view (``CodeCity(..., city_layout=...)``).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import squarify

# share of a district's side kept as margin around its content, and of a cell kept as street
DISTRICT_MARGIN = 0.03
DISTRICT_MARGIN_MAX = 0.02  # of the world side: deep districts do not get wider margins
STREET = 0.15  # each building spans 85 % of its cell on both axes: area stays ~ size
MIN_SIZE = 1.0


def _split(path: str) -> tuple[str, str]:
    cut = path.rfind("/")
    return ("", path) if cut < 0 else (path[:cut], path[cut + 1 :])


@dataclass
class _Dir:
    name: str
    subdirs: list[str] = field(default_factory=list)
    files: list[int] = field(default_factory=list)
    weight: float = 0.0


@dataclass(frozen=True)
class CityLayout:
    """Rectangles ``[x0, y0, x1, y1]`` in a square world of side ``world`` (area ~ total size).

    ``paths[i]`` is building ``i`` (sorted); ``dirs[j]`` is district ``j`` (``dirs[0]`` is the
    root, ``""``); ``file_dir[i]`` is the district of building ``i``.
    """

    paths: list[str]
    dirs: list[str]
    file_dir: np.ndarray  # uint32, one per building
    rects: np.ndarray  # float64 (n, 4), street already taken off
    district_rects: np.ndarray  # float64 (m, 4)
    district_depth: np.ndarray  # uint8 (m,)
    world: float
    index: dict[str, int] = field(repr=False, compare=False)

    @classmethod
    def build(cls, sizes: Mapping[str, float] | Iterable[tuple[str, float]]) -> CityLayout:
        """Lay out ``{path: size}``; sizes below 1 (or missing, NaN) count as 1."""
        items = sizes.items() if isinstance(sizes, Mapping) else sizes
        clean: dict[str, float] = {}
        for path, size in items:
            s = float(size) if size is not None else MIN_SIZE
            clean[str(path)] = s if math.isfinite(s) and s >= MIN_SIZE else MIN_SIZE
        paths = sorted(clean)
        weights = np.array([clean[p] for p in paths], dtype=np.float64)
        tree, dirs = _tree(paths)
        _weigh(tree, dirs, weights)
        world = math.sqrt(tree[""].weight) if paths else 1.0
        n, m = len(paths), len(dirs)
        rects = np.zeros((n, 4))
        district_rects = np.zeros((m, 4))
        depth = np.zeros(m, dtype=np.uint8)
        dir_index = {d: j for j, d in enumerate(dirs)}
        file_dir = np.zeros(n, dtype=np.uint32)
        placer = _Placer(tree, weights, rects, district_rects, depth, dir_index, file_dir, world)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))  # squarify recurses once per row
        try:
            placer.place("", (0.0, 0.0, world, world), 0)
        finally:
            sys.setrecursionlimit(limit)
        return cls(
            paths=paths,
            dirs=dirs,
            file_dir=file_dir,
            rects=rects,
            district_rects=district_rects,
            district_depth=depth,
            world=world,
            index={p: i for i, p in enumerate(paths)},
        )

    def covers(self, paths: Iterable[str]) -> bool:
        return all(p in self.index for p in paths)

    def rect(self, path: str) -> tuple[float, float, float, float]:
        return tuple(self.rects[self.index[path]].tolist())

    def quantized(self, rects: np.ndarray) -> np.ndarray:
        """Rectangles as uint16 fractions of the world side (what the browser receives)."""
        q = np.rint(rects / self.world * 65535.0)
        return np.clip(q, 0, 65535).astype(np.uint16)


def _tree(paths: list[str]) -> tuple[dict[str, _Dir], list[str]]:
    tree: dict[str, _Dir] = {"": _Dir("")}
    for i, path in enumerate(paths):
        parent, _ = _split(path)
        node = tree.get(parent)
        if node is None:
            # create the missing ancestors, nearest first, linking each to its parent
            chain = parent
            node = tree[parent] = _Dir(parent)
            while True:
                up, _ = _split(chain)
                known = up in tree
                if not known:
                    tree[up] = _Dir(up)
                tree[up].subdirs.append(chain)
                if known:
                    break
                chain = up
        node.files.append(i)
    dirs = sorted(tree)  # "" first: a stable order (parents before children)
    return tree, dirs


def _weigh(tree: dict[str, _Dir], dirs: list[str], weights: np.ndarray) -> None:
    """Bottom-up: a district weighs its content plus room for its margin."""
    for d in sorted(dirs, key=lambda s: -s.count("/") if s else 1):
        node = tree[d]
        inner = float(weights[node.files].sum()) + sum(tree[s].weight for s in node.subdirs)
        node.weight = inner * (1 + 4 * DISTRICT_MARGIN) if d else inner


class _Placer:
    def __init__(self, tree, weights, rects, district_rects, depth, dir_index, file_dir, world):
        self.tree, self.weights, self.rects = tree, weights, rects
        self.district_rects, self.depth, self.dir_index = district_rects, depth, dir_index
        self.file_dir, self.max_margin = file_dir, DISTRICT_MARGIN_MAX * world

    def place(self, d: str, rect: tuple[float, float, float, float], level: int) -> None:
        j = self.dir_index[d]
        x0, y0, x1, y1 = rect
        self.district_rects[j] = rect
        self.depth[j] = min(level, 255)
        node = self.tree[d]
        if level:
            pad = min(DISTRICT_MARGIN * min(x1 - x0, y1 - y0), self.max_margin)
            x0, y0, x1, y1 = x0 + pad, y0 + pad, x1 - pad, y1 - pad
        # children: (weight, kind, key); largest first, ties by name, so the result is stable
        children = [(self.tree[s].weight, 0, s) for s in node.subdirs]
        children += [(float(self.weights[i]), 1, i) for i in node.files]
        if not children:
            return
        children.sort(key=lambda c: (-c[0], c[1], str(c[2])))
        w, h = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
        sizes = squarify.normalize_sizes([c[0] for c in children], w, h)
        cells = squarify.squarify(sizes, x0, y0, w, h)
        for (_, kind, key), cell in zip(children, cells, strict=True):
            cx0, cy0 = cell["x"], cell["y"]
            cx1, cy1 = cx0 + cell["dx"], cy0 + cell["dy"]
            if kind == 0:
                self.place(key, (cx0, cy0, cx1, cy1), level + 1)
            else:
                sx, sy = STREET / 2 * cell["dx"], STREET / 2 * cell["dy"]
                self.rects[key] = (cx0 + sx, cy0 + sy, cx1 - sx, cy1 - sy)
                self.file_dir[key] = j
