"""Batch review (`review_many`): the same findings as reviewing file by file, inline and over a
real process pool, on a repository built and analysed in the test."""

from __future__ import annotations

import pytest

from jupyter_codepark.ai.context import AISettings
from jupyter_codepark.ai.facts import Workspace
from jupyter_codepark.ai.review import ReviewItem, review_many, review_text
from jupyter_codepark.analysis.executors import ProcessExecutor
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.errors import InvalidInput
from jupyter_codepark.store import Store

from .repos import PLANTED, build_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    b = build_project(base / "proj")
    # more files with planted problems, one of them where ruff's default excludes would skip a
    # folder (`dist/`), one not Python, one that does not parse
    b.write("pkg/planted.py", PLANTED)
    b.write("dist/gen.py", "import os\n\n\ndef f(x=[]):\n    return eval(x)\n")
    b.write("notes.txt", "just text\n")
    b.write("broken.py", "def broken(:\n    pass\n")
    for i in range(7):
        b.write(f"pkg/mod{i}.py", PLANTED.replace("def ", f"def m{i}_"))
    b.commit("More modules", ("Ann Author", "ann@example.com"), "2024-01-25T10:00:00+00:00")
    store = Store(f"sqlite:///{base / 'codepark.sqlite'}")
    analyze_repository(store, b.path, AnalysisOptions(), as_of=1706745600)
    facts = Workspace(store).facts(str(b.path.resolve()))
    items = [
        ReviewItem(f"proj/{rel}", rel, (b.path / rel).read_text())
        for rel in sorted(
            p.relative_to(b.path).as_posix() for p in b.path.rglob("*") if p.is_file()
        )
        if not rel.startswith(".git/")
    ]
    yield facts, items
    store.close()


def serial(items, facts, settings):
    return {i.display: review_text(i.display, i.rel, i.text, facts, settings) for i in items}


def as_json(reviews):
    return {d: ([f.to_json() for f in found], ran) for d, (found, ran) in reviews.items()}


def test_batch_equals_file_by_file_inline(project):
    facts, items = project
    settings = AISettings()
    expected = as_json(serial(items, facts, settings))
    # small chunks: several ruff runs, results merged back in the callers' order
    got = review_many(items, facts, settings, chunk_files=3)
    assert list(got) == [i.display for i in items]
    assert as_json(got) == expected
    # the planted problems are there (the comparison is not between two empty results)
    codes = {f["code"] for f in expected["proj/pkg/planted.py"][0]}
    assert {"E722", "B006", "F401"} <= codes
    assert {f["code"] for f in expected["proj/dist/gen.py"][0]} >= {"B006", "F401"}
    assert any(f["category"] == "hotspot" for f in expected["proj/core/engine.py"][0])
    assert expected["proj/notes.txt"][1] is False  # not Python: no ruff


def test_batch_equals_file_by_file_over_a_process_pool(project):
    facts, items = project
    settings = AISettings()
    pool = ProcessExecutor(2)
    try:
        got = review_many(items, facts, settings, executor=pool, chunk_files=4)
    finally:
        pool.close()
    assert as_json(got) == as_json(serial(items, facts, settings))


def test_batch_refuses_two_files_with_one_path(project):
    _, items = project
    with pytest.raises(InvalidInput):
        review_many([items[0], items[0]], None, AISettings())


def test_one_parse_gives_the_metrics_of_two(project):
    """Review hands its syntax tree to the metrics instead of parsing again: same records."""
    from jupyter_codepark.ai import source as src
    from jupyter_codepark.ai.rules import measure_text, metric_findings

    _, items = project
    settings = AISettings()
    checked = 0
    for i in items:
        tree = src.parse(i.text) if i.display.endswith(".py") else None
        alone = measure_text(i.rel, i.text, settings.max_input_bytes)
        shared = measure_text(i.rel, i.text, settings.max_input_bytes, tree)
        assert shared == alone
        assert [
            f.to_json()
            for f in metric_findings(i.display, i.text, shared, settings.thresholds, tree)
        ] == [f.to_json() for f in metric_findings(i.display, i.text, alone, settings.thresholds)]
        checked += tree is not None
    assert checked >= 10
