"""Live collaboration on jupyter-collaboration's rooms: presence, activity, review notes
anchored to code, mentions and history-aware hints. No tornado here: the server's handlers are
thin wrappers around :class:`CollabService`."""

from __future__ import annotations

from .hints import HintSettings
from .service import CollabService, CollabSettings

__all__ = ["CollabService", "CollabSettings", "HintSettings"]
