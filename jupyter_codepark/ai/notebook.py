"""Notebooks as Python: a notebook's code cells joined into one text (IPython magics and shell
escapes commented out, so line numbers are kept), and the answers' lines mapped back to cells.

A request names a cell by its index in the notebook (`cell`, 0-based, all cell types counted);
its `line`/`end_line` then count from the cell's first line, and `source` is the cell's text in
the editor (unsaved edits included). Answers carry `cell` and cell-relative lines."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput

# a line IPython rewrites: %magic, %%cell magic, !shell, `name?` help
_MAGIC = re.compile(r"^\s*(%|!|\?)|^\s*[\w.]+\?\??\s*$")


@dataclass(frozen=True, slots=True)
class CellSpan:
    index: int  # the cell's index in the notebook
    line: int  # first line in the joined text (1-based)
    end_line: int  # last line (inclusive); line - 1 for an empty cell


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def as_python(cell_text: str) -> str:
    """A cell's text with IPython-only lines commented out (same number of lines)."""
    lines = cell_text.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):  # a cell magic: not Python at all
        return "\n".join(f"# {ln}" if ln else ln for ln in lines)
    return "\n".join(f"# {ln}" if _MAGIC.match(ln) else ln for ln in lines)


def parse_notebook(raw: str) -> list[dict[str, Any]]:
    try:
        nb = json.loads(raw)
    except ValueError:
        raise InvalidInput("The notebook is not valid JSON (nbformat).") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise InvalidInput("The notebook has no `cells` list (nbformat 4 expected).")
    return [c for c in cells if isinstance(c, dict)]


def join_cells(
    cells: list[dict[str, Any]], replace: tuple[int, str] | None = None
) -> tuple[str, list[CellSpan]]:
    """The code cells as one Python text and where each cell sits in it. `replace`: (index,
    text) of a cell whose editor text is used instead of the saved one."""
    parts: list[str] = []
    spans: list[CellSpan] = []
    line = 1
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        text = replace[1] if replace and replace[0] == i else _source(cell)
        text = as_python(text.rstrip("\n"))
        n = len(text.split("\n")) if text else 0
        spans.append(CellSpan(i, line, line + n - 1))
        parts.append(text)
        line += n + 1  # a blank line between cells
    return "\n\n".join(parts) + ("\n" if parts else ""), spans


def cell_index(body: dict[str, Any], cells: list[dict[str, Any]]) -> int | None:
    value = body.get("cell")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(cells):
        raise InvalidInput(f"`cell` must be a cell index from 0 to {len(cells) - 1}.")
    if cells[value].get("cell_type") != "code":
        raise InvalidInput(f"Cell {value} is not a code cell; AI help works on code cells.")
    return value


class CellMap:
    """Translates lines between a notebook's joined code and its cells."""

    def __init__(self, spans: list[CellSpan], cell: int | None) -> None:
        self.spans = spans
        self.cell = cell

    def span(self, index: int) -> CellSpan:
        return next(s for s in self.spans if s.index == index)

    def to_joined(self, line: int | None) -> int | None:
        if line is None or self.cell is None:
            return line
        return self.span(self.cell).line + line - 1

    def locate(self, line: int) -> CellSpan | None:
        for s in self.spans:
            if s.line <= line <= max(s.line, s.end_line):
                return s
        return None

    def map_range(self, item: dict[str, Any]) -> None:
        """Rewrite an item's `line`/`end_line` (joined text) as `cell` + lines in that cell;
        a range running past its cell's end is cut at the end."""
        line, end = item.get("line"), item.get("end_line")
        if not isinstance(line, int):
            return
        insert = isinstance(end, int) and end == line - 1  # an insertion before `line`
        s = self.locate(line)
        if s is None:  # a separator line: the next cell's start
            s = next((x for x in self.spans if x.line > line), None)
            if s is None:
                return
            line = s.line
        item["cell"] = s.index
        item["line"] = line - s.line + 1
        if isinstance(end, int):
            end_in = item["line"] - 1 if insert else min(end, max(s.line, s.end_line)) - s.line + 1
            item["end_line"] = end_in

    def clamp(self, item: dict[str, Any]) -> None:
        """Cut an item's range to the requested cell (whole-file history findings)."""
        if self.cell is None or not isinstance(item.get("line"), int):
            return
        s = self.span(self.cell)
        end = item.get("end_line", item["line"])
        item["line"] = min(max(item["line"], s.line), max(s.line, s.end_line))
        if isinstance(end, int):
            item["end_line"] = max(item["line"], min(end, max(s.line, s.end_line)))

    def map_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record with every line range (target, edit, findings, facts) given per cell."""
        if isinstance(record.get("target"), dict):
            self.clamp(record["target"])
        for key in ("target", "edit"):
            if isinstance(record.get(key), dict):
                self.map_range(record[key])
        findings = record.get("findings")
        if isinstance(findings, list):
            for f in findings:
                self.clamp(f)
                self.map_range(f)
        facts = record.get("facts")
        if isinstance(facts, dict):
            self.map_range(facts)
        return record
