"""Where a note's lines are now: pycrdt sticky indexes on a live document, line + snippet
otherwise, and a fuzzy snippet search when the file changed with no document open.

Offsets of a pycrdt ``Text`` are UTF-8 byte offsets (not code points): every offset here is one.
Lines are 1-based and inclusive, as editors show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from pycrdt import Assoc, Decoder, StickyIndex, Text

MIN_FUZZY_RATIO = 0.6


@dataclass(frozen=True)
class Place:
    """Where anchored lines are: their range and text, or `outdated` (gone) with the last text."""

    line: int
    end_line: int
    snippet: str
    outdated: bool = False


# -- lines ---------------------------------------------------------------------------------------


def line_count(text: str) -> int:
    return text.count("\n") + 1


def snippet_of(text: str, line: int, end_line: int) -> str:
    return "\n".join(text.split("\n")[line - 1 : end_line])


def line_of(data: bytes, offset: int) -> int:
    """The 1-based line holding byte `offset` of `data`."""
    return data.count(b"\n", 0, max(0, offset)) + 1


def byte_range(data: bytes, line: int, end_line: int) -> tuple[int, int]:
    """Byte offsets of the start of `line` and of the end of `end_line` (before its newline)."""
    start = 0
    for _ in range(line - 1):
        start = data.index(b"\n", start) + 1
    end = start
    for _ in range(end_line - line + 1):
        nl = data.find(b"\n", end)
        if nl < 0:
            return start, len(data)
        end = nl + 1
    return start, end - 1


# -- sticky indexes on a live document -----------------------------------------------------------


def decode_state(state: bytes) -> dict[int, int]:
    """A Yjs state vector: client id -> next clock."""
    dec = Decoder(state)
    return {dec.read_var_uint(): dec.read_var_uint() for _ in range(dec.read_var_uint())}


def _known(ref: dict[str, Any] | None, state: dict[int, int]) -> bool:
    return ref is None or ref.get("clock", 0) < state.get(ref.get("client", -1), 0)


def _resolvable(sticky: dict[str, Any], state: dict[int, int]) -> bool:
    """True when every item the sticky index names exists in the document (resolving an unknown
    item makes pycrdt panic)."""
    return _known(sticky.get("item"), state) and _known(sticky.get("type"), state)


def make_anchor(text: Text, guid: str, data: bytes, line: int, end_line: int) -> dict[str, Any]:
    """Sticky indexes around lines `line`..`end_line` of live `text` (whose bytes are `data`)."""
    start, end = byte_range(data, line, end_line)
    return {
        "doc": guid,
        "start": text.sticky_index(start, Assoc.AFTER).to_json(),
        "end": text.sticky_index(end, Assoc.BEFORE).to_json(),
        "empty": start >= end,
    }


def resolve_anchor(
    anchor: dict[str, Any] | None, text: Text, guid: str, data: bytes, state: dict[int, int]
) -> Place | None:
    """The anchored lines in the live `text`, or None when the anchor belongs to another document
    (a room reloaded from disk gets a new document; its old anchors mean nothing there)."""
    if not anchor or anchor.get("doc") != guid:
        return None
    if not (_resolvable(anchor["start"], state) and _resolvable(anchor["end"], state)):
        return None
    start = StickyIndex.from_json(anchor["start"], text).get_index()
    end = StickyIndex.from_json(anchor["end"], text).get_index()
    line = line_of(data, start)
    if start >= end and not anchor.get("empty"):
        # every anchored character was deleted: the range collapsed
        return Place(line, line, "", outdated=True)
    end_line = max(line, line_of(data, end))
    return Place(line, end_line, data[start:end].decode("utf-8", "replace"))


# -- snippet search (no live document) -----------------------------------------------------------


def _norm(line: str) -> str:
    return " ".join(line.split())


def find_snippet(text: str, snippet: str, near: int) -> Place | None:
    """Where `snippet` (some lines) is in `text`: an exact match nearest to line `near`, else the
    most similar block (ratio >= MIN_FUZZY_RATIO, ties to the nearest), else None."""
    lines = text.split("\n")
    want = snippet.split("\n")
    n = len(want)
    if not snippet.strip():
        return None
    exact = [i for i in range(len(lines) - n + 1) if lines[i : i + n] == want]
    if not exact:
        normed, want_n = [_norm(x) for x in lines], [_norm(x) for x in want]
        exact = [i for i in range(len(lines) - n + 1) if normed[i : i + n] == want_n]
    if exact:
        i = min(exact, key=lambda i: (abs(i + 1 - near), i))
        return Place(i + 1, i + n, "\n".join(lines[i : i + n]))
    return _fuzzy(lines, want, near)


def _fuzzy(lines: list[str], want: list[str], near: int) -> Place | None:
    target = "\n".join(_norm(x) for x in want)
    normed = [_norm(x) for x in lines]
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    best: tuple[float, bool, int, int, int] | None = None  # ratio, same size, -distance, i, size
    sizes = sorted({len(want), max(1, len(want) - 1), len(want) + 1})
    edges = (bool(target.split("\n")[0]), bool(target.split("\n")[-1]))
    for size in sizes:
        for i in range(0, max(0, len(lines) - size) + 1):
            if (edges[0] and not normed[i]) or (edges[1] and not normed[i + size - 1]):
                continue  # a block starting or ending on a blank line the snippet lacks
            matcher.set_seq1("\n".join(normed[i : i + size]))
            if matcher.real_quick_ratio() < MIN_FUZZY_RATIO or matcher.quick_ratio() < (
                best[0] if best else MIN_FUZZY_RATIO
            ):
                continue
            ratio = round(matcher.ratio(), 3)
            if ratio < MIN_FUZZY_RATIO:
                continue
            key = (ratio, size == len(want), -abs(i + 1 - near), i, size)
            if best is None or key[:3] > best[:3]:
                best = key
    if best is None:
        return None
    *_, i, size = best
    return Place(i + 1, i + size, "\n".join(lines[i : i + size]))


def place_on_disk(text: str, line: int, end_line: int, snippet: str) -> Place:
    """Where the note is in `text` (the file as it is now), by its last known lines and text."""
    total = line_count(text)
    if end_line <= total and snippet_of(text, line, end_line) == snippet:
        return Place(line, end_line, snippet)
    found = find_snippet(text, snippet, line)
    if found is None:
        return Place(line, end_line, snippet, outdated=True)
    return found
