"""A small repository with known history, built commit by commit with fixed dates."""

from __future__ import annotations

from pathlib import Path

from tests.repo_builder import RepoBuilder

ANN = ("Ann Author", "ann@example.com")
BOB_OLD = ("bob", "bob@old.example")
BOB = ("Bob Builder", "bob@example.com")
CAROL = ("Carol Coder", "carol@example.com")

CORE_V1 = '''"""Core."""


def add(a, b):
    return a + b


def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    return "positive"
'''

CORE_V2 = (
    CORE_V1
    + """

def total(items):
    s = 0
    for x in items:
        if x and x > 0:
            s += x
    return s
"""
)

CORE_V3 = CORE_V2.replace("    return a + b\n", "    # plain sum\n    return a + b\n")

CORE_V4 = (
    CORE_V3
    + """

def parse(text):
    try:
        return int(text)
    except ValueError:
        return None
"""
)

CORE_V5 = CORE_V4.replace("        return None\n", "        return 0\n")

UTIL_V1 = "def helper():\n    return 1\n"
UTIL_V2 = UTIL_V1 + "\n\ndef other(x):\n    return x if x else 0\n"
UTIL_V3 = UTIL_V2 + "\n\nVALUE = 3\n"


def build(path: Path) -> tuple[RepoBuilder, dict[str, str]]:
    """Returns the builder and the shas by step name."""
    b = RepoBuilder(path)
    shas: dict[str, str] = {}
    b.mailmap("Bob Builder <bob@example.com> <bob@old.example>\n")
    b.write("app/core.py", CORE_V1)
    b.write("app/util.py", UTIL_V1)
    b.write("README.md", "# Sample\n\nA sample.\n")
    shas["c1"] = b.commit("Initial import", ANN, "2024-01-01T10:00:00+00:00")
    b.write("app/core.py", CORE_V2)
    shas["c2"] = b.commit("Add total", BOB_OLD, "2024-01-08T10:00:00+00:00")
    b.write("app/core.py", CORE_V3)
    b.write("app/util.py", UTIL_V2)
    shas["c3"] = b.commit("Comment and helper", ANN, "2024-01-15T10:00:00+00:00")
    b.mv("app/util.py", "lib/util.py")
    b.write("lib/util.py", UTIL_V3)
    shas["c4"] = b.commit("Move util to lib", BOB, "2024-01-22T10:00:00+00:00")
    b.branch("feature")
    b.checkout("feature")
    b.write("app/core.py", CORE_V4)
    shas["c5"] = b.commit("Add parse", CAROL, "2024-01-29T10:00:00+00:00")
    b.checkout("main")
    b.write("assets/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    shas["c6"] = b.commit("Add logo", ANN, "2024-02-01T10:00:00+00:00")
    shas["merge"] = b.merge("feature", "Merge feature", ANN, "2024-02-05T10:00:00+00:00")
    b.write("app/core.py", CORE_V5)
    b.write("lib/util.py", UTIL_V3 + "OTHER = 4\n")
    shas["c7"] = b.commit("Fix bug in parse", BOB, "2024-02-12T10:00:00+00:00")
    b.write("broken.py", "def broken(:\n    pass\n")
    b.write("latin1.py", "# caf\xe9\n".encode("latin-1") + b"x = 1\n")
    shas["c8"] = b.commit("Add odd files", CAROL, "2024-02-19T10:00:00+00:00")
    return b, shas


AS_OF = 1709251200  # 2024-03-01T00:00:00Z
