"""The `insights` task: a summary of a repository grounded in its analysis and history."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..analysis.measure import Blob, cache_key, measure_blobs
from ..errors import NotFound
from ..store.cache import MetricsCache
from .facts import DAY_S, RepoFacts, language_of
from .prompts import messages
from .records import OFFLINE_NOTE, Grounded

TOP = 5
TREND_FILES = 10  # files whose complexity history is measured
TREND_VERSIONS = 12  # versions sampled per file (blobs are measured once, then cached)
MIGRATION_WINDOW_DAYS = 180


def _hotspots(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    hot = sorted(
        (f for f in files if f["hotspot_score"] > 0), key=lambda f: (-f["hotspot_score"], f["path"])
    )
    return [
        {
            "path": f["path"],
            "score": f["hotspot_score"],
            "revisions": f["revisions"],
            "complexity": f["complexity"],
            "main_author": f["main_author"],
        }
        for f in hot[:TOP]
    ]


def _islands(files: list[dict[str, Any]], share: float = 0.9) -> list[dict[str, Any]]:
    solo = [
        f
        for f in files
        if f["revisions"] >= 1
        and not f["binary"]
        and (f["authors"] == 1 or (f["ownership"] or 0) >= share)
    ]
    solo.sort(key=lambda f: (-(f["loc"] or 0) * max(1, f["revisions"]), f["path"]))
    return [
        {
            "path": f["path"],
            "owner": f["main_author"],
            "ownership": f["ownership"],
            "authors": f["authors"],
            "loc": f["loc"],
            "revisions": f["revisions"],
        }
        for f in solo[:TOP]
    ]


def _clusters(coupling: list[dict[str, Any]]) -> list[dict[str, Any]]:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in coupling:
        parent[root(c["a"])] = root(c["b"])
    groups: dict[str, list[str]] = {}
    for x in list(parent):
        groups.setdefault(root(x), []).append(x)
    out = []
    for members in groups.values():
        pairs = [c for c in coupling if c["a"] in members]
        out.append(
            {
                "files": sorted(members),
                "pairs": len(pairs),
                "max_degree": max(c["degree"] for c in pairs),
            }
        )
    out.sort(key=lambda g: (-len(g["files"]), -g["max_degree"], g["files"][0]))
    return out[:TOP]


def _bug_magnets(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    mag = sorted(
        (f for f in files if f["bugfixes"] > 0),
        key=lambda f: (-f["bugfixes"], -f["revisions"], f["path"]),
    )
    return [
        {
            "path": f["path"],
            "bugfixes": f["bugfixes"],
            "revisions": f["revisions"],
            "share": round(f["bugfixes"] / f["revisions"], 3) if f["revisions"] else None,
        }
        for f in mag[:TOP]
    ]


def _growing(facts: RepoFacts) -> list[dict[str, Any]]:
    """Files (the most revised with a complexity) whose complexity grew over their history."""
    from ..analysis.git import open_repository

    files = [f for f in facts.result.files if f["complexity"] is not None and f["revisions"] > 1]
    files.sort(key=lambda f: (-f["revisions"], f["path"]))
    repo = open_repository(facts.top)
    cache = MetricsCache(facts.store)
    max_bytes = facts.result.options.max_file_bytes
    out = []
    for f in files[:TREND_FILES]:
        versions = [c for c in facts.file_history(f["path"]) if c["blob"] and c["status"] != "D"]
        if len(versions) < 2:
            continue
        step = max(1, len(versions) // TREND_VERSIONS)
        sample = versions[::step][: TREND_VERSIONS - 1] + [versions[-1]]
        metrics = measure_blobs(
            repo, [Blob(c["path"], c["blob"]) for c in sample], cache, max_bytes=max_bytes
        )
        values = [metrics[cache_key(c["path"], c["blob"])].get("complexity") for c in sample]
        values = [v for v in values if v is not None]
        if len(values) >= 2 and values[-1] > values[0]:
            out.append(
                {
                    "path": f["path"],
                    "from": values[0],
                    "to": values[-1],
                    "growth": values[-1] - values[0],
                    "versions": len(versions),
                }
            )
    out.sort(key=lambda g: (-g["growth"], g["path"]))
    return out[:TOP]


def _migrations(facts: RepoFacts) -> dict[str, Any]:
    """Churn per language in the last window against the window before it."""
    end = facts.last_commit_time()
    if not end:
        return {"rising": [], "fading": [], "window_days": MIGRATION_WINDOW_DAYS}
    end += 1
    w = MIGRATION_WINDOW_DAYS * DAY_S
    before, after = Counter(), Counter()
    for period, counter in (((end - 2 * w, end - w), before), ((end - w, end), after)):
        for path, r in facts.churn_by_path(*period).items():
            counter[language_of(path)] += r["churn"]
    tb, ta = sum(before.values()) or 1, sum(after.values()) or 1
    shifts = []
    for lang in set(before) | set(after):
        sb, sa = before[lang] / tb, after[lang] / ta
        shifts.append(
            {
                "language": lang,
                "share_before": round(sb, 3),
                "share_after": round(sa, 3),
                "change": round(sa - sb, 3),
            }
        )
    rising = sorted((s for s in shifts if s["change"] >= 0.05), key=lambda s: -s["change"])
    fading = sorted((s for s in shifts if s["change"] <= -0.05), key=lambda s: s["change"])
    return {
        "rising": rising[:TOP],
        "fading": fading[:TOP],
        "window_days": MIGRATION_WINDOW_DAYS,
        "has_earlier_window": bool(before),
    }


def _look_first(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    max_fix = max((f["bugfixes"] for f in files), default=0) or 1
    scored = []
    for f in files:
        solo = f["revisions"] >= 1 and f["authors"] == 1
        score = f["hotspot_score"] + 0.5 * f["bugfixes"] / max_fix + (0.2 if solo else 0.0)
        if score <= 0:
            continue
        why = []
        if f["hotspot_score"] > 0:
            why.append(f"hotspot score {f['hotspot_score']:.2f}")
        if f["bugfixes"]:
            why.append(f"{f['bugfixes']} bug-fix commits")
        if solo:
            why.append(f"only {f['main_author']} has changed it")
        scored.append({"path": f["path"], "score": round(score, 3), "why": why})
    scored.sort(key=lambda s: (-s["score"], s["path"]))
    return scored[:3]


def ground_insights(facts: RepoFacts, display: str) -> Grounded:
    if facts.result is None:
        raise NotFound(f"{display or facts.name} has not been analysed yet: analyse it first.")
    r = facts.result
    files = r.files
    folders_bf1 = [
        f["folder"]
        for f in r.folders
        if f["depth"] == 1 and f["bus_factor"] == 1 and f["files"] > 1
    ]
    record = {
        "repository": {"path": display, "name": facts.name, "head": facts.head},
        "summary": {
            k: r.summary.get(k)
            for k in ("commits", "authors", "files", "loc", "bus_factor", "languages")
        },
        "hotspots": _hotspots(files),
        "knowledge_islands": _islands(files),
        "bus_factor": r.summary.get("bus_factor"),
        "folders_with_bus_factor_1": folders_bf1[:TOP],
        "coupling_clusters": _clusters(r.coupling),
        "growing_complexity": _growing(facts),
        "bug_magnets": _bug_magnets(files),
        "migrations": _migrations(facts),
        "look_first": _look_first(files),
    }
    text = insights_text(record)
    facts_for_model = {k: v for k, v in record.items() if k != "repository"}
    prompt = messages(
        "Write a short briefing on this repository for its team: the riskiest hotspots, "
        "knowledge islands and bus factor, coupling clusters, files whose complexity keeps "
        "growing, bug magnets, language migrations, and what to look at first (and why). "
        "Ground every statement in the FACTS.",
        {"repository": facts.name, **facts_for_model},
    )
    return Grounded("insights", record, text, prompt)


def _paths(items: list[dict[str, Any]], fmt) -> str:  # noqa: ANN001
    return "\n".join(f"- {fmt(i)}" for i in items) if items else "- none found"


def insights_text(r: dict[str, Any]) -> str:
    s = r["summary"]
    langs = ", ".join(f"{k} ({v})" for k, v in list((s.get("languages") or {}).items())[:4])
    out = [
        f"**CodePark insights: {r['repository']['name']}** — {s['commits']} commits, "
        f"{s['authors']} authors, {s['files']} files ({langs}); bus factor {r['bus_factor']} "
        "[analysis].",
        "",
        "**Riskiest hotspots** (often changed × complex) [history, metric]",
        _paths(
            r["hotspots"],
            lambda h: (
                f"`{h['path']}`: score {h['score']:.2f}, "
                f"{h['revisions']} revisions, complexity {h['complexity']}, mostly "
                f"{h['main_author']}"
            ),
        ),
        "",
        f"**Knowledge islands** (one owner) — bus factor {r['bus_factor']} [history]",
        _paths(
            r["knowledge_islands"],
            lambda k: (
                f"`{k['path']}`: only {k['owner']}"
                if k["authors"] == 1
                else f"`{k['path']}`: {k['owner']} ({(k['ownership'] or 0) * 100:.0f} %)"
            ),
        ),
    ]
    if r["folders_with_bus_factor_1"]:
        out.append(
            "- folders with bus factor 1: "
            + ", ".join(f"`{f}`" for f in r["folders_with_bus_factor_1"])
        )
    out += [
        "",
        "**Bug magnets** (most bug-fix commits) [history]",
        _paths(
            r["bug_magnets"],
            lambda b: f"`{b['path']}`: {b['bugfixes']} bug-fix commits of {b['revisions']}",
        ),
        "",
        "**Coupling clusters** (files that change together) [history]",
        _paths(
            r["coupling_clusters"],
            lambda c: ", ".join(f"`{p}`" for p in c["files"]) + f" (up to {c['max_degree']:.0f} %)",
        ),
        "",
        "**Complexity growing** [metric, history]",
        _paths(
            r["growing_complexity"],
            lambda g: f"`{g['path']}`: {g['from']} → {g['to']} over {g['versions']} versions",
        ),
        "",
        f"**Migrations** (share of churn, last {r['migrations']['window_days']} days vs the "
        "period before) [history]",
    ]
    mig = r["migrations"]
    moves = [
        f"{m['language']} rising {m['share_before'] * 100:.0f} % → {m['share_after'] * 100:.0f} %"
        for m in mig["rising"]
    ]
    moves += [
        f"{m['language']} fading {m['share_before'] * 100:.0f} % → {m['share_after'] * 100:.0f} %"
        for m in mig["fading"]
    ]
    out.append(_paths(moves, str))
    out += [
        "",
        "**Look at first**",
        _paths(r["look_first"], lambda x: f"`{x['path']}`: " + "; ".join(x["why"])),
        "",
        f"_{OFFLINE_NOTE}_",
    ]
    return "\n".join(out)
