"""The `chat` task: answers about a repository found by looking things up in its analysis."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

from .context import Target, file_facts, numbered
from .facts import DAY_S, RepoFacts
from .prompts import messages
from .records import OFFLINE_NOTE, Grounded

STOP = {
    "the",
    "a",
    "an",
    "is",
    "are",
    "who",
    "what",
    "which",
    "best",
    "most",
    "knows",
    "know",
    "file",
    "files",
    "code",
    "in",
    "of",
    "for",
    "to",
    "does",
    "do",
    "changed",
    "change",
    "last",
    "month",
    "week",
    "how",
    "our",
    "my",
    "this",
    "that",
    "there",
    "about",
    "me",
    "tell",
    "where",
    "we",
    "it",
    "and",
    "or",
    "on",
    "by",
    "with",
    "has",
    "have",
}


def _terms(question: str) -> list[str]:
    return [
        w
        for w in re.findall(r"[A-Za-z_][\w./-]*", question.lower())
        if w not in STOP and len(w) > 2
    ]


def _matching_files(facts: RepoFacts, terms: list[str]) -> list[dict[str, Any]]:
    files = facts.result.files
    names = {
        f["path"] for f in facts.result.functions if any(t == f["name"].lower() for t in terms)
    }
    return [f for f in files if f["path"] in names or any(t in f["path"].lower() for t in terms)]


def _who_knows(facts: RepoFacts, terms: list[str]) -> tuple[str, list[dict], list[str]]:
    matched = _matching_files(facts, terms)
    if not matched:
        return "", [], []
    churn: Counter = Counter()
    for f in matched:
        if f["main_author"]:
            churn[f["main_author"]] += (f["churn"] or 0) * (f["ownership"] or 0)
    ranked = [{"author": a, "weighted_churn": round(c, 1)} for a, c in churn.most_common(5)]
    topic = ", ".join(terms)
    text = (
        f"For **{topic}** ({len(matched)} matching file(s), e.g. "
        + ", ".join(f"`{f['path']}`" for f in matched[:4])
        + f"), **{ranked[0]['author']}** knows it best"
        if ranked
        else ""
    )
    if ranked:
        text += (
            " (main author of the most changed lines), then "
            + ", ".join(r["author"] for r in ranked[1:3])
            if len(ranked) > 1
            else ""
        )
        text += ". [history]"
    return text, ranked, [f["path"] for f in matched[:10]]


def _recent(facts: RepoFacts, days: int) -> tuple[str, list[dict]]:
    end = (facts.last_commit_time() or time.time()) + 1
    churn = facts.churn_by_path(end - days * DAY_S, end)
    ranked = sorted(churn.items(), key=lambda kv: (-kv[1]["churn"], kv[0]))[:5]
    items = [
        {
            "path": p,
            "commits": r["commits"],
            "churn": r["churn"],
            "authors": dict(r["authors"].most_common(3)),
        }
        for p, r in ranked
    ]
    day = time.strftime("%Y-%m-%d", time.gmtime(end))
    if not items:
        return f"Nothing changed in the {days} days before {day} (the last commit). [history]", []
    text = (
        f"Most changed in the {days} days up to the last commit ({day}): "
        + "; ".join(
            f"`{i['path']}` ({i['churn']} lines in {i['commits']} commits, by "
            f"{', '.join(i['authors'])})"
            for i in items
        )
        + " [history]"
    )
    return text, items


def _answer(facts: RepoFacts, question: str) -> tuple[str, dict[str, Any]]:
    q = question.lower()
    r = facts.result
    terms = _terms(question)
    if re.search(r"\bwho\b.*\b(know|expert|own|best|ask)", q):
        text, ranked, paths = _who_knows(facts, terms)
        if text:
            return text, {"lookup": "who_knows", "terms": terms, "authors": ranked, "files": paths}
    if re.search(r"changed? (the )?most|most (active|changed)|recent|last (month|week)", q):
        days = 7 if "week" in q else 30
        text, items = _recent(facts, days)
        return text, {"lookup": "recent_changes", "days": days, "files": items}
    if re.search(r"hotspot|risk|refactor|worst|dangerous", q):
        hot = sorted(
            (f for f in r.files if f["hotspot_score"] > 0), key=lambda f: -f["hotspot_score"]
        )[:5]
        text = (
            "Riskiest hotspots: "
            + "; ".join(
                f"`{f['path']}` (score {f['hotspot_score']:.2f}, {f['revisions']} revisions)"
                for f in hot
            )
            + " [history, metric]"
        )
        return text, {"lookup": "hotspots", "files": [f["path"] for f in hot]}
    if re.search(r"bus factor|knowledge|island|single owner|leaves", q):
        solo = [f for f in r.files if f["authors"] == 1 and f["revisions"] >= 1][:8]
        text = (
            f"The repository's bus factor is {r.summary['bus_factor']}. Files only one "
            "person has changed: "
            + ", ".join(f"`{f['path']}` ({f['main_author']})" for f in solo)
            + " [history]"
        )
        return text, {
            "lookup": "bus_factor",
            "bus_factor": r.summary["bus_factor"],
            "single_owner": [f["path"] for f in solo],
        }
    if re.search(r"\bbugs?\b|fix", q):
        mag = sorted((f for f in r.files if f["bugfixes"]), key=lambda f: -f["bugfixes"])[:5]
        text = (
            "Files most touched by bug fixes: "
            + ", ".join(f"`{f['path']}` ({f['bugfixes']})" for f in mag)
            + " [history]"
        )
        return text, {"lookup": "bug_magnets", "files": [f["path"] for f in mag]}
    if re.search(r"complex", q):
        fns = sorted(r.functions, key=lambda f: -(f.get("complexity") or 0))[:5]
        text = (
            "Most complex functions: "
            + ", ".join(f"`{f['path']}:{f['qualname']}` ({f['complexity']})" for f in fns)
            + " [metric]"
        )
        return text, {
            "lookup": "complex_functions",
            "functions": [f"{f['path']}:{f['qualname']}" for f in fns],
        }
    if re.search(r"\b(authors?|contributors?|team|who)\b", q):
        top = r.authors[:5]
        text = (
            "Most active authors: "
            + ", ".join(f"{a['name']} ({a['commits']} commits)" for a in top)
            + " [history]"
        )
        return text, {"lookup": "authors", "authors": [a["name"] for a in top]}
    s = r.summary
    text = (
        f"{facts.name}: {s['commits']} commits by {s['authors']} authors, {s['files']} files, "
        f"bus factor {s['bus_factor']} [analysis]. I answer from the analysis: ask who knows a "
        "part best, what changed most last month, the hotspots, the bus factor, bug magnets, "
        "the most complex functions or the most active authors."
    )
    return text, {"lookup": "summary"}


def ground_chat(
    facts: RepoFacts | None, question: str, target: Target | None, display: str
) -> Grounded:
    if facts is None or facts.result is None:
        name = facts.name if facts else display
        text = (
            f"{name or 'This folder'} has not been analysed yet, so I have no facts to "
            "answer from: analyse the repository first."
        )
        found: dict[str, Any] = {"lookup": "none"}
    else:
        text, found = _answer(facts, question)
    context: dict[str, Any] = {"question": question, "lookup": found}
    if facts is not None and facts.result is not None:
        s = facts.result.summary
        context["repository"] = {
            "name": facts.name,
            "commits": s["commits"],
            "authors": s["authors"],
            "bus_factor": s["bus_factor"],
        }
    code = None
    if target is not None:
        context["file"] = {"path": target.display, **file_facts(target)}
        code = numbered(target.text, 1, None, limit=200)
    record = {
        "question": question,
        "repository": display,
        "answer_facts": found,
        "file": context.get("file"),
    }
    prompt = messages(
        f"Answer the question about the repository: {question!r}. The FACTS hold what CodePark "
        "looked up in the analysis for it.",
        context,
        code,
    )
    return Grounded("chat", record, f"{text}\n\n_{OFFLINE_NOTE}_", prompt)
