"""The analysis engine end to end on a small real repository with known history."""

from __future__ import annotations

import pytest
from radon.complexity import cc_visit

from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.analysis.report import Report
from jupyter_codepark.analysis.tables import CouplingFilter
from jupyter_codepark.errors import (
    EmptyRepository,
    InvalidInput,
    NotAGitRepository,
    UnknownRevision,
)
from jupyter_codepark.store import Store

from .sample_repo import AS_OF, CORE_V5, build

LOOSE = CouplingFilter(min_revisions=1, min_shared=1, min_degree=0)


@pytest.fixture
def sample(tmp_path):
    return build(tmp_path / "repo")


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'store.sqlite'}")


def run(store, repo, **kw):
    options = AnalysisOptions(coupling=kw.pop("coupling", LOOSE), **kw)
    return analyze_repository(store, repo.path, options, as_of=AS_OF)


def by_path(result):
    return {f["path"]: f for f in result.files}


def test_history_facts_are_exact(store, sample):
    repo, shas = sample
    result = run(store, repo)
    assert result.mode == "full"
    assert result.repository["head"] == shas["c8"]
    assert result.repository["branch"] == "main"
    s = result.summary
    assert (s["commits"], s["merges"], s["authors"]) == (9, 1, 3)
    files = by_path(result)
    assert sorted(files) == sorted(
        [".mailmap", "README.md", "app/core.py", "lib/util.py", "assets/logo.png", "broken.py",
         "latin1.py"]
    )  # fmt: skip
    core = files["app/core.py"]
    assert (core["revisions"], core["added"], core["deleted"]) == (5, 30, 1)
    assert core["authors"] == 3
    assert core["main_author"] == "Ann Author"
    assert core["ownership"] == pytest.approx(14 / 30, abs=1e-4)
    assert core["bugfixes"] == 1
    assert core["age_days"] == pytest.approx(17.58, abs=0.01)
    # the rename is followed: history from before the move counts for lib/util.py
    util = files["lib/util.py"]
    assert (util["revisions"], util["added"], util["deleted"]) == (4, 10, 0)
    assert util["renamed_from"] == ["app/util.py"]
    assert util["main_author"] == "Ann Author" and util["ownership"] == pytest.approx(0.6)
    assert "app/util.py" not in files


def test_authors_after_mailmap_and_bus_factor(store, sample):
    repo, _ = sample
    result = run(store, repo)
    authors = {a["email"]: a for a in result.authors}
    assert set(authors) == {"ann@example.com", "bob@example.com", "carol@example.com"}
    bob = authors["bob@example.com"]
    assert bob["name"] == "Bob Builder"
    assert (bob["commits"], bob["added"], bob["deleted"]) == (3, 13, 1)
    ann = authors["ann@example.com"]
    assert (ann["commits"], ann["merges"], ann["added"], ann["deleted"]) == (4, 1, 24, 0)
    assert (authors["carol@example.com"]["added"]) == 11
    # churn 24 (Ann) + 14 (Bob) + 11 (Carol): Ann alone is not more than half, Ann + Bob is
    assert result.summary["bus_factor"] == 2


def test_coupling_counts_and_filters(store, sample):
    repo, _ = sample
    result = run(store, repo)
    pairs = {(c["a"], c["b"]): c for c in result.coupling}
    pair = pairs[("app/core.py", "lib/util.py")]
    assert pair["shared"] == 3
    assert pair["degree"] == pytest.approx(3 / 4.5 * 100, abs=0.01)
    assert pairs[("README.md", "app/core.py")]["shared"] == 1

    strict = run(store, repo, coupling=CouplingFilter())  # code-maat defaults
    assert strict.coupling == []
    stats = strict.coupling_stats
    assert stats["kept"] == 0
    assert stats["removed_min_revisions"] == stats["pairs"] - stats["removed_gone"] > 0


def test_binary_and_unmeasurable_files_are_recorded_not_fatal(store, sample):
    repo, _ = sample
    files = by_path(run(store, repo))
    assert files["assets/logo.png"]["binary"] is True
    assert files["assets/logo.png"]["revisions"] == 1
    assert "syntax error" in files["broken.py"]["error"]
    assert files["latin1.py"]["error"] is not None
    assert files["app/core.py"]["error"] is None


def test_complexity_equals_radon(store, sample):
    repo, _ = sample
    result = run(store, repo)
    core = by_path(result)["app/core.py"]
    blocks = cc_visit(CORE_V5)
    assert core["max_complexity"] == max(b.complexity for b in blocks)
    functions = {f["name"]: f for f in result.functions if f["path"] == "app/core.py"}
    assert {name: f["complexity"] for name, f in functions.items()} == {
        b.name: b.complexity for b in blocks
    }
    assert functions["total"]["complexity"] == 4
    assert core["hotspot_score"] == 1.0  # most revisions and most complex


def test_incremental_equals_full(tmp_path, sample):
    repo, shas = sample
    inc_store = Store(f"sqlite:///{tmp_path / 'inc.sqlite'}")
    first = run(inc_store, repo, rev=shas["c4"])
    assert first.mode == "full" and first.summary["commits"] == 4
    second = run(inc_store, repo)
    assert second.mode == "incremental"
    assert second.new_commits == 5
    full = run(Store(f"sqlite:///{tmp_path / 'full.sqlite'}"), repo)
    for table in ("files", "authors", "coupling", "timeline", "folders", "functions", "summary"):
        assert getattr(second, table) == getattr(full, table), table
    again = run(inc_store, repo)
    assert again.mode == "unchanged" and again.new_commits == 0
    assert again.files == full.files


def test_rewritten_history_is_mined_again(store, sample):
    repo, _ = sample
    run(store, repo)
    repo.git("commit", "-q", "--amend", "-m", "Add odd files (amended)", env=repo._who(
        ("Carol Coder", "carol@example.com"), "2024-02-20T10:00:00+00:00", None, None))  # fmt: skip
    result = run(store, repo)
    assert result.mode == "full"
    assert result.summary["commits"] == 9


def test_report_tables_and_json_contract(store, sample):
    repo, shas = sample
    report = Report(run(store, repo), store)
    files = report.files
    assert files.loc["app/core.py", "revisions"] == 5
    assert list(report.hotspots["path"])[0] == "app/core.py"
    assert len(report.commits) == 9
    assert report.commits["is_merge"].sum() == 1
    assert set(report.timeline["by"]) == {"author", "folder"}
    trend = report.trend("lib/util.py")
    assert list(trend["path"]) == ["app/util.py", "app/util.py", "lib/util.py", "lib/util.py"]
    assert list(trend["loc"]) == [2, 6, 9, 10]
    doc = report.to_json()
    assert doc["repository"]["head"] == shas["c8"]
    assert doc["commits"] == 9 and doc["bus_factor"] == 2
    assert {"name", "email", "commits", "added", "deleted"} == set(doc["authors"][0])
    assert set(doc["files"][0]) == {
        "path", "revisions", "added", "deleted", "authors", "main_author", "ownership",
        "age_days", "loc", "complexity", "max_complexity", "maintainability", "hotspot_score",
        "language", "error",
    }  # fmt: skip
    assert {"a", "b", "shared", "degree"} == set(doc["coupling"][0])


def test_bad_inputs_give_clear_errors(store, tmp_path, sample):
    repo, _ = sample
    with pytest.raises(InvalidInput, match="does not exist"):
        analyze_repository(store, tmp_path / "nope")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(NotAGitRepository):
        analyze_repository(store, plain)
    from tests.repo_builder import RepoBuilder

    empty = RepoBuilder(tmp_path / "empty")
    with pytest.raises(EmptyRepository):
        analyze_repository(store, empty.path)
    with pytest.raises(UnknownRevision, match="no-such-rev"):
        analyze_repository(store, repo.path, AnalysisOptions(rev="no-such-rev"))


def test_code_history_totals_follow_each_commit(store, sample):
    repo, shas = sample
    report = Report(run(store, repo), store)
    history = report.code_history(last=3)
    assert list(history["sha"]) == [shas["c6"], shas["c7"], shas["c8"]]
    assert list(history["files"]) == [5, 5, 7]  # c6 adds the logo, c8 two odd files
    util = (repo.path / "lib" / "util.py").read_text()
    functions = [b for code in (CORE_V5, util) for b in cc_visit(code) if b.letter != "C"]
    assert history["complexity"].iloc[-1] == sum(b.complexity for b in functions) == 13
    full = report.code_history(last=100)
    assert len(full) == 8  # every non-merge commit
    assert full["files"].iloc[0] == 4  # the first commit: README, .mailmap, core, util
