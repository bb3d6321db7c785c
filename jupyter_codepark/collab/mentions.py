"""`@username` mentions in Markdown bodies (not inside code, not e-mail addresses)."""

from __future__ import annotations

import re

_FENCED = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"`[^`\n]*`")
_MENTION = re.compile(r"(?<![\w@./-])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})")


def mentions(body: str) -> list[str]:
    """Usernames mentioned in `body`, in order of first appearance, without duplicates."""
    text = _INLINE.sub(" ", _FENCED.sub(" ", body))
    out: list[str] = []
    for m in _MENTION.finditer(text):
        name = m.group(1).rstrip(".-")
        if name and name not in out:
            out.append(name)
    return out
