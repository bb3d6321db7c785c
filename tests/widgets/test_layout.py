"""The city layout: a nested squarified treemap that never moves a building."""

from __future__ import annotations

import numpy as np
import pytest

from jupyter_codepark.widgets import CityLayout, CodeCity
from jupyter_codepark.widgets.sample import sample_files, sample_history, sample_paths

EPS = 1e-9


def overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(min(a[2], b[2]) - max(a[0], b[0]) > EPS and min(a[3], b[3]) - max(a[1], b[1]) > EPS)


def inside(inner: np.ndarray, outer: np.ndarray, tol: float = 1e-6) -> bool:
    return bool(
        inner[0] >= outer[0] - tol
        and inner[1] >= outer[1] - tol
        and inner[2] <= outer[2] + tol
        and inner[3] <= outer[3] + tol
    )


@pytest.fixture(scope="module")
def layout() -> CityLayout:
    paths = sample_paths(400, seed=1)
    rng = np.random.default_rng(1)
    return CityLayout.build(dict(zip(paths, rng.lognormal(4, 1.2, len(paths)), strict=True)))


def test_no_two_buildings_overlap(layout):
    r = layout.rects
    assert (r[:, 2] > r[:, 0]).all() and (r[:, 3] > r[:, 1]).all()
    # sweep on x: only compare rectangles whose x ranges intersect
    order = np.argsort(r[:, 0])
    active: list[int] = []
    for i in order:
        active = [j for j in active if r[j, 2] > r[i, 0] + EPS]
        for j in active:
            assert not overlaps(r[i], r[j]), (layout.paths[i], layout.paths[j])
        active.append(i)


def test_quantized_rects_do_not_overlap_either(layout):
    q = layout.quantized(layout.rects).astype(np.int64)
    for i in range(0, len(q), 7):
        others = np.delete(np.arange(len(q)), i)
        ox = np.minimum(q[others, 2], q[i, 2]) - np.maximum(q[others, 0], q[i, 0])
        oy = np.minimum(q[others, 3], q[i, 3]) - np.maximum(q[others, 1], q[i, 1])
        assert not ((ox > 0) & (oy > 0)).any(), layout.paths[i]


def test_districts_nest(layout):
    index = {d: j for j, d in enumerate(layout.dirs)}
    assert layout.dirs[0] == "" and layout.district_depth[0] == 0
    for j, d in enumerate(layout.dirs[1:], start=1):
        parent = d.rsplit("/", 1)[0] if "/" in d else ""
        assert inside(layout.district_rects[j], layout.district_rects[index[parent]]), d
        assert layout.district_depth[j] == d.count("/") + 1
    for i, path in enumerate(layout.paths):
        j = int(layout.file_dir[i])
        assert layout.dirs[j] == (path.rsplit("/", 1)[0] if "/" in path else "")
        assert inside(layout.rects[i], layout.district_rects[j]), path
    # sibling districts do not overlap
    by_parent: dict[str, list[int]] = {}
    for j, d in enumerate(layout.dirs[1:], start=1):
        by_parent.setdefault(d.rsplit("/", 1)[0] if "/" in d else "", []).append(j)
    for kids in by_parent.values():
        for a in kids:
            for b in kids:
                if a < b:
                    assert not overlaps(layout.district_rects[a], layout.district_rects[b])


def test_footprint_follows_size():
    lay = CityLayout.build({"a/big.py": 1000, "a/small.py": 10, "b/mid.py": 100})
    area = {p: (r[2] - r[0]) * (r[3] - r[1]) for p, r in zip(lay.paths, lay.rects, strict=True)}
    assert area["a/big.py"] / area["a/small.py"] == pytest.approx(100, rel=0.05)
    assert area["a/big.py"] > area["b/mid.py"] > area["a/small.py"]


def test_same_input_same_layout_in_any_order():
    paths = sample_paths(120, seed=4)
    sizes = {p: 10 + i % 17 for i, p in enumerate(paths)}
    a = CityLayout.build(sizes)
    b = CityLayout.build(dict(reversed(list(sizes.items()))))
    assert a.paths == b.paths
    np.testing.assert_array_equal(a.rects, b.rects)


def test_a_path_keeps_its_place_across_revisions():
    """Paths are added and deleted over the history; the city lays out their union once, so
    every building has one rectangle whatever the time shown."""
    files = sample_files(150, seed=2)
    history = sample_history(files, steps=30, seed=2)
    city = CodeCity(files, history)
    seen_at: dict[str, set[int]] = {}
    for k, commit in enumerate(history):
        for path, *_ in commit["changes"]:
            seen_at.setdefault(path, set()).add(k)
    # paths appear at different steps, some are deleted, yet each has exactly one place
    assert len({min(s) for s in seen_at.values()}) > 5
    assert "attic/old0.py" in city.paths and "attic/old0.py" not in set(files["path"])
    rects = np.frombuffer(city.building_rects, np.uint16).reshape(-1, 4)
    assert len(rects) == len(city.paths)
    # the same layout is reused by a second view of a shorter period: nothing moves
    other = CodeCity(files, history[: len(history) // 3], city_layout=city.city_layout)
    np.testing.assert_array_equal(np.frombuffer(other.building_rects, np.uint16), rects.ravel())
    # and a view of a period that lacks a path of the layout's union is refused
    with pytest.raises(ValueError):
        CodeCity(files.assign(path=files["path"] + "x"), city_layout=city.city_layout)


def test_layout_of_50k_files_is_quick():
    import time

    paths = sample_paths(50_000, seed=5)
    t0 = time.perf_counter()
    lay = CityLayout.build({p: 10 + (i * 37) % 500 for i, p in enumerate(paths)})
    assert len(lay.paths) == 50_000
    assert time.perf_counter() - t0 < 5  # generous for CI; bench/bench_city.py measures
