"""Inline completion: the code a language model would insert at the cursor, from the text before
(`prefix`) and after (`suffix`) it. Only a model completes; the offline engine never does."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from ..errors import InputTooLarge, InvalidInput
from .context import AISettings, clean_text, display_path

PREFIX_CHARS = 6000  # the end of the prefix a model sees
SUFFIX_CHARS = 2000  # the start of the suffix a model sees
CURSOR = "<CURSOR>"
SYSTEM = (
    "You are CodePark's inline code completion inside JupyterLab. You get a file's text with "
    f"the cursor marked {CURSOR}. Answer with ONLY the code to insert at the cursor: no "
    "explanation, no code fences, no repetition of the text before or after the cursor. "
    "Keep it short (a line or a small block) and consistent with the surrounding code."
)
_LANGUAGES = {".py": "python", ".ipynb": "python", ".r": "r", ".jl": "julia", ".js": "javascript",
              ".ts": "typescript", ".sql": "sql", ".sh": "bash", ".md": "markdown"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    display: str
    language: str
    prefix: str
    suffix: str


def _text(body: dict[str, Any], key: str, limit: int) -> str:
    value = body.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"`{key}` must be a string.")
    value = clean_text(value)
    if len(value.encode("utf-8")) > limit:
        raise InputTooLarge(f"`{key}` is over the limit of {limit:,} bytes.")
    return value


def completion_request(
    body: dict[str, Any], abs_path: str | None, settings: AISettings
) -> CompletionRequest:
    """`{prefix, suffix?, path?, language?}` checked: strings, under the input size limit."""
    prefix = _text(body, "prefix", settings.max_input_bytes)
    suffix = _text(body, "suffix", settings.max_input_bytes)
    if not prefix.strip() and not suffix.strip():
        raise InvalidInput("`prefix` (the text before the cursor) must not be empty.")
    language = body.get("language")
    if language is not None and (not isinstance(language, str) or len(language) > 40):
        raise InvalidInput("`language` is a short name such as 'python'.")
    display = display_path(settings, abs_path) if abs_path else ""
    if not language:
        language = _LANGUAGES.get(os.path.splitext(display)[1].lower(), "text")
    return CompletionRequest(display, language, prefix, suffix)


def completion_messages(r: CompletionRequest) -> list[dict[str, str]]:
    prefix = r.prefix[-PREFIX_CHARS:]
    suffix = r.suffix[:SUFFIX_CHARS]
    where = f"FILE: {r.display}\n" if r.display else ""
    user = (
        f"{where}LANGUAGE: {r.language}\n\nTEXT (complete at {CURSOR}):\n{prefix}{CURSOR}{suffix}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def clean_completion(text: str, suffix: str) -> str:
    """The insertion: code fences and a cursor marker removed, and no repeat of the suffix."""
    text = re.sub(r"^\s*```[\w+-]*\n|\n?```\s*$", "", text)
    text = text.replace(CURSOR, "")
    head = suffix.lstrip()[:200]
    for n in range(min(len(head), len(text)), 7, -1):  # the model echoed the suffix's start
        if text.endswith(head[:n]):
            return text[:-n].rstrip(" \t")
    return text
