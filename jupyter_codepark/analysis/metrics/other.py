"""Languages other than Python, through lizard (function complexity, length, parameters,
nesting) plus a comment/blank line count taken from lizard's own tokens."""

from __future__ import annotations

import codecs
import os
from typing import Any

from .records import FileMetrics, FunctionMetrics

__all__ = ["language_for", "measure_lizard"]

# Extension -> language name, for the extensions lizard reads.
_LANGUAGES = {
    "c": "c",
    "h": "c",
    "cpp": "cpp",
    "cc": "cpp",
    "cxx": "cpp",
    "hpp": "cpp",
    "hh": "cpp",
    "java": "java",
    "cs": "csharp",
    "js": "javascript",
    "cjs": "javascript",
    "mjs": "javascript",
    "jsx": "javascript",
    "ts": "typescript",
    "tsx": "typescript",
    "go": "go",
    "rs": "rust",
    "rb": "ruby",
    "php": "php",
    "swift": "swift",
    "kt": "kotlin",
    "kts": "kotlin",
    "scala": "scala",
    "lua": "lua",
    "m": "objective-c",
    "mm": "objective-c",
    "erl": "erlang",
    "hrl": "erlang",
    "f90": "fortran",
    "f95": "fortran",
    "f03": "fortran",
    "f08": "fortran",
    "f": "fortran",
    "for": "fortran",
    "sol": "solidity",
    "zig": "zig",
    "pl": "perl",
    "pm": "perl",
    "r": "r",
    "sql": "plsql",
    "gd": "gdscript",
    "vue": "vue",
    "ttcn": "ttcn",
    "st": "smalltalk",
}


def language_for(path: str) -> str | None:
    """Language name from the file extension (``python`` for .py/.pyi), None if unknown."""
    ext = os.path.splitext(path)[1][1:]
    if ext in ("py", "pyi"):
        return "python"
    return _LANGUAGES.get(ext) or _LANGUAGES.get(ext.lower())


def decode_like_lizard(data: bytes) -> str:
    """lizard's ``auto_read``: UTF-8 (BOM dropped), else UTF-8 ignoring bad bytes."""
    try:
        return data.decode("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "ignore")


class _LineKinds:
    """A lizard token processor (placed before its comment remover) noting which lines hold
    comments and which hold code."""

    def __init__(self) -> None:
        self.comments: set[int] = set()
        self.code: set[int] = set()

    def __call__(self, tokens: Any, reader: Any) -> Any:
        line = 1
        for token in tokens:
            newlines = token.count("\n")
            if token != "\n":
                is_comment = reader.get_comment_from_token(token) is not None
                (self.comments if is_comment else self.code).update(
                    range(line, line + newlines + 1)
                )
            line += newlines
            yield token


def _analyzer(kinds: _LineKinds) -> Any:
    import lizard
    from lizard_ext.lizardnd import LizardExtension as Nesting  # patches lizard on import

    return lizard.FileAnalyzer(
        [
            lizard.preprocessing,
            kinds,
            lizard.comment_counter,
            lizard.line_counter,
            lizard.token_counter,
            lizard.condition_counter,
            Nesting(),
        ]
    )


def _function(info: Any) -> FunctionMetrics:
    name = info.unqualified_name
    qualname = info.name.replace("::", ".")
    kind = "method" if qualname != name else "function"
    return FunctionMetrics(
        name,
        qualname,
        kind,
        info.start_line,
        info.end_line,
        info.cyclomatic_complexity,
        info.length,
        getattr(info, "max_nesting_depth", None),
        info.parameter_count,
    )


def measure_lizard(path: str, text: str, language: str | None) -> FileMetrics:
    """lizard's per-function metrics; ``sloc`` is lizard's NLOC, ``comments`` the lines
    holding a comment, ``single_comments`` those holding nothing else, ``multi`` 0; Halstead
    and maintainability are not computed (lizard's operators are not radon's)."""
    kinds = _LineKinds()
    info = _analyzer(kinds).analyze_source_code(path, text)
    lines = text.splitlines()
    loc = len(lines)
    seen = kinds.comments | kinds.code
    blank = sum(1 for n, line in enumerate(lines, 1) if n not in seen and not line.strip())
    functions = [_function(f) for f in info.function_list]
    ccs = [f.complexity for f in functions]
    return FileMetrics(
        language,
        loc,
        info.nloc,
        None,
        len(kinds.comments),
        0,
        blank,
        len(kinds.comments - kinds.code),
        sum(ccs),
        max(ccs) if ccs else None,
        None,
        None,
        None,
        None,
        None,
        functions,
    )
