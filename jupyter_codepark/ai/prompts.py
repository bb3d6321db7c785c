"""Prompts for a language model: the same grounded facts the offline engine uses, as JSON."""

from __future__ import annotations

import json
from typing import Any

SYSTEM = (
    "You are CodePark, a code assistant inside JupyterLab that knows the repository's history "
    "and metrics. Answer only from the FACTS (JSON) and the CODE given; they come from lint "
    "rules, code metrics and the repository's git history. Cite the evidence you use in "
    "brackets, e.g. [rule F401], [metric], [history]. If the facts do not answer, say so. "
    "Be concise and concrete; use Markdown."
)


def messages(instruction: str, facts: dict[str, Any], code: str | None = None) -> list[dict]:
    body = f"{instruction}\n\nFACTS:\n```json\n{json.dumps(facts, indent=1, default=str)}\n```"
    if code:
        body += f"\n\nCODE (line numbers on the left):\n```\n{code}\n```"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": body}]
