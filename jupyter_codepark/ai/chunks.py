"""What semantic search embeds: one text per function, method and class (name, signature,
docstring or leading comment, an excerpt of the body), one per file (its docstring and the names
it defines) and one per commit message. Pure functions of a blob's bytes and the functions the
metrics already found in it (cached by blob sha); the path is never part of a text, so a blob's
chunks are the same wherever it lives."""

from __future__ import annotations

import ast
import hashlib
import re
import textwrap
from dataclasses import dataclass
from typing import Any

# Bump when any text below may change: stored embeddings are keyed by model id + this.
CHUNK_VERSION = 1
MAX_CHUNK_CHARS = 480  # ~180 tokens of code at most: the model's cost grows with the text
MAX_BODY_LINES = 8
MAX_NAMES = 30
COMMENT = re.compile(r"^\s*(#|//|/\*|\*|--|;|\"\"\"|''')")
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@dataclass(frozen=True, slots=True)
class Chunk:
    kind: str  # function | method | class | file | commit
    name: str  # qualified name ("" for a file); a commit's subject
    line: int | None
    end_line: int | None
    text: str

    @property
    def text_sha(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8", "replace")).hexdigest()


def words(name: str) -> str:
    """`check_userCredentials` -> "check user credentials" (identifiers as plain words)."""
    return " ".join(w.lower() for w in _WORDS.findall(name))


def _clip(text: str, limit: int = MAX_CHUNK_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _excerpt(lines: list[str], limit: int = MAX_BODY_LINES) -> str:
    body = [line for line in lines if line.strip()]
    return textwrap.dedent("\n".join(body[:limit]))


def compose(kind: str, qualname: str, signature: str, doc: str, body: str) -> str:
    head = f"{kind} {qualname}"
    spoken = words(qualname.rsplit(".", 1)[-1])
    if spoken and spoken != qualname.lower():
        head += f" ({spoken})"
    parts = [head, signature.strip(), doc.strip(), body]
    return _clip("\n".join(p for p in parts if p))


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


def file_chunks(language: str | None, data: bytes, functions: list[dict[str, Any]]) -> list[Chunk]:
    """The chunks of one blob. `functions` are the metrics' records of the file (name,
    qualname, kind, lineno, endline); Python gets signatures and docstrings from its AST."""
    text = decode(data)
    lines = text.splitlines()
    tree = _parse(text) if language == "python" else None
    out: list[Chunk] = []
    nodes = _nodes_by_line(tree) if tree is not None else {}
    for f in sorted(functions, key=lambda f: (f["lineno"], f["qualname"])):
        if f["name"] == "(anonymous)":  # lizard's lambdas and callbacks: part of their parent
            continue
        node = nodes.get((f["lineno"], f["name"]))
        chunk = _python_chunk(f, node, lines) if node is not None else _plain_chunk(f, lines)
        out.append(chunk)
    module = _module_chunk(tree, lines, functions)
    if module is not None:
        out.append(module)
    return out


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _nodes_by_line(tree: ast.Module) -> dict[tuple[int, str], ast.AST]:
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {(n.lineno, n.name): n for n in ast.walk(tree) if isinstance(n, defs)}


def _python_chunk(f: dict[str, Any], node: ast.AST, lines: list[str]) -> Chunk:
    end = getattr(node, "end_lineno", None) or f["endline"]
    doc = ast.get_docstring(node) or ""  # type: ignore[arg-type]
    first_doc_para = doc.split("\n\n", 1)[0]
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in node.bases)
        signature = f"class {node.name}({bases})" if bases else f"class {node.name}"
        members = [
            n.name
            for n in node.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        body = "members: " + ", ".join(members[:MAX_NAMES]) if members else ""
    else:
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
        returns = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
        signature = f"{prefix} {node.name}({ast.unparse(node.args)}){returns}"
        stmts = node.body[1:] if doc else node.body
        start = stmts[0].lineno if stmts else end + 1
        body = _excerpt(lines[start - 1 : end])
    text = compose(f["kind"], f["qualname"], signature, first_doc_para, body)
    return Chunk(f["kind"], f["qualname"], f["lineno"], end, text)


def _plain_chunk(f: dict[str, Any], lines: list[str]) -> Chunk:
    """A function found by lizard (or Python the AST could not map): the leading comment block,
    the first line as the signature, then the body."""
    start, end = f["lineno"], max(f["endline"], f["lineno"])
    above: list[str] = []
    i = start - 2
    while i >= 0 and COMMENT.match(lines[i]) and len(above) < 8:
        above.insert(0, lines[i].strip().lstrip("/#*;-").strip())
        i -= 1
    own = lines[start - 1 : end]
    signature = own[0] if own else f["name"]
    text = compose(f["kind"], f["qualname"], signature, " ".join(above), _excerpt(own[1:]))
    return Chunk(f["kind"], f["qualname"], start, end, text)


def _module_chunk(
    tree: ast.Module | None, lines: list[str], functions: list[dict[str, Any]]
) -> Chunk | None:
    if tree is not None:
        doc = (ast.get_docstring(tree) or "").split("\n\n", 1)[0]
    else:
        head = []
        for line in lines[:20]:
            if not line.strip():
                if head:
                    break
                continue
            if not COMMENT.match(line):
                break
            head.append(line.strip().lstrip("/#*;-").strip())
        doc = " ".join(h for h in head if h)
    names = [f["qualname"] for f in functions if "." not in f["qualname"]][:MAX_NAMES]
    if not doc and not names:
        excerpt = _excerpt(lines, 8)
        if not excerpt.strip():
            return None
        return Chunk("file", "", 1, len(lines), _clip("file\n" + excerpt))
    defined = "defines: " + ", ".join(f"{n} ({words(n)})" for n in names) if names else ""
    text = _clip("\n".join(p for p in ("file", doc, defined) if p))
    return Chunk("file", "", 1, len(lines), text)


def commit_chunk(message: str) -> Chunk | None:
    message = message.strip()
    if not message:
        return None
    subject = message.splitlines()[0].strip()
    return Chunk("commit", subject[:300], None, None, _clip("commit: " + message))
