"""radon.raw.analyze without tokenizing: the same numbers from a few regex passes.

radon strips every line (``str.splitlines``), then tokenizes growing groups of lines until
``tokenize`` stops complaining; each group ("chunk") is a comment line, a lone string, or code,
and its logical lines are counted from its ``:`` and ``;`` tokens. That re-tokenizes every
multi-line construct once per line (quadratic in its length) and costs 15-20x an ``ast.parse``.

Here: one regex pass replaces each comment by ``#`` and each string by a mark (a string spanning
n lines leaves n continuation marks, so line numbers are kept); brackets left unmatched on a
line and trailing backslashes mark the few chunks that span lines, which are handled one by
one; every other line is a chunk of its own and is counted in bulk with C-level regex counts.
Inputs the scan cannot mirror exactly (an unterminated string or bracket, say) go to radon's
own ``analyze`` - which then raises ``SyntaxError`` as radon does.
"""

from __future__ import annotations

import re
import tokenize
from itertools import compress, repeat
from operator import itemgetter
from typing import NamedTuple

__all__ = ["RawMetrics", "raw_metrics"]


class RawMetrics(NamedTuple):
    """Field for field ``radon.raw.Module``."""

    loc: int
    lloc: int
    sloc: int
    comments: int
    multi: int
    blank: int
    single_comments: int


_STRINGS_AND_COMMENTS = re.compile(
    r"""(\#[^\n]*
    |'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''
    |\"\"\"[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*\"\"\"
    |'[^\n'\\]*(?:\\[\s\S][^\n'\\]*)*'
    |"[^\n"\\]*(?:\\[\s\S][^\n"\\]*)*")
    """,
    re.VERBOSE,
)
_STRING = "\x03"  # stands for a whole string token
_PREFIX_CHARS = "rRbBuUfF"
_PREFIX_LETTERS = tuple(_PREFIX_CHARS)
_STRING_ROW = "\x01"  # ends each line of a multi-line string but its last
_TAKEN = "\x02"  # replaces the lines of chunks already counted
_STRUCTURE = "()[]{}\\\x01\n"
_NOT_STRUCTURE = re.compile(r"[^()\[\]{}\\\x01\n]+")
# keep brackets (as parentheses), backslashes, string rows (as ':') and newlines
_REDUCE = {i: None for i in range(128) if chr(i) not in _STRUCTURE}
_REDUCE.update({ord("["): "(", ord("{"): "(", ord("]"): ")", ord("}"): ")", 1: ":"})
_LEFTOVER = re.compile(r"[^\n]*:(?:\n:)*(?=\n|$)|[^\n]+")  # string rows grouped
_COLON = re.compile(r":(?!=)")
_COLON_LINE = re.compile(r":(?!=)[^\n]*")  # one match per line holding a ':' token
_ENDS_WITH_COLON = re.compile(r":[^\S\n]*#?$", re.M)
_TOKEN = re.compile(r"\s*(" + tokenize.Number + "|" + tokenize.Funny + r"|\w+|\S)")


class _Replacements(dict):
    """(first character, newline count) of a comment or string -> what replaces it."""

    def __missing__(self, key: tuple[str, int]) -> str:
        first, rows = key
        value = "#" if first == "#" else _STRING + (_STRING_ROW + "\n") * rows
        self[key] = value
        return value


_REPLACEMENTS = _Replacements()


def _sanitize(text: str) -> str:
    """Comments become ``#``, strings (with their prefix) a mark plus one row mark per line
    they continue on. ``re.split`` and ``map`` keep the per-token work in C."""
    parts = _STRINGS_AND_COMMENTS.split(text)
    tokens = parts[1::2]
    prefixed = map(str.endswith, parts[0:-1:2], repeat(_PREFIX_LETTERS))
    for i in compress(range(0, len(parts) - 1, 2), prefixed):  # r"...", b'...', f"""..."""
        code = parts[i]
        stem = code.rstrip(_PREFIX_CHARS)
        if (
            len(code) - len(stem) <= 2
            and parts[i + 1][0] != "#"
            and not (stem and (stem[-1].isalnum() or stem[-1] == "_"))
        ):
            parts[i] = stem  # the prefix belongs to the string token
    if tokens:
        keys = zip(map(itemgetter(0), tokens), map(str.count, tokens, repeat("\n")), strict=True)
        parts[1::2] = map(_REPLACEMENTS.__getitem__, keys)
    return "".join(parts)


def _logical(code: str) -> int:
    """radon.raw._logical on a chunk whose strings are placeholders and comments removed."""
    segments = code.split(";")
    last = len(segments) - 1
    total = 0
    for i, segment in enumerate(segments):
        tokens = [m.group(1) for m in _TOKEN.finditer(segment)]
        if not tokens:
            continue
        if ":" not in tokens:
            total += 1
        elif i == last:  # radon compares with len - 2 where the last token is ENDMARKER
            total += 1 if tokens[-1] == ":" else 2
        else:  # no ENDMARKER here: the same comparison looks at the last-but-one token
            total += 1 if len(tokens) > 1 and tokens[-2] == ":" and tokens[-1] != ":" else 2
    return total


class _Unsupported(Exception):
    """The fast scan cannot mirror radon on this input."""


def _multiline_chunks(san: str, nlines: int) -> list[tuple[int, int]]:
    """(first, last) line of every chunk that spans lines: open brackets, backslashes,
    multi-line strings. Only lines left with an unmatched bracket or a trailing mark are
    looked at."""
    reduced = san.translate(_REDUCE)
    if not reduced.isascii():  # non-ASCII identifiers
        reduced = _NOT_STRUCTURE.sub("", reduced)
    while "()" in reduced:
        reduced = reduced.replace("()", "")
    chunks = []
    depth, start, tail, line, pos = 0, -1, -1, 0, 0
    for match in _LEFTOVER.finditer(reduced):
        line += reduced.count("\n", pos, match.start())
        pos = match.end()
        if start >= 0 and depth == 0 and line > tail:  # ended on a line without marks
            chunks.append((start, tail))
            start = -1
        marks = match.group()
        depth += marks.count("(") - marks.count(")")
        if depth < 0:
            raise _Unsupported("unbalanced brackets")
        if start < 0 and (depth > 0 or marks[-1] in "\\:"):
            start = line
        line += marks.count("\n")
        if depth > 0 or marks[-1] in "\\:":
            tail = line + 1
        elif start >= 0:
            chunks.append((start, line))
            start = -1
    if start >= 0:
        if depth > 0 or tail >= nlines:
            raise _Unsupported("unterminated statement")
        chunks.append((start, tail))
    return chunks


def _fast(source: str) -> RawMetrics:
    lines = [line.strip() for line in source.splitlines()]
    if not lines:
        return RawMetrics(0, 0, 0, 0, 0, 0, 0)
    san = _sanitize("\n".join(lines))
    if "'" in san or '"' in san:
        raise _Unsupported("unterminated string")
    comments = san.count("#")
    rows = san.split("\n")
    blank = lines.count("")
    loc = len(lines)
    lloc = multi = single_comments = 0
    for first, last in _multiline_chunks(san, len(lines)):
        chunk = rows[first : last + 1]
        joined = "".join(chunk)
        code = joined.replace(_STRING_ROW, "").replace("\\", "").strip()
        if code == _STRING:  # a lone string, no comment
            lloc += 1
            if _STRING_ROW in joined:
                multi += last - first + 1 - lines[first : last + 1].count("")
            else:  # a one-line string continued by backslashes: radon counts 1 line only
                single_comments += 1
                loc -= last - first
                blank -= lines[first + 1 : last + 1].count("")
        elif ";" in code:
            code = " ".join(r.rstrip("\\" + _STRING_ROW) for r in chunk).replace("#", "")
            lloc += _logical(code)
        else:  # 1 logical line, 2 if a ':' token is not the last token
            code = code.replace("#", "").rstrip()
            lloc += 2 if _COLON.search(code) and code[-1] != ":" else 1
        rows[first : last + 1] = [_TAKEN] * (last - first + 1)
    if ";" in san:
        for i, row in enumerate(rows):
            if ";" in row and row != _TAKEN:
                lloc += _logical(row.replace("#", ""))
                rows[i] = _TAKEN
    text = "\n".join(rows)
    lone = rows.count(_STRING)
    comment_lines = rows.count("#")
    code_lines = len(rows) - rows.count("") - rows.count(_TAKEN) - comment_lines
    lloc += code_lines + len(_COLON_LINE.findall(text)) - len(_ENDS_WITH_COLON.findall(text))
    single_comments += lone + comment_lines
    sloc = loc - blank - multi - single_comments
    return RawMetrics(loc, lloc, sloc, comments, multi, blank, single_comments)


def raw_metrics(source: str) -> RawMetrics:
    """``radon.raw.analyze(source)``: same values, same ``SyntaxError`` when radon fails."""
    try:
        return _fast(source)
    except _Unsupported:
        from radon.raw import analyze

        return RawMetrics(*analyze(source))
