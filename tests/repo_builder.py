"""Build small, deterministic git repositories in tmp dirs for tests.

Every git call runs with a fixed identity and dates, an empty HOME and no system or global
config, so hashes are identical on every machine::

    b = RepoBuilder(tmp_path / "repo")
    b.write("a.py", "x = 1\\n")
    first = b.commit("add a", author=("Ann", "ann@example.com"), date="2024-01-01T10:00:00+00:00")
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

DEFAULT_AUTHOR = ("Ann Author", "ann@example.com")
DEFAULT_DATE = "2024-01-01T10:00:00+00:00"


class RepoBuilder:
    """A git repository under construction; paths are relative to its top directory."""

    def __init__(self, path: str | os.PathLike[str], *, branch: str = "main") -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        home = self.path / ".git" / "no-home"  # never created: no user config can leak in
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "LC_ALL": "C",
            "TZ": "UTC",
        }
        self.git("init", "-q", "-b", branch)
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "core.autocrlf", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run git in the repository and return its stdout (stripped)."""
        proc = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env={**self.env, **(env or {})},
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr.decode().strip()}")
        return proc.stdout.decode("utf-8", "surrogateescape").strip()

    def write(self, path: str, content: str | bytes) -> Path:
        """Create or overwrite a file (parents created); staged by the next commit."""
        target = self.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        target.write_bytes(content)
        return target

    def symlink(self, path: str, target: str) -> None:
        """Create a symbolic link ``path`` -> ``target``."""
        link = self.path / path
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)

    def rm(self, path: str) -> None:
        """Delete a file or folder from the working tree."""
        target = self.path / path
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()

    def mv(self, src: str, dst: str) -> None:
        """Move a file (parents of ``dst`` created)."""
        (self.path / dst).parent.mkdir(parents=True, exist_ok=True)
        (self.path / src).rename(self.path / dst)

    def mailmap(self, text: str) -> None:
        """Write ``.mailmap`` (git reads it from the working tree)."""
        self.write(".mailmap", text)

    def commit(
        self,
        message: str,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: str = DEFAULT_DATE,
        *,
        committer: tuple[str, str] | None = None,
        committer_date: str | None = None,
        allow_empty: bool = False,
    ) -> str:
        """Stage everything and commit; returns the new commit's sha."""
        self.git("add", "-A")
        args = ["commit", "-q", "--no-verify", "-m", message]
        self.git(
            *args,
            *(["--allow-empty"] if allow_empty else []),
            env=self._who(author, date, committer, committer_date),
        )
        return self.head()

    def branch(self, name: str, start: str = "HEAD") -> None:
        """Create branch ``name`` at ``start`` without switching to it."""
        self.git("branch", name, start)

    def checkout(self, name: str) -> None:
        """Switch to a branch or commit (detached)."""
        self.git("checkout", "-q", name)

    def merge(
        self,
        branch: str,
        message: str | None = None,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: str = DEFAULT_DATE,
    ) -> str:
        """Merge ``branch`` into the current branch with a merge commit; returns its sha."""
        msg = message or f"Merge branch '{branch}'"
        self.git(
            "merge",
            "-q",
            "--no-ff",
            "--no-edit",
            "-m",
            msg,
            branch,
            env=self._who(author, date, None, None),
        )
        return self.head()

    def tag(self, name: str, rev: str = "HEAD") -> None:
        self.git("tag", name, rev)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    @staticmethod
    def _who(
        author: tuple[str, str],
        date: str,
        committer: tuple[str, str] | None,
        committer_date: str | None,
    ) -> dict[str, str]:
        c_name, c_email = committer or author
        return {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": c_name,
            "GIT_COMMITTER_EMAIL": c_email,
            "GIT_COMMITTER_DATE": committer_date or date,
        }
