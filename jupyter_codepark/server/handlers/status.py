"""GET /codepark/api/status: version, features and their health."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from .base import CodeParkHandler


class StatusHandler(CodeParkHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.write_json(await self.codepark.health.report())
