"""The `CodePark` persona for jupyter-ai's chat (jupyterlab-chat rooms): it answers through
CodePark's `chat` task, so its answers come from the repository's analysis (offline by default,
or the configured language model, streamed).

Loaded by jupyter-ai's persona manager from the `jupyter_ai.personas` entry point; installed with
the `[ai]` extra. It reaches the server extension's AI service through the server settings of the
extension that owns the persona manager (`settings["codepark"]`)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from jupyter_ai_persona_manager import BasePersona, PersonaDefaults
from jupyter_ai_persona_manager.awareness_models import Usage as PersonaUsage

from ..errors import CodeParkError, NotFound
from .paths import resolve_under_root

if TYPE_CHECKING:
    from jupyterlab_chat.models import Message

    from .app import CodeParkApp

AVATAR = os.path.join(os.path.dirname(__file__), "static", "codepark-avatar.svg")
# `@CodePark`, `@CodePark:` and the like, as jupyterlab-chat writes mentions
MENTION = re.compile(r"(^|\s)@[\w-]+:?(?=\s|$)")


class CodeParkPersona(BasePersona):
    """Answers questions about the repository (who knows what, recent changes, hotspots, bus
    factor, bug magnets, complex functions) from CodePark's analysis."""

    @property
    def defaults(self) -> PersonaDefaults:
        return PersonaDefaults(
            name="CodePark",
            description=(
                "Answers questions about the repository from CodePark's analysis: who knows a "
                "part best, what changed most, hotspots, bus factor, bug magnets."
            ),
            avatar_path=AVATAR,
            system_prompt=(
                "You are CodePark. Answer questions about a git repository using only the facts "
                "CodePark looked up in its analysis."
            ),
        )

    # -- the server extension -----------------------------------------------------------------

    def codepark(self) -> CodeParkApp:
        """CodePark's server extension, found in the server settings of the extension that owns
        this persona's manager."""
        node: Any = self
        while node is not None:
            serverapp = getattr(node, "serverapp", None)
            if serverapp is not None and getattr(serverapp, "web_app", None) is not None:
                app = serverapp.web_app.settings.get("codepark")
                if app is None:
                    break
                return app
            node = getattr(node, "parent", None)
        raise NotFound(
            "CodePark's server extension is not enabled on this server "
            "(jupyter server extension enable jupyter_codepark)."
        )

    async def folder(self, app: CodeParkApp) -> str:
        """The repository to answer about: the analysed repository holding the chat file, else
        the latest analysed one under the server's root."""
        from ..ai.facts import find_repo_top

        rel = self.get_chat_path(True)  # on the loop: the file id manager's SQLite lives there

        def analysed_top() -> str | None:  # the file system and the store: off the event loop
            top = find_repo_top(os.path.dirname(resolve_under_root(app.root_dir, rel)))
            return top if top and app.ai.workspace.analysed_head(top) is not None else None

        top = await asyncio.to_thread(analysed_top)
        if top is not None:
            return top
        analysed = await app.results.repos()
        if not analysed:
            raise NotFound(
                "No repository has been analysed yet: analyse one in the CodePark panel first."
            )
        latest = max(analysed, key=lambda r: r["analysed_at"] or 0)
        return resolve_under_root(app.root_dir, latest["path"] or ".")

    def attached_files(self, message: Message) -> list[str]:
        """Paths (relative to the server's root) of the files attached to `message`; read on
        the event loop, where the chat's document lives."""
        attachments = self.chat.get_attachments() if message.attachments else {}
        return [
            a.value
            for a in (attachments.get(i) for i in message.attachments or [])
            if a is not None and a.type == "file" and a.value
        ]

    @staticmethod
    def first_file(app: CodeParkApp, paths: list[str]) -> str | None:
        """The first attached path that is a file under the server's root (else None)."""
        for rel in paths:
            try:
                path = resolve_under_root(app.root_dir, rel.lstrip("/"))
            except CodeParkError:
                continue
            if os.path.isfile(path):
                return path
        return None

    # -- answering ----------------------------------------------------------------------------

    async def process_message(self, message: Message) -> None:
        question = MENTION.sub(" ", message.body or "").strip()
        if not question:
            self.send_message(
                "Ask me about the repository: who knows a part best, what changed most last "
                "month, the hotspots, the bus factor, bug magnets, the most complex functions."
            )
            return
        try:
            app = self.codepark()
            body: dict[str, Any] = {"question": question}
            file = await asyncio.to_thread(self.first_file, app, self.attached_files(message))
            if file is not None:
                body["file_path"] = file
            service = app.ai
            prepared = await service.prepare(
                "chat", body, user=message.sender or "anonymous", path=await self.folder(app)
            )
            events = service.events(prepared)
            # errors before the first chunk (model down, timeout) come out here, not mid-message
            first = await anext(events)
        except CodeParkError as e:
            self.send_message(f"**CodePark could not answer:** {e}")
            return
        result: dict[str, Any] = {}

        async def text() -> AsyncIterator[str]:
            event, data = first
            while True:
                if event == "delta":
                    yield data["text"]
                elif event == "result":
                    result.update(data)
                try:
                    event, data = await anext(events)
                except StopAsyncIteration:
                    return

        try:
            await self.stream_message(text())
        except CodeParkError as e:
            self.send_message(f"**CodePark stopped answering:** {e}")
            return
        self.report(result.get("usage") or {})

    def report(self, usage: dict[str, Any]) -> None:
        """Tokens and cost of the answer, added to the session's usage (a model's answers only:
        the offline engine and cache hits cost nothing)."""
        prompt = int(usage.get("prompt_tokens") or 0)
        completion = int(usage.get("completion_tokens") or 0)
        if not prompt and not completion:
            return
        cost = usage.get("cost_usd")
        self.report_usage(
            PersonaUsage(
                input_tokens=prompt,
                output_tokens=completion,
                total_tokens=prompt + completion,
                cost_amount=float(cost) if cost else None,
                cost_currency="USD" if cost else None,
            ),
            append=True,
        )
