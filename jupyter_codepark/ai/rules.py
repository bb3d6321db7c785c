"""Review findings from three kinds of evidence: ruff's rules (run on the text, never on the
user's files in place), CodePark's metrics (complexity, length, nesting, parameters,
maintainability over thresholds) and the repository's history (hotspot, single owner, bug-fix
commits). Pure functions of (path, text, file record) except the ruff subprocess."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..analysis.metrics import FileMetrics, measure
from . import source as src
from .records import Evidence, Finding

RUFF_SELECT = "E4,E7,E9,F,B,PLE,S102,S307,S602,S605,ASYNC"
RUFF_TIMEOUT_S = 30.0
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Thresholds:
    complexity: int = 10  # radon ranks 11..20 "C" (complex), above 20 worse
    complexity_error: int = 20
    function_lines: int = 60
    nesting: int = 4
    params: int = 6
    maintainability: float = 20.0
    hotspot_score: float = 0.5
    hotspot_top: int = 3
    single_owner_share: float = 0.9
    bugfixes: int = 3


@cache
def counted(n: int | None, word: str) -> str:
    """`1 commit`, `3 commits`; `? commits` when unknown."""
    return f"{'?' if n is None else n} {word}{'' if n == 1 else 's'}"


def ruff_binary() -> str | None:
    try:
        from ruff.__main__ import find_ruff_bin

        return find_ruff_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


def _ruff_argv(select: str) -> list[str] | None:
    binary = ruff_binary()
    if binary is None:
        return None
    return [
        binary,
        "check",
        "--isolated",
        "--no-cache",
        "--select",
        select,
        "--output-format",
        "json",
        "--exit-zero",
    ]


def ruff_check(path: str, text: str, select: str = RUFF_SELECT) -> list[dict[str, Any]] | None:
    """ruff's diagnostics for `text` as if it were `path` (stdin); None when ruff is missing."""
    argv = _ruff_argv(select)
    if argv is None:
        return None
    proc = subprocess.run(
        [*argv, "--stdin-filename", path, "-"],
        input=text.encode(),
        capture_output=True,
        timeout=RUFF_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout or b"[]")


def ruff_check_many(
    files: dict[str, str], select: str = RUFF_SELECT
) -> dict[str, list[dict[str, Any]]] | None:
    """ruff on many texts at once (one process over a scratch copy), by path."""
    argv = _ruff_argv(select)
    if argv is None:
        return None
    out: dict[str, list[dict[str, Any]]] = {p: [] for p in files}
    with tempfile.TemporaryDirectory(prefix="codepark-ruff-") as tmp:
        real_tmp = os.path.realpath(tmp)
        for rel, text in files.items():
            target = os.path.join(real_tmp, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        # the files named one by one: ruff checks each as it would the text on stdin (a folder
        # would skip what ruff's default excludes name, e.g. `dist/`, `venv/`)
        proc = subprocess.run(
            [*argv, "--", *files],
            cwd=real_tmp,
            capture_output=True,
            timeout=RUFF_TIMEOUT_S * 4,
            check=False,
        )
        if proc.returncode != 0:
            return None
        prefix = real_tmp + os.sep
        for d in json.loads(proc.stdout or b"[]"):
            name = d["filename"]
            rel = name[len(prefix) :] if name.startswith(prefix) else os.path.relpath(name, tmp)
            rel = rel.replace(os.sep, "/")
            if rel in out:
                out[rel].append(d)
    return out


def _ruff_kind(code: str) -> tuple[str, str]:
    """(severity, category) of a ruff rule code."""
    if code in ("invalid-syntax", "E999") or code.startswith(("E9", "F82", "PLE")):
        return "error", "correctness"
    if code.startswith("S"):
        return "warning", "security"
    if code.startswith(("B", "ASYNC")):
        return "warning", "bug-risk"
    if code.startswith(("F",)):
        return "warning", "correctness"
    return "info", "style"


def ruff_findings(path: str, diagnostics: list[dict[str, Any]]) -> list[Finding]:
    out = []
    for d in diagnostics:
        code = d.get("code") or "invalid-syntax"
        severity, category = _ruff_kind(code)
        line = d["location"]["row"]
        end = max(line, d["end_location"]["row"])
        fix = (d.get("fix") or {}).get("message")
        out.append(
            Finding(
                line=line,
                end_line=end,
                severity=severity,
                category=category,
                message=d["message"],
                suggestion=fix or _RUFF_SUGGESTIONS.get(code, f"See ruff's rule {code}."),
                evidence=Evidence("rule", f"ruff {code}", d.get("url")),
                path=path,
                code=code,
            )
        )
    return out


_RUFF_SUGGESTIONS = {
    "E722": "Catch the exceptions you expect (`except ValueError:`), or `except Exception:`.",
    "invalid-syntax": "Fix the syntax error first; nothing else in the file can be checked.",
    "S307": "Use `ast.literal_eval` for data, or avoid evaluating strings.",
    "S102": "Avoid `exec`; call the code directly.",
    "S602": "Pass a list of arguments without `shell=True`.",
}


_PARSE = object()


def metric_findings(
    path: str, text: str, metrics: FileMetrics, limits: Thresholds, tree: Any = _PARSE
) -> list[Finding]:
    """Functions over the complexity, length, nesting and parameter thresholds, and a file whose
    maintainability index is under its threshold. `tree`: `src.parse(text)` of a Python file
    when the caller has it."""
    out: list[Finding] = []
    if tree is _PARSE:
        tree = src.parse(text) if path.endswith(PYTHON_SUFFIXES) else None
    if tree is not None:
        by_line = {(f.lineno, f.name): f for f in metrics.functions if f.kind != "class"}
        for fn in src.functions(tree):
            m = by_line.get((fn.line, fn.name))
            cc = m.complexity if m else None
            out += _function_findings(path, fn, cc, limits)
    else:
        for m in metrics.functions:
            if m.kind == "class":
                continue
            out += _lizard_findings(path, m, limits)
    mi = metrics.maintainability
    if mi is not None and mi < limits.maintainability:
        out.append(
            Finding(
                1,
                max(1, metrics.loc),
                "warning",
                "maintainability",
                f"Maintainability index {mi:.1f} is under {limits.maintainability:g}: the file "
                "is hard to change safely.",
                "Split the file by responsibility and simplify its most complex functions.",
                Evidence(
                    "metric",
                    f"maintainability index {mi:.1f} < {limits.maintainability:g}",
                    round(mi, 2),
                ),
                path,
                "CP-maintainability",
            )
        )
    return out


def _function_findings(
    path: str, fn: src.Function, cc: int | None, limits: Thresholds
) -> list[Finding]:
    out = []
    name = fn.qualname
    if cc is not None and cc > limits.complexity:
        sev = "error" if cc > limits.complexity_error else "warning"
        out.append(
            Finding(
                fn.line,
                fn.end_line,
                sev,
                "complexity",
                f"`{name}` has cyclomatic complexity {cc} (threshold {limits.complexity}).",
                "Extract the branches into well-named helpers or replace conditionals with a "
                "lookup table; add tests for each path first.",
                Evidence("metric", f"cyclomatic complexity {cc} > {limits.complexity}", cc),
                path,
                "CP-complexity",
            )
        )
    length = fn.end_line - fn.line + 1
    if length > limits.function_lines:
        out.append(
            Finding(
                fn.line,
                fn.end_line,
                "info",
                "size",
                f"`{name}` is {length} lines long (threshold {limits.function_lines}).",
                "Split it into smaller functions that each do one thing.",
                Evidence("metric", f"function length {length} > {limits.function_lines}", length),
                path,
                "CP-length",
            )
        )
    deep = [(d, s) for d, s in src.nesting(fn.node) if d > limits.nesting]
    if deep:
        depth = max(d for d, _ in deep)
        first = next(s for d, s in deep if d == limits.nesting + 1)
        out.append(
            Finding(
                first.lineno,
                first.end_lineno or first.lineno,
                "warning",
                "nesting",
                f"`{name}` nests control flow {depth} levels deep (threshold {limits.nesting}).",
                "Return early (guard clauses) or move the inner block into a function.",
                Evidence("metric", f"nesting depth {depth} > {limits.nesting}", depth),
                path,
                "CP-nesting",
            )
        )
    n = len(src.params(fn.node, method=fn.kind == "method"))
    if n > limits.params:
        out.append(
            Finding(
                fn.line,
                fn.line,
                "info",
                "design",
                f"`{name}` takes {n} parameters (threshold {limits.params}).",
                "Group related parameters into a dataclass or make the rarely used ones "
                "keyword-only with defaults.",
                Evidence("metric", f"{n} parameters > {limits.params}", n),
                path,
                "CP-params",
            )
        )
    return out


def _lizard_findings(path: str, m: Any, limits: Thresholds) -> list[Finding]:
    out = []
    if m.complexity > limits.complexity:
        sev = "error" if m.complexity > limits.complexity_error else "warning"
        out.append(
            Finding(
                m.lineno,
                m.endline,
                sev,
                "complexity",
                f"`{m.qualname}` has cyclomatic complexity {m.complexity} "
                f"(threshold {limits.complexity}).",
                "Extract branches into helpers; add tests for each path first.",
                Evidence(
                    "metric",
                    f"cyclomatic complexity {m.complexity} > {limits.complexity}",
                    m.complexity,
                ),
                path,
                "CP-complexity",
            )
        )
    if m.nesting is not None and m.nesting > limits.nesting:
        out.append(
            Finding(
                m.lineno,
                m.endline,
                "warning",
                "nesting",
                f"`{m.qualname}` nests {m.nesting} levels deep (threshold {limits.nesting}).",
                "Return early or move the inner block into a function.",
                Evidence("metric", f"nesting depth {m.nesting} > {limits.nesting}", m.nesting),
                path,
                "CP-nesting",
            )
        )
    return out


def history_findings(
    path: str,
    nlines: int,
    record: dict[str, Any] | None,
    hotspot_rank: int | None,
    limits: Thresholds,
) -> list[Finding]:
    """File-level findings from the analysis: a hotspot, a single owner, a bug magnet."""
    if not record:
        return []
    end = max(1, nlines)
    out = []
    score = record.get("hotspot_score") or 0.0
    if score > 0 and (
        score >= limits.hotspot_score or (hotspot_rank or 10**9) <= limits.hotspot_top
    ):
        out.append(
            Finding(
                1,
                end,
                "warning",
                "hotspot",
                f"Hotspot #{hotspot_rank}: changed in {counted(record['revisions'], 'commit')} "
                f"and among the most complex files (score {score:.2f}).",
                "Changes here are frequent and risky: review with extra care, add tests, and "
                "refactor the most complex functions first.",
                Evidence(
                    "history",
                    f"hotspot score {score:.2f}, rank {hotspot_rank}, "
                    f"{counted(record['revisions'], 'revision')}",
                    score,
                ),
                path,
                "CP-hotspot",
            )
        )
    share = record.get("ownership")
    if record.get("revisions", 0) >= 1 and (
        record.get("authors") == 1 or (share is not None and share >= limits.single_owner_share)
    ):
        who = record.get("main_author") or "one author"
        pct = f"{share * 100:.0f} %" if share is not None else "all"
        out.append(
            Finding(
                1,
                end,
                "info",
                "ownership",
                f"Single owner: {who} wrote {pct} of this file "
                f"({counted(record.get('authors'), 'author')}); knowledge is concentrated.",
                f"Ask {who} to review, and pair someone else on the next change here.",
                Evidence(
                    "history",
                    f"ownership {pct} by {who}, {counted(record.get('authors'), 'author')}",
                    share,
                ),
                path,
                "CP-single-owner",
            )
        )
    fixes = record.get("bugfixes") or 0
    if fixes >= limits.bugfixes:
        out.append(
            Finding(
                1,
                end,
                "warning",
                "bug-magnet",
                f"Bug magnet: {fixes} bug-fix commits touched this file.",
                "Look for the root cause shared by these fixes and cover it with tests.",
                Evidence("history", f"{fixes} bug-fix commits", fixes),
                path,
                "CP-bug-magnet",
            )
        )
    return out


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings, key=lambda f: (f.path, f.line, SEVERITY_ORDER.get(f.severity, 3), f.code)
    )


def measure_text(
    path: str, text: str, max_bytes: int, tree: ast.Module | None = None
) -> FileMetrics:
    """Metrics of `text`; `tree` (its `ast.parse`, when the caller has it) is not parsed again."""
    if text.startswith("\ufeff"):  # measured without its byte order mark: not the same text
        tree = None
    return measure(path, text.encode(), max_bytes=max_bytes, tree=tree)
