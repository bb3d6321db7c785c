"""radon's blocks (``cc_visit`` + ``add_inner_blocks``) from a tree of scopes whose decisions
are already counted: complexities, radon's end lines, qualified names."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from math import inf

__all__ = ["NO_RECORD", "Block", "Scope", "radon_blocks"]

# radon's ComplexityVisitor neither records the line of these nodes nor visits their contents
# when they are reached from an enclosing block.
NO_RECORD = frozenset([ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assert])


def _all_node_types() -> set[type]:
    seen: set[type] = set()
    todo = [ast.AST]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen - {ast.Name, ast.Constant}


_NOT_CHILDREN = {
    "ctx",
    "op",
    "ops",
    "type_comment",
    "name",
    "id",
    "attr",
    "arg",
    "kind",
    "level",
    "module",
    "is_async",
    "simple",
    "conversion",
    "tag",
}
# fields that may hold nodes, per node type (names and constants have none)
_CHILD_FIELDS = {
    t: tuple(f for f in t._fields if f not in _NOT_CHILDREN) for t in _all_node_types()
}


@dataclass(slots=True)
class Block:
    """A radon block: function, method, nested function or class."""

    name: str
    qualname: str
    kind: str  # 'function' | 'method' | 'class'
    lineno: int
    endline: int
    complexity: int
    depth: int  # 0 for blocks radon's cc_visit returns, > 0 for closures / inner classes
    length: int  # physical lines from the def/class line to the AST end_lineno
    params: int | None = None


@dataclass(slots=True, eq=False)
class Scope:
    """A module, function or class body: its own decisions and nested scopes."""

    node: ast.AST | None
    parent: Scope | None
    decisions: int = 0
    children: list[Scope] = field(default_factory=list)

    @property
    def is_class(self) -> bool:
        return type(self.node) is ast.ClassDef


def _max_line(node: ast.AST) -> float:
    """The greatest ``lineno`` radon's ComplexityVisitor records while visiting ``node``:
    every node but defs, classes, asserts and what they hold. A subtree ending on or before
    the best line so far cannot raise it, so mostly only the last line is walked."""
    best: float = -inf
    stack: list = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    no_record, joined, child_fields = NO_RECORD, ast.JoinedStr, _CHILD_FIELDS
    while stack:
        n = pop()
        t = type(n)
        if t in no_record:
            continue
        line = getattr(n, "lineno", None)
        if line is not None:
            if n.end_lineno <= best and t is not joined:
                continue
            if line > best:
                best = line
        for name in child_fields.get(t, ()):  # non-nodes pushed here are dropped above
            value = getattr(n, name)
            if type(value) is list:
                extend(value)
            elif value is not None:
                push(value)
    return best


def _param_count(node: ast.AST) -> int:
    a = node.args
    return (
        len(a.posonlyargs)
        + len(a.args)
        + len(a.kwonlyargs)
        + (a.vararg is not None)
        + (a.kwarg is not None)
    )


class _Report:
    """Turns the scope tree into radon's blocks (cc_visit + add_inner_blocks)."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def function(self, scope: Scope, prefix: str, kind: str, depth: int) -> int:
        node = scope.node
        complexity = 1 + scope.decisions
        endline = max(node.lineno, _max_line(node.body[-1]))
        qualname = f"{prefix}{node.name}"
        self.blocks.append(
            Block(
                node.name,
                qualname,
                kind,
                node.lineno,
                int(endline),
                complexity,
                depth,
                node.end_lineno - node.lineno + 1,
                _param_count(node),
            )
        )
        for child in scope.children:
            if not child.is_class:  # classes inside functions are dropped by radon
                self.function(child, qualname + ".", "function", depth + 1)
        return complexity

    def klass(self, scope: Scope, prefix: str, depth: int) -> int:
        node = scope.node
        qualname = f"{prefix}{node.name}"
        index = len(self.blocks)
        self.blocks.append(None)  # type: ignore[arg-type]  # filled below, keeps order
        real = 1 + scope.decisions
        ends = [node.lineno, *(_max_line(c) for c in node.body if type(c) not in NO_RECORD)]
        methods = 0
        for child in scope.children:
            if child.is_class:
                self.klass(child, qualname + ".", depth + 1)
            else:
                start = len(self.blocks)
                real += self.function(child, qualname + ".", "method", depth)
                ends.append(self.blocks[start].endline)
                methods += 1
        shown = int(real / float(methods)) + (methods > 1) if methods else real
        self.blocks[index] = Block(
            node.name,
            qualname,
            "class",
            node.lineno,
            int(max(ends)),
            shown,
            depth,
            node.end_lineno - node.lineno + 1,
        )
        return real


def radon_blocks(module: Scope) -> tuple[list[Block], int]:
    """Blocks sorted by line, and radon's ``total_complexity`` of the module (the module's
    own decisions + 1, plus each top-level function's and class's complexity - 1)."""
    report = _Report()
    total = 1 + module.decisions
    for scope in module.children:
        if scope.is_class:
            total += report.klass(scope, "", 0) - 1
        else:
            total += report.function(scope, "", "function", 0) - 1
    report.blocks.sort(key=lambda b: (b.lineno, b.depth))
    return report.blocks, total
