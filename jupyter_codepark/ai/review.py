"""The `review` task: findings for a file, a line range, a function or a diff."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import InvalidInput, NotFound
from . import source as src
from .context import AISettings, Target, display_path, file_facts, numbered, read_text
from .facts import RepoFacts, Workspace, find_repo_top
from .prompts import messages
from .records import OFFLINE_NOTE, Finding, Grounded
from .rules import (
    PYTHON_SUFFIXES,
    counted,
    history_findings,
    measure_text,
    metric_findings,
    ruff_check,
    ruff_check_many,
    ruff_findings,
    sort_findings,
)


def review_text(
    display: str,
    rel: str | None,
    text: str,
    facts: RepoFacts | None,
    settings: AISettings,
    diagnostics: list[dict[str, Any]] | None | bool = True,
    code_path: str | None = None,
) -> tuple[list[Finding], bool]:
    """Every finding of one file and whether ruff ran. `diagnostics`: ruff's output when the
    caller ran it in bulk, True to run it here, None/False to skip it. `code_path`: the name
    rules and metrics see (a notebook's joined code is `<name>.ipynb.py`)."""
    findings: list[Finding] = []
    ran = False
    checked = code_path or rel or display
    if checked.endswith(PYTHON_SUFFIXES) or display.endswith(PYTHON_SUFFIXES):
        if diagnostics is True:
            diagnostics = ruff_check(checked, text, settings.ruff_select)
        if isinstance(diagnostics, list):
            ran = True
            findings += ruff_findings(display, diagnostics)
    tree = src.parse(text) if checked.endswith(PYTHON_SUFFIXES) else None  # parsed once
    metrics = measure_text(checked, text, settings.max_input_bytes, tree)
    findings += metric_findings(display, text, metrics, settings.thresholds, tree)
    if facts is not None and rel is not None:
        findings += history_findings(
            display,
            len(text.splitlines()),
            facts.file(rel),
            facts.hotspot_rank(rel),
            settings.thresholds,
        )
    return sort_findings(findings), ran


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One file of a batch review: how it is shown, its path in its repository, its text."""

    display: str
    rel: str | None
    text: str


class MapExecutor(Protocol):
    """What `review_many` needs of an executor (`jupyter_codepark.analysis.executors`)."""

    workers: int

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]: ...


def _review_chunk(
    job: tuple[list[ReviewItem], AISettings],
) -> list[tuple[str, list[Finding], bool]]:
    """Rules and metrics of a chunk of files (ruff once over the chunk); runs in a worker."""
    items, settings = job
    python = {
        i.rel or i.display: i.text
        for i in items
        if i.display.endswith(PYTHON_SUFFIXES) or (i.rel or "").endswith(PYTHON_SUFFIXES)
    }
    ruff = ruff_check_many(python, settings.ruff_select) if python else None
    out = []
    for i in items:
        key = i.rel or i.display
        diagnostics = ruff.get(key) if ruff is not None and key in python else None
        found, ran = review_text(i.display, i.rel, i.text, None, settings, diagnostics)
        out.append((i.display, found, ran))
    return out


def review_many(
    items: list[ReviewItem],
    facts: RepoFacts | None,
    settings: AISettings,
    executor: MapExecutor | None = None,
    chunk_files: int | None = None,
) -> dict[str, tuple[list[Finding], bool]]:
    """`review_text` of many files of one repository, by display path: rules and metrics in
    chunks on `executor` (a process pool spreads them over the cores; None runs them here),
    one ruff process per chunk; history findings from `facts` here. Same findings as
    `review_text` file by file."""
    if len({i.display for i in items}) != len(items):
        raise InvalidInput("Each file of a batch review must have its own path.")
    if chunk_files is None:  # about four chunks per worker (balance), 8-64 files each
        workers = executor.workers if executor is not None else 1
        chunk_files = min(64, max(8, -(-len(items) // (4 * workers))))
    chunks = [
        (items[k : k + chunk_files], settings) for k in range(0, len(items), max(1, chunk_files))
    ]
    done = (
        map(_review_chunk, chunks)
        if executor is None
        else executor.map_unordered(_review_chunk, chunks)
    )
    by_display = {i.display: i for i in items}
    out: dict[str, tuple[list[Finding], bool]] = {}
    for chunk in done:
        for display, found, ran in chunk:
            item = by_display[display]
            if facts is not None and item.rel is not None:
                found = sort_findings(
                    found
                    + history_findings(
                        display,
                        len(item.text.splitlines()),
                        facts.file(item.rel),
                        facts.hotspot_rank(item.rel),
                        settings.thresholds,
                    )
                )
            out[display] = (found, ran)
    return {i.display: out[i.display] for i in items}


def _range_of(target: Target) -> tuple[int, int] | None:
    if target.function:
        tree = src.parse(target.text)
        fn = src.find_function(tree, name=target.function) if tree else None
        if fn is None:
            raise NotFound(f"No function {target.function!r} in {target.display}.")
        return fn.first_line, fn.end_line
    if target.line is not None:
        return target.line, target.end_line or target.line
    return None


def ground_review(target: Target, settings: AISettings) -> Grounded:
    findings, ran = review_text(
        target.display, target.rel, target.text, target.facts, settings, code_path=target.code_path
    )
    where = _range_of(target)
    if where is not None:
        findings = [f for f in findings if f.overlaps(*where)]
    record = {
        "target": {
            "path": target.display,
            "line": where[0] if where else None,
            "end_line": where[1] if where else None,
            "function": target.function,
        },
        "findings": [f.to_json() for f in findings],
        "counts": dict(Counter(f.severity for f in findings)),
        "file": file_facts(target),
        "checks": {
            "ruff": ran,
            "metrics": True,
            "history": bool(target.facts and target.facts.result),
        },
    }
    text = review_summary(target.display, where, findings, record["file"])
    code = numbered(target.text, *(where or (1, None)), limit=settings.max_prompt_lines)
    prompt = messages(
        "Review this code. Start from the FINDINGS (they are certain); explain the most "
        "important ones, say what to fix first and why, and add anything else you see in the "
        "code. Do not repeat every finding verbatim.",
        {
            "path": target.display,
            "range": where,
            "findings": record["findings"],
            "file_history_and_metrics": record["file"],
        },
        code,
    )
    return Grounded("review", record, text, prompt)


def review_summary(
    display: str, where: tuple[int, int] | None, findings: list[Finding], file: dict[str, Any]
) -> str:
    span = f" (lines {where[0]}–{where[1]})" if where else ""
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
        for s in ("error", "warning", "info")
        if counts[s]
    ]
    head = f"**CodePark review of `{display}`{span}**: "
    head += f"{len(findings)} finding(s) — {', '.join(parts)}." if findings else "no findings."
    lines = [head, ""]
    for f in findings[:50]:
        lines.append(
            f"- L{f.line}–{f.end_line} **{f.severity}** ({f.category}): {f.message} "
            f"→ {f.suggestion} [{f.evidence.source}: {f.evidence.detail}]"
        )
    if len(findings) > 50:
        lines.append(f"- … and {len(findings) - 50} more.")
    if file.get("analysed"):
        lines += ["", _history_line(file)]
    elif file.get("why"):
        lines += ["", f"History not used: {file['why']}."]
    lines += ["", f"_{OFFLINE_NOTE}_"]
    return "\n".join(lines)


def _history_line(file: dict[str, Any]) -> str:
    own = f"{file['ownership'] * 100:.0f} %" if file.get("ownership") is not None else "n/a"
    rank = f", hotspot #{file['hotspot_rank']}" if file.get("hotspot_rank") else ""
    return (
        f"History: {counted(file['revisions'], 'commit')} by "
        f"{counted(file['authors'], 'author')}; main author "
        f"{file['main_author']} ({own}); {file['bugfixes']} bug-fix commits; hotspot score "
        f"{file['hotspot_score']:.2f}{rank} [history]."
    )


# -- diffs ------------------------------------------------------------------------------------

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def added_lines(diff: str) -> dict[str, set[int]]:
    """Lines each file of a unified diff adds or changes (new-side numbers), by path."""
    out: dict[str, set[int]] = {}
    path: str | None = None
    new_line = 0
    for raw in diff.splitlines():
        if raw.startswith("+++ "):
            name = raw[4:].split("\t", 1)[0].strip()
            path = None if name == "/dev/null" else re.sub(r"^[ab]/", "", name)
            if path is not None:
                out.setdefault(path, set())
            continue
        m = _HUNK.match(raw)
        if m:
            new_line = int(m.group(1))
            continue
        if path is None or raw.startswith(("--- ", "diff ", "index ")):
            continue
        if raw.startswith("+"):
            out[path].add(new_line)
            new_line += 1
        elif raw.startswith(" "):
            new_line += 1
    return out


def ground_review_diff(
    base_dir: str, diff: str, workspace: Workspace, settings: AISettings
) -> Grounded:
    """Review the files a diff changes (their current text under `base_dir`), keeping findings
    on added lines plus each file's history findings."""
    changed = added_lines(diff)
    if not changed:
        raise InvalidInput("`diff` has no file changes (expected a unified diff, e.g. git diff).")
    files = []
    base = os.path.realpath(base_dir)
    by_top: dict[str | None, list[ReviewItem]] = {}
    lines_of: dict[str, set[int]] = {}
    for path, lines in sorted(changed.items()):
        abs_path = os.path.realpath(os.path.join(base, path))
        if not abs_path.startswith(base + os.sep) or not os.path.isfile(abs_path):
            files.append({"path": path, "reviewed": False, "why": "not found under the folder"})
            continue
        text = read_text(abs_path, settings.max_input_bytes)
        top = find_repo_top(abs_path)
        rel = os.path.relpath(abs_path, top).replace(os.sep, "/") if top else None
        shown = display_path(settings, abs_path)
        by_top.setdefault(top, []).append(ReviewItem(shown, rel, text))
        lines_of[shown] = lines
        files.append({"path": shown, "reviewed": True, "added_lines": len(lines)})
    findings: list[Finding] = []
    for top, items in by_top.items():  # one ruff process per repository, not one per file
        facts = workspace.facts(top) if top else None
        for shown, (found, _) in review_many(items, facts, settings).items():
            lines = lines_of[shown]
            findings += [
                f
                for f in found
                if f.code.startswith("CP-")
                and f.category in ("hotspot", "ownership", "bug-magnet")
                or any(f.line <= n <= f.end_line for n in lines)
            ]
    findings = sort_findings(findings)
    record = {
        "target": {"diff": True, "files": files},
        "findings": [f.to_json() for f in findings],
        "counts": dict(Counter(f.severity for f in findings)),
    }
    text = review_summary("the diff", None, findings, {})
    prompt = messages(
        "Review this change. Start from the FINDINGS on the added lines (they are certain); "
        "say what to fix before merging and why.",
        {"files": files, "findings": record["findings"]},
        diff[:20000],
    )
    return Grounded("review", record, text, prompt)
