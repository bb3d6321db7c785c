"""Deterministic synthetic git repository for benchmarks, built with ONE ``git fast-import``.

    python bench/synthrepo.py DEST --commits 20000 --files 800 --authors 12 --seed 1

Produces valid Python files of varying complexity (functions with if/for/while/try and boolean
operators, classes), edits that add and remove lines with hotspot-skewed file choice, renames
between folders, deletions, a few binary files, short feature branches merged back with merge
commits, several authors (a ``.mailmap`` merges two identities of the first author) and fixed
timestamps spread over two years. The same arguments always give the same commit shas.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

START_TS = 1640995200  # 2022-01-01T00:00:00Z
SPAN_S = 2 * 365 * 86400
FOLDERS = ["core", "core/engine", "api", "api/v2", "utils", "models", "services", "cli", "io",
           "web/views", "db", "plugins", "tests", "tests/unit"]  # fmt: skip
WORDS = ["alpha", "parser", "cache", "client", "config", "handler", "index", "loader", "matrix",
         "network", "queue", "render", "report", "schema", "session", "store", "stream", "task",
         "token", "user", "vector", "worker", "widget", "graph", "event", "filter"]  # fmt: skip
NAMES = ["Ann Example", "Bob Builder", "Chen Wei", "Dana Scully", "Emeka Obi", "Fatima Zahra",
         "Gus Grissom", "Hana Sato", "Ivan Petrov", "Julia Roberts", "Kofi Mensah", "Lena Berg",
         "Marta Silva", "Nils Holm", "Olga Ivanova", "Priya Nair"]  # fmt: skip
TZS = ["+0000", "+0100", "-0500", "+0530", "+0900", "-0800", "+0200", "-0300"]
MAILMAP = "Ann Example <ann@example.com> <ann@old-laptop.local>\n"
VARS = ["a", "b", "c", "count", "total"]


class Func:
    """A function as a header, body statements (each valid at ``indent + 4``) and a footer."""

    __slots__ = ("head", "stmts", "indent")

    def __init__(self, rng: random.Random, name: str, indent: int) -> None:
        pad = " " * indent
        self.indent = indent
        self_arg = "self, " if indent else ""
        self.head = (
            f'{pad}def {name}({self_arg}a, b=0, c=None):\n{pad}    """Compute {name}."""\n'
            f"{pad}    count = total = 0\n{pad}    result = []\n"
        )
        self.stmts = [stmt(rng, indent + 4, 0) for _ in range(rng.randint(1, 6))]

    def render(self) -> str:
        pad = " " * self.indent
        return self.head + "".join(self.stmts) + f"{pad}    return result\n\n"


class Cls:
    __slots__ = ("head", "methods")

    def __init__(self, rng: random.Random, name: str) -> None:
        self.head = f'class {name.title().replace("_", "")}:\n    """A {name}."""\n\n'
        self.methods = [Func(rng, f"{name}_{i}", 4) for i in range(rng.randint(1, 4))]

    def render(self) -> str:
        return self.head + "".join(m.render() for m in self.methods) + "\n"


def cond(rng: random.Random) -> str:
    parts = [f"{rng.choice(VARS)} {rng.choice(['>', '<', '==', '!='])} {rng.randint(0, 9)}"
             for _ in range(rng.randint(1, 3))]  # fmt: skip
    out = parts[0]
    for p in parts[1:]:
        out += f" {rng.choice(['and', 'or', 'and not'])} {p}"
    return out


def stmt(rng: random.Random, ind: int, depth: int) -> str:
    """One statement (maybe compound) indented by ``ind`` spaces."""
    pad = " " * ind
    kind = rng.random() if depth < 3 else 0.0
    if kind < 0.45:
        var = rng.choice(VARS[3:])
        return f"{pad}{var} += {rng.choice(VARS)} * {rng.randint(1, 9)}\n"
    if kind < 0.55:
        return f"{pad}result.append({rng.choice(VARS)} + {rng.randint(0, 99)})\n"

    def body() -> str:
        return "".join(stmt(rng, ind + 4, depth + 1) for _ in range(rng.randint(1, 3)))

    if kind < 0.72:
        out = f"{pad}if {cond(rng)}:\n{body()}"
        if rng.random() < 0.3:
            out += f"{pad}elif {cond(rng)}:\n{body()}"
        if rng.random() < 0.4:
            out += f"{pad}else:\n{body()}"
        return out
    if kind < 0.85:
        return f"{pad}for i{depth} in range({rng.randint(2, 20)}):\n{body()}"
    if kind < 0.93:
        return f"{pad}while count < {rng.randint(5, 50)}:\n{pad}    count += 1\n{body()}"
    return f"{pad}try:\n{body()}{pad}except (ValueError, KeyError):\n{pad}    total -= 1\n"


class PyFile:
    __slots__ = ("blocks",)

    def __init__(self, rng: random.Random, stem: str) -> None:
        self.blocks: list[Func | Cls] = [
            block(rng, f"{stem}_{i}") for i in range(rng.randint(2, 9))
        ]

    def render(self) -> bytes:
        text = '"""Synthetic module."""\n\nimport os\n\n\n' + "".join(
            b.render() for b in self.blocks
        )
        return text.encode()

    def edit(self, rng: random.Random, serial: int) -> None:
        """Add, remove or rewrite a few statements, or add/remove a whole function."""
        r = rng.random()
        if r < 0.08:
            self.blocks.append(block(rng, f"added_{serial}"))
        elif r < 0.12 and len(self.blocks) > 1:
            del self.blocks[rng.randrange(len(self.blocks))]
        else:
            for _ in range(rng.randint(1, 3)):
                b = rng.choice(self.blocks)
                f = rng.choice(b.methods) if isinstance(b, Cls) else b
                i = rng.randrange(len(f.stmts))
                op = rng.random()
                new = stmt(rng, f.indent + 4, 0)
                if op < 0.45:
                    f.stmts.insert(i, new)
                elif op < 0.7 and len(f.stmts) > 1:
                    del f.stmts[i]
                else:
                    f.stmts[i] = new


def block(rng: random.Random, name: str) -> Func | Cls:
    return Cls(rng, name) if rng.random() < 0.25 else Func(rng, name, 0)


class Generator:
    """Holds the repository state and writes the fast-import stream."""

    def __init__(self, out: IO[bytes], args: argparse.Namespace) -> None:
        self.out, self.rng = out, random.Random(args.seed)
        self.n_commits, self.target_files = args.commits, args.files
        self.files: dict[str, PyFile | bytes] = {}
        self.live: list[str] = []  # live .py paths, hot ones first
        self.reserved: set[str] = set()  # files owned by the open feature branch
        self.serial = 0
        self.mark = 0
        self.main_head = 0
        k = max(2, args.authors)
        self.authors = [(NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}"),
                         f"{NAMES[i % len(NAMES)].split()[0].lower()}{i}@example.com",
                         TZS[i % len(TZS)]) for i in range(k)]  # fmt: skip
        self.authors[0] = ("Ann Example", "ann@example.com", "+0100")
        self.weights = [1 / (i + 1) ** 1.1 for i in range(k)]

    # --- stream primitives -------------------------------------------------------------------
    def data(self, payload: bytes) -> None:
        self.out.write(b"data %d\n%s\n" % (len(payload), payload))

    def commit(
        self, msg: str, parent: int, changes: dict[str, bytes | None], merge: int = 0
    ) -> int:
        self.mark += 1
        ts = START_TS + SPAN_S * self.mark // (self.n_commits + 2) + self.rng.randint(0, 3000)
        name, email, tz = self.rng.choices(self.authors, self.weights)[0]
        if email == "ann@example.com" and self.rng.random() < 0.35:
            name, email = "ann", "ann@old-laptop.local"  # second identity, merged by .mailmap
        who = f"{name} <{email}> {ts} {tz}".encode()
        self.out.write(b"commit refs/heads/main\nmark :%d\n" % self.mark)
        self.out.write(b"author %s\ncommitter %s\n" % (who, who))
        self.data(msg.encode())
        if parent:
            self.out.write(b"from :%d\n" % parent)
        if merge:
            self.out.write(b"merge :%d\n" % merge)
        for path, content in changes.items():
            if content is None:
                self.out.write(b"D %s\n" % path.encode())
            else:
                self.out.write(b"M 100644 inline %s\n" % path.encode())
                self.data(content)
        return self.mark

    # --- repository evolution ----------------------------------------------------------------
    def new_path(self) -> str:
        self.serial += 1
        folder = self.rng.choice(FOLDERS)
        return f"src/{folder}/{self.rng.choice(WORDS)}_{self.serial}.py"

    def pick(self, own: bool) -> str | None:
        """A live file, skewed to hot files; ``own``: among the branch's reserved files."""
        pool = sorted(self.reserved) if own else self.live
        for _ in range(8):
            if not pool:
                return None
            path = pool[int(len(pool) * self.rng.random() ** 2.5)]
            if own or path not in self.reserved:
                return path
        return None

    def add_file(self, changes: dict[str, bytes | None], own: bool) -> None:
        path = self.new_path()
        f = self.files[path] = PyFile(self.rng, Path(path).stem)
        self.live.insert(self.rng.randrange(len(self.live) + 1), path)
        if own:
            self.reserved.add(path)
        changes[path] = f.render()

    def change_set(self, own: bool) -> dict[str, bytes | None]:
        rng, changes = self.rng, {}
        n_live = len(self.live)
        if n_live < self.target_files and rng.random() < 0.25 * (1 - n_live / self.target_files):
            self.add_file(changes, own)
        for _ in range(min(1 + int(rng.expovariate(0.9)), 12)):
            path = self.pick(own)
            if path is None or path in changes:
                continue
            f = self.files[path]
            assert isinstance(f, PyFile)
            r = rng.random()
            if r < 0.02:  # rename/move, sometimes with a small edit
                new = self.new_path().rsplit("/", 1)[0] + "/" + path.rsplit("/", 1)[1]
                if new in self.files:
                    continue
                if rng.random() < 0.5:
                    f.edit(rng, self.serial)
                self.files[new] = self.files.pop(path)
                self.live[self.live.index(path)] = new
                if own:
                    self.reserved.discard(path)
                    self.reserved.add(new)
                changes[path], changes[new] = None, f.render()
            elif r < 0.03 and n_live > self.target_files // 3:  # deletion
                del self.files[path]
                self.live.remove(path)
                self.reserved.discard(path)
                changes[path] = None
            else:
                f.edit(rng, self.serial)
                self.serial += 1
                changes[path] = f.render()
        if not own and rng.random() < 0.004:
            name = f"assets/image_{rng.randrange(6)}.png"
            blob = b"\x89PNG\r\n\x1a\n\0" + rng.randbytes(rng.randint(200, 3000))
            self.files[name] = changes[name] = blob
        return changes

    def run(self) -> None:
        first = {".mailmap": MAILMAP.encode(), "README.md": b"# Synthetic repository\n"}
        while len(first) < 12:
            self.add_file(first, own=False)
        self.main_head = self.commit("Initial import", 0, first)
        while self.mark < self.n_commits:
            if self.rng.random() < 0.03 and self.n_commits - self.mark > 8:
                self.feature_branch()
            else:
                msg = f"{self.rng.choice(['Fix', 'Add', 'Refactor', 'Update'])} {self.serial}"
                self.main_head = self.commit(msg, self.main_head, self.change_set(False))
        self.out.write(b"done\n")

    def feature_branch(self) -> None:
        """2-4 commits on a short branch, 0-2 on main meanwhile (other files), then a merge."""
        fork, branch_changes = self.main_head, {}
        self.reserved = {p for p in (self.pick(False) for _ in range(4)) if p}
        n = self.mark
        head = fork
        for _ in range(self.rng.randint(2, 4)):
            changes = self.change_set(True)
            branch_changes.update(changes)
            head = self.commit(f"feature {n}: step", head, changes)
        for _ in range(self.rng.randint(0, 2)):
            self.main_head = self.commit(
                f"Fix {self.serial}", self.main_head, self.change_set(False)
            )
        msg = f"Merge branch 'feature/{n}'"
        self.main_head = self.commit(msg, self.main_head, branch_changes, merge=head)
        self.reserved = set()


def build(dest: Path, args: argparse.Namespace) -> None:
    dest.mkdir(parents=True, exist_ok=False)
    env = {"LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
           "HOME": str(dest), "PATH": "/usr/bin:/bin:/usr/local/bin"}  # fmt: skip
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True, env=env)
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=dest,
                            stdin=subprocess.PIPE, env=env)  # fmt: skip
    assert proc.stdin is not None
    with proc.stdin:
        Generator(proc.stdin, args).run()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=dest, check=True, env=env)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--commits", type=int, default=2000)
    ap.add_argument("--files", type=int, default=400, help="target number of live files")
    ap.add_argument("--authors", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    build(args.dest, args)
    print(f"{args.dest}: {args.commits} commits in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
