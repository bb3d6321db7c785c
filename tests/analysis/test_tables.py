from __future__ import annotations

import pytest

from jupyter_codepark.analysis.aggregate import HistoryFold
from jupyter_codepark.analysis.history import Commit, FileChange
from jupyter_codepark.analysis.tables import (
    CouplingFilter,
    coupling_records,
    file_records,
    is_noise,
)


@pytest.mark.parametrize(
    ("path", "noise"),
    [
        ("package-lock.json", True), ("web/yarn.lock", True), ("poetry.lock", True),
        ("static/app.min.js", True), ("api/service_pb2.py", True), ("vendor/lib/x.go", True),
        ("src/third_party/z.c", True), ("app/core.py", False), ("docs/build.md", False),
        ("lockfile.py", False),
    ],
)  # fmt: skip
def test_noise(path, noise):
    assert is_noise(path) is noise


def test_lock_files_are_never_hotspots_nor_coupled():
    fold = HistoryFold()
    for i in range(6):
        changes = tuple(
            FileChange(p, None, "M" if i else "A", 10, 1, False, f"{i}{n}" * 20)
            for n, p in enumerate(("app.py", "package-lock.json", "README.md"))
        )
        fold.add(Commit(f"{i:040d}", (), "A", "a@x", 1_700_000_000 + i, 0, 0, "edit", changes))
    metrics = {
        "app.py": {"loc": 10, "complexity": 3},
        "package-lock.json": {"loc": 5000, "complexity": None},
        "README.md": {"loc": 40, "complexity": None},
        "schema.sql": {"loc": 30, "complexity": None, "language": "plsql"},
    }
    files = {f["path"]: f for f in file_records(fold, metrics, metrics, as_of=1_800_000_000)}
    assert files["package-lock.json"]["noise"] and files["package-lock.json"]["hotspot_score"] == 0
    assert files["app.py"]["hotspot_score"] == 1.0
    assert files["README.md"]["hotspot_basis"] is None  # docs are never hotspots
    assert files["README.md"]["hotspot_score"] == 0
    assert files["schema.sql"]["hotspot_basis"] == "loc"  # code without a complexity measure
    pairs, stats = coupling_records(fold, set(metrics), CouplingFilter(1, 1, 0))
    assert [(p["a"], p["b"]) for p in pairs] == [("README.md", "app.py")]
    assert stats["removed_noise"] == 2
