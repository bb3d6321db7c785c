"""Analysis jobs and results over REST and the events WebSocket, on a real Jupyter server."""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.store import Store
from tests.analysis.sample_repo import build
from tests.repo_builder import RepoBuilder

from . import openapi

FINAL = {"done", "failed", "cancelled", "interrupted"}


async def api(jp_fetch, *parts, method="GET", body=None, **kw):
    """Call the API; every answer is checked against openapi.yaml."""
    kwargs = {"method": method, **kw}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    url = "/" + "/".join(["codepark", "api", *parts])
    try:
        response = await jp_fetch("codepark", "api", *parts, **kwargs)
    except HTTPClientError as e:
        openapi.check(url, method, e.code, json.loads(e.response.body))
        raise
    data = json.loads(response.body)
    openapi.check(url, method, response.code, data)
    return response.code, data, response.headers


async def error_of(jp_fetch, *parts, method="GET", body=None, **kw):
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, *parts, method=method, body=body, **kw)
    return err.value.code, json.loads(err.value.response.body)


async def wait_done(jp_fetch, job_id, timeout_s=120):
    for _ in range(int(timeout_s / 0.05)):
        _, job, _ = await api(jp_fetch, "analyses", job_id)
        if job["state"] in FINAL:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {job}")


@pytest.fixture
def sample(jp_root_dir):
    return build(jp_root_dir / "sample")


async def test_analysis_runs_to_done_and_results_match_the_engine(
    jp_fetch, jp_base_url, sample, tmp_path
):
    repo, shas = sample
    code, job, headers = await api(jp_fetch, "analyses", method="POST", body={"path": "sample"})
    assert code == 202
    assert headers["Location"] == f"{jp_base_url}codepark/api/analyses/{job['id']}"
    assert job["path"] == "sample" and job["head"] == shas["c8"]
    assert job["state"] in ("queued", "running")
    done = await wait_done(jp_fetch, job["id"])
    assert done["state"] == "done", done["error"]
    assert done["error"] is None and done["repo_id"] is not None

    _, repos, _ = await api(jp_fetch, "repos")
    (listed,) = repos["items"]
    assert listed["path"] == "sample" and listed["head"] == shas["c8"]
    rid = str(listed["id"])
    _, summary, _ = await api(jp_fetch, "repos", rid, "summary")
    assert summary["summary"]["commits"] == 9
    assert summary["repository"]["path"] == "sample"  # never the absolute path

    engine = analyze_repository(
        Store(f"sqlite:///{tmp_path / 'engine.sqlite'}"), repo.path, AnalysisOptions()
    )
    _, files, _ = await api(jp_fetch, "repos", rid, "files", params={"limit": "1000"})
    assert files["total"] == len(engine.files)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "age_days"} for r in rows]  # noqa: E731
    assert strip(files["items"]) == strip(engine.files)
    _, authors, _ = await api(jp_fetch, "repos", rid, "authors")
    assert authors["items"] == engine.authors


async def test_results_are_paged_sorted_filtered(jp_fetch, sample):
    _, job, _ = await api(jp_fetch, "analyses", method="POST", body={"path": "sample"})
    rid = str((await wait_done(jp_fetch, job["id"]))["repo_id"])
    _, page1, _ = await api(
        jp_fetch, "repos", rid, "files", params={"sort": "revisions", "order": "desc", "limit": "2"}
    )
    assert page1["total"] == 7 and len(page1["items"]) == 2
    assert [f["path"] for f in page1["items"]] == ["app/core.py", "lib/util.py"]
    _, page2, _ = await api(
        jp_fetch, "repos", rid, "files",
        params={"sort": "revisions", "order": "desc", "limit": "2", "offset": "2"},
    )  # fmt: skip
    assert page2["offset"] == 2 and page2["items"][0]["path"] not in ("app/core.py", "lib/util.py")
    _, lib, _ = await api(jp_fetch, "repos", rid, "files", params={"folder": "lib"})
    assert [f["path"] for f in lib["items"]] == ["lib/util.py"]
    _, py, _ = await api(jp_fetch, "repos", rid, "files", params={"glob": "*.py"})
    assert {f["path"] for f in py["items"]} == {
        "app/core.py", "lib/util.py", "broken.py", "latin1.py"
    }  # fmt: skip
    _, hot, _ = await api(jp_fetch, "repos", rid, "hotspots")
    assert hot["items"][0]["path"] == "app/core.py"
    _, functions, _ = await api(jp_fetch, "repos", rid, "files", "app/core.py", "functions")
    assert {f["name"] for f in functions["items"]} == {"add", "classify", "total", "parse"}
    _, trend, _ = await api(jp_fetch, "repos", rid, "files", "lib/util.py", "trend")
    assert [t["loc"] for t in trend["items"]] == [2, 6, 9, 10]
    _, timeline, _ = await api(jp_fetch, "repos", rid, "timeline", params={"by": "author"})
    assert {t["key"] for t in timeline["items"]} == {"Ann Author", "Bob Builder", "Carol Coder"}
    code, err = await error_of(jp_fetch, "repos", rid, "files", params={"sort": "nonsense"})
    assert code == 400 and "Cannot sort by" in err["message"]
    code, err = await error_of(jp_fetch, "repos", rid, "files", "nope.py", "functions")
    assert code == 404
    code, err = await error_of(jp_fetch, "repos", "999", "files")
    assert code == 404 and err["reason"] == "not-found"


async def test_coupling_of_one_file(jp_fetch, sample):
    body = {"path": "sample", "options": {"coupling": {"min_revisions": 1, "min_shared": 1,
                                                       "min_degree": 0}}}  # fmt: skip
    _, job, _ = await api(jp_fetch, "analyses", method="POST", body=body)
    rid = str((await wait_done(jp_fetch, job["id"]))["repo_id"])
    _, coupled, _ = await api(jp_fetch, "repos", rid, "coupling", params={"file": "app/core.py"})
    best = coupled["items"][0]
    assert best["file"] == "lib/util.py" and best["shared"] == 3


async def test_same_repository_and_head_is_not_analysed_twice(jp_fetch, sample):
    first = api(jp_fetch, "analyses", method="POST", body={"path": "sample"})
    second = api(jp_fetch, "analyses", method="POST", body={"path": "sample/app"})
    (c1, j1, _), (c2, j2, _) = await asyncio.gather(first, second)
    assert j1["id"] == j2["id"]
    assert sorted([c1, c2]) == [200, 202]
    await wait_done(jp_fetch, j1["id"])
    c3, j3, _ = await api(jp_fetch, "analyses", method="POST", body={"path": "sample"})
    assert (c3, j3["id"], j3["state"]) == (200, j1["id"], "done")
    _, listing, _ = await api(jp_fetch, "analyses")
    assert listing["total"] == 1


async def test_bad_paths_and_repositories_are_refused(jp_fetch, jp_root_dir, sample, tmp_path):
    async def post(body):
        return await error_of(jp_fetch, "analyses", method="POST", body=body)

    outside = tmp_path / "outside"
    RepoBuilder(outside).write("x.py", "x = 1\n")
    os.symlink(outside, jp_root_dir / "link-out")
    for path in ("../outside", "/etc", str(outside), "link-out", "sample/../../outside"):
        code, err = await post({"path": path})
        assert (code, err["reason"]) == (403, "outside-root"), path
    (jp_root_dir / "plain").mkdir()
    code, err = await post({"path": "plain"})
    assert (code, err["reason"]) == (400, "not-a-git-repository")
    RepoBuilder(jp_root_dir / "empty")
    code, err = await post({"path": "empty"})
    assert (code, err["reason"]) == (400, "empty-repository")
    code, err = await post({"path": "sample", "rev": "no-such-branch"})
    assert (code, err["reason"]) == (400, "unknown-revision")
    assert "no-such-branch" in err["message"]
    code, err = await post({"path": "missing"})
    assert code == 400 and "does not exist" in err["message"]
    code, err = await post({"path": "sample", "options": {"bogus": 1}})
    assert code == 400 and "Unknown option" in err["message"]
    with pytest.raises(HTTPClientError) as bad:
        await jp_fetch("codepark", "api", "analyses", method="POST", body=b"{not json")
    assert bad.value.code == 400
    code, err = await error_of(jp_fetch, "analyses", "00000000-0000-0000-0000-000000000000")
    assert code == 404


async def test_events_websocket_streams_progress_until_done(jp_fetch, jp_ws_fetch, sample):
    ws = await jp_ws_fetch("codepark", "api", "events")
    hello = json.loads(await ws.read_message())
    assert hello["type"] == "hello"
    _, job, _ = await api(jp_fetch, "analyses", method="POST", body={"path": "sample"})
    states = []
    while True:
        event = json.loads(await asyncio.wait_for(ws.read_message(), 60))
        if event["type"] != "analysis" or event["analysis"]["id"] != job["id"]:
            continue
        states.append(event["analysis"]["state"])
        if event["analysis"]["state"] in FINAL:
            break
    ws.close()
    assert states[0] in ("queued", "running") and states[-1] == "done"


async def test_events_websocket_refuses_unauthenticated_clients(jp_ws_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_ws_fetch("codepark", "api", "events", headers={"Authorization": ""})
    assert err.value.code == 403


async def test_unchanged_results_are_not_sent_again(jp_fetch, sample):
    _, job, _ = await api(jp_fetch, "analyses", method="POST", body={"path": "sample"})
    rid = str((await wait_done(jp_fetch, job["id"]))["repo_id"])
    first = await jp_fetch("codepark", "api", "repos", rid, "files")
    etag = first.headers["Etag"]
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("codepark", "api", "repos", rid, "files", headers={"If-None-Match": etag})
    assert err.value.code == 304
    other = await jp_fetch("codepark", "api", "repos", rid, "files", params={"limit": "1"})
    assert other.headers["Etag"] != etag
