"""POST /codepark/api/ai/{review,explain,docstring,insights,chat} and GET /codepark/api/ai/usage.

JSON answers; with `Accept: text/event-stream` the answer streams as server-sent events:
`delta` events (`{"text"}`) then one `result` event (the JSON answer). Errors before the first
event are ordinary error responses (502/504 for the model); later ones are an `error` event."""

from __future__ import annotations

import json
import os
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.iostream import StreamClosedError

from ...errors import CodeParkError, InvalidInput, NotFound
from ..paths import resolve_under_root
from .base import CodeParkHandler, status_of


class AIHandler(CodeParkHandler):
    def user_key(self) -> str:
        """Whom limits and usage count: the user; anonymous token holders (jupyter_server names
        them anew on each request; they are the server's owner) share one account."""
        user = self.current_user
        if getattr(user, "name", "").startswith("Anonymous "):
            return "anonymous"
        return getattr(user, "username", "") or "anonymous"


class AITaskHandler(AIHandler):
    task = ""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.read_json()
        path = await self.resolve(body)
        service = self.codepark.ai
        prepared = await service.prepare(self.task, body, user=self.user_key(), path=path)
        if "text/event-stream" in self.request.headers.get("Accept", ""):
            await self.stream(service.events(prepared))
        else:
            self.write_json(await service.answer(prepared))

    async def resolve(self, body: dict[str, Any]) -> str | None:
        """The absolute path the request names, checked against the server's root."""
        body.pop("file_path", None)  # set below only, never by the client
        root = self.codepark.root_dir
        if self.task in ("review", "explain", "docstring"):
            if self.task == "review" and "diff" in body:
                return resolve_under_root(root, body.get("path") or ".")
            if not body.get("path"):
                raise InvalidInput("`path` is required: the file to work on.")
            return resolve_under_root(root, body["path"])
        repo = body.get("repo")
        if self.task == "chat" and body.get("path"):
            file = resolve_under_root(root, body["path"])
            body["file_path"] = file
            if repo is None:
                return os.path.dirname(file)
        if repo is None and self.task == "insights":
            repo = body.get("path")
        if isinstance(repo, int) and not isinstance(repo, bool):
            result = await self.codepark.results.get(repo)
            return result.repository["path"]
        if isinstance(repo, str) and repo:
            return resolve_under_root(root, repo)
        if repo is not None:
            raise InvalidInput("`repo` is a repository id or a folder relative to the root.")
        if self.task == "insights":
            raise InvalidInput("`repo` is required: a repository id or folder.")
        analysed = await self.codepark.results.repos()
        if not analysed:
            raise NotFound("No repository has been analysed yet: analyse one first.")
        latest = max(analysed, key=lambda r: r["analysed_at"] or 0)
        return resolve_under_root(root, latest["path"] or ".")

    async def stream(self, events: Any) -> None:
        first = await events.__anext__()  # errors here become an ordinary error response
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")
        try:
            await self.send(*first)
            try:
                async for event in events:
                    await self.send(*event)
            except CodeParkError as e:
                body = {"message": e.message, "reason": e.reason, "status": status_of(e)}
                await self.send("error", body)
        except StreamClosedError:  # the client went away: stop the model too
            await events.aclose()
            return
        self.finish()

    async def send(self, event: str, data: dict[str, Any]) -> None:
        self.write(f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n")
        await self.flush()


class ReviewHandler(AITaskHandler):
    """`{path, line?, end_line?, function?, source?}` or `{diff, path?}`: findings."""

    task = "review"


class ExplainHandler(AITaskHandler):
    """`{path, line?, end_line?, function?, source?}`: what the code does, with facts."""

    task = "explain"


class DocstringHandler(AITaskHandler):
    """`{path, function? | line?, style?, source?}`: a docstring as an edit."""

    task = "docstring"


class InsightsHandler(AITaskHandler):
    """`{repo}` (an id or a folder): a grounded summary of the repository."""

    task = "insights"


class ChatHandler(AITaskHandler):
    """`{question, path?, repo?}`: an answer looked up in the analysis."""

    task = "chat"


class CompleteHandler(AITaskHandler):
    """`{prefix, suffix?, path?, language?}`: the code a language model inserts at the cursor
    (409 under the offline backend: it never completes code)."""

    task = "complete"

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.read_json()
        path = body.get("path")
        if path is not None and not isinstance(path, str):
            raise InvalidInput("`path` is a file relative to the server root.")
        absolute = resolve_under_root(self.codepark.root_dir, path) if path else None
        service = self.codepark.ai
        prepared = await service.prepare_completion(body, user=self.user_key(), path=absolute)
        events = service.completion_events(prepared)
        if "text/event-stream" in self.request.headers.get("Accept", ""):
            await self.stream(events)
            return
        result: dict[str, Any] = {}
        async for event, data in events:
            if event == "result":
                result = data
        self.write_json(result)


class AIUsageHandler(AIHandler):
    """The caller's AI usage: requests, cache hits, tokens and estimated cost, by task."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        raw = self.get_argument("since", "0")
        try:
            since = float(raw)
        except ValueError:
            raise InvalidInput("`since` is a time in seconds since the epoch.") from None
        if since != since or abs(since) > 1e12:
            raise InvalidInput("`since` is a time in seconds since the epoch.")
        self.write_json(await self.codepark.ai.usage(self.user_key(), since))
