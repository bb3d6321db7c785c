"""/codepark/api/analyses: start, list, read, cancel and re-run analysis jobs."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ...errors import InvalidInput
from ..paths import resolve_under_root
from ..results import int_arg
from .base import CodeParkHandler

OPTION_KEYS = {
    "max_changeset": int,
    "bugfix_pattern": str,
    "max_file_bytes": int,
    "coupling": dict,
}
COUPLING_KEYS = {"min_revisions": int, "min_shared": int, "min_degree": (int, float)}


def parse_options(raw: object) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput("`options` must be an object.")
    out: dict = {}
    for key, value in raw.items():
        kind = OPTION_KEYS.get(key)
        if kind is None:
            raise InvalidInput(f"Unknown option {key!r}; known: {', '.join(sorted(OPTION_KEYS))}.")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise InvalidInput(f"Option {key!r} must be of type {kind.__name__}.")
        if key == "coupling":
            for ck, cv in value.items():
                ckind = COUPLING_KEYS.get(ck)
                if ckind is None or not isinstance(cv, ckind) or isinstance(cv, bool):
                    raise InvalidInput(f"Bad coupling option {ck!r}.")
        out[key] = value
    if out.get("max_changeset", 1) < 1 or out.get("max_file_bytes", 1) < 1:
        raise InvalidInput("Options must be positive.")
    return out


def _optional_str(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"`{key}` must be a string.")
    return value


class AnalysesHandler(CodeParkHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        limit = int_arg(self.get_argument("limit", None), "limit", 100, 1, 1000)
        offset = int_arg(self.get_argument("offset", None), "offset", 0, 0, 10**9)
        items, total = await self.codepark.jobs.list(limit, offset)
        self.write_json({"items": items, "total": total, "limit": limit, "offset": offset})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.read_json()
        repo_dir = resolve_under_root(self.codepark.root_dir, body.get("path"))
        rev = _optional_str(body, "rev") or "HEAD"
        since = _optional_str(body, "since")
        options = parse_options(body.get("options"))
        user = self.current_user.username if self.current_user else None
        job, created = await self.codepark.jobs.submit(repo_dir, rev, since, options, user)
        reply_job(self, job, created)


def reply_job(handler: CodeParkHandler, job: dict, created: bool) -> None:
    """202 + Location for a job just started; 200 for the existing job a request matched."""
    url = url_path_join(handler.base_url, "codepark/api/analyses", job["id"])
    handler.set_header("Location", url)
    handler.write_json(job, 202 if created else 200)


class AnalysisHandler(CodeParkHandler):
    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        self.write_json(await self.codepark.jobs.get(job_id))

    @web.authenticated
    @authorized
    async def delete(self, job_id: str) -> None:
        self.write_json(await self.codepark.jobs.cancel(job_id))


class RerunHandler(CodeParkHandler):
    @web.authenticated
    @authorized
    async def post(self, job_id: str) -> None:
        user = self.current_user.username if self.current_user else None
        job, created = await self.codepark.jobs.rerun(job_id, user)
        reply_job(self, job, created)
