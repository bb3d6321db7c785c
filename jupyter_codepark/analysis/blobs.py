"""Trees and file contents straight from the object database (never the working tree).

:func:`ls_tree` lists the files of a revision; :class:`BlobReader` reads many blobs through ONE
``git cat-file --batch`` process, pipelining requests, and skips blobs over a size limit
without keeping their bytes.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from types import TracebackType

from ..errors import GitError, InvalidInput, NotFound
from .git import Repo, check_rev, popen_git, repo_path, run_git, stop_process

_SKIP_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One file of a tree (submodules are never listed)."""

    path: str
    blob: str
    size: int
    mode: str  # git's octal mode: '100644', '100755' or '120000' (symlink)

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"


def ls_tree(repo: Repo, rev: str = "HEAD", *, timeout_s: float = 60) -> list[TreeEntry]:
    """Every file (blob) of ``rev``'s tree, recursively, with sizes; gitlinks are skipped."""
    argv = ["ls-tree", "-r", "-l", "-z", "--full-tree", "--end-of-options", check_rev(rev)]
    out = run_git(argv, repo_path(repo), timeout_s=timeout_s)
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, sha, size = meta.split()
        if kind != b"blob":
            continue
        entries.append(
            TreeEntry(
                path.decode("utf-8", "surrogateescape"), sha.decode(), int(size), mode.decode()
            )
        )
    return entries


class BlobReader:
    """Reads objects through one ``git cat-file --batch`` process; use it as a context manager.

    Thread-safe: calls are serialised by a lock (one process answers one request at a time).
    For parallel reading give each thread its own reader. Inside a ``read_many`` loop the same
    thread must not call ``read`` (that raises RuntimeError); finish or close the loop first.
    Names may be shas or anything ``cat-file`` accepts, such as ``"HEAD:path/to/file"``.
    """

    def __init__(self, repo: Repo, *, max_bytes: int | None = None, window: int = 64) -> None:
        self.cwd = repo_path(repo)
        self.max_bytes = max_bytes
        self.window = window
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BlobReader:
        self._start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the git process (idempotent)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        stop_process(proc)

    def read(self, name: str, max_bytes: int | None = None) -> bytes | None:
        """The content of object ``name``; None if it is bigger than ``max_bytes``.

        ``max_bytes`` defaults to the reader's. Raises NotFound for a missing object.
        """
        with self._locked():
            self._send([_request(name)])
            return self._receive(name, self._limit(max_bytes))

    def read_many(
        self, names: Iterable[str], max_bytes: int | None = None
    ) -> Iterator[tuple[str, bytes | None]]:
        """Yield ``(name, content or None if too big)`` in request order, pipelined."""
        limit = self._limit(max_bytes)
        with self._locked():
            pending: deque[str] = deque()
            todo = iter(names)
            try:
                while True:
                    batch = list(islice(todo, self.window - len(pending)))
                    if batch:
                        self._send([_request(n) for n in batch])
                        pending.extend(batch)
                    if not pending:
                        return
                    # Keep at most `window` requests in flight: their bytes always fit the pipe,
                    # so writing never blocks while git waits for us to read.
                    for _ in range(max(1, len(pending) - self.window // 2)):
                        name = pending.popleft()
                        yield name, self._receive(name, limit)
            finally:
                self._drain(pending)

    def _limit(self, max_bytes: int | None) -> int | None:
        return self.max_bytes if max_bytes is None else max_bytes

    def _locked(self) -> _Owned:
        if self._owner == threading.get_ident():
            raise RuntimeError("BlobReader is in a read_many loop of this thread.")
        return _Owned(self)

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._proc = popen_git(["cat-file", "--batch"], self.cwd, stdin=subprocess.PIPE)
        return self._proc

    def _send(self, requests: list[bytes]) -> None:
        stdin = self._start().stdin
        assert stdin is not None
        try:
            stdin.write(b"".join(requests))
            stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise self._failed() from e

    def _receive(self, name: str, limit: int | None) -> bytes | None:
        stdout = self._start().stdout
        assert stdout is not None
        header = stdout.readline()
        if not header.endswith(b"\n"):
            raise self._failed()
        parts = header.split()
        if len(parts) != 3:
            what = parts[-1].decode(errors="replace") if parts else "unreadable"
            raise NotFound(f"Object {name!r} is {what} in {self.cwd}.")
        size = int(parts[2])
        if limit is not None and size > limit:
            self._skip(size + 1)
            return None
        data = stdout.read(size + 1)
        if len(data) != size + 1:
            raise self._failed()
        return data[:-1]

    def _skip(self, n: int) -> None:
        stdout = self._start().stdout
        assert stdout is not None
        while n > 0:
            chunk = stdout.read(min(n, _SKIP_CHUNK))
            if not chunk:
                raise self._failed()
            n -= len(chunk)

    def _drain(self, pending: deque[str]) -> None:
        """Read and drop the answers to abandoned requests so the protocol stays in step."""
        while pending and self._proc is not None:
            try:
                self._receive(pending.popleft(), 0)
            except NotFound:
                continue
            except GitError:
                return

    def _failed(self) -> GitError:
        """Stop the broken process; the next call starts a fresh one."""
        proc, self._proc = self._proc, None
        message = "git cat-file --batch stopped unexpectedly"
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            if proc.stderr is not None:
                detail = proc.stderr.read(500).decode(errors="replace").strip()
                message += f": {detail}" if detail else ""
            stop_process(proc)
        return GitError(f"{message} in {self.cwd}.")


class _Owned:
    """Holds a reader's lock and remembers the owning thread (to detect re-entry)."""

    def __init__(self, reader: BlobReader) -> None:
        self.reader = reader

    def __enter__(self) -> None:
        self.reader._lock.acquire()
        self.reader._owner = threading.get_ident()

    def __exit__(self, *exc: object) -> None:
        self.reader._owner = None
        self.reader._lock.release()


def _request(name: str) -> bytes:
    if not isinstance(name, str) or not name or any(c in name for c in "\0\n\r"):
        raise InvalidInput(f"Invalid object name {name!r}.")
    return os.fsencode(name) + b"\n"
