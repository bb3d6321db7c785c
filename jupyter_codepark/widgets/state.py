"""The CodeCity's synced state as plain JSON (bytes as base64), for hosts without a kernel: the
JupyterLab main-area city gets exactly what the notebook widget would sync."""

from __future__ import annotations

import base64
from typing import Any

import pandas as pd

from .city import PRESETS, CodeCity

#: traits the renderer reads (everything synced except widget plumbing)
SKIP = {"layout", "tooltip", "tabbable", "_dom_classes", "_view_count"}
#: above this many commits the time slider steps by week, not by commit
COMMIT_STEPS_MAX = 600


def metric_names(files: pd.DataFrame) -> list[str]:
    """Names accepted by ``city_state`` for this files table: presets and columns."""
    return sorted(set(PRESETS) | {str(c) for c in files.columns})


def city_state(
    files: pd.DataFrame,
    history: pd.DataFrame | None = None,
    *,
    height: str = "complexity",
    color: str = "hotspot_score",
    coupling: pd.DataFrame | None = None,
    title: str = "",
) -> dict[str, Any]:
    """``{"state": {trait: value}, "binary": [names of base64 traits]}``; raises ``KeyError`` or
    ``TypeError`` (from ``CodeCity``) for an unknown or unusable metric."""
    bucket = "commit"
    if history is not None and "sha" in history.columns:
        if history["sha"].nunique() > COMMIT_STEPS_MAX:
            bucket = "week"
    city = CodeCity(
        files, history, height=height, color=color, coupling=coupling, title=title,
        bucket=bucket,
    )  # fmt: skip
    try:
        state: dict[str, Any] = {}
        binary: list[str] = []
        for name, value in city.get_state().items():
            if name.startswith("_") or name in SKIP:
                continue
            if isinstance(value, (bytes, memoryview)):
                state[name] = base64.b64encode(bytes(value)).decode("ascii")
                binary.append(name)
            else:
                state[name] = list(value) if isinstance(value, tuple) else value
        return {"state": state, "binary": sorted(binary), "paths": len(city.paths)}
    finally:
        city.close()
