"""Code metrics of one file from its bytes: pure functions, no Jupyter imports.

``measure(path, data)`` returns a :class:`FileMetrics`; it never raises for bad input (the
``error`` field says what could not be measured). Python gets radon 6.0.1's exact numbers
(computed from one ``ast.parse``); other languages lizard's. Results are cached by callers
under ``(blob sha, METRICS_VERSION)``: bump the version whenever any value may change.
"""

from __future__ import annotations

import ast
import codecs
import warnings

from .other import decode_like_lizard, language_for, measure_lizard
from .python import measure_python
from .records import FileMetrics, FunctionMetrics

__all__ = ["METRICS_VERSION", "FileMetrics", "FunctionMetrics", "language_for", "measure"]

METRICS_VERSION: int = 1
BINARY_SNIFF_BYTES = 8192


def _lines_only(language: str | None, text: str) -> FileMetrics:
    lines = text.splitlines()
    blank = sum(1 for line in lines if not line.strip())
    record = FileMetrics.unmeasured(language)
    record.loc, record.blank, record.sloc = len(lines), blank, len(lines) - blank
    return record


def _measure_python(data: bytes, tree: ast.Module | None = None) -> FileMetrics:
    try:
        text = data.decode("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
    except UnicodeDecodeError as exc:  # radon reads files as UTF-8 and fails
        text = data.decode("utf-8", "replace")
        return measure_python(text, error=f"not UTF-8 ({exc.reason} at byte {exc.start})")
    return measure_python(text, tree=tree)


def measure(
    path: str, data: bytes, *, max_bytes: int = 1_000_000, tree: ast.Module | None = None
) -> FileMetrics:
    """Metrics of the file ``path`` whose content is ``data``.

    Binary content (a NUL byte in the first 8 KiB) and content over ``max_bytes`` are not
    measured. Python that is not UTF-8 or does not parse keeps its line counts. Files of an
    unknown language get line counts only. Warnings raised while parsing are swallowed.
    ``tree``: the caller's ``ast.parse`` of the decoded text of a Python file, not parsed again.
    """
    language = language_for(path)
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        return FileMetrics.unmeasured(language, "binary file", binary=True)
    if len(data) > max_bytes:
        return FileMetrics.unmeasured(
            language, f"file too large: {len(data):,} bytes > limit {max_bytes:,}"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if language == "python":
                return _measure_python(data, tree)
            text = decode_like_lizard(data)
            if language is None:
                return _lines_only(None, text)
            return measure_lizard(path, text, language)
    except Exception as exc:  # a bug in one metric must not stop a repository scan
        return FileMetrics.unmeasured(language, f"metrics failed: {type(exc).__name__}: {exc}")
