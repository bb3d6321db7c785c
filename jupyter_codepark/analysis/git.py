"""The one subprocess seam to git: run, stream, translate errors, open repositories.

Every git process CodePark starts goes through :func:`git_command` (``git -C cwd``, ``LC_ALL=C``,
no prompts, no optional locks). Only read-only plumbing is ever run: nothing here writes to the
repository or touches the working tree.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import (
    Cancelled,
    EmptyRepository,
    GitError,
    GitTimeout,
    InvalidInput,
    NotAGitRepository,
    UnknownRevision,
)

# Variables that would make ``git -C cwd`` look at another repository than the one asked for.
_REDIRECTING_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)
_UNKNOWN_REV_MARKERS = (
    "unknown revision",
    "bad revision",
    "not a valid object name",
    "needed a single revision",
    "bad object",
    "invalid object name",
    "not a tree object",
    "not a valid commit name",
)


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """An opened repository: where it is and what HEAD points to."""

    path: str  # top-level working directory, or the git directory of a bare repository
    git_dir: str
    head: str | None  # commit sha; None only for an empty repository
    branch: str | None  # short branch name; None when HEAD is detached
    is_empty: bool
    is_bare: bool


Repo = RepoInfo | str | os.PathLike[str]


def repo_path(repo: Repo) -> str:
    """The directory to run git in for ``repo`` (a RepoInfo or a path)."""
    return repo.path if isinstance(repo, RepoInfo) else os.fspath(repo)


def git_env() -> dict[str, str]:
    """The environment of every git process: C locale, no prompts, no optional locks."""
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTING_ENV}
    env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    env.update(GIT_PAGER="cat", PAGER="cat", GIT_ASKPASS="", SSH_ASKPASS="")
    return env


def git_command(argv: Sequence[str], cwd: str | os.PathLike[str]) -> list[str]:
    """The full command line for ``git -C cwd argv...``."""
    return ["git", "-C", os.fspath(cwd), "-c", "color.ui=false", *argv]


def check_rev(rev: str, what: str = "revision") -> str:
    """Reject revision strings that git could take for an option or that break its protocols."""
    if not isinstance(rev, str) or not rev.strip():
        raise InvalidInput(f"The {what} must be a non-empty string.")
    if rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise InvalidInput(f"Invalid {what} {rev!r}.")
    return rev


def translate_error(
    argv: Sequence[str], returncode: int, stderr: bytes, cwd: object
) -> GitError | InvalidInput:
    """Map a failed git run to the matching domain error with a one-line message."""
    text = stderr.decode("utf-8", "replace").strip()
    low = text.lower()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln.split(": ", 1)[1] for ln in lines if ln.startswith(("fatal: ", "error: "))]
    first = (errors or lines or [f"exit status {returncode}"])[0]
    if "not a git repository" in low:
        return NotAGitRepository(f"{cwd} is not inside a git repository.")
    if "does not have any commits yet" in low:
        return EmptyRepository(f"The repository at {cwd} has no commits yet.")
    if "dubious ownership" in low:
        return GitError(
            f"git refuses {cwd}: it is owned by another user (see git config safe.directory).",
            reason="dubious-ownership",
        )
    if any(marker in low for marker in _UNKNOWN_REV_MARKERS):
        return UnknownRevision(f"Unknown revision in {cwd}: {first}")
    return GitError(f"git {verb(argv)} failed in {cwd} (exit {returncode}): {first}")


def verb(argv: Sequence[str]) -> str:
    """The git subcommand of ``argv`` (skipping ``-c name=value`` and other global options)."""
    it = iter(argv)
    for arg in it:
        if arg in ("-c", "-C"):
            next(it, None)
        elif not arg.startswith("-"):
            return arg
    return "git"


def _check_cwd(cwd: str | os.PathLike[str]) -> None:
    if not os.path.isdir(cwd):
        raise InvalidInput(f"{os.fspath(cwd)} is not an existing directory.")


def run_git(
    argv: Sequence[str],
    cwd: str | os.PathLike[str],
    *,
    timeout_s: float = 60,
    input: bytes | None = None,
) -> bytes:
    """Run ``git -C cwd argv...`` and return its stdout; raise a domain error on failure."""
    proc = _run(argv, cwd, timeout_s=timeout_s, input=input)
    if proc.returncode != 0:
        raise translate_error(argv, proc.returncode, proc.stderr, cwd)
    return proc.stdout


def _run(
    argv: Sequence[str],
    cwd: str | os.PathLike[str],
    *,
    timeout_s: float = 60,
    input: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git and return the completed process whatever its exit status."""
    _check_cwd(cwd)
    try:
        return subprocess.run(
            git_command(argv, cwd),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            env=git_env(),
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        where = os.fspath(cwd)
        raise GitTimeout(f"git {verb(argv)} in {where} took more than {timeout_s:g} s.") from e
    except FileNotFoundError as e:
        raise GitError("The git executable was not found on PATH.", reason="git-missing") from e


def popen_git(
    argv: Sequence[str],
    cwd: str | os.PathLike[str],
    *,
    stdin: int | IO[bytes] | None = subprocess.DEVNULL,
    stderr: int | IO[bytes] | None = subprocess.PIPE,
) -> subprocess.Popen[bytes]:
    """Start a long-running git process with stdout piped (caller owns its lifetime)."""
    _check_cwd(cwd)
    try:
        return subprocess.Popen(
            git_command(argv, cwd),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=git_env(),
        )
    except FileNotFoundError as e:
        raise GitError("The git executable was not found on PATH.", reason="git-missing") from e


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Kill ``proc`` if it still runs, close its pipes and reap it (no zombie is left)."""
    if proc.poll() is None:
        proc.kill()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass
    proc.wait()


class _Watchdog(threading.Thread):
    """Kills a process once ``cancel`` is set or ``timeout_s`` has passed, until ``finish``."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        cancel: threading.Event | None,
        timeout_s: float | None,
    ) -> None:
        super().__init__(name=f"git-watchdog-{proc.pid}", daemon=True)
        self.proc, self.cancel = proc, cancel
        self.deadline = None if timeout_s is None else time.monotonic() + timeout_s
        self.done = threading.Event()
        self.fired: str | None = None

    def run(self) -> None:
        while not self.done.wait(0.05):
            if self.cancel is not None and self.cancel.is_set():
                self.fired = "cancel"
            elif self.deadline is not None and time.monotonic() >= self.deadline:
                self.fired = "timeout"
            else:
                continue
            self.proc.kill()
            return

    def finish(self) -> None:
        self.done.set()
        self.join()


class GitStream:
    """The stdout records of a running git process (see :func:`stream_git`)."""

    def __init__(self, proc: subprocess.Popen[bytes], sep: bytes, chunk_bytes: int) -> None:
        self.proc, self.sep, self.chunk_bytes = proc, sep, chunk_bytes
        self.pid = proc.pid
        self.eof = False

    def __iter__(self) -> Iterator[bytes]:
        assert self.proc.stdout is not None
        read, sep, size = self.proc.stdout.read1, self.sep, self.chunk_bytes
        tail = b""
        while chunk := read(size):
            parts = (tail + chunk).split(sep) if tail else chunk.split(sep)
            tail = parts.pop()
            yield from parts
        self.eof = True
        if tail:
            yield tail


@contextmanager
def stream_git(
    argv: Sequence[str],
    cwd: str | os.PathLike[str],
    *,
    cancel: threading.Event | None = None,
    timeout_s: float | None = None,
    sep: bytes = b"\n",
    chunk_bytes: int = 1 << 18,
) -> Iterator[GitStream]:
    """Run a long git command; the context value iterates its stdout records split on ``sep``.

    Leaving the block before the output ends, an exception, setting ``cancel`` (raises
    :class:`Cancelled`) or exceeding ``timeout_s`` (raises :class:`GitTimeout`) kills and reaps
    the process. A non-zero exit after all output was read raises the translated git error.
    """
    where = os.fspath(cwd)
    with tempfile.TemporaryFile() as errfile:
        proc = popen_git(argv, cwd, stderr=errfile)
        watchdog = _Watchdog(proc, cancel, timeout_s)
        if cancel is not None or timeout_s is not None:
            watchdog.start()
        stream = GitStream(proc, sep, chunk_bytes)
        returncode = None
        try:
            yield stream
            if stream.eof:
                returncode = proc.wait()
        except Exception as e:
            stop = _stop_error(watchdog, cancel, argv, where, timeout_s)
            if stop is None or isinstance(e, type(stop)):
                raise
            raise stop from e
        finally:
            if watchdog.is_alive():
                watchdog.finish()
            stop_process(proc)
        stop = _stop_error(watchdog, cancel, argv, where, timeout_s)
        if stop is not None:
            raise stop
        if returncode:
            errfile.seek(0)
            raise translate_error(argv, returncode, errfile.read(1 << 16), where)


def _stop_error(
    watchdog: _Watchdog,
    cancel: threading.Event | None,
    argv: Sequence[str],
    where: str,
    timeout_s: float | None,
) -> GitError | Cancelled | None:
    """The error to raise when the stream was cancelled or timed out, else None."""
    if cancel is not None and cancel.is_set():
        return Cancelled(f"git {verb(argv)} in {where} was cancelled.")
    if watchdog.fired == "timeout":
        return GitTimeout(f"git {verb(argv)} in {where} took more than {timeout_s:g} s.")
    return None


def open_repository(path: str | os.PathLike[str], *, allow_empty: bool = False) -> RepoInfo:
    """Validate ``path`` and describe the repository it is in.

    Raises InvalidInput (missing path / not a directory), NotAGitRepository, and
    EmptyRepository when the repository has no commit yet (unless ``allow_empty``).
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise InvalidInput(f"{p} does not exist.")
    if not p.is_dir():
        raise InvalidInput(f"{p} is not a directory.")
    out = run_git(["rev-parse", "--is-bare-repository", "--absolute-git-dir"], p).decode()
    bare_flag, git_dir = out.splitlines()[:2]
    is_bare = bare_flag == "true"
    top = git_dir if is_bare else run_git(["rev-parse", "--show-toplevel"], p).decode().rstrip("\n")
    head = head_sha(top)
    if head is None and not allow_empty:
        raise EmptyRepository(f"The repository at {top} has no commits yet.")
    sym = _run(["symbolic-ref", "-q", "--short", "HEAD"], top)
    branch = sym.stdout.decode().strip() if sym.returncode == 0 else None
    return RepoInfo(top, git_dir, head, branch, head is None, is_bare)


def head_sha(repo: Repo) -> str | None:
    """The commit HEAD points to, or None on an unborn branch (a repository with no commits)."""
    verify = _run(["rev-parse", "--verify", "-q", "HEAD^{commit}"], repo_path(repo))
    return verify.stdout.decode().strip() if verify.returncode == 0 else None


def resolve_rev(repo: Repo, rev: str) -> str:
    """The commit sha ``rev`` names in ``repo``; UnknownRevision if it names none."""
    check_rev(rev)
    argv = ["rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}"]
    proc = _run(argv, repo_path(repo))
    if proc.returncode != 0:
        if proc.stderr.strip():
            raise translate_error(["rev-parse"], proc.returncode, proc.stderr, repo_path(repo))
        raise UnknownRevision(f"Unknown revision {rev!r} in {repo_path(repo)}.")
    return proc.stdout.decode().strip()


def is_ancestor(repo: Repo, a: str, b: str) -> bool:
    """Whether commit ``a`` is an ancestor of (or equal to) commit ``b``."""
    sha_a, sha_b = resolve_rev(repo, a), resolve_rev(repo, b)
    proc = _run(["merge-base", "--is-ancestor", sha_a, sha_b], repo_path(repo))
    if proc.returncode in (0, 1):
        return proc.returncode == 0
    raise translate_error(["merge-base"], proc.returncode, proc.stderr, repo_path(repo))


__all__ = [
    "GitStream",
    "Repo",
    "RepoInfo",
    "check_rev",
    "git_command",
    "git_env",
    "head_sha",
    "is_ancestor",
    "open_repository",
    "popen_git",
    "repo_path",
    "resolve_rev",
    "run_git",
    "stop_process",
    "stream_git",
    "translate_error",
]
