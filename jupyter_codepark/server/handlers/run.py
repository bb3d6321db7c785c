"""POST /codepark/api/run: run a snippet in a fresh sandboxed kernel and return its output."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...errors import SandboxUnavailable
from .base import CodeParkHandler


class RunHandler(CodeParkHandler):
    """Body ``{"code": str, "timeout_s": number?}``; answers the run's result (see
    :class:`jupyter_codepark.sandbox.run.RunResult`): 200 whatever the code did, 400 for a bad
    request, 429 (with Retry-After) over the rate or when the queue is full, 503 without a
    sandbox."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        service = self.codepark.run_service
        if service is None:
            raise SandboxUnavailable("Sandboxed runs are disabled by configuration.")
        body = self.read_json()
        result = await service.run(body.get("code"), body.get("timeout_s"), user=self.rate_key())
        self.write_json(result.to_json())

    def rate_key(self) -> str:
        """Whom the rate limit counts: the user, or one shared bucket for anonymous token
        holders (jupyter_server names them anew on each request; they are the server's owner)."""
        user = self.current_user
        if getattr(user, "name", "").startswith("Anonymous "):
            return "anonymous"
        return getattr(user, "username", "") or "anonymous"
