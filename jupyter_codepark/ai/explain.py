"""The `explain` task: what a function (or a line range) does, with facts from the repository."""

from __future__ import annotations

import ast
import time
from collections import Counter
from typing import Any

from ..errors import InvalidInput, NotFound
from . import source as src
from .context import AISettings, Target, file_facts, numbered
from .prompts import messages
from .records import OFFLINE_NOTE, Grounded
from .rules import measure_text


def _pick(target: Target) -> tuple[src.Function | None, int, int]:
    tree = src.parse(target.text)
    if target.function:
        fn = src.find_function(tree, name=target.function) if tree else None
        if fn is None:
            raise NotFound(f"No function {target.function!r} in {target.display}.")
        return fn, fn.first_line, fn.end_line
    if target.line is None:
        raise InvalidInput("`explain` needs a `function` or a `line` (and `end_line`).")
    fn = src.find_function(tree, line=target.line) if tree else None
    end = target.end_line or target.line
    if fn is not None and end <= fn.end_line:
        return fn, fn.first_line, fn.end_line
    return None, target.line, min(end, max(target.nlines, target.line))


def _when(ts: float | None) -> str | None:
    return time.strftime("%Y-%m-%d", time.gmtime(ts)) if ts else None


def ground_explain(target: Target, settings: AISettings) -> Grounded:
    fn, line, end = _pick(target)
    facts: dict[str, Any] = {"path": target.display, "line": line, "end_line": end}
    if fn is not None:
        facts.update(_function_facts(target, fn, settings))
    else:
        tree = src.parse(target.text)
        inside = [f.qualname for f in src.functions(tree) if line <= f.line <= end] if tree else []
        facts["functions_in_range"] = inside
    facts["history"] = _history(target, line, end)
    facts["file"] = file_facts(target)
    if target.facts is not None and target.rel is not None:
        facts["changes_with"] = target.facts.coupled(target.rel)
    text = explain_text(facts)
    prompt = messages(
        "Explain what this code does and how it fits in the repository, for a developer about "
        "to change it: purpose, inputs and outputs, notable branches, risks. Use the FACTS "
        "(signature, complexity, where it is used, its history, files that change with it).",
        facts,
        numbered(target.text, line, end, limit=settings.max_prompt_lines),
    )
    return Grounded(
        "explain",
        {"target": {"path": target.display, "line": line, "end_line": end}, "facts": facts},
        text,
        prompt,
    )


def _function_facts(target: Target, fn: src.Function, settings: AISettings) -> dict[str, Any]:
    metrics = measure_text(target.code_path, target.text, settings.max_input_bytes)
    m = next((x for x in metrics.functions if x.lineno == fn.line and x.name == fn.name), None)
    depth = max((d for d, _ in src.nesting(fn.node)), default=0)
    doc = ast.get_docstring(fn.node)
    out: dict[str, Any] = {
        "function": fn.qualname,
        "kind": fn.kind,
        "signature": src.signature(fn.node),
        "docstring": doc.strip().splitlines()[0] if doc else None,
        "complexity": m.complexity if m else None,
        "lines": fn.end_line - fn.line + 1,
        "nesting": depth,
        "parameters": [p.name for p in src.params(fn.node, method=fn.kind == "method")],
        "calls": src.calls(fn.node)[:20],
        "returns_value": src.returns_value(fn.node),
        "raises": [name for name, _ in src.raises(fn.node)],
    }
    if target.facts is not None:
        used = [
            u
            for u in target.facts.usages(fn.name)
            if not (u["path"] == target.rel and u["line"] == fn.line)
            and not u["text"].startswith(("def ", "async def "))
        ]
        out["used_in"] = used[:20]
        out["uses"] = len(used)
    return out


def _history(target: Target, line: int, end: int) -> dict[str, Any]:
    facts = target.facts
    if facts is None or target.rel is None:
        return {"known": False}
    # a notebook's joined code has no lines in git: its file history stands in
    commits = facts.line_history(target.rel, line, end) if target.cells is None else []
    scope = "lines"
    if not commits:
        scope = "file"
        commits = [
            {
                "sha": c["sha"],
                "author": c["author_name"],
                "time": c["author_time"],
                "subject": c["subject"],
            }
            for c in reversed(facts.file_history(target.rel))
        ]
    if not commits:
        return {"known": False}
    authors = Counter(c["author"] for c in commits)
    last = commits[0]
    return {
        "known": True,
        "scope": scope,  # "lines": git log -L on these lines; "file": the whole file
        "changes": len(commits),
        "authors": [{"name": n, "commits": k} for n, k in authors.most_common()],
        "last_change": {
            "author": last["author"],
            "date": _when(last["time"]),
            "subject": last["subject"],
            "sha": last["sha"][:12],
        },
        "first_change": _when(commits[-1]["time"]),
    }


def explain_text(f: dict[str, Any]) -> str:
    lines = []
    if "function" in f:
        lines.append(
            f"**`{f['function']}`** ({f['kind']}, `{f['path']}` lines {f['line']}–{f['end_line']})"
        )
        lines.append(f"`{f['signature']}`")
        lines.append("")
        what = [f"_{f['docstring']}_"] if f.get("docstring") else []
        params = f["parameters"]
        what.append(
            f"It takes {', '.join(f'`{p}`' for p in params)}."
            if params
            else "It takes no arguments."
        )
        if f["calls"]:
            what.append(f"It calls {', '.join(f'`{c}`' for c in f['calls'][:8])}.")
        what.append("It returns a value." if f["returns_value"] else "It returns nothing.")
        if f["raises"]:
            what.append(f"It may raise {', '.join(f'`{r}`' for r in f['raises'])}.")
        lines.append(" ".join(what) + " [ast]")
        cc = f.get("complexity")
        lines.append(
            f"- Complexity {cc if cc is not None else 'n/a'}, {f['lines']} lines, nesting "
            f"depth {f['nesting']} [metric]"
        )
        if "uses" in f:
            where = ", ".join(f"`{u['path']}:{u['line']}`" for u in f["used_in"][:5])
            lines.append(
                f"- Used {f['uses']} time(s) in the repository"
                + (f": {where}" if where else "")
                + " [analysis]"
            )
    else:
        lines.append(f"**`{f['path']}` lines {f['line']}–{f['end_line']}**")
        inside = f.get("functions_in_range") or []
        if inside:
            lines.append(f"Defines {', '.join(f'`{n}`' for n in inside)} [ast]")
    h = f.get("history") or {}
    if h.get("known"):
        who = ", ".join(f"{a['name']} ({a['commits']})" for a in h["authors"][:4])
        last = h["last_change"]
        scope = "these lines" if h["scope"] == "lines" else "the file"
        lines.append(
            f"- Changed {h['changes']} time(s) ({scope}) by {who}; last on {last['date']} by "
            f'{last["author"]}: "{last["subject"]}" [history]'
        )
    co = f.get("changes_with") or []
    if co:
        lines.append(
            "- Changes together with "
            + ", ".join(f"`{c['path']}` ({c['shared']}×)" for c in co[:5])
            + " [history]"
        )
    file = f.get("file") or {}
    if file.get("analysed") and file.get("hotspot_rank"):
        lines.append(
            f"- The file is hotspot #{file['hotspot_rank']} (score {file['hotspot_score']:.2f})"
            " [history]"
        )
    lines += ["", f"_{OFFLINE_NOTE}_"]
    return "\n".join(lines)
