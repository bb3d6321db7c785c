"""Code metrics: radon-equal Python numbers, lizard for other languages, bad input."""

from __future__ import annotations

import json
import math
import textwrap
import warnings
from pathlib import Path

import pytest
from radon.complexity import add_inner_blocks, cc_visit
from radon.metrics import h_visit, mi_visit
from radon.raw import analyze
from radon.visitors import ComplexityVisitor

from jupyter_codepark.analysis.metrics import (
    METRICS_VERSION,
    FileMetrics,
    FunctionMetrics,
    language_for,
    measure,
)
from jupyter_codepark.analysis.metrics.pyraw import raw_metrics

SITE = Path(cc_visit.__code__.co_filename).parents[1]
# Whole packages, plus the smaller pygments modules (radon's raw pass is quadratic in the
# length of a bracketed literal, and pygments' generated tables would take minutes).
PACKAGES = [
    "radon",
    "lizard_languages",
    "lizard_ext",
    "lizard_core",
    "tqdm",
    "jupyter_server",
    "mando",
    "traitlets",
    "click",
    "pygments",
]
MAX_CORPUS_FILE_BYTES = 12_000


def _corpus() -> list[Path]:
    files = []
    for package in PACKAGES:
        for path in sorted((SITE / package).rglob("*.py")):
            if package != "pygments" or path.stat().st_size <= MAX_CORPUS_FILE_BYTES:
                files.append(path)
    return files


def _radon(text: str) -> dict | None:
    """Everything radon's API says about ``text``, or None if radon cannot process it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            blocks = add_inner_blocks(cc_visit(text))
            return {
                "blocks": sorted(
                    (b.name.rsplit(".", 1)[-1], b.lineno, b.endline, b.complexity) for b in blocks
                ),
                "top": sorted((b.lineno, b.complexity) for b in cc_visit(text)),
                "raw": tuple(analyze(text)),
                "halstead": h_visit(text).total,
                "mi": mi_visit(text, True),
            }
    except Exception:  # radon fails on this file: nothing to compare
        return None


def _differences(path: Path, text: str, expected: dict) -> list[str]:
    got = measure(str(path), text.encode())
    problems = []
    blocks = sorted((f.name, f.lineno, f.endline, f.complexity) for f in got.functions)
    if blocks != expected["blocks"]:
        problems.append(f"blocks {set(blocks) ^ set(expected['blocks'])}")
    raw = (got.loc, got.lloc, got.sloc, got.comments, got.multi, got.blank, got.single_comments)
    if raw != expected["raw"]:
        problems.append(f"raw {raw} != {expected['raw']}")
    hal = expected["halstead"]
    ours = (got.halstead_volume, got.halstead_difficulty, got.halstead_effort, got.halstead_bugs)
    if ours != (hal.volume, hal.difficulty, hal.effort, hal.bugs):
        problems.append(f"halstead {ours} != {hal}")
    if not math.isclose(got.maintainability, expected["mi"], rel_tol=0, abs_tol=1e-9):
        problems.append(f"mi {got.maintainability} != {expected['mi']}")
    return [f"{path.relative_to(SITE)}: {p}" for p in problems]


def test_python_corpus_equals_radon() -> None:
    files = _corpus()
    compared, problems = 0, []
    for path in files:
        text = path.read_text(encoding="utf-8")
        expected = _radon(text)
        if expected is None:
            continue
        compared += 1
        problems += _differences(path, text, expected)
    assert compared >= 500, compared
    assert problems == [], "\n".join(problems[:20])


HAND = textwrap.dedent('''\
    """Module docstring."""
    import functools


    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if args and kwargs or not args:
                return fn(*args, **kwargs)
            return None
        return wrapper


    class Shape:
        """A shape."""

        sides = 0

        @deco
        def area(self, scale=1):
            total = [x * scale for x in range(10) if x % 2 if x > 3]
            try:
                value = sum(total)
            except ValueError:
                value = 0
            except TypeError:
                value = -1
            else:
                value += 1
            return value if value > 0 else 0

        async def fetch(self, items):
            async for item in items:
                assert item is not None and item != 0
            key = lambda v: v if v else 0  # noqa: E731
            return key

        class Inner:
            def describe(self, kind):
                match kind:
                    case "a":
                        return 1
                    case "b" | "c":
                        return 2
                    case _:
                        return 3


    def loop(n):
        i = 0
        while i < n:
            i += 1
        else:
            i = -1
        for j in range(n):
            pass
        return i
    ''')


def test_hand_written_python_known_values() -> None:
    got = measure("pkg/hand.py", HAND.encode())
    rows = [
        (f.qualname, f.kind, f.lineno, f.endline, f.complexity, f.params) for f in got.functions
    ]
    assert rows == [
        ("deco", "function", 5, 11, 1, 1),
        ("deco.wrapper", "function", 7, 10, 4, 2),  # if + `and` + `or`
        ("Shape", "class", 14, 36, 7, None),  # int((8 + 4 + 1) / 2) + 1; Inner not counted
        ("Shape.area", "method", 20, 30, 8, 2),  # comprehension 1+2 ifs, 2 excepts+else, ifexp
        ("Shape.fetch", "method", 32, 36, 4, 2),  # async for, assert (its `and` not), lambda's if
        ("Shape.Inner", "class", 38, 46, 4, None),
        ("Shape.Inner.describe", "method", 39, 46, 3, 2),  # 3 cases - wildcard
        ("loop", "function", 49, 57, 4, 1),  # while + else, for
    ]
    assert (got.language, got.complexity, got.max_complexity) == ("python", 24, 8)
    assert (
        got.loc,
        got.lloc,
        got.sloc,
        got.comments,
        got.multi,
        got.blank,
        got.single_comments,
    ) == (57, 48, 45, 1, 0, 10, 2)
    assert got.halstead_volume == pytest.approx(206.0894050155578, abs=1e-12)
    assert got.maintainability == pytest.approx(53.85922110005052, abs=1e-9)
    assert got.maintainability == mi_visit(HAND, True)
    assert ComplexityVisitor.from_code(HAND).total_complexity == 16
    assert got.error is None and not got.binary


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\n\n   \n",
        "# only a comment\n",
        "x = 1; y = 2\nif x: y = 3; z = lambda: 4\n",
        'def f():\n    """Doc\n\n    string."""\n    return {"a": 1}[\n        "a"]  # c\n',
        "s = '''a\n#b'''  # c\nt = r'\\'' \\\n    + f\"{s!r:>3}\"\n",
        'x = (1,  # a\n     2)\n"""lone\nstring"""\nr"""raw"""\nb"x" b"y"\n',
        "def f(a: int = 1) -> dict:\n    return {a: [b for b in a if b if not b]}\n",
        "x = [1,\n\n     2]\n\x0cdef g(): pass\n",
    ],
)
def test_small_sources_equal_radon(source: str) -> None:
    expected = _radon(source)
    assert expected is not None
    assert _differences(Path(SITE / "case.py"), source, expected) == []


def test_raw_failure_matches_radon() -> None:
    # radon's raw pass cannot handle a continuation line at the end of the file
    with pytest.raises(SyntaxError):
        analyze("x = 1 + \\")
    with pytest.raises(SyntaxError):
        raw_metrics("x = 1 + \\")


def test_empty_python_file() -> None:
    got = measure("empty.py", b"")
    assert (got.loc, got.sloc, got.lloc, got.complexity, got.max_complexity) == (0, 0, 0, 0, None)
    assert got.maintainability == 100.0 and got.functions == [] and got.error is None


def test_syntax_error_keeps_line_counts() -> None:
    got = measure("bad.py", b"# broken\ndef f(:\n    pass\n\n")
    assert got.error == "syntax error at line 2: invalid syntax"
    assert (got.loc, got.blank, got.comments, got.single_comments) == (4, 1, 1, 1)
    assert got.complexity is None and got.maintainability is None and got.functions == []


def test_non_utf8_python_is_an_error_with_line_counts() -> None:
    got = measure("latin.py", "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"))
    assert got.error is not None and got.error.startswith("not UTF-8 (")
    assert (got.loc, got.sloc, got.comments) == (2, 1, 1)
    assert got.complexity is None and got.halstead_volume is None


def test_utf8_bom_is_ignored() -> None:
    got = measure("bom.py", b"\xef\xbb\xbfdef f():\n    return 1\n")
    assert got.error is None and [f.name for f in got.functions] == ["f"]


def test_warnings_never_escape() -> None:
    # an invalid escape warns while parsing; pytest turns escaping warnings into errors
    got = measure("warn.py", b'x = "\\d"\nif x is 1:\n    pass\n')
    assert got.error is None and got.loc == 3


def test_binary_and_oversize() -> None:
    binary = measure("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert binary.binary and binary.error == "binary file" and binary.loc == 0
    big = measure("big.py", b"x = 1\n" * 100, max_bytes=500)
    assert not big.binary and big.error == "file too large: 600 bytes > limit 500"


def test_unknown_language_gets_line_counts() -> None:
    got = measure("notes/README.md", b"# Title\n\ntext\n")
    assert (got.language, got.loc, got.blank, got.sloc, got.complexity) == (None, 3, 1, 2, None)


def test_javascript_via_lizard() -> None:
    source = textwrap.dedent("""\
        // helpers
        function pick(a, b, c) {
          if (a && b) {
            return a;
          } else if (c || b) {
            return c;
          }
          for (let i = 0; i < 3; i++) { a = a ? b : c; }
          return b;
        }

        /* a block
           comment */
        const twice = (x) => x * 2;
        """)
    got = measure("src/util.js", source.encode())
    assert got.language == "javascript" and got.error is None
    pick = got.functions[0]
    # 1 + if + && + else-if + || + for + ?:
    assert (pick.name, pick.lineno, pick.endline, pick.complexity, pick.params) == (
        "pick",
        2,
        10,
        7,
        3,
    )
    assert pick.length == 9 and pick.nesting is not None
    assert (got.loc, got.blank, got.comments, got.single_comments) == (14, 1, 3, 3)
    assert got.complexity == sum(f.complexity for f in got.functions)
    assert got.maintainability is None and got.lloc is None


def test_go_and_c_via_lizard() -> None:
    go = measure(
        "main.go",
        textwrap.dedent("""\
        package main

        func Sign(x int) int {
        \tswitch {
        \tcase x > 0:
        \t\treturn 1
        \tcase x < 0:
        \t\treturn -1
        \t}
        \treturn 0
        }
        """).encode(),
    )
    assert [(f.name, f.complexity, f.params) for f in go.functions] == [("Sign", 3, 1)]
    assert go.language == "go"
    c = measure("lib.c", b"int f(int a) {\n  while (a > 0 && a < 9) a--;\n  return a;\n}\n")
    assert [(f.name, f.lineno, f.endline, f.complexity) for f in c.functions] == [("f", 1, 4, 3)]
    assert (c.language, c.complexity, c.max_complexity, c.sloc) == ("c", 3, 3, 4)


def test_language_for() -> None:
    assert language_for("a/b.py") == language_for("x.pyi") == "python"
    assert [language_for(p) for p in ("x.ts", "x.tsx", "x.hpp", "x.rs", "X.JAVA", "x.txt")] == [
        "typescript",
        "typescript",
        "cpp",
        "rust",
        "java",
        None,
    ]


def test_records_round_trip_through_json() -> None:
    got = measure("pkg/hand.py", HAND.encode())
    data = json.loads(json.dumps(got.to_dict()))
    assert FileMetrics.from_dict(data) == got
    assert isinstance(FileMetrics.from_dict(data).functions[0], FunctionMetrics)
    assert isinstance(METRICS_VERSION, int)
