"""History mining from one streamed git log, on a small repository with every kind of change."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from jupyter_codepark.analysis import history
from jupyter_codepark.analysis.history import Commit, FileChange, iter_commits, parse_log
from jupyter_codepark.errors import (
    Cancelled,
    EmptyRepository,
    GitError,
    InvalidInput,
    NotAGitRepository,
    UnknownRevision,
)
from tests.repo_builder import RepoBuilder

ANN = ("Ann Author", "ann@example.com")
BOBBY = ("bobby", "bobby@laptop")  # mailmapped to Bob Builder <bob@example.com>
CAROL = ("Carol", "carol@example.com")
ODD_SUBJECT = "fix: \x1eC ünïcode\ttab 'quotes' \"double\" %s %x00"
UTIL = "".join(f"line {i}\n" for i in range(10))


@dataclass
class Shas:
    c1: str
    c2: str
    c3: str
    c4: str
    c5: str
    merge: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[RepoBuilder, Shas]:
    b = RepoBuilder(tmp_path_factory.mktemp("history") / "repo")
    b.mailmap("Bob Builder <bob@example.com> <bobby@laptop>\n")
    b.write("src/app.py", "a\nb\nc\n")
    b.write("src/util.py", UTIL)
    b.write("docs/read me.md", "x\ny\n")
    b.write("assets/logo.png", b"\x89PNG\0\1\2\3")
    b.write("uni/café ü.txt", "ü\n")
    b.write("tab\there.txt", "t\n")
    b.write("new\nline.txt", "n\n")
    b.write("\x1eC", "a file named like the record marker\n")
    b.symlink("link", "src/app.py")
    c1 = b.commit("Initial", ANN, "2024-01-01T10:00:00+00:00")

    b.write("src/app.py", "a\nB\nc\nd\n")
    b.rm("docs/read me.md")
    b.write("assets/logo.png", b"\x89PNG\0\3\2\1\0")
    c2 = b.commit("Edit app\n\nA body line.", BOBBY, "2024-01-02T10:00:00+05:30")

    b.mv("src/util.py", "lib/util.py")
    b.write("lib/util.py", UTIL.replace("line 9", "line nine"))
    b.rm("link")
    b.write("link", "now a file\n")
    c3 = b.commit(
        ODD_SUBJECT,
        ANN,
        "2024-01-03T10:00:00-05:00",
        committer_date="2024-01-03T12:00:00-05:00",
    )

    b.branch("feature")
    b.checkout("feature")
    b.write("feature.txt", "f\n")
    c4 = b.commit("Feature", CAROL, "2024-01-04T10:00:00+00:00")
    b.checkout("main")
    b.write("tab\there.txt", "t\nu\n")
    c5 = b.commit("More tabs", ANN, "2024-01-05T10:00:00+00:00")
    merge = b.merge("feature", "Merge feature", ANN, "2024-01-06T10:00:00+00:00")
    return b, Shas(c1, c2, c3, c4, c5, merge)


def ts(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp())


def by_sha(commits: list[Commit]) -> dict[str, Commit]:
    return {c.sha: c for c in commits}


def changes(commit: Commit) -> dict[str, FileChange]:
    return {c.path: c for c in commit.changes}


def blob(b: RepoBuilder, rev: str, path: str) -> str:
    return b.git("rev-parse", f"{rev}:{path}")


def test_order_and_parents(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    commits = list(iter_commits(b.path))
    assert [c.sha for c in commits] == [s.merge, s.c5, s.c4, s.c3, s.c2, s.c1]
    oldest = list(iter_commits(b.path, oldest_first=True))
    assert [c.sha for c in oldest] == [s.c1, s.c2, s.c3, s.c4, s.c5, s.merge]
    assert oldest[0].parents == ()
    assert oldest[1].parents == (s.c1,)


def test_merge_recorded_with_two_parents_and_no_changes(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    merge = next(iter_commits(b.path))
    assert merge.sha == s.merge and merge.is_merge
    assert merge.parents == (s.c5, s.c4)
    assert merge.changes == ()
    assert merge.subject == "Merge feature"


def test_initial_commit(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    c1 = by_sha(list(iter_commits(b.path)))[s.c1]
    assert (c1.author_name, c1.author_email, c1.subject) == (
        "Ann Author",
        "ann@example.com",
        "Initial",
    )
    assert c1.author_time == c1.committer_time == ts("2024-01-01T10:00:00+00:00")
    assert c1.author_tz == 0 and not c1.is_merge
    got = changes(c1)
    assert set(got) == {
        ".mailmap", "src/app.py", "src/util.py", "docs/read me.md", "assets/logo.png",
        "uni/café ü.txt", "tab\there.txt", "new\nline.txt", "\x1eC", "link",
    }  # fmt: skip
    assert got["src/app.py"] == FileChange(
        "src/app.py", None, "A", 3, 0, False, blob(b, s.c1, "src/app.py")
    )
    assert got["src/util.py"].added == 10
    assert got["uni/café ü.txt"].added == 1
    assert got["tab\there.txt"].blob == blob(b, s.c1, "tab\there.txt")
    assert got["new\nline.txt"].added == 1
    assert got["\x1eC"].added == 1
    assert got["link"] == FileChange("link", None, "A", 1, 0, False, blob(b, s.c1, "link"))
    png = got["assets/logo.png"]
    assert (png.status, png.added, png.deleted, png.binary) == ("A", None, None, True)


def test_edit_delete_binary_and_mailmap(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    c2 = by_sha(list(iter_commits(b.path)))[s.c2]
    assert (c2.author_name, c2.author_email) == ("Bob Builder", "bob@example.com")
    assert c2.author_time == ts("2024-01-02T10:00:00+05:30")
    assert c2.author_tz == 330
    assert c2.subject == "Edit app"
    assert changes(c2) == {
        "src/app.py": FileChange("src/app.py", None, "M", 2, 1, False, blob(b, s.c2, "src/app.py")),
        "docs/read me.md": FileChange("docs/read me.md", None, "D", 0, 2, False, None),
        "assets/logo.png": FileChange(
            "assets/logo.png", None, "M", None, None, True, blob(b, s.c2, "assets/logo.png")
        ),
    }


def test_rename_typechange_and_odd_subject(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    c3 = by_sha(list(iter_commits(b.path)))[s.c3]
    assert c3.subject == ODD_SUBJECT
    assert c3.author_tz == -300
    assert c3.author_time == ts("2024-01-03T10:00:00-05:00")
    assert c3.committer_time == ts("2024-01-03T12:00:00-05:00")
    assert changes(c3) == {
        "lib/util.py": FileChange(
            "lib/util.py", "src/util.py", "R", 1, 1, False, blob(b, s.c3, "lib/util.py")
        ),
        "link": FileChange("link", None, "T", 1, 1, False, blob(b, s.c3, "link")),
    }


def test_exclude_mines_only_new_commits(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    assert [c.sha for c in iter_commits(b.path, exclude=s.c3)] == [s.merge, s.c5, s.c4]
    assert [c.sha for c in iter_commits(b.path, exclude=s.c5)] == [s.merge, s.c4]
    assert [c.sha for c in iter_commits(b.path, "feature", exclude="main")] == []
    assert list(iter_commits(b.path, exclude=s.merge)) == []


def test_since(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    got = [c.sha for c in iter_commits(b.path, since="2024-01-04T00:00:00+00:00")]
    assert got == [s.merge, s.c5, s.c4]


def test_rev_other_than_head(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    assert [c.sha for c in iter_commits(b.path, "feature")] == [s.c4, s.c3, s.c2, s.c1]


def test_name_only(built: tuple[RepoBuilder, Shas]) -> None:
    b, s = built
    full = list(iter_commits(b.path))
    fast = list(iter_commits(b.path, name_only=True))
    assert [c.sha for c in fast] == [c.sha for c in full]
    for f, q in zip(full, fast, strict=True):
        assert [(c.path, c.old_path, c.status, c.blob) for c in f.changes] == [
            (c.path, c.old_path, c.status, c.blob) for c in q.changes
        ]
        assert all(c.added is None and c.deleted is None and not c.binary for c in q.changes)


def test_progress(built: tuple[RepoBuilder, Shas], monkeypatch: pytest.MonkeyPatch) -> None:
    b, _ = built
    monkeypatch.setattr(history, "PROGRESS_EVERY", 2)
    seen: list[int] = []
    assert len(list(iter_commits(b.path, progress=seen.append))) == 6
    assert seen == [2, 4, 6, 6]


def git_children() -> list[str]:
    """States ('R', 'S', 'Z'...) of this process's git child processes (Linux /proc)."""
    me, out = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            comm, rest = stat.read_text().split(" (", 1)[1].rsplit(") ", 1)
        except (OSError, ValueError):
            continue
        state, ppid = rest.split()[:2]
        if int(ppid) == me and comm == "git":
            out.append(state)
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_cancel_stops_git(built: tuple[RepoBuilder, Shas]) -> None:
    b, _ = built
    cancel = threading.Event()
    seen = []
    with pytest.raises(Cancelled, match="Mining HEAD in .* was cancelled"):
        for commit in iter_commits(b.path, cancel=cancel):
            seen.append(commit)
            cancel.set()
    assert len(seen) == 1
    assert git_children() == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_stopping_early_stops_git(built: tuple[RepoBuilder, Shas]) -> None:
    b, _ = built
    it = iter_commits(b.path)
    next(it)
    it.close()
    assert git_children() == []


def test_unknown_rev(built: tuple[RepoBuilder, Shas]) -> None:
    b, _ = built
    with pytest.raises(UnknownRevision, match="bad revision 'nope'"):
        list(iter_commits(b.path, "nope"))
    with pytest.raises(UnknownRevision, match="bad revision '\\^nope'"):
        list(iter_commits(b.path, exclude="nope"))
    with pytest.raises(InvalidInput, match="Invalid revision '--all'"):
        list(iter_commits(b.path, "--all"))


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(NotAGitRepository, match="is not inside a git repository"):
        list(iter_commits(tmp_path))


def test_empty_repository(tmp_path: Path) -> None:
    b = RepoBuilder(tmp_path / "empty")
    with pytest.raises(EmptyRepository, match="has no commits yet"):
        list(iter_commits(b.path))


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is not an existing directory"):
        list(iter_commits(tmp_path / "missing"))


def test_parse_joins_numstat_by_path_when_order_differs() -> None:
    z = "0" * 40
    tokens = [
        b"\x1eC", b"a" * 40, b"", b"N", b"n@x", b"100 +0000", b"100", b"s",
        b"\n:000000 100644 " + z.encode() + b" " + b"1" * 40 + b" A", b"x",
        b":000000 100644 " + z.encode() + b" " + b"2" * 40 + b" A", b"y",
        b"5\t0\ty", b"3\t0\tx",
    ]  # fmt: skip
    (commit,) = parse_log(iter(tokens))
    assert [(c.path, c.added) for c in commit.changes] == [("x", 3), ("y", 5)]


@pytest.mark.parametrize(
    "tokens",
    [
        [b"garbage"],
        [b"\x1eC", b"a" * 40, b""],
        [b"\x1eC", b"a" * 40, b"", b"N", b"n@x", b"100 +0000", b"100", b"s", b":000 bad"],
    ],
)
def test_parse_rejects_malformed_output(tokens: list[bytes]) -> None:
    with pytest.raises(GitError):
        list(parse_log(iter(tokens)))


def test_user_config_does_not_change_the_result(tmp_path: Path) -> None:
    b = RepoBuilder(tmp_path / "repo")
    b.write("src/a.py", "a\n")
    b.write("src/b.py", "".join(f"{i}\n" for i in range(20)))
    b.commit("one", date="2024-03-01T10:00:00+00:00")
    b.mv("src/b.py", "lib/b.py")
    b.commit("two", date="2024-03-02T10:00:00+00:00")
    expected = list(iter_commits(b.path))
    for key, value in [
        ("log.showSignature", "true"),
        ("log.showRoot", "false"),
        ("diff.relative", "true"),
        ("diff.renames", "false"),
        ("log.date", "iso"),
        ("color.ui", "always"),
        ("core.quotePath", "true"),
    ]:
        b.git("config", key, value)
    assert list(iter_commits(b.path / "src")) == expected
    assert [c.path for c in expected[0].changes] == ["lib/b.py"]
    assert expected[0].changes[0].old_path == "src/b.py"
