"""Python source helpers on one `ast.parse`: functions, signatures, nesting, raises."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith, ast.Match)
if hasattr(ast, "TryStar"):
    _BLOCKS = (*_BLOCKS, ast.TryStar)


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    qualname: str
    kind: str  # "function" | "method"
    node: FunctionNode

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def end_line(self) -> int:
        return self.node.end_lineno or self.node.lineno

    @property
    def first_line(self) -> int:
        """The first line including decorators."""
        return min([self.node.lineno, *(d.lineno for d in self.node.decorator_list)])


def parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def functions(tree: ast.AST) -> list[Function]:
    """Every function and method, nested ones included, in source order."""
    out: list[Function] = []

    def children(node: ast.AST) -> list[ast.AST]:
        # definitions live in statement bodies only: never walk into expressions
        out: list[ast.AST] = []
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            value = getattr(node, name, None)
            if isinstance(value, list):
                out += value
        return out

    def visit(node: ast.AST, prefix: str, in_class: bool) -> None:
        for child in children(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                qual = f"{prefix}{child.name}"
                out.append(Function(child.name, qual, "method" if in_class else "function", child))
                visit(child, qual + ".", False)
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.", True)
            else:
                visit(child, prefix, in_class)

    visit(tree, "", False)
    return sorted(out, key=lambda f: (f.line, f.qualname))


def find_function(
    tree: ast.AST, name: str | None = None, line: int | None = None
) -> Function | None:
    """By qualified name (`Class.method`), by plain name (the first), or the innermost function
    containing `line`."""
    funcs = functions(tree)
    if name:
        for f in funcs:
            if f.qualname == name:
                return f
        for f in funcs:
            if f.name == name.rsplit(".", 1)[-1]:
                return f
        return None
    if line is not None:
        around = [f for f in funcs if f.first_line <= line <= f.end_line]
        return max(around, key=lambda f: f.line) if around else None
    return None


def _own_nodes(fn: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function's body, not descending into nested functions, classes or lambdas."""
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def nesting(fn: FunctionNode) -> list[tuple[int, ast.stmt]]:
    """(depth, statement) of every control-flow block in the function (an `elif` is not a level
    of its own), in source order."""
    out: list[tuple[int, ast.stmt]] = []

    def walk(stmts: list[ast.stmt], depth: int) -> None:
        for s in stmts:
            if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if isinstance(s, _BLOCKS):
                out.append((depth + 1, s))
                for field_name in ("body", "orelse", "finalbody", "handlers", "cases"):
                    children = getattr(s, field_name, None) or []
                    if (
                        field_name == "orelse"
                        and isinstance(s, ast.If)
                        and len(children) == 1
                        and isinstance(children[0], ast.If)
                    ):  # elif: same level as its if
                        out.append((depth + 1, children[0]))
                        walk_elif(children[0], depth)
                        continue
                    for c in children:
                        if isinstance(c, ast.ExceptHandler | ast.match_case):
                            walk(c.body, depth + 1)
                        else:
                            walk([c], depth + 1)

    def walk_elif(node: ast.If, depth: int) -> None:
        walk(node.body, depth + 1)
        rest = node.orelse
        if len(rest) == 1 and isinstance(rest[0], ast.If):
            out.append((depth + 1, rest[0]))
            walk_elif(rest[0], depth)
        else:
            walk(rest, depth + 1)

    walk(fn.body, 0)
    out.sort(key=lambda d: (d[1].lineno, d[0]))
    return out


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    annotation: str | None
    default: str | None
    kind: str  # positional, vararg, keyword, kwarg


def params(fn: FunctionNode, *, method: bool = False) -> list[Param]:
    """Parameters in order; a method's first (self/cls) is left out."""
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = []
    for arg, default in zip(positional, defaults, strict=True):
        out.append(Param(arg.arg, _unparse(arg.annotation), _unparse(default), "positional"))
    if a.vararg:
        out.append(Param(a.vararg.arg, _unparse(a.vararg.annotation), None, "vararg"))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        out.append(Param(arg.arg, _unparse(arg.annotation), _unparse(default), "keyword"))
    if a.kwarg:
        out.append(Param(a.kwarg.arg, _unparse(a.kwarg.annotation), None, "kwarg"))
    is_static = any(_unparse(d) == "staticmethod" for d in fn.decorator_list)
    if method and not is_static and out and out[0].kind == "positional":
        out = out[1:]
    return out


def _unparse(node: ast.AST | None) -> str | None:
    return ast.unparse(node) if node is not None else None


def signature(fn: FunctionNode) -> str:
    prefix = "async def" if isinstance(fn, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(fn.returns)}" if fn.returns is not None else ""
    return f"{prefix} {fn.name}({ast.unparse(fn.args)}){returns}"


def returns_value(fn: FunctionNode) -> bool:
    return any(
        isinstance(n, ast.Return)
        and n.value is not None
        and not (isinstance(n.value, ast.Constant) and n.value.value is None)
        for n in _own_nodes(fn)
    )


def yields(fn: FunctionNode) -> bool:
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in _own_nodes(fn))


def raises(fn: FunctionNode) -> list[tuple[str, str | None]]:
    """(exception name, condition or None) of each `raise X` in the function, in order, once per
    name; a bare `raise` (re-raise) is left out."""
    conditions: dict[int, str] = {}
    for node in _own_nodes(fn):
        if isinstance(node, ast.If):
            for s in node.body:
                conditions[id(s)] = ast.unparse(node.test)
    found: dict[str, str | None] = {}
    for node in sorted(
        (n for n in _own_nodes(fn) if isinstance(n, ast.Raise)), key=lambda n: n.lineno
    ):
        if node.exc is None:
            continue
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        name = ast.unparse(exc)
        found.setdefault(name, conditions.get(id(node)))
    return list(found.items())


def calls(fn: FunctionNode) -> list[str]:
    """Names the function calls (distinct, in order of first call)."""
    names: dict[str, None] = {}
    for node in sorted(
        (n for n in _own_nodes(fn) if isinstance(n, ast.Call)),
        key=lambda n: (n.lineno, n.col_offset),
    ):
        names.setdefault(ast.unparse(node.func), None)
    return list(names)


def docstring_range(fn: FunctionNode) -> tuple[int, int] | None:
    """Lines of the function's existing docstring, if it has one."""
    body = fn.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[0].lineno, body[0].end_lineno or body[0].lineno
    return None
