"""Every CodePark route refuses unauthenticated callers (as the extension template's check_auth)."""

from __future__ import annotations

import re
import warnings

import pytest
from jupyter_server.serverapp import ServerApp
from jupyter_server.utils import JupyterServerAuthWarning, url_path_join
from tornado.httpclient import HTTPClientError

from jupyter_codepark.server.app import NAMESPACE
from jupyter_codepark.server.handlers import routes

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


SAMPLES = {
    "job_id": "0b9d2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    "repo_id": "1",
    "path": "a/b.py",
    "note_id": "1",
}


def _concrete(pattern: str) -> str:
    """A URL matching a route pattern: every named group replaced by a plausible value."""
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLES[m.group(1)], pattern).rstrip("$")


def test_no_handler_lacks_an_authentication_decorator():
    app = ServerApp(
        allow_unauthenticated_access=False,
        jpserver_extensions={"jupyter_codepark": True},
        reraise_server_extension_failures=True,
        terminals_enabled=False,
    )
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        app.initialize(argv=[], find_extensions=False, new_httpserver=False)
    problems = [str(r.message) for r in records if issubclass(r.category, JupyterServerAuthWarning)]
    assert problems == []
    # the extension really loaded: its routes are in the web app
    names = {getattr(rule.target, "__name__", "") for rule in app.web_app.default_router.rules}
    assert names  # the router is populated


@pytest.mark.parametrize("pattern", [p for p, _ in routes(NAMESPACE)])
async def test_route_refuses_unauthenticated_calls(pattern, jp_fetch):
    refused = 0
    parts = _concrete(pattern).strip("/").split("/")
    for method in METHODS:
        body = b"{}" if method in ("POST", "PUT", "PATCH") else None
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch(*parts, method=method, body=body, headers={"Authorization": ""})
        assert err.value.code in (403, 405), (method, pattern, err.value.code)
        refused += err.value.code == 403
    assert refused >= 1, pattern
    assert url_path_join("/", NAMESPACE, "api") in pattern


def test_every_route_is_documented_in_openapi():
    from . import openapi

    for pattern, handler in routes(NAMESPACE):
        url = _concrete(pattern)
        template = openapi.template_of(url)
        documented = set(openapi.spec()["paths"][template]) - {"parameters"}
        implemented = {m.lower() for m in METHODS if m.lower() in vars(handler)}
        assert implemented <= documented, (pattern, implemented - documented)
