"""GET /codepark/api/search and /codepark/api/search/index against a real Jupyter server, with
the real packaged model (offline); every answer is checked against openapi.yaml."""

from __future__ import annotations

import asyncio
import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.store import Store
from tests.repo_builder import RepoBuilder
from tests.server import openapi

from .identity import as_user
from .search_repo import QUESTIONS, build_shop

WAIT_S = 120


@pytest.fixture
def shop(jp_root_dir, tmp_path):
    b = build_shop(jp_root_dir / "shop")
    store = Store(f"sqlite:///{tmp_path / 'codepark.sqlite'}")
    analyze_repository(store, b.path, AnalysisOptions(), as_of=1707000000)
    store.close()
    return b


async def call(jp_fetch, *parts, params=None, body=None, method="GET", user="alice"):
    url = "/" + "/".join(["codepark", "api", *parts])
    kwargs = {"method": method, "headers": as_user(user) if user else {"Authorization": ""}}
    if params is not None:
        kwargs["params"] = params
    if body is not None:
        kwargs["body"] = json.dumps(body)
    try:
        response = await jp_fetch("codepark", "api", *parts, **kwargs)
    except HTTPClientError as e:
        data = json.loads(e.response.body) if e.response and e.response.body else None
        if data is not None:
            openapi.check(url, method, e.code, data)
        return e.code, data
    data = json.loads(response.body)
    openapi.check(url, method, response.code, data)
    return response.code, data


async def search_until_ready(jp_fetch, params):
    seen = []
    for _ in range(WAIT_S * 5):
        code, data = await call(jp_fetch, "search", params=params)
        seen.append(code)
        if code != 202:
            return code, data, seen
        assert data["state"] == "building" and data["repo"]["path"] == "shop"
        await asyncio.sleep(0.2)
    raise AssertionError(f"the index was not built in {WAIT_S} s")


async def test_search_builds_the_index_then_answers_with_the_planted_function(jp_fetch, shop):
    question, path, name = QUESTIONS[0]
    code, data, seen = await search_until_ready(jp_fetch, {"q": question, "repo": "shop"})
    assert seen[0] == 202  # the first request never waits for the model to embed the repository
    assert code == 200, data
    top = data["functions"][0]
    assert (top["path"], top["name"], top["kind"]) == (path, name, "function")
    assert data["files"][0]["path"] == path
    assert data["repo"] == {
        "id": data["repo"]["id"], "path": "shop", "name": "shop", "head": shop.head()
    }  # fmt: skip
    assert data["index"]["commits"] == 4 and data["index"]["files"] == 7

    # the index is in memory now: every planted function answers at once, by id too
    for question, path, name in QUESTIONS:
        code, data = await call(
            jp_fetch, "search", params={"q": question, "repo": str(data["repo"]["id"])}
        )
        assert code == 200
        assert (data["functions"][0]["path"], data["functions"][0]["name"]) == (path, name)

    # limit, and the default repository (the one analysed last)
    code, data = await call(jp_fetch, "search", params={"q": "tax", "limit": "2"})
    assert code == 200 and len(data["functions"]) == 2 and len(data["commits"]) == 2


async def test_index_can_be_built_explicitly_and_reports_its_state(jp_fetch, shop):
    code, data = await call(jp_fetch, "search", "index", params={"repo": "shop"})
    assert (code, data["state"]) == (200, "missing")
    code, data = await call(jp_fetch, "search", "index", method="POST", body={"repo": "shop"})
    assert code == 202 and data["state"] == "building"
    for _ in range(WAIT_S * 5):
        code, data = await call(jp_fetch, "search", "index", params={"repo": "shop"})
        if data["state"] == "ready":
            break
        assert data["state"] == "building"
        await asyncio.sleep(0.2)
    assert data["state"] == "ready" and data["index"]["functions"] == 9
    code, data = await call(jp_fetch, "search", "index", method="POST", body={"repo": "shop"})
    assert (code, data["state"]) == (200, "ready")
    code, data = await call(jp_fetch, "search", params={"q": QUESTIONS[1][0], "repo": "shop"})
    assert code == 200 and data["functions"][0]["name"] == QUESTIONS[1][2]


async def test_bad_input_is_refused_clearly(jp_fetch, jp_root_dir, shop):
    cases = [
        ({"q": ""}, 400, "non-empty"),
        ({"q": "   "}, 400, "non-empty"),
        ({}, 400, "non-empty"),
        ({"q": "x" * 1001}, 400, "1000"),
        ({"q": "login", "limit": "0"}, 400, "limit"),
        ({"q": "login", "limit": "many"}, 400, "limit"),
        ({"q": "login", "repo": "../outside"}, 403, "outside"),
        ({"q": "login", "repo": "/etc"}, 403, "relative"),
        ({"q": "login", "repo": "nowhere"}, 404, "does not exist"),
        ({"q": "login", "repo": "999"}, 404, "No repository 999"),
    ]
    (jp_root_dir / "plain").mkdir()
    cases.append(({"q": "login", "repo": "plain"}, 400, "not in a git repository"))
    fresh = RepoBuilder(jp_root_dir / "fresh")
    fresh.write("a.py", "def a():\n    return 1\n")
    fresh.commit("One")
    cases.append(({"q": "login", "repo": "fresh"}, 404, "has not been analysed"))
    for params, status, words in cases:
        code, data = await call(jp_fetch, "search", params=params)
        assert code == status, (params, data)
        assert words in data["message"], (params, data)
    code, data = await call(jp_fetch, "search", "index", method="POST", body={"repo": True})
    assert code == 400
    code, data = await call(jp_fetch, "search", "index", method="POST", body={"repo": "fresh"})
    assert code == 404 and "has not been analysed" in data["message"]


async def test_search_needs_a_login(jp_fetch, shop):
    code, _ = await call(jp_fetch, "search", params={"q": "login"}, user=None)
    assert code == 403
    code, _ = await call(jp_fetch, "search", "index", method="POST", body={}, user=None)
    assert code == 403
