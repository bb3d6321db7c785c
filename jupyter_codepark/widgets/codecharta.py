"""CodeCharta's ``cc.json`` (API 1.3) from a files table: a folder tree of file nodes with
numeric attributes, and change coupling as edges (``pairingRate``, as CodeCharta's own
git-log parser names it)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

API_VERSION = "1.3"
#: files-table column -> (cc.json attribute, title, direction: -1 = lower is better)
ATTRIBUTES = {
    "loc": ("loc", "Lines", -1),
    "sloc": ("rloc", "Real lines of code", -1),
    "comments": ("comment_lines", "Comment lines", 1),
    "complexity": ("mcc", "Cyclomatic complexity (sum)", -1),
    "max_complexity": ("max_mcc", "Cyclomatic complexity (max per function)", -1),
    "functions": ("functions", "Functions", 0),
    "maintainability": ("maintainability", "Maintainability index", 1),
    "revisions": ("number_of_commits", "Revisions", -1),
    "authors": ("number_of_authors", "Authors", 0),
    "churn": ("code_churn", "Lines added + deleted", -1),
    "added": ("added_lines", "Lines added", 0),
    "deleted": ("deleted_lines", "Lines deleted", 0),
    "bugfixes": ("number_of_bugfixes", "Bug-fix commits", -1),
    "bus_factor": ("bus_factor", "Bus factor", 1),
    "ownership": ("ownership", "Share of the main author", 0),
    "coupling_sum": ("coupling_sum", "Sum of coupling degrees", -1),
    "age_days": ("age_in_days", "Days since the last change", 0),
    "hotspot_score": ("hotspot_score", "Hotspot score (0..1)", -1),
}
RELATIVE = {"ownership", "hotspot_score", "maintainability", "max_mcc"}


def _node(name: str, kind: str) -> dict[str, Any]:
    node: dict[str, Any] = {"name": name, "type": kind, "attributes": {}, "link": ""}
    if kind == "Folder":
        node["children"] = []
    return node


def codecharta(
    files: pd.DataFrame, coupling: pd.DataFrame | None, project_name: str
) -> dict[str, Any]:
    root = _node("root", "Folder")
    folders: dict[str, dict[str, Any]] = {"": root}
    columns = [c for c in ATTRIBUTES if c in files.columns]
    paths = files["path"] if "path" in files.columns else files.index.to_series()
    for path, (_, row) in zip(paths.astype(str), files.iterrows(), strict=True):
        parts = path.split("/")
        parent = root
        for depth in range(1, len(parts)):
            key = "/".join(parts[:depth])
            if key not in folders:
                folders[key] = _node(parts[depth - 1], "Folder")
                parent["children"].append(folders[key])
            parent = folders[key]
        leaf = _node(parts[-1], "File")
        for col in columns:
            value = row[col]
            number = isinstance(value, (int, float, np.integer, np.floating))
            if number and not isinstance(value, (bool, np.bool_)):
                if math.isfinite(float(value)):
                    leaf["attributes"][ATTRIBUTES[col][0]] = float(value)
        parent["children"].append(leaf)
    names = [ATTRIBUTES[c][0] for c in columns]
    edges: list[dict[str, Any]] = []
    if coupling is not None and len(coupling):
        for a, b, degree, shared in coupling[["a", "b", "degree", "shared"]].itertuples(
            index=False
        ):
            edges.append(
                {
                    "fromNodeName": f"/root/{a}",
                    "toNodeName": f"/root/{b}",
                    "attributes": {"pairingRate": float(degree), "commits": float(shared)},
                }
            )
    return {
        "projectName": project_name,
        "apiVersion": API_VERSION,
        "nodes": [root],
        "attributeTypes": {
            "nodes": {n: "relative" if n in RELATIVE else "absolute" for n in names},
            "edges": {"pairingRate": "relative", "commits": "absolute"} if edges else {},
        },
        "attributeDescriptors": {
            ATTRIBUTES[c][0]: {
                "title": ATTRIBUTES[c][1],
                "description": f"CodePark column {c!r}",
                "hintLowValue": "",
                "hintHighValue": "",
                "link": "",
                "direction": ATTRIBUTES[c][2],
            }
            for c in columns
        },
        "edges": edges,
        "blacklist": [],
    }
