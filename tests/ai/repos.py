"""Repositories and files with known problems for the AI tests."""

from __future__ import annotations

from pathlib import Path

from tests.repo_builder import RepoBuilder

ANN = ("Ann Author", "ann@example.com")
BOB = ("Bob Builder", "bob@example.com")
CAROL = ("Carol Coder", "carol@example.com")

ENGINE_FUNC = """

def step_{i}(state, event):
    if event == "a" and state > {i}:
        return state + 1
    elif event == "b" or state < 0:
        for k in range(state):
            if k % 2 and k > {i}:
                state -= k
    while state > 100:
        state //= 2
    return state
"""


def build_project(path: Path) -> RepoBuilder:
    """`core/engine.py`: the hotspot (most revisions, most complex; Ann and Bob);
    `util/solo.py`: the single-owner file (only Carol); `app/buggy.py`: the bug magnet (four
    bug-fix commits; Ann and Bob). Every other file has two authors."""
    b = RepoBuilder(path)
    engine = '"""Engine."""\n'
    b.write("core/engine.py", engine)
    b.write("app/buggy.py", "def parse(x):\n    return int(x)\n")
    b.write("README.md", "# Project\n")
    b.commit("Initial import", ANN, "2024-01-01T10:00:00+00:00")
    b.write("README.md", "# Project\n\nMore.\n")
    b.write("util/solo.py", "def helper():\n    return 1\n")
    b.commit("Add helper", CAROL, "2024-01-02T10:00:00+00:00")
    for i in range(8):
        engine += ENGINE_FUNC.format(i=i)
        b.write("core/engine.py", engine)
        who = ANN if i % 2 else BOB
        b.commit(f"Engine step {i}", who, f"2024-01-{3 + i:02d}T10:00:00+00:00")
    for i in range(4):
        b.write("app/buggy.py", f"def parse(x):\n    return int(x) + {i}\n")
        if i < 2:
            b.write("docs/notes.md", f"Notes {i}\n")
        who = BOB if i % 2 else ANN
        b.commit(f"Fix bug {i} in parse", who, f"2024-01-{12 + i:02d}T10:00:00+00:00")
    b.write("util/solo.py", "def helper():\n    return 2\n\n\ndef other():\n    return 3\n")
    b.commit("Improve helper", CAROL, "2024-01-20T10:00:00+00:00")
    return b


PLANTED = """import os
import json


def risky(value, seen=[]):
    try:
        return json.loads(value)
    except:
        return eval(value)


def many(a, b, c, d, e, f, g):
    return a + b + c + d + e + f + g


def tangled(a, b, c, d, e):
    total = 0
    if a > 0:
        for i in range(a):
            if i % 2:
                while b > 0:
                    if c and d:
                        total += i
                    b -= 1
    if a == 1 or b == 2:
        total += 1
    if c == 3 and d == 4:
        total += 2
    if e:
        total -= 1
    elif d:
        total += 3
    return total
"""


def line_of(text: str, snippet: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if snippet in line:
            return n
    raise AssertionError(snippet)
