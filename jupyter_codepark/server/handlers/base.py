"""The one base handler: authentication, authorization, JSON bodies, and the one error path."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin

from ...errors import (
    CodeParkError,
    Conflict,
    Forbidden,
    GitTimeout,
    InputTooLarge,
    InvalidInput,
    ModelError,
    ModelTimeout,
    NotFound,
    PathOutsideRoot,
    RateLimited,
    SandboxUnavailable,
    SearchUnavailable,
    StoreError,
)

if TYPE_CHECKING:
    from ..app import CodeParkApp

# Order matters: the first class an error is an instance of decides its status.
STATUS_OF: tuple[tuple[type[CodeParkError], int], ...] = (
    (InputTooLarge, 413),
    (InvalidInput, 400),
    (PathOutsideRoot, 403),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (RateLimited, 429),
    (StoreError, 503),
    (SandboxUnavailable, 503),
    (SearchUnavailable, 503),
    (GitTimeout, 504),
    (ModelTimeout, 504),
    (ModelError, 502),
)


def status_of(error: CodeParkError) -> int:
    for cls, status in STATUS_OF:
        if isinstance(error, cls):
            return status
    return 500


class CodeParkHandler(ExtensionHandlerMixin, APIHandler):
    """Base of every CodePark REST handler.

    Subclasses decorate each verb with ``@web.authenticated`` and ``@authorized``; the
    authorization resource is ``codepark``. Domain errors raised by the engine become
    ``{"message", "reason"}`` bodies with the status from :data:`STATUS_OF`.
    """

    auth_resource = "codepark"

    @property
    def codepark(self) -> CodeParkApp:
        return self.settings["codepark"]

    def write_json(self, body: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, default=str))

    def read_json(self) -> dict[str, Any]:
        if not self.request.body:
            return {}
        try:
            body = json.loads(self.request.body)
        except ValueError as e:
            raise InvalidInput(f"The request body is not valid JSON: {e}") from e
        if not isinstance(body, dict):
            raise InvalidInput("The request body must be a JSON object.")
        try:  # JSON may spell lone surrogates ("\\ud800"), which no store or file can hold
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as e:
            raise InvalidInput("The request body has invalid Unicode (a lone surrogate).") from e
        return body

    def log_exception(self, typ, value, tb) -> None:  # noqa: ANN001 (tornado's signature)
        if isinstance(value, CodeParkError):
            self.log.info("CodePark %s: %s", value.reason, value.message)
        else:
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, CodeParkError):
            self.set_status(status_of(error))
            if isinstance(error, RateLimited):
                self.set_header("Retry-After", str(max(1, round(error.retry_after_s))))
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"message": error.message, "reason": error.reason}))
            return
        super().write_error(status_code, **kwargs)
