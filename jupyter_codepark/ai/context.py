"""What a task works on: a file's text (or the editor's unsaved text), a line range or a
function, its repository and that repository's last analysis. Blocking; no Jupyter imports."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputTooLarge, InvalidInput, NotFound
from .facts import RepoFacts, Workspace, find_repo_top
from .notebook import CellMap, cell_index, join_cells, parse_notebook
from .rules import RUFF_SELECT, Thresholds


@dataclass(frozen=True)
class AISettings:
    """Knobs of the tasks (the server fills them from its traits)."""

    root_dir: str | None = None  # paths are shown relative to it
    max_input_bytes: int = 256 * 1024  # a file, a diff or an editor text
    max_question_chars: int = 4000
    docstring_style: str = "numpy"  # or "google"
    thresholds: Thresholds = field(default_factory=Thresholds)
    ruff_select: str = RUFF_SELECT
    max_prompt_lines: int = 400  # code lines shown to a model


@dataclass
class Target:
    abs_path: str
    display: str
    text: str
    top: str | None  # repository top, None outside git
    line: int | None = None
    end_line: int | None = None
    function: str | None = None
    facts: RepoFacts | None = None  # filled when the task runs (not needed for a cache hit)
    cells: CellMap | None = None  # a notebook: its code cells joined into `text`

    @property
    def code_path(self) -> str:
        """The name rules and metrics see (a notebook's joined code is Python)."""
        name = self.rel or self.display
        return f"{name}.py" if self.cells is not None else name

    @property
    def rel(self) -> str | None:
        if self.top is None:
            return None
        return os.path.relpath(self.abs_path, self.top).replace(os.sep, "/")

    @property
    def nlines(self) -> int:
        return len(self.text.splitlines())

    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


def display_path(settings: AISettings, abs_path: str) -> str:
    if settings.root_dir:
        rel = os.path.relpath(abs_path, settings.root_dir)
        if not rel.startswith(".."):
            return "" if rel == "." else rel.replace(os.sep, "/")
    return abs_path


def _int(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000_000:
        raise InvalidInput(f"`{key}` must be a line number (a whole number from 1).")
    return value


def _str(body: dict[str, Any], key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"`{key}` must be a string.")
    value = clean_text(value)
    if len(value.encode("utf-8", "surrogatepass")) > limit:
        raise InputTooLarge(f"`{key}` is larger than the limit of {limit // 1024} KiB.")
    return value


def clean_text(value: str) -> str:
    """JSON may carry lone surrogates; they cannot be encoded, so they become U+FFFD."""
    return value.encode("utf-8", "replace").decode("utf-8")


def read_text(abs_path: str, limit: int) -> str:
    if not os.path.isfile(abs_path):
        raise NotFound(f"{os.path.basename(abs_path) or abs_path} is not a file.")
    size = os.path.getsize(abs_path)
    if size > limit:
        raise InputTooLarge(
            f"The file is {size:,} bytes, over the limit of {limit:,} bytes for AI help."
        )
    with open(abs_path, "rb") as fh:
        data = fh.read(limit + 1)
    if b"\0" in data[:8192]:
        raise InvalidInput("The file is binary; AI help works on text files.")
    return data.decode("utf-8", "replace")


def load_target(abs_path: str, body: dict[str, Any], settings: AISettings) -> Target:
    """The code a request names: `{path, line?, end_line?, function?, source?}` (`source`: the
    editor's text, used instead of the file's)."""
    line, end_line = _int(body, "line"), _int(body, "end_line")
    if line is not None and end_line is not None and end_line < line:
        raise InvalidInput("`end_line` must not be before `line`.")
    if end_line is not None and line is None:
        line = 1
    function = _str(body, "function", 512)
    text = _str(body, "source", settings.max_input_bytes)
    cells: CellMap | None = None
    if abs_path.endswith(".ipynb"):
        text, cells, line, end_line = _notebook(abs_path, body, text, line, end_line, settings)
    elif text is None:
        text = read_text(abs_path, settings.max_input_bytes)
    return Target(
        abs_path=abs_path,
        display=display_path(settings, abs_path),
        text=text,
        top=find_repo_top(abs_path),
        line=line,
        end_line=end_line if end_line is not None else line,
        function=function or None,
        cells=cells,
    )


def _notebook(
    abs_path: str,
    body: dict[str, Any],
    source: str | None,
    line: int | None,
    end_line: int | None,
    settings: AISettings,
) -> tuple[str, CellMap, int | None, int | None]:
    """A notebook's code cells as one Python text; `cell` (+ `source`, its editor text) names
    one cell and makes `line`/`end_line` count within it (the whole cell when absent)."""
    cells = parse_notebook(read_text(abs_path, settings.max_input_bytes))
    index = cell_index(body, cells)
    if source is not None and index is None:
        raise InvalidInput("For a notebook, `source` is the text of the cell named by `cell`.")
    text, spans = join_cells(cells, (index, source) if source is not None and index is not None
                             else None)  # fmt: skip
    if len(text.encode("utf-8", "surrogatepass")) > settings.max_input_bytes:
        raise InputTooLarge(
            f"The notebook's code is over the limit of {settings.max_input_bytes:,} bytes."
        )
    cmap = CellMap(spans, index)
    if index is not None:
        span = cmap.span(index)
        if line is None:
            line, end_line = span.line, max(span.line, span.end_line)
        else:
            line, end_line = cmap.to_joined(line), cmap.to_joined(end_line)
    return text, cmap, line, end_line


def attach_facts(target: Target, workspace: Workspace) -> Target:
    if target.top is not None and target.facts is None:
        target.facts = workspace.facts(target.top)
    return target


def input_hash(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def numbered(text: str, line: int = 1, end_line: int | None = None, limit: int = 400) -> str:
    """Code lines with their numbers, for a prompt."""
    lines = text.splitlines()
    end = min(len(lines), end_line or len(lines), line - 1 + limit)
    return "\n".join(f"{i:>5}  {lines[i - 1]}" for i in range(max(1, line), end + 1))


def file_facts(target: Target) -> dict[str, Any]:
    """The analysis's record of the target file (a subset), or why there is none."""
    facts = target.facts
    if facts is None or target.rel is None:
        return {"analysed": False, "why": "the file is not in a git repository"}
    if facts.result is None:
        return {"analysed": False, "why": f"{facts.name} has not been analysed yet"}
    record = facts.file(target.rel)
    if record is None:
        return {"analysed": False, "why": f"{target.rel} is not in the analysed tree"}
    keys = (
        "revisions",
        "authors",
        "main_author",
        "ownership",
        "bus_factor",
        "bugfixes",
        "churn",
        "age_days",
        "loc",
        "complexity",
        "max_complexity",
        "maintainability",
        "hotspot_score",
    )
    out = {"analysed": True, **{k: record.get(k) for k in keys}}
    out["hotspot_rank"] = facts.hotspot_rank(target.rel)
    out["analysed_head"] = facts.head
    return out
