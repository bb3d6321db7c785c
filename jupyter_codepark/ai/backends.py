"""Who writes the text of an answer: the offline engine (templates over the grounded facts) or a
language model through litellm (any OpenAI-compatible server, OpenAI, Anthropic, ...). Both get
the same grounded facts; the structured records never depend on the model."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import warnings
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any

from ..errors import ModelError, ModelTimeout
from .records import Grounded, Usage

log = logging.getLogger(__name__)


class AIBackend(ABC):
    """Base class of the backends (the server's `ai_backend_class` knob takes a subclass)."""

    name = "base"
    is_model = False

    def __init__(
        self,
        *,
        model: str = "",
        api_base: str = "",
        timeout_s: float = 60.0,
        model_args: dict[str, Any] | None = None,
    ) -> None:
        self.model = model
        self.api_base = api_base
        self.timeout_s = timeout_s
        self.model_args = dict(model_args or {})

    @property
    def label(self) -> str:
        """What the cache keys on: the backend, its model and server."""
        return ":".join(p for p in (self.name, self.model, self.api_base) if p)

    @property
    @abstractmethod
    def generated_by(self) -> str:
        """Who wrote the text, as answers say it (the offline engine, or the model's id)."""

    @abstractmethod
    def write(self, grounded: Grounded, usage: Usage) -> AsyncIterator[str]:
        """Chunks of the answer's text; fills `usage` as it goes."""


class OfflineBackend(AIBackend):
    """Deterministic: the task's own write-up of its facts. No key, no network."""

    name = "offline"

    @property
    def generated_by(self) -> str:
        return "CodePark offline engine (lint rules, syntax tree, repository analysis; no model)"

    async def write(self, grounded: Grounded, usage: Usage) -> AsyncIterator[str]:
        for part in re.split(r"(?<=\n\n)", grounded.offline_text):
            if part:
                yield part


_litellm: Any = None


def load_litellm() -> Any:
    """Import litellm once (slow: seconds), with its cost map read locally, never fetched."""
    global _litellm
    if _litellm is None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import litellm
        except ImportError as e:
            raise ModelError(
                "A model is configured but litellm is not installed: "
                "pip install 'jupyter-codepark[ai]'.",
                reason="litellm-missing",
            ) from e
        litellm.suppress_debug_info = True
        litellm.telemetry = False
        _litellm = litellm
    return _litellm


class LiteLLMBackend(AIBackend):
    """Any litellm model id (`openai/<name>` with `api_base` for an OpenAI-compatible server such
    as llama.cpp, vLLM or Ollama); the key comes from the environment. Streams."""

    name = "litellm"
    is_model = True

    @property
    def generated_by(self) -> str:
        return (
            f"Language model {self.model} (via litellm), given the facts CodePark looked up "
            "(rules, metrics, history); check what it says against them."
        )

    def _where(self) -> str:
        return f"{self.model}" + (f" at {self.api_base}" if self.api_base else "")

    def _error(self, e: BaseException) -> ModelError:
        litellm = _litellm
        timeout_types = (TimeoutError, asyncio.TimeoutError)
        if litellm is not None:
            timeout_types += (litellm.exceptions.Timeout,)
        if isinstance(e, timeout_types):
            return ModelTimeout(
                f"The model {self._where()} did not answer within {self.timeout_s:g} s."
            )
        text = re.sub(r"\s+", " ", str(e)).strip()[:500] or type(e).__name__
        status = getattr(e, "status_code", None)
        return ModelError(
            f"The model {self._where()} failed"
            + (f" (HTTP {status})" if status else "")
            + f": {text}"
        )

    async def write(self, grounded: Grounded, usage: Usage) -> AsyncIterator[str]:
        litellm = _litellm or await asyncio.to_thread(load_litellm)
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": grounded.messages,
            "stream": True,
            "timeout": self.timeout_s,
            "num_retries": 0,
            "max_retries": 0,
            "stream_options": {"include_usage": True},
            **self.model_args,
        }
        if self.api_base:
            kwargs["api_base"] = self.api_base
        pieces: list[str] = []
        reported = False
        try:
            async with asyncio.timeout(self.timeout_s):
                stream = await litellm.acompletion(**kwargs)
            iterator = stream.__aiter__()
            while True:
                try:
                    async with asyncio.timeout(self.timeout_s):
                        chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    break
                u = getattr(chunk, "usage", None)
                if u is not None and getattr(u, "prompt_tokens", None) is not None:
                    usage.prompt_tokens = u.prompt_tokens or 0
                    usage.completion_tokens = u.completion_tokens or 0
                    reported = True
                if chunk.choices:
                    text = chunk.choices[0].delta.content or ""
                    if text:
                        pieces.append(text)
                        yield text
        except ModelError:
            raise
        except Exception as e:  # noqa: BLE001 (every provider error becomes a clear 502/504)
            raise self._error(e) from e
        if not reported:
            usage.prompt_tokens, usage.completion_tokens = self._count(grounded, "".join(pieces))
        usage.cost_usd = self._cost(usage)

    def _count(self, grounded: Grounded, text: str) -> tuple[int, int]:
        try:
            return (
                _litellm.token_counter(model=self.model, messages=grounded.messages),
                _litellm.token_counter(model=self.model, text=text),
            )
        except Exception:  # noqa: BLE001 (an estimate only)
            chars = sum(len(m["content"]) for m in grounded.messages)
            return chars // 4, len(text) // 4

    def _cost(self, usage: Usage) -> float:
        try:
            p, c = _litellm.cost_per_token(
                model=self.model,
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
            )
            return float(p + c)
        except Exception:  # noqa: BLE001 (unknown models, local servers: no price)
            return 0.0
