"""The history fold: every mined commit, oldest first, folded into per-file, per-author,
coupling and timeline accumulators.

The fold is a plain object that pickles, so an analysis saves it with the head it reached and the
next analysis continues from there with only the new commits (incremental == full).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .history import Commit

FOLD_VERSION = 1
DAY_S = 86_400
WEEK_S = 7 * DAY_S
# 1970-01-01 was a Thursday: shift so that weeks start on Monday 00:00 UTC.
_MONDAY_SHIFT_S = 3 * DAY_S
DEFAULT_BUGFIX_PATTERN = r"\b(fix(e[sd])?|bug|bugfix|defect|regression|hotfix)\b"
DEFAULT_MAX_CHANGESET = 30


def week_of(ts: int) -> int:
    """Unix time of the Monday 00:00 UTC starting the week that holds `ts`."""
    return ((ts + _MONDAY_SHIFT_S) // WEEK_S) * WEEK_S - _MONDAY_SHIFT_S


def top_folder(path: str) -> str:
    head, sep, _ = path.partition("/")
    return head if sep else "."


@dataclass(slots=True)
class FileAcc:
    """Everything the history says about one file, across its renames."""

    id: int
    path: str
    alive: bool = True
    revisions: int = 0
    added: int = 0
    deleted: int = 0
    binary: bool = False
    bugfixes: int = 0
    first_seen: int = 0
    last_change: int = 0
    coupling_sum: int = 0  # sum over its commits of (files in commit - 1)
    author_added: Counter = field(default_factory=Counter)
    author_churn: Counter = field(default_factory=Counter)
    author_commits: Counter = field(default_factory=Counter)
    old_paths: list[str] = field(default_factory=list)


@dataclass(slots=True)
class AuthorAcc:
    name: str
    email: str
    commits: int = 0
    merges: int = 0
    added: int = 0
    deleted: int = 0
    first: int = 0
    last: int = 0
    files: set[int] = field(default_factory=set)


@dataclass
class HistoryFold:
    """Accumulators over the mined history. Feed commits oldest first with :meth:`add`."""

    max_changeset: int = DEFAULT_MAX_CHANGESET
    bugfix_pattern: str = DEFAULT_BUGFIX_PATTERN
    version: int = FOLD_VERSION
    commits: int = 0
    merges: int = 0
    first_time: int | None = None
    last_time: int | None = None
    files: list[FileAcc] = field(default_factory=list)
    live: dict[str, int] = field(default_factory=dict)  # current path -> FileAcc id
    dead: dict[str, int] = field(default_factory=dict)  # deleted path -> FileAcc id
    authors: dict[str, AuthorAcc] = field(default_factory=dict)  # key: lower-case email
    pairs: Counter = field(default_factory=Counter)  # (id_a << 32 | id_b), a < b -> shared
    big_changesets: int = 0
    # week -> key -> [commits, added, deleted]
    author_weeks: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    folder_weeks: dict[tuple[int, str], list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._bugfix = re.compile(self.bugfix_pattern, re.IGNORECASE)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_bugfix", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._bugfix = re.compile(self.bugfix_pattern, re.IGNORECASE)

    # -- folding ------------------------------------------------------------------------------

    def add_all(self, commits: Iterable[Commit]) -> None:
        for commit in commits:
            self.add(commit)

    def add(self, c: Commit) -> None:
        t = c.author_time
        self.commits += 1
        self.first_time = t if self.first_time is None else min(self.first_time, t)
        self.last_time = t if self.last_time is None else max(self.last_time, t)
        key = c.author_email.lower()
        author = self.authors.get(key)
        if author is None:
            author = self.authors[key] = AuthorAcc(c.author_name, c.author_email, first=t, last=t)
        author.name = c.author_name if t >= author.last else author.name
        author.commits += 1
        author.first = min(author.first, t)
        author.last = max(author.last, t)
        week = week_of(t)
        aw = self.author_weeks.setdefault((week, key), [0, 0, 0])
        aw[0] += 1
        if c.is_merge:
            # a merge brings no change of its own: its parents' commits carry the churn
            self.merges += 1
            author.merges += 1
            return
        is_fix = bool(self._bugfix.search(c.subject))
        touched: list[FileAcc] = []
        folders: dict[str, list[int]] = {}
        for ch in c.changes:
            acc = self._file_for(ch.path, ch.old_path, ch.status, t)
            added = ch.added or 0
            deleted = ch.deleted or 0
            acc.revisions += 1
            acc.added += added
            acc.deleted += deleted
            acc.binary = ch.binary
            acc.last_change = max(acc.last_change, t)
            acc.author_added[key] += added
            acc.author_churn[key] += added + deleted
            acc.author_commits[key] += 1
            if is_fix:
                acc.bugfixes += 1
            author.added += added
            author.deleted += deleted
            author.files.add(acc.id)
            aw[1] += added
            aw[2] += deleted
            fw = folders.setdefault(top_folder(ch.path), [0, 0])
            fw[0] += added
            fw[1] += deleted
            if ch.status == "D":
                self._bury(acc)
            touched.append(acc)
        for folder, (added, deleted) in folders.items():
            bucket = self.folder_weeks.setdefault((week, folder), [0, 0, 0])
            bucket[0] += 1
            bucket[1] += added
            bucket[2] += deleted
        n = len(touched)
        for acc in touched:
            acc.coupling_sum += n - 1
        if n > self.max_changeset:
            self.big_changesets += 1
        elif n > 1:
            ids = sorted({acc.id for acc in touched})
            pairs = self.pairs
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    pairs[(a << 32) | b] += 1

    def _file_for(self, path: str, old_path: str | None, status: str, t: int) -> FileAcc:
        if status == "R" and old_path is not None:
            fid = self.live.pop(old_path, None)
            if fid is not None:
                acc = self.files[fid]
                acc.old_paths.append(old_path)
                acc.path = path
                self.live[path] = fid
                return acc
        fid = self.live.get(path)
        if fid is None:
            fid = self.dead.pop(path, None)  # re-added after a deletion: same file again
            if fid is None:
                fid = len(self.files)
                self.files.append(FileAcc(fid, path, first_seen=t))
            acc = self.files[fid]
            acc.alive = True
            acc.path = path
            self.live[path] = fid
        return self.files[fid]

    def _bury(self, acc: FileAcc) -> None:
        self.live.pop(acc.path, None)
        self.dead[acc.path] = acc.id
        acc.alive = False

    # -- reading ------------------------------------------------------------------------------

    def file(self, path: str) -> FileAcc | None:
        fid = self.live.get(path)
        return None if fid is None else self.files[fid]

    def iter_pairs(self) -> Iterable[tuple[FileAcc, FileAcc, int]]:
        files = self.files
        mask = (1 << 32) - 1
        for key, shared in self.pairs.items():
            yield files[key >> 32], files[key & mask], shared
