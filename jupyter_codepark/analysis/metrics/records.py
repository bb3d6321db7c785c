"""Typed, JSON-safe metric records (the cache stores ``to_dict()``)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["FileMetrics", "FunctionMetrics"]


@dataclass(slots=True)
class FunctionMetrics:
    """One function, method, nested function or class of a file."""

    name: str
    qualname: str  # Class.method, outer.inner
    kind: str  # 'function' | 'method' | 'class'
    lineno: int
    endline: int  # Python: radon's end line (see pyast); lizard: the last line
    complexity: int  # cyclomatic complexity (radon's class value for classes)
    length: int | None = None  # physical lines from the first to the last line
    nesting: int | None = None  # deepest control-flow nesting (lizard only)
    params: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in _FUNCTION_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FunctionMetrics:
        return cls(**{f.name: data[f.name] for f in _FUNCTION_FIELDS if f.name in data})


@dataclass(slots=True)
class FileMetrics:
    """Metrics of one file.

    ``loc``..``single_comments`` follow radon's raw metrics (``loc = sloc + blank + multi +
    single_comments`` for Python). ``complexity`` is the sum of the cyclomatic complexity of
    every function and method, nested ones included and classes excluded (lizard's file
    ``CCN``, the same definition for every language); ``max_complexity`` their maximum, None
    when the file has no function. ``maintainability`` is radon's MI (``mi_visit(code,
    multi=True)``), Python only. ``error`` says why some metrics are missing.
    """

    language: str | None
    loc: int
    sloc: int
    lloc: int | None
    comments: int
    multi: int
    blank: int
    single_comments: int
    complexity: int | None
    max_complexity: int | None
    maintainability: float | None
    halstead_volume: float | None
    halstead_difficulty: float | None
    halstead_effort: float | None
    halstead_bugs: float | None
    functions: list[FunctionMetrics] = field(default_factory=list)
    binary: bool = False
    error: str | None = None

    @classmethod
    def unmeasured(
        cls, language: str | None, error: str | None = None, *, binary: bool = False
    ) -> FileMetrics:
        """A record with zero line counts and no metrics."""
        return cls(
            language,
            0,
            0,
            None,
            0,
            0,
            0,
            0,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            [],
            binary,
            error,
        )

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in _FILE_FIELDS}
        data["functions"] = [f.to_dict() for f in self.functions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileMetrics:
        values = {f.name: data[f.name] for f in _FILE_FIELDS if f.name in data}
        values["functions"] = [FunctionMetrics.from_dict(f) for f in data.get("functions", ())]
        return cls(**values)


_FUNCTION_FIELDS = fields(FunctionMetrics)
_FILE_FIELDS = fields(FileMetrics)
