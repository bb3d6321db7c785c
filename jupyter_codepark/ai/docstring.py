"""The `docstring` task: a PEP 257 docstring (numpydoc or Google style) naming every parameter,
the return value and raised exceptions, returned as an edit the editor applies."""

from __future__ import annotations

import ast
import re
from typing import Any

from ..errors import InvalidInput, NotFound
from . import source as src
from .context import AISettings, Target, numbered
from .prompts import messages
from .records import OFFLINE_NOTE, Grounded

STYLES = ("numpy", "google")
_VERBS = {
    "add",
    "apply",
    "build",
    "calculate",
    "check",
    "clean",
    "close",
    "collect",
    "compute",
    "convert",
    "count",
    "create",
    "delete",
    "dump",
    "emit",
    "encode",
    "decode",
    "ensure",
    "fetch",
    "filter",
    "find",
    "format",
    "generate",
    "handle",
    "load",
    "make",
    "merge",
    "normalize",
    "open",
    "parse",
    "prepare",
    "print",
    "process",
    "read",
    "register",
    "remove",
    "render",
    "reset",
    "resolve",
    "run",
    "save",
    "send",
    "sort",
    "split",
    "start",
    "stop",
    "update",
    "validate",
    "write",
    "draw",
    "init",
    "initialize",
    "list",
    "map",
    "match",
}


def _words(name: str) -> list[str]:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w.lower() for w in name.strip("_").split("_") if w]


def summary_line(fn: src.Function) -> str:
    words = _words(fn.name)
    if fn.name == "__init__":
        return "Initialise the object."
    if not words:
        return "Run this function."
    head, rest = words[0], " ".join(words[1:])
    if head in ("get", "fetch") and rest:
        return f"Return the {rest}."
    if head in ("is", "has", "can", "should") and rest:
        return f"Return whether {'it ' + head + ' ' if head != 'is' else ''}{rest}.".replace(
            "whether it is", "whether"
        )
    if head in ("to", "as") and rest:
        return f"Convert to {rest}."
    if head in _VERBS:
        return f"{head.capitalize()}{' ' + rest if rest else ''}."
    if src.returns_value(fn.node):
        return f"Return the {' '.join(words)}."
    return f"{' '.join(words).capitalize()}."


def _literal_type(default: str | None) -> str | None:
    if default is None:
        return None
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        return None
    return None if value is None else type(value).__name__


def _returned_names(fn: src.FunctionNode) -> list[str]:
    names = []
    for n in src._own_nodes(fn):
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Name):
            names.append(n.value.id)
    return names


def build_docstring(fn: src.Function, style: str = "numpy", summary: str | None = None) -> str:
    """The docstring's text (no quotes, no indentation)."""
    params = src.params(fn.node, method=fn.kind == "method")
    items = []
    for p in params:
        star = {"vararg": "*", "kwarg": "**"}.get(p.kind, "")
        kind = p.annotation or _literal_type(p.default)
        desc = f"The {' '.join(_words(p.name)) or p.name}."
        if p.kind == "vararg":
            desc = "Extra positional arguments."
        elif p.kind == "kwarg":
            desc = "Extra keyword arguments."
        if p.default is not None:
            desc += f" Defaults to ``{p.default}``."
            kind = f"{kind}, optional" if kind else "optional"
        items.append((star + p.name, kind, desc))
    returns = None
    if src.yields(fn.node):
        returns = ("Yields", fn.node.returns and ast.unparse(fn.node.returns), "The items.")
    elif src.returns_value(fn.node):
        names = _returned_names(fn.node)
        what = f"The ``{names[-1]}``." if names else "The result."
        returns = ("Returns", ast.unparse(fn.node.returns) if fn.node.returns else None, what)
    raised = [
        (name, f"If ``{cond}``." if cond else "When the operation fails.")
        for name, cond in src.raises(fn.node)
    ]
    lines = [summary or summary_line(fn)]
    if style == "google":
        if items:
            lines += ["", "Args:"]
            lines += [f"    {n}{f' ({t})' if t else ''}: {d}" for n, t, d in items]
        if returns:
            lines += [
                "",
                f"{returns[0]}:",
                f"    {returns[1] + ': ' if returns[1] else ''}{returns[2]}",
            ]
        if raised:
            lines += ["", "Raises:"] + [f"    {n}: {d}" for n, d in raised]
    else:
        if items:
            lines += ["", "Parameters", "----------"]
            for n, t, d in items:
                lines += [f"{n} : {t}" if t else n, f"    {d}"]
        if returns:
            lines += [
                "",
                returns[0],
                "-" * len(returns[0]),
                returns[1] or "object",
                f"    {returns[2]}",
            ]
        if raised:
            lines += ["", "Raises", "------"]
            for n, d in raised:
                lines += [n, f"    {d}"]
    return "\n".join(lines)


def quote(doc: str, indent: str) -> str:
    """The docstring as source lines at `indent`, ending with a newline."""
    doc = doc.replace('"""', r"\"\"\"")
    prefix = "r" if "\\" in doc else ""
    body = doc.splitlines()
    if len(body) == 1:
        return f'{indent}{prefix}"""{body[0]}"""\n'
    out = [f'{indent}{prefix}"""{body[0]}']
    out += [f"{indent}{line}" if line else "" for line in body[1:]]
    out.append(f'{indent}"""')
    return "\n".join(out) + "\n"


def make_edit(target: Target, fn: src.Function, doc: str) -> dict[str, Any]:
    """Replace the existing docstring, or insert one before the body's first statement.
    Lines `line..end_line` (1-based, inclusive) are replaced by `new_text`; `end_line` =
    `line - 1` means a pure insertion before `line`."""
    first = fn.node.body[0]
    if first.lineno == fn.node.lineno:
        raise InvalidInput(
            f"`{fn.qualname}` is written on one line; split it before adding a docstring."
        )
    lines = target.text.splitlines()
    indent = re.match(r"\s*", lines[first.lineno - 1]).group(0)
    existing = src.docstring_range(fn.node)
    start, end = existing if existing else (first.lineno, first.lineno - 1)
    return {
        "path": target.display,
        "line": start,
        "end_line": end,
        "new_text": quote(doc, indent),
        "replaces_docstring": bool(existing),
    }


def apply_edit(text: str, edit: dict[str, Any]) -> str:
    lines = text.splitlines(keepends=True)
    return (
        "".join(lines[: edit["line"] - 1]) + edit["new_text"] + "".join(lines[edit["end_line"] :])
    )


def _function(target: Target) -> src.Function:
    tree = src.parse(target.text)
    if tree is None:
        raise InvalidInput(f"{target.display} does not parse as Python.")
    if not target.function and target.line is None:
        raise InvalidInput("`docstring` needs a `function` or a `line` inside it.")
    fn = src.find_function(tree, name=target.function, line=target.line)
    if fn is None:
        what = repr(target.function) if target.function else f"at line {target.line}"
        raise NotFound(f"No function {what} in {target.display}.")
    return fn


def missing_names(fn: src.Function, doc: str) -> list[str]:
    names = [p.name for p in src.params(fn.node, method=fn.kind == "method")]
    return [n for n in names if not re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", doc)]


def ground_docstring(target: Target, settings: AISettings, style: str | None = None) -> Grounded:
    style = style or settings.docstring_style
    if style not in STYLES:
        raise InvalidInput(f"`style` is one of {', '.join(STYLES)}.")
    fn = _function(target)
    doc = build_docstring(fn, style)
    record = {
        "target": {
            "path": target.display,
            "function": fn.qualname,
            "line": fn.line,
            "end_line": fn.end_line,
        },
        "style": style,
        "docstring": doc,
        "edit": make_edit(target, fn, doc),
        "parameters": [p.name for p in src.params(fn.node, method=fn.kind == "method")],
        "raises": [n for n, _ in src.raises(fn.node)],
    }
    text = f"```python\n{record['edit']['new_text']}```\n\n_{OFFLINE_NOTE}_"
    facts = {
        "function": fn.qualname,
        "signature": src.signature(fn.node),
        "style": style,
        "parameters": record["parameters"],
        "raises": record["raises"],
        "returns_value": src.returns_value(fn.node),
        "skeleton": doc,
    }
    prompt = messages(
        f"Write a PEP 257 docstring in {style} style for `{fn.qualname}`. Name every parameter "
        "in FACTS.parameters, the return value and each exception in FACTS.raises; improve the "
        "skeleton's descriptions from the code. Answer with the docstring text only: no quotes, "
        "no code fences, no indentation.",
        facts,
        numbered(target.text, fn.first_line, fn.end_line, limit=settings.max_prompt_lines),
    )

    def finish(record: dict[str, Any], model_text: str) -> dict[str, Any]:
        cleaned = _clean(model_text)
        missing = missing_names(fn, cleaned)
        if not cleaned or missing:
            record["model_docstring_rejected"] = (
                f"the model's docstring left out {', '.join(missing)}" if missing else "empty"
            )
            return record
        record["docstring"] = cleaned
        record["edit"] = make_edit(target, fn, cleaned)
        return record

    return Grounded("docstring", record, text, prompt, finish)


def _clean(text: str) -> str:
    text = text.strip()
    text = re.sub(r"^```\w*\n|\n?```$", "", text).strip()
    for q in ('"""', "'''"):
        if text.startswith(q) and text.endswith(q) and len(text) >= 6:
            text = text[3:-3].strip()
    lines = text.splitlines()
    if len(lines) > 1:
        import textwrap

        text = lines[0].strip() + "\n" + textwrap.dedent("\n".join(lines[1:]))
    return text.strip()
