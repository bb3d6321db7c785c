"""Python files: radon 6.0.1's numbers from one ``ast.parse`` and one raw scan."""

from __future__ import annotations

import ast
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from radon.metrics import mi_compute

from .pyast import analyze_tree
from .pyraw import RawMetrics, raw_metrics
from .records import FileMetrics, FunctionMetrics

__all__ = ["measure_python"]


def _raw_or_lines(text: str) -> RawMetrics:
    """Raw metrics where radon could compute them, else a line-by-line estimate (blank lines,
    lines starting with ``#``, the rest code)."""
    try:
        return raw_metrics(text)
    except (SyntaxError, ValueError):
        lines = [line.strip() for line in text.splitlines()]
        blank = lines.count("")
        comments = sum(1 for line in lines if line.startswith("#"))
        return RawMetrics(
            len(lines), 0, len(lines) - blank - comments, comments, 0, blank, comments
        )


def _with_raw(raw: RawMetrics, error: str) -> FileMetrics:
    return FileMetrics(
        "python",
        raw.loc,
        raw.sloc,
        None,
        raw.comments,
        raw.multi,
        raw.blank,
        raw.single_comments,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        [],
        error=error,
    )


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: the AST and everything built from it here is
    acyclic (freed by reference counting), so collections would only re-scan the live tree."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def measure_python(
    text: str, *, error: str | None = None, tree: ast.Module | None = None
) -> FileMetrics:
    """Metrics of Python source ``text``. Call inside ``warnings.catch_warnings``: parsing
    may warn (invalid escapes). ``error`` (a decoding problem) keeps only line counts. ``tree``:
    ``ast.parse(text)`` when the caller has it already (it is not changed)."""
    if error is not None:
        return _with_raw(_raw_or_lines(text), error)
    try:
        tree = ast.parse(text) if tree is None else tree
    except SyntaxError as exc:
        return _with_raw(_raw_or_lines(text), f"syntax error at line {exc.lineno}: {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        return _with_raw(_raw_or_lines(text), f"cannot parse: {exc}")
    with _no_cyclic_gc():
        tree_metrics = analyze_tree(tree)
        del tree
        try:
            raw = raw_metrics(text)
        except SyntaxError as exc:  # radon's raw pass rejects a few files ast.parse accepts
            raw, raw_error = _raw_or_lines(text), f"raw metrics: {exc}"
        else:
            raw_error = None
    hal = tree_metrics.halstead
    functions = [
        FunctionMetrics(
            b.name, b.qualname, b.kind, b.lineno, b.endline, b.complexity, b.length, None, b.params
        )
        for b in tree_metrics.blocks
    ]
    ccs = [f.complexity for f in functions if f.kind != "class"]
    if raw_error is None:
        comments = (raw.comments + raw.multi) / float(raw.sloc) * 100 if raw.sloc != 0 else 0
        mi = mi_compute(hal.volume, tree_metrics.total_complexity, raw.lloc, comments)
        lloc = raw.lloc
    else:
        mi = lloc = None
    return FileMetrics(
        "python",
        raw.loc,
        raw.sloc,
        lloc,
        raw.comments,
        raw.multi,
        raw.blank,
        raw.single_comments,
        sum(ccs),
        max(ccs) if ccs else None,
        mi,
        hal.volume,
        hal.difficulty,
        hal.effort,
        hal.bugs,
        functions,
        error=raw_error,
    )
