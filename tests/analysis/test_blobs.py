"""Trees and blob contents read from the object database."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from jupyter_codepark.analysis.blobs import BlobReader, TreeEntry, ls_tree
from jupyter_codepark.errors import InvalidInput, NotFound, UnknownRevision
from tests.analysis.test_history import git_children
from tests.repo_builder import RepoBuilder

BIG = b"0123456789" * 30_000  # 300 kB


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> RepoBuilder:
    b = RepoBuilder(tmp_path_factory.mktemp("blobs") / "repo")
    b.write("a.py", "x = 1\n")
    b.write("dir with space/ü.txt", "ü\n")
    b.write("tab\tname", b"")
    b.write("big.bin", BIG)
    b.symlink("link", "a.py")
    b.commit("files", date="2024-02-01T10:00:00+00:00")
    # A submodule entry (gitlink) pointing at the first commit: ls_tree must skip it.
    b.git("update-index", "--add", "--cacheinfo", f"160000,{b.head()},vendor/sub")
    b.write("a.py", "x = 2\n")
    b.commit("gitlink", date="2024-02-02T10:00:00+00:00")
    return b


def sha(b: RepoBuilder, name: str) -> str:
    return b.git("rev-parse", name)


def test_ls_tree(repo: RepoBuilder) -> None:
    got = {e.path: e for e in ls_tree(repo.path)}
    assert set(got) == {"a.py", "dir with space/ü.txt", "tab\tname", "big.bin", "link"}
    assert got["a.py"] == TreeEntry("a.py", sha(repo, "HEAD:a.py"), 6, "100644")
    assert got["big.bin"].size == len(BIG)
    assert got["tab\tname"].size == 0
    assert got["dir with space/ü.txt"].size == len("ü\n".encode())
    assert got["link"].is_symlink and got["link"].size == len("a.py")
    assert not got["a.py"].is_symlink


def test_ls_tree_older_rev(repo: RepoBuilder) -> None:
    (a,) = [e for e in ls_tree(repo.path, "HEAD~1") if e.path == "a.py"]
    assert a.blob == sha(repo, "HEAD~1:a.py")


def test_ls_tree_errors(repo: RepoBuilder) -> None:
    with pytest.raises(UnknownRevision):
        ls_tree(repo.path, "nope")
    with pytest.raises(InvalidInput):
        ls_tree(repo.path, "-r")


def test_read_and_read_many(repo: RepoBuilder) -> None:
    names = [sha(repo, "HEAD:a.py"), sha(repo, "HEAD~1:a.py"), "HEAD:dir with space/ü.txt"]
    with BlobReader(repo.path) as reader:
        assert reader.read(names[0]) == b"x = 2\n"
        assert reader.read("HEAD:tab\tname") == b""
        assert reader.read("HEAD:link") == b"a.py"
        assert reader.read("HEAD:big.bin") == BIG
        many = list(reader.read_many(names * 100))
    assert len(many) == 300
    assert many[:3] == [(names[0], b"x = 2\n"), (names[1], b"x = 1\n"), (names[2], "ü\n".encode())]
    assert many[3:] == many[:3] * 99


def test_oversize_blobs_are_skipped(repo: RepoBuilder) -> None:
    names = ["HEAD:a.py", "HEAD:big.bin", "HEAD~1:a.py"]
    with BlobReader(repo.path, max_bytes=1000) as reader:
        assert reader.read("HEAD:big.bin") is None
        assert reader.read("HEAD:big.bin", max_bytes=len(BIG)) == BIG
        assert list(reader.read_many(names)) == [
            ("HEAD:a.py", b"x = 2\n"),
            ("HEAD:big.bin", None),
            ("HEAD~1:a.py", b"x = 1\n"),
        ]
        assert reader.read("HEAD:a.py", max_bytes=5) is None
        assert reader.read("HEAD:a.py") == b"x = 2\n"  # still in step after skipping


def test_missing_object(repo: RepoBuilder) -> None:
    with BlobReader(repo.path) as reader:
        with pytest.raises(NotFound, match=r"Object 'HEAD:nope' is missing in "):
            reader.read("HEAD:nope")
        with pytest.raises(NotFound, match="is missing"):
            list(reader.read_many(["HEAD:a.py", "0" * 40, "HEAD:a.py"]))
        assert reader.read("HEAD:a.py") == b"x = 2\n"
        with pytest.raises(InvalidInput):
            reader.read("a\nb")


def test_abandoned_read_many_keeps_protocol_in_step(repo: RepoBuilder) -> None:
    with BlobReader(repo.path, window=8) as reader:
        it = reader.read_many(["HEAD:a.py", "HEAD:big.bin"] * 20)
        assert next(it) == ("HEAD:a.py", b"x = 2\n")
        it.close()
        assert reader.read("HEAD~1:a.py") == b"x = 1\n"


def test_read_inside_read_many_is_refused(repo: RepoBuilder) -> None:
    with BlobReader(repo.path) as reader:
        it = reader.read_many(["HEAD:a.py", "HEAD:a.py"])
        next(it)
        with pytest.raises(RuntimeError, match="read_many"):
            reader.read("HEAD:a.py")
        it.close()


def test_threads_share_a_reader(repo: RepoBuilder) -> None:
    results: list[bytes | None] = []
    with BlobReader(repo.path) as reader:

        def work() -> None:
            for _ in range(50):
                results.append(reader.read("HEAD:a.py"))
                results.extend(data for _, data in reader.read_many(["HEAD~1:a.py"] * 3))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == [b"x = 1\n"] * 600 + [b"x = 2\n"] * 200


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_close_stops_git(repo: RepoBuilder) -> None:
    reader = BlobReader(repo.path)
    assert reader.read("HEAD:a.py") == b"x = 2\n"
    assert git_children() != []
    reader.close()
    reader.close()
    assert git_children() == []
