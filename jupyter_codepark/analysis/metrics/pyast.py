"""Radon-equal cyclomatic complexity and Halstead totals from one Python AST.

radon 6.0.1 walks the tree three times with ``ast.NodeVisitor`` (``cc_visit``, ``h_visit`` and
again inside ``mi_visit``). Here the tree is flattened once in C (``gc.get_referents`` over
whole tree levels), only the ~5 % of nodes that matter are looked at in Python, and each is
attributed to its function/class by source position. The results reproduce radon's rules,
quirks included:

* a function's complexity is 1 + its decisions, not those of nested functions/classes;
  decorators, arguments and annotations are not visited; ``assert`` counts 1 and its
  contents are not visited; ``try`` counts its handlers + ``else``; ``except*`` counts 0;
  ``match`` counts its cases minus one if any case is a bare capture/wildcard;
* a class's "real" complexity is 1 + the decisions in its body + its methods' complexities,
  reported as ``int(real / methods) + (methods > 1)``; class headers are not visited;
* a function's end line is the greatest *start* line of a node in its *last* statement
  (nested defs, classes and asserts do not count), or the ``def`` line;
* Halstead operands are keyed by the innermost enclosing function name (class bodies share
  their parent's), operands other than names, attributes and constants are all distinct.
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from dataclasses import dataclass
from gc import get_referents
from itertools import compress, repeat
from math import log
from operator import attrgetter

from .pyblocks import Block, Scope, radon_blocks

__all__ = ["Block", "Halstead", "TreeMetrics", "analyze_tree"]


def _concrete_types() -> tuple[frozenset[type], frozenset[type]]:
    seen: set[type] = set()
    todo = [ast.AST]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    shared = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
    singletons = frozenset(t for t in seen if issubclass(t, shared))
    return frozenset(seen - singletons), singletons


_NODE_TYPES, _ = _concrete_types()
# Names and constants are never needed themselves (operands are read from their parent)
# and have no child nodes: not descending into them halves the work.
# ``arg`` only holds annotations (in def headers, which radon skips) and ``alias`` nothing.
_INNER_TYPES = _NODE_TYPES - {ast.Name, ast.Constant, ast.arg, ast.alias}
_WANTED_TYPES = _INNER_TYPES | {list}
_DICT = frozenset([dict])
_LIST = frozenset([list])
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = frozenset([*_DEFS, ast.ClassDef])
_DECISIONS = frozenset(
    [ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.Match, ast.comprehension]
)
_OPERATORS = frozenset([ast.BinOp, ast.UnaryOp, ast.AugAssign, ast.Compare])
_PICK = frozenset(_SCOPES | _DECISIONS | _OPERATORS | {ast.BoolOp, ast.Assert})
_POSITION = attrgetter("lineno", "col_offset")
_END = (1 << 62, 0)
_COMPREHENSION = frozenset([ast.comprehension])
_SKIP = object()  # Halstead context of nodes radon never visits (def headers)


def _flatten(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but names, constants and the shared operator/context singletons,
    level by level: ``gc.get_referents`` of a node is its type and its ``__dict__``, of a dict
    its values, of a list its items; all filtering runs in C."""
    out: list[ast.AST] = []
    level: list[ast.AST] = [tree]
    is_inner, is_wanted, is_list = (
        _INNER_TYPES.__contains__,
        _WANTED_TYPES.__contains__,
        _LIST.__contains__,
    )
    while level:
        out += level
        refs = get_referents(*level)
        if len(refs) == 2 * len(level):  # each node gave (type, dict), in that order
            dicts = refs[1::2]
        else:
            dicts = list(compress(refs, map(_DICT.__contains__, map(type, refs))))
        values = get_referents(*dicts)
        level = list(compress(values, map(is_wanted, map(type, values))))
        kinds = list(map(type, level))
        if list in kinds:  # lists of statements, arguments, ...: open them
            items = get_referents(*compress(level, map(is_list, kinds)))
            level = list(compress(level, map(is_inner, kinds)))
            level += compress(items, map(is_inner, map(type, items)))
    return out


@dataclass(slots=True)
class Halstead:
    h1: int
    h2: int
    N1: int
    N2: int
    vocabulary: int
    length: int
    calculated_length: float
    volume: float
    difficulty: float
    effort: float
    time: float
    bugs: float


@dataclass(slots=True)
class TreeMetrics:
    blocks: list[Block]
    total_complexity: int  # radon ComplexityVisitor(...).total_complexity (used by MI)
    halstead: Halstead


Position = tuple[int, int]  # (line, column)


def _start(node: ast.AST) -> Position:
    decorators = getattr(node, "decorator_list", None)
    return _POSITION(decorators[0] if decorators else node)


def _end(node: ast.AST) -> Position:
    return node.end_lineno, node.end_col_offset


def _regions(scopes: list[ast.AST], asserts: list[ast.AST]) -> list[tuple]:
    """(start, end, kind, node): kind 0 def header, 1 def body, 2 class header, 3 class
    body, 4 assert. Sorted so that enclosing regions come first."""
    regions = []
    for node in scopes:
        body_start = _start(node.body[0])
        cls = type(node) is ast.ClassDef
        regions.append((_start(node), body_start, 2 if cls else 0, node))
        regions.append((body_start, _end(node), 3 if cls else 1, node))
    for node in asserts:
        regions.append((_POSITION(node), _end(node), 4, node))
    regions.sort(key=lambda r: (r[0], -r[1][0], -r[1][1]))
    return regions


def _segments(module: Scope, regions: list[tuple]) -> tuple[list[Position], list[tuple]]:
    """Sweep nested regions into sorted boundary points with the label in force from each:
    (cc scope or None, Halstead context or _SKIP)."""
    base = (module, None)
    points, labels = [(0, 0)], [base]
    stack: list[tuple[Position, tuple]] = [(_END, base)]
    for start, end, kind, node in regions:
        while stack[-1][0] <= start:
            points.append(stack.pop()[0])
            labels.append(stack[-1][1])
        parent_scope, parent_ctx = stack[-1][1]
        if kind == 0:
            label = (None, _SKIP)
        elif kind == 2:
            label = (None, parent_ctx)
        elif kind == 4:
            parent_scope.decisions += 1  # the assert itself; its contents are not visited
            label = (None, parent_ctx)
        else:
            scope = Scope(node, parent_scope)
            parent_scope.children.append(scope)
            label = (scope, node.name if kind == 1 else parent_ctx)
        points.append(start)
        labels.append(label)
        stack.append((end, label))
    while len(stack) > 1:
        points.append(stack.pop()[0])
        labels.append(stack[-1][1])
    return points, labels


def _count(picked: list[ast.AST], points: list[Position], labels: list[tuple]) -> tuple:
    """Add decisions to scopes; gather Halstead operators and operands."""
    operators: set[type] = set()
    operands: set[tuple] = set()
    n1 = n2 = unique = 0
    name_t, attr_t, const_t = ast.Name, ast.Attribute, ast.Constant
    kinds = list(map(type, picked))
    if len(points) == 1:
        resolved = repeat(labels[0])
    else:  # look every node's region up in C; a comprehension has its target's position
        anchors = picked.copy()
        for i in compress(range(len(kinds)), map(_COMPREHENSION.__contains__, kinds)):
            anchors[i] = picked[i].target
        shifted = [None, *labels]
        resolved = map(
            shifted.__getitem__, map(bisect_right, repeat(points), map(_POSITION, anchors))
        )
    for node, t, (scope, ctx) in zip(picked, kinds, resolved, strict=False):  # may repeat()
        if scope is not None:
            if t is ast.BoolOp:
                scope.decisions += len(node.values) - 1
            elif t is ast.If or t is ast.IfExp:
                scope.decisions += 1
            elif t is ast.comprehension:
                scope.decisions += len(node.ifs) + 1
            elif t is ast.For or t is ast.While or t is ast.AsyncFor:
                scope.decisions += bool(node.orelse) + 1
            elif t is ast.Try:
                scope.decisions += len(node.handlers) + bool(node.orelse)
            elif t is ast.Match:
                wild = any(getattr(c.pattern, "pattern", False) is None for c in node.cases)
                scope.decisions += max(0, len(node.cases) - wild)
        if ctx is _SKIP:
            continue
        if t is ast.Compare:
            n1 += len(node.ops)
            n2 += len(node.comparators) + 1
            operators.update(map(type, node.ops))
            values = [*node.comparators, node.left]
        elif t is ast.BinOp:
            n1 += 1
            n2 += 2
            operators.add(type(node.op))
            values = (node.left, node.right)
        elif t is ast.BoolOp:
            n1 += 1
            n2 += len(node.values)
            operators.add(type(node.op))
            values = node.values
        elif t is ast.UnaryOp:
            n1 += 1
            n2 += 1
            operators.add(type(node.op))
            values = (node.operand,)
        elif t is ast.AugAssign:
            n1 += 1
            n2 += 2
            operators.add(type(node.op))
            values = (node.target, node.value)
        else:
            continue
        for v in values:
            vt = type(v)
            if vt is name_t:
                operands.add((ctx, v.id))
            elif vt is attr_t:
                operands.add((ctx, v.attr))
            elif vt is const_t:
                operands.add((ctx, v.value))
            else:
                unique += 1  # radon keys other operands by the node itself: all distinct
    return len(operators), len(operands) + unique, n1, n2


def _halstead(h1: int, h2: int, n1: int, n2: int) -> Halstead:
    """radon.metrics.halstead_visitor_report, same float operations in the same order."""
    h, n = h1 + h2, n1 + n2
    length = h1 * log(h1, 2) + h2 * log(h2, 2) if h1 and h2 else 0
    volume = n * log(h, 2) if h != 0 else 0
    difficulty = (h1 * n2) / float(2 * h2) if h2 != 0 else 0
    effort = difficulty * volume
    return Halstead(
        h1, h2, n1, n2, h, n, length, volume, difficulty, effort, effort / 18.0, volume / 3000.0
    )


def analyze_tree(tree: ast.Module) -> TreeMetrics:
    """Blocks, total complexity and Halstead totals exactly as radon 6.0.1 computes them."""
    nodes = _flatten(tree)
    picked = list(compress(nodes, map(_PICK.__contains__, map(type, nodes))))
    scopes = [n for n in picked if type(n) in _SCOPES]
    asserts = [n for n in picked if type(n) is ast.Assert]
    module = Scope(None, None)
    points, labels = _segments(module, _regions(scopes, asserts))
    h1, h2, n1, n2 = _count(picked, points, labels)
    blocks, total = radon_blocks(module)
    return TreeMetrics(blocks, total, _halstead(h1, h2, n1, n2))
