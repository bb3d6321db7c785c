"""The git seam: opening repositories, resolving revisions, streaming, errors."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from jupyter_codepark.analysis.git import (
    is_ancestor,
    open_repository,
    resolve_rev,
    run_git,
    stream_git,
)
from jupyter_codepark.errors import (
    Cancelled,
    EmptyRepository,
    GitError,
    GitTimeout,
    InvalidInput,
    NotAGitRepository,
    UnknownRevision,
)
from tests.repo_builder import RepoBuilder


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    b = RepoBuilder(tmp_path / "repo")
    b.write("a.txt", "one\n")
    b.commit("first", date="2024-01-01T10:00:00+00:00")
    b.write("a.txt", "one\ntwo\n")
    b.commit("second", date="2024-01-02T10:00:00+00:00")
    return b


@pytest.fixture
def blocking_argv(tmp_path: Path) -> list[str]:
    """A git command that prints nothing and never ends: it waits to open a FIFO for reading."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    return ["hash-object", str(fifo)]


def assert_gone(pid: int) -> None:
    """The process has exited and been reaped (no zombie left behind)."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():  # pid reused by an unrelated process at most
        assert "zombie" not in status.read_text()


def test_open_repository(repo: RepoBuilder) -> None:
    info = open_repository(repo.path)
    assert info.path == str(repo.path)
    assert info.git_dir == str(repo.path / ".git")
    assert info.head == repo.head()
    assert info.branch == "main"
    assert (info.is_empty, info.is_bare) == (False, False)


def test_open_repository_from_subfolder_gives_toplevel(repo: RepoBuilder) -> None:
    repo.write("pkg/b.txt", "b\n")
    assert open_repository(repo.path / "pkg").path == str(repo.path)


def test_open_repository_detached_head(repo: RepoBuilder) -> None:
    repo.checkout("HEAD~1")
    info = open_repository(repo.path)
    assert info.branch is None
    assert info.head == repo.git("rev-parse", "HEAD")


def test_open_bare_repository(repo: RepoBuilder, tmp_path: Path) -> None:
    repo.git("clone", "-q", "--bare", str(repo.path), str(tmp_path / "bare.git"))
    info = open_repository(tmp_path / "bare.git")
    assert info.is_bare and info.head == repo.head() and info.branch == "main"


def test_open_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"nowhere does not exist\.$"):
        open_repository(tmp_path / "nowhere")


def test_open_file_is_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(InvalidInput, match=r"f\.txt is not a directory\.$"):
        open_repository(tmp_path / "f.txt")


def test_open_plain_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain").mkdir()
    with pytest.raises(NotAGitRepository, match="plain is not inside a git repository") as e:
        open_repository(tmp_path / "plain")
    assert e.value.reason == "not-a-git-repository"


def test_open_empty_repository(tmp_path: Path) -> None:
    b = RepoBuilder(tmp_path / "empty")
    with pytest.raises(EmptyRepository, match="has no commits yet"):
        open_repository(b.path)
    info = open_repository(b.path, allow_empty=True)
    assert (info.is_empty, info.head, info.branch) == (True, None, "main")


def test_resolve_rev(repo: RepoBuilder) -> None:
    first = repo.git("rev-parse", "HEAD~1")
    repo.tag("v1", first)
    assert resolve_rev(repo.path, "v1") == first
    assert resolve_rev(open_repository(repo.path), "HEAD") == repo.head()
    assert resolve_rev(repo.path, first[:10]) == first


@pytest.mark.parametrize("rev", ["nope", "HEAD~5", "0" * 40])
def test_resolve_unknown_rev(repo: RepoBuilder, rev: str) -> None:
    with pytest.raises(UnknownRevision, match=f"Unknown revision '{rev}' in "):
        resolve_rev(repo.path, rev)


@pytest.mark.parametrize("rev", ["", "--output=/tmp/x", "a\nb"])
def test_resolve_rejects_option_like_revs(repo: RepoBuilder, rev: str) -> None:
    with pytest.raises(InvalidInput):
        resolve_rev(repo.path, rev)


def test_is_ancestor(repo: RepoBuilder) -> None:
    assert is_ancestor(repo.path, "HEAD~1", "HEAD")
    assert is_ancestor(repo.path, "HEAD", "HEAD")
    assert not is_ancestor(repo.path, "HEAD", "HEAD~1")
    with pytest.raises(UnknownRevision):
        is_ancestor(repo.path, "nope", "HEAD")


def test_run_git_errors(repo: RepoBuilder, tmp_path: Path) -> None:
    assert run_git(["rev-parse", "--abbrev-ref", "HEAD"], repo.path) == b"main\n"
    with pytest.raises(UnknownRevision, match="argument 'nope': unknown revision"):
        run_git(["log", "nope"], repo.path)
    with pytest.raises(GitError, match=r"git frobnicate failed in .* \(exit 1\): git: 'frob"):
        run_git(["frobnicate"], repo.path)
    with pytest.raises(InvalidInput, match="is not an existing directory"):
        run_git(["status"], tmp_path / "missing")


def test_run_git_timeout(repo: RepoBuilder, blocking_argv: list[str]) -> None:
    with pytest.raises(GitTimeout, match=r"git hash-object in .* took more than 0.2 s\.$"):
        run_git(blocking_argv, repo.path, timeout_s=0.2)


def test_run_git_input(repo: RepoBuilder) -> None:
    out = run_git(["cat-file", "--batch-check"], repo.path, input=b"HEAD:a.txt\n")
    assert out.endswith(b" blob 8\n")


def test_stream_git_records(repo: RepoBuilder) -> None:
    with stream_git(["log", "--format=%s"], repo.path) as lines:
        assert list(lines) == [b"second", b"first"]


def test_stream_git_error_after_output(repo: RepoBuilder) -> None:
    with pytest.raises(UnknownRevision, match="argument 'nope': unknown revision"):
        with stream_git(["log", "nope"], repo.path) as lines:
            assert list(lines) == []


def test_stream_git_early_exit_kills_process(repo: RepoBuilder) -> None:
    with stream_git(["log", "--format=%H", "--all"], repo.path, chunk_bytes=1) as lines:
        pid = lines.pid
        next(iter(lines))
    assert_gone(pid)


def test_stream_git_exception_kills_process(repo: RepoBuilder) -> None:
    with pytest.raises(ZeroDivisionError):
        with stream_git(["log", "--format=%H"], repo.path) as lines:
            pid = lines.pid
            for _ in lines:
                raise ZeroDivisionError
    assert_gone(pid)


def test_stream_git_cancel_kills_a_silent_process(
    repo: RepoBuilder, blocking_argv: list[str]
) -> None:
    cancel = threading.Event()
    with pytest.raises(Cancelled, match=r"git hash-object in .* was cancelled\.$"):
        with stream_git(blocking_argv, repo.path, cancel=cancel) as lines:
            pid = lines.pid
            threading.Timer(0.1, cancel.set).start()
            assert list(lines) == []
    assert_gone(pid)


def test_stream_git_timeout(repo: RepoBuilder, blocking_argv: list[str]) -> None:
    with pytest.raises(GitTimeout, match="took more than 0.1 s"):
        with stream_git(blocking_argv, repo.path, timeout_s=0.1) as lines:
            pid = lines.pid
            list(lines)
    assert_gone(pid)


def test_env_does_not_redirect_to_another_repo(
    repo: RepoBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = RepoBuilder(tmp_path / "other")
    monkeypatch.setenv("GIT_DIR", os.fspath(other.path / ".git"))
    assert open_repository(repo.path).head == repo.head()
