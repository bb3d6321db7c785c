"""The same analysis gives the same results on every store and executor."""

from __future__ import annotations

import pytest

from jupyter_codepark.analysis import measure
from jupyter_codepark.analysis.executors import DaskExecutor, ProcessExecutor
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.store import Store

from .sample_repo import AS_OF, build

TABLES = ("files", "authors", "coupling", "timeline", "folders", "functions", "summary")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    builder, _ = build(tmp_path_factory.mktemp("repo") / "sample")
    return builder.path


def results(store, path, executor=None):
    r = analyze_repository(store, path, AnalysisOptions(), executor=executor, as_of=AS_OF)
    return {t: getattr(r, t) for t in TABLES}


@pytest.fixture(scope="module")
def reference(repo, tmp_path_factory):
    return results(Store(f"sqlite:///{tmp_path_factory.mktemp('ref') / 's.sqlite'}"), repo)


def test_postgresql_equals_sqlite(repo, reference, postgres_url):
    store = Store(postgres_url)
    try:
        assert results(store, repo) == reference
        # and again: nothing new, the same answer from the stored fold
        assert results(store, repo) == reference
    finally:
        store.close()


@pytest.fixture
def pooled(monkeypatch):
    monkeypatch.setattr(measure, "INLINE_BELOW", 0)  # even a small repository uses the pool


def test_process_pool_equals_inline(repo, reference, tmp_path, pooled):
    pool = ProcessExecutor(2)
    try:
        assert results(Store(f"sqlite:///{tmp_path / 'p.sqlite'}"), repo, pool) == reference
    finally:
        pool.close()


def test_dask_equals_local(repo, reference, tmp_path, pooled):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
        dask = DaskExecutor(client)
        got = results(Store(f"sqlite:///{tmp_path / 'd.sqlite'}"), repo, dask)
        assert sum(client.run(lambda: 1).values()) == 2  # two real worker processes
    assert got == reference
