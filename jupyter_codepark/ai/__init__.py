"""AI help grounded in the analysis: review, explain, docstring, insights and chat.

No Jupyter imports: the server's handlers call :class:`AIService`; notebooks can too. The
offline backend (the default) needs no key and no network; `LiteLLMBackend` talks to any model
litellm knows (an OpenAI-compatible `api_base` included)."""

from __future__ import annotations

from .backends import AIBackend, LiteLLMBackend, OfflineBackend
from .context import AISettings
from .rules import Thresholds
from .service import TASKS, AIService

__all__ = [
    "TASKS",
    "AIBackend",
    "AIService",
    "AISettings",
    "LiteLLMBackend",
    "OfflineBackend",
    "Thresholds",
]
