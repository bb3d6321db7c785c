"""Run output shared with collaborators: a run result (the shape of
:class:`jupyter_codepark.sandbox.run.RunResult`, or a notebook cell's outputs) becomes a
bounded excerpt in a `run.shared` activity row of a file.

Only output goes in: stdout, stderr, the `text/plain` of rich outputs (other MIME types are
named, not copied) and the error's name and value. Never the code that ran, never a traceback
(it quotes source lines), never the document's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputTooLarge, InvalidInput

RUN_STATUSES = ("ok", "error", "timeout", "killed")
MAX_INPUT_CHARS = 1_048_576  # the run API's default output budget (1024 KB)
EXCERPT_CHARS = 2_000
EXCERPT_LINES = 40
MAX_CELL_ID_CHARS = 200


@dataclass(frozen=True)
class SharedRun:
    """What a `run.shared` activity row holds in its `data`."""

    status: str
    excerpt: str
    truncated: bool
    cell_id: str | None = None
    error: str | None = None
    reason: str | None = None
    duration_s: float | None = None
    kinds: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "excerpt": self.excerpt,
            "truncated": self.truncated,
            "outputs": list(self.kinds),
        }
        for key in ("cell_id", "error", "reason", "duration_s"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)  # nbformat multiline strings
    if not isinstance(value, str):
        raise InvalidInput(f"`{name}` must be a string.")
    return value


def _outputs(value: Any) -> tuple[list[str], list[str]]:
    """Texts and MIME types of rich outputs (RunResult `outputs` or nbformat cell outputs)."""
    if value is None:
        return [], []
    if not isinstance(value, list) or not all(isinstance(o, dict) for o in value):
        raise InvalidInput("`result.outputs` must be a list of output objects.")
    texts: list[str] = []
    kinds: list[str] = []
    for out in value:
        kind = out.get("output_type") or out.get("type")
        if kind == "stream":
            texts.append(_text(out.get("text"), "result.outputs[].text"))
            continue
        if kind == "error":
            texts.append(f"{out.get('ename', 'Error')}: {out.get('evalue', '')}\n")
            continue
        data = out.get("data")
        if not isinstance(data, dict):
            continue
        for mime in data:
            if mime != "text/plain" and mime not in kinds:
                kinds.append(str(mime)[:100])
        if "text/plain" in data:
            text = _text(data["text/plain"], "result.outputs[].data['text/plain']")
            texts.append(text if text.endswith("\n") else text + "\n")
        elif data:
            texts.append(f"[{', '.join(str(m)[:100] for m in data)}]\n")
    return texts, kinds


def excerpt_of(text: str) -> tuple[str, bool]:
    """The first EXCERPT_LINES lines / EXCERPT_CHARS characters of `text`; whether it was cut."""
    text = text.rstrip("\n")
    lines = text.split("\n")
    cut = len(lines) > EXCERPT_LINES
    short = "\n".join(lines[:EXCERPT_LINES])
    if len(short) > EXCERPT_CHARS:
        short, cut = short[:EXCERPT_CHARS], True
    return short, cut


def shared_run(result: Any, cell_id: Any = None) -> SharedRun:
    """Check a posted run result and keep its bounded excerpt (raises InvalidInput)."""
    if not isinstance(result, dict):
        raise InvalidInput("`result` must be a run result object ({status, stdout, ...}).")
    status = result.get("status")
    if status not in RUN_STATUSES:
        raise InvalidInput(f"`result.status` is one of {', '.join(RUN_STATUSES)}.")
    if cell_id is not None and (
        not isinstance(cell_id, str) or not cell_id or len(cell_id) > MAX_CELL_ID_CHARS
    ):
        raise InvalidInput("`cell_id` must be a cell id (a short string).")
    stdout = _text(result.get("stdout"), "result.stdout")
    stderr = _text(result.get("stderr"), "result.stderr")
    texts, kinds = _outputs(result.get("outputs"))
    error = result.get("error")
    error_line = None
    if error is not None:
        if not isinstance(error, dict):
            raise InvalidInput("`result.error` must be an object ({ename, evalue}).")
        ename = _text(error.get("ename"), "result.error.ename")[:200] or "Error"
        error_line = f"{ename}: {_text(error.get('evalue'), 'result.error.evalue')[:500]}"
    size = len(stdout) + len(stderr) + sum(len(t) for t in texts)
    if size > MAX_INPUT_CHARS:
        raise InputTooLarge(
            f"The run output is {size:,} characters; at most {MAX_INPUT_CHARS:,} can be shared."
        )
    parts = [stdout, stderr, *texts]
    if error_line:
        parts.append(error_line + "\n")
    excerpt, cut = excerpt_of("".join(p if p.endswith("\n") or not p else p + "\n" for p in parts))
    reason = result.get("reason")
    duration = result.get("duration_s")
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, int | float) or duration < 0
    ):
        raise InvalidInput("`result.duration_s` must be a number of seconds.")
    return SharedRun(
        status=status,
        excerpt=excerpt,
        truncated=cut or bool(result.get("truncated")),
        cell_id=cell_id,
        error=error_line,
        reason=reason[:200] if isinstance(reason, str) else None,
        duration_s=round(float(duration), 3) if duration is not None else None,
        kinds=tuple(kinds),
    )
