"""AIService: input checks, rate limits, the answer cache, the backend, usage accounting.

Blocking work (reading files, git, the store, rules) runs in threads; the backend streams on the
event loop. Nothing here imports Jupyter."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import Conflict, InvalidInput
from ..store import Store
from ..store import ai as ai_rows
from .backends import AIBackend, OfflineBackend
from .chat import ground_chat
from .complete import clean_completion, completion_messages, completion_request
from .context import (
    AISettings,
    InputTooLarge,
    Target,
    attach_facts,
    clean_text,
    display_path,
    input_hash,
    load_target,
)
from .docstring import ground_docstring
from .explain import ground_explain
from .facts import Workspace, find_repo_top
from .insights import ground_insights
from .limits import TaskRateLimiter
from .notebook import CellMap
from .records import Grounded, Usage
from .review import ground_review, ground_review_diff

TASKS = ("review", "explain", "docstring", "insights", "chat")
CACHE_VERSION = 1
PURGE_EVERY = 200


@dataclass
class Prepared:
    """A request checked and keyed; `cached` is the stored answer on a hit."""

    task: str
    user: str
    backend: AIBackend
    key: str
    head: str | None
    ground: Callable[[], Grounded]
    cached: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def per_cell(g: Grounded, cells: CellMap) -> Grounded:
    """A notebook's answer with its lines given per cell (a model's docstring edit too)."""
    g.record = cells.map_record(g.record)
    finish = g.finish
    if finish is not None:

        def finish_per_cell(record: dict[str, Any], text: str) -> dict[str, Any]:
            out = finish(record, text)
            edit = out.get("edit")
            if isinstance(edit, dict) and "cell" not in edit:
                cells.map_range(edit)
            return out

        g.finish = finish_per_cell
    return g


class AIService:
    def __init__(
        self,
        store: Store,
        settings: AISettings,
        backend: Callable[[], AIBackend] | None = None,
        *,
        cache_ttl_s: float = 86400.0,
        rate_per_minute: int = 20,
        complete_rate_per_minute: int = 120,
    ) -> None:
        self.store = store
        self.settings = settings
        self.backend_factory = backend or OfflineBackend
        self.cache_ttl_s = cache_ttl_s
        self.limiter = TaskRateLimiter(rate_per_minute)
        self.complete_limiter = TaskRateLimiter(complete_rate_per_minute)
        self.workspace = Workspace(store)
        self._puts = 0
        digest = json.dumps(
            [
                CACHE_VERSION,
                asdict(settings.thresholds),
                settings.ruff_select,
                settings.docstring_style,
            ],
            sort_keys=True,
        )
        self._settings_hash = hashlib.sha256(digest.encode()).hexdigest()[:16]

    # -- preparing ---------------------------------------------------------------------------

    async def prepare(
        self, task: str, body: dict[str, Any], *, user: str, path: str | None
    ) -> Prepared:
        """Check, rate-limit and key a request. `path` is the absolute, already root-checked
        path the request names (a file, or for `insights`/`chat`/diff reviews a folder)."""
        if task not in TASKS:
            raise InvalidInput(f"Unknown AI task {task!r}; use one of {', '.join(TASKS)}.")
        self.limiter.take(user, task)
        backend = self.backend_factory()
        return await asyncio.to_thread(self._prepare, task, body, user, path, backend)

    def _prepare(
        self, task: str, body: dict[str, Any], user: str, path: str | None, backend: AIBackend
    ) -> Prepared:
        s = self.settings
        if task == "insights" or (task == "chat") or (task == "review" and "diff" in body):
            folder = path or s.root_dir or "."
            top = find_repo_top(folder)
            head = self.workspace.analysed_head(top)
            ground, inputs = self._folder_task(task, body, folder, top)
        else:
            if path is None:
                raise InvalidInput("`path` is required: the file to work on.")
            target = load_target(path, body, s)
            head = self.workspace.analysed_head(target.top)
            inputs = [
                target.display,
                target.content_hash(),
                target.line,
                target.end_line,
                target.function,
                body.get("style"),
                body.get("cell"),
            ]

            def ground() -> Grounded:
                attach_facts(target, self.workspace)
                if task == "review":
                    g = ground_review(target, s)
                elif task == "explain":
                    g = ground_explain(target, s)
                else:
                    style = body.get("style")
                    if style is not None and not isinstance(style, str):
                        raise InvalidInput("`style` is 'numpy' or 'google'.")
                    g = ground_docstring(target, s, style)
                return per_cell(g, target.cells) if target.cells is not None else g

        key = input_hash(task, backend.label, input_hash(self._settings_hash, *inputs), head)
        cached = self._cache_get(key)
        return Prepared(task, user, backend, key, head, ground, cached)

    def _folder_task(
        self, task: str, body: dict[str, Any], folder: str, top: str | None
    ) -> tuple[Callable[[], Grounded], list[Any]]:
        s = self.settings
        shown = display_path(s, top or folder)
        if task == "insights":
            if top is None:
                raise InvalidInput(
                    f"{display_path(s, folder) or 'The folder'} is not in a git repository."
                )
            return (lambda: ground_insights(self.workspace.facts(top), shown)), [top]
        if task == "review":
            diff = body.get("diff")
            if not isinstance(diff, str) or not diff.strip():
                raise InvalidInput("`diff` must be a non-empty unified diff.")
            diff = clean_text(diff)
            if len(diff.encode()) > s.max_input_bytes:
                raise InputTooLarge(f"`diff` is over the limit of {s.max_input_bytes:,} bytes.")
            return (lambda: ground_review_diff(folder, diff, self.workspace, s)), [
                display_path(s, folder),
                hashlib.sha256(diff.encode()).hexdigest(),
                self._tree_state(folder, diff),
            ]
        question = body.get("question")
        if not isinstance(question, str) or not question.strip():
            raise InvalidInput("`question` must be a non-empty string.")
        question = clean_text(question)
        if len(question) > s.max_question_chars:
            raise InputTooLarge(f"`question` is over {s.max_question_chars} characters.")
        target: Target | None = None
        file = body.get("file_path")
        if isinstance(file, str):
            target = load_target(file, {"source": body.get("source")}, s)
        facts = self.workspace.facts(top) if top else None

        def ground() -> Grounded:
            if target is not None:
                attach_facts(target, self.workspace)
            return ground_chat(facts, question.strip(), target, shown)

        return ground, [top, question.strip(), target.content_hash() if target else None]

    @staticmethod
    def _tree_state(folder: str, diff: str) -> list[Any]:
        """Sizes and mtimes of the files a diff names (their text is what gets reviewed)."""
        from .review import added_lines

        out = []
        for rel in sorted(added_lines(diff)):
            p = os.path.join(folder, rel)
            try:
                st = os.stat(p)
                out.append([rel, st.st_size, st.st_mtime_ns])
            except OSError:
                out.append([rel, None, None])
        return out

    # -- inline completion -------------------------------------------------------------------

    async def prepare_completion(
        self, body: dict[str, Any], *, user: str, path: str | None
    ) -> Prepared:
        """Check and rate-limit an inline completion. Only a language model completes code:
        under the offline backend this is a Conflict (409), never a made-up completion."""
        backend = self.backend_factory()
        if not backend.is_model:
            raise Conflict(
                "Inline completion needs a language model: set c.CodeParkApp.ai_model (or "
                "configure Jupyternaut). The offline engine reviews, explains and documents "
                "code but does not complete it.",
                reason="no-model",
            )
        request = completion_request(body, path, self.settings)
        self.complete_limiter.take(user, "complete")
        grounded = Grounded("complete", {}, "", completion_messages(request))
        return Prepared("complete", user, backend, "", None, lambda: grounded,
                        meta={"request": request})  # fmt: skip

    async def completion_events(self, p: Prepared) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """("delta", {"text"}) chunks then ("result", {..., "text": the completion})."""
        grounded = p.ground()
        usage = Usage()
        pieces: list[str] = []
        async for chunk in p.backend.write(grounded, usage):
            pieces.append(chunk)
            yield "delta", {"text": chunk}
        request = p.meta["request"]
        text = clean_completion("".join(pieces), request.suffix)
        await asyncio.to_thread(self._account, p, usage, False)
        yield (
            "result",
            {
                "task": "complete",
                "backend": p.backend.name,
                "model": p.backend.model or None,
                "generated_by": p.backend.generated_by,
                "path": request.display,
                "text": text,
                "cached": False,
                "usage": usage.to_json(),
            },
        )

    # -- answering ---------------------------------------------------------------------------

    async def answer(self, p: Prepared) -> dict[str, Any]:
        """The whole answer (JSON)."""
        record: dict[str, Any] | None = None
        async for event, data in self.events(p):
            if event == "result":
                record = data
        assert record is not None
        return record

    async def events(self, p: Prepared) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """("delta", {"text"}) chunks then ("result", record). Errors before the first chunk
        are raised to the caller (so they become an HTTP status)."""
        if p.cached is not None:
            record = {**p.cached, "cached": True, "usage": Usage().to_json()}
            await asyncio.to_thread(self._account, p, Usage(), True)
            yield "delta", {"text": record.get("text", "")}
            yield "result", record
            return
        grounded = await asyncio.to_thread(p.ground)
        usage = Usage()
        pieces: list[str] = []
        async for chunk in p.backend.write(grounded, usage):
            pieces.append(chunk)
            yield "delta", {"text": chunk}
        record = self._compose(p, grounded, "".join(pieces), usage)
        await asyncio.to_thread(self._store, p, record, usage)
        yield "result", {**record, "cached": False, "usage": usage.to_json()}

    def _compose(self, p: Prepared, g: Grounded, text: str, usage: Usage) -> dict[str, Any]:
        record = dict(g.record)
        if g.finish is not None and p.backend.is_model:
            record = g.finish(record, text)
        return {
            "task": p.task,
            "backend": p.backend.name,
            "model": p.backend.model or None,
            "generated_by": p.backend.generated_by,
            "analysed_head": p.head,
            "created_at": time.time(),
            "text": text,
            **record,
        }

    # -- store -------------------------------------------------------------------------------

    def _cache_get(self, key: str) -> dict[str, Any] | None:
        if self.cache_ttl_s <= 0:
            return None
        with self.store.connect() as conn:
            return ai_rows.cache_get(conn, key, time.time() - self.cache_ttl_s)

    def _store(self, p: Prepared, record: dict[str, Any], usage: Usage) -> None:
        now = time.time()
        with self.store.begin() as conn:
            if self.cache_ttl_s > 0:
                ai_rows.cache_put(conn, p.key, p.task, p.backend.label, record, now)
            self._puts += 1
            if self._puts % PURGE_EVERY == 0:
                ai_rows.cache_purge(conn, now - self.cache_ttl_s)
        self._account(p, usage, False)

    def _account(self, p: Prepared, usage: Usage, cached: bool) -> None:
        with self.store.begin() as conn:
            ai_rows.usage_add(
                conn,
                user=p.user,
                task=p.task,
                backend=p.backend.label,
                at=time.time(),
                cached=cached,
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
                cost_usd=usage.cost_usd,
            )

    async def usage(self, user: str, since: float = 0.0) -> dict[str, Any]:
        def load() -> dict[str, Any]:
            with self.store.connect() as conn:
                return ai_rows.usage_of(conn, user, since)

        return {"user": user, "since": since, **await asyncio.to_thread(load)}
