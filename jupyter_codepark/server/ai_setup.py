"""Building the AI service from the server's traits; Jupyternaut's model when CodePark has none."""

from __future__ import annotations

import importlib.util
import json
import os
from typing import TYPE_CHECKING, Any

from ..ai import AIService, AISettings, LiteLLMBackend, OfflineBackend
from ..ai.backends import AIBackend

if TYPE_CHECKING:
    from .app import CodeParkApp


def jupyternaut_model(app: CodeParkApp) -> tuple[str, dict[str, Any]]:
    """The chat model configured in jupyter-ai's Jupyternaut (a litellm id and its arguments), or
    ("", {}) when jupyter-ai is not installed or has none."""
    if importlib.util.find_spec("jupyter_ai") is None:
        return "", {}
    manager = app.serverapp.web_app.settings.get("jupyternaut.config_manager")
    if manager is not None:
        model = getattr(manager, "chat_model", None) or ""
        args = getattr(manager, "chat_model_args", None) or {}
        return str(model), dict(args)
    from jupyter_core.paths import jupyter_data_dir

    path = os.path.join(jupyter_data_dir(), "jupyter_ai", "config.json")
    try:
        with open(path, encoding="utf-8") as fh:
            config = json.load(fh)
    except (OSError, ValueError):
        return "", {}
    model = config.get("chat_model") or config.get("model_provider_id") or ""
    args = config.get("chat_model_args") or config.get("fields", {}).get(model) or {}
    return str(model), dict(args) if isinstance(args, dict) else {}


class BackendChooser:
    """Picks the backend per request: `ai_backend_class` if set; else litellm when a model is
    configured (CodePark's `ai_model`, else Jupyternaut's), else offline. Instances are reused."""

    def __init__(self, app: CodeParkApp) -> None:
        self.app = app
        self._made: dict[str, AIBackend] = {}

    def __call__(self) -> AIBackend:
        app = self.app
        model, args = app.ai_model, {}
        if not model:
            model, args = jupyternaut_model(app)
        cls = app.ai_backend_class or (LiteLLMBackend if model else OfflineBackend)
        key = json.dumps([cls.__module__, cls.__qualname__, model, app.ai_api_base, args],
                         sort_keys=True, default=str)  # fmt: skip
        backend = self._made.get(key)
        if backend is None:
            backend = self._made[key] = cls(
                model=model, api_base=app.ai_api_base, timeout_s=app.ai_timeout_s, model_args=args
            )
        return backend


def make_ai_service(app: CodeParkApp) -> AIService:
    settings = AISettings(
        root_dir=app.root_dir,
        max_input_bytes=app.ai_max_input_kb * 1024,
        docstring_style=app.ai_docstring_style,
    )
    return AIService(
        app.store,
        settings,
        BackendChooser(app),
        cache_ttl_s=app.ai_cache_ttl_s,
        rate_per_minute=app.ai_rate_per_minute,
        complete_rate_per_minute=app.ai_complete_rate_per_minute,
    )
