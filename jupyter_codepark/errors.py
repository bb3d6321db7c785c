"""Domain errors shared by every room of CodePark.

Each error carries a human message (what went wrong and what to do) and a short machine
``reason``. The server maps the classes to HTTP status codes in one place
(``jupyter_codepark.server.errors``); the CLI prints the message and exits non-zero.
"""

from __future__ import annotations


class CodeParkError(Exception):
    """Base class of every error CodePark raises on purpose."""

    reason = "error"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason


class InvalidInput(CodeParkError):
    """The request or argument is malformed or names something unusable (HTTP 400)."""

    reason = "invalid-input"


class NotAGitRepository(InvalidInput):
    reason = "not-a-git-repository"


class EmptyRepository(InvalidInput):
    reason = "empty-repository"


class UnknownRevision(InvalidInput):
    reason = "unknown-revision"


class PathOutsideRoot(CodeParkError):
    """A path resolves outside the allowed root (HTTP 403); it is never touched."""

    reason = "outside-root"


class Forbidden(CodeParkError):
    """The current user may not do this (HTTP 403): e.g. edit or delete someone else's note."""

    reason = "forbidden"


class NotFound(CodeParkError):
    reason = "not-found"


class Conflict(CodeParkError):
    reason = "conflict"


class Cancelled(CodeParkError):
    reason = "cancelled"


class GitError(CodeParkError):
    """git itself failed in a way the user did not cause (HTTP 500 with git's message)."""

    reason = "git-failed"


class GitTimeout(GitError):
    reason = "git-timeout"


class StoreError(CodeParkError):
    reason = "store-unavailable"


class RateLimited(CodeParkError):
    """Too many requests for now (HTTP 429); ``retry_after_s`` says when to try again."""

    reason = "rate-limited"

    def __init__(self, message: str, *, retry_after_s: float, reason: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.retry_after_s = retry_after_s


class SandboxUnavailable(CodeParkError):
    """Sandboxed execution is disabled or cannot work on this machine (HTTP 503)."""

    reason = "sandbox-unavailable"


class ModelError(CodeParkError):
    """The language model (or the server in front of it) failed (HTTP 502 with its reason)."""

    reason = "model-error"


class ModelTimeout(ModelError):
    """The language model did not answer in time (HTTP 504)."""

    reason = "model-timeout"


class InputTooLarge(InvalidInput):
    """A request's code, diff or question is over the size limit (HTTP 413)."""

    reason = "input-too-large"


class SearchUnavailable(CodeParkError):
    """Semantic search needs its optional extra (the packaged embedding model) (HTTP 503)."""

    reason = "search-unavailable"
