"""Run output shared with collaborators: `POST /codepark/api/activity/runs` writes a `run.shared`
activity row as the current user (never a field of the request), with a bounded excerpt of the
output and never the code; everyone's events socket gets it live."""

from __future__ import annotations

import asyncio
import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_codepark.collab.runs import EXCERPT_CHARS, EXCERPT_LINES, MAX_INPUT_CHARS

from .clients import api, events, next_event

CODE_MARKER = "SECRET_SOURCE_LINE = 42"


@pytest.fixture
def script(jp_root_dir):
    f = jp_root_dir / "pkg" / "job.py"
    f.parent.mkdir()
    f.write_text(f"{CODE_MARKER}\nprint('hello')\n")
    return "pkg/job.py"


async def test_a_shared_run_is_activity_of_the_current_user_and_pushed_live(
    jp_fetch, jp_http_port, jp_base_url, script
):
    async with events(jp_http_port, jp_base_url, "bob") as bob_events:
        code, row = await api(
            jp_fetch, "activity", "runs", method="POST", user="alice",
            body={
                "path": script, "line": 2, "user": "bob", "author": "bob",
                "code": CODE_MARKER,
                "result": {
                    "status": "error", "stdout": "hello\n", "stderr": "warning: x\n",
                    "outputs": [{"type": "execute_result",
                                 "data": {"text/plain": "3", "image/png": "iVBOR"}}],
                    "error": {"ename": "ValueError", "evalue": "bad",
                              "traceback": [f"----> 1 {CODE_MARKER}"]},
                    "duration_s": 0.25,
                },
            },
        )  # fmt: skip
        assert code == 201, row
        assert (row["kind"], row["user"], row["path"], row["line"], row["end_line"]) == (
            "run.shared", "alice", script, 2, 2,
        )  # fmt: skip
        data = row["data"]
        assert data["status"] == "error" and data["error"] == "ValueError: bad"
        assert data["excerpt"].split("\n") == ["hello", "warning: x", "3", "ValueError: bad"]
        assert data["outputs"] == ["image/png"] and data["duration_s"] == 0.25
        assert CODE_MARKER not in json.dumps(row)  # neither the code nor the traceback

        pushed = await next_event(
            bob_events, "activity", lambda e: e["activity"]["kind"] == "run.shared"
        )
        assert pushed["activity"]["id"] == row["id"]
        assert pushed["activity"]["user"] == "alice"

    _, page = await api(jp_fetch, "activity", params={"path": script, "kind": "run.shared"})
    assert [(a["id"], a["user"]) for a in page["items"]] == [(row["id"], "alice")]


async def test_notebook_cell_outputs_are_accepted(jp_fetch, jp_root_dir):
    nb = jp_root_dir / "n.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    code, row = await api(
        jp_fetch, "activity", "runs", method="POST", user="bob",
        body={"path": "n.ipynb", "cell_id": "c-1", "result": {"status": "ok", "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
            {"output_type": "execute_result", "data": {"text/plain": ["[1, ", "2]"]},
             "metadata": {}, "execution_count": 1},
        ]}},
    )  # fmt: skip
    assert code == 201, row
    assert row["user"] == "bob" and row["line"] is None
    assert row["data"]["cell_id"] == "c-1"
    assert row["data"]["excerpt"] == "a\nb\n[1, 2]"
    assert row["data"]["truncated"] is False


async def test_long_output_is_cut_to_a_bounded_excerpt(jp_fetch, script):
    many = "".join(f"line {i}\n" for i in range(500))
    _, row = await api(
        jp_fetch, "activity", "runs", method="POST",
        body={"path": script, "result": {"status": "ok", "stdout": many}},
    )  # fmt: skip
    excerpt = row["data"]["excerpt"].split("\n")
    assert len(excerpt) == EXCERPT_LINES and excerpt[0] == "line 0"
    assert row["data"]["truncated"] is True

    wide = "x" * (EXCERPT_CHARS * 3)
    _, row = await api(
        jp_fetch, "activity", "runs", method="POST",
        body={"path": script, "result": {"status": "ok", "stdout": wide}},
    )  # fmt: skip
    assert len(row["data"]["excerpt"]) == EXCERPT_CHARS and row["data"]["truncated"] is True

    code, err = await api(
        jp_fetch, "activity", "runs", method="POST",
        body={"path": script, "result": {"status": "ok", "stdout": "y" * (MAX_INPUT_CHARS + 1)}},
    )  # fmt: skip
    assert code == 413 and err["reason"] == "input-too-large"

    # a huge request (an image's bytes, say) is refused before it is parsed
    image = {"type": "display_data", "data": {"image/png": "A" * (5 * 2**20)}}
    code, err = await api(
        jp_fetch, "activity", "runs", method="POST",
        body={"path": script, "result": {"status": "ok", "outputs": [image]}},
    )  # fmt: skip
    assert code == 413 and "MiB" in err["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"result": {"status": "ok"}}, 400),  # no path
        ({"path": "pkg/job.py"}, 400),  # no result
        ({"path": "pkg/job.py", "result": {"status": "fine"}}, 400),
        ({"path": "pkg/job.py", "result": {"status": "ok", "stdout": 3}}, 400),
        ({"path": "pkg/job.py", "result": {"status": "ok", "outputs": "x"}}, 400),
        ({"path": "pkg/job.py", "line": 0, "result": {"status": "ok"}}, 400),
        ({"path": "pkg/job.py", "line": 3, "end_line": 2, "result": {"status": "ok"}}, 400),
        ({"path": "pkg/job.py", "cell_id": 5, "result": {"status": "ok"}}, 400),
        ({"path": "pkg/nope.py", "result": {"status": "ok"}}, 404),
        ({"path": "pkg", "result": {"status": "ok"}}, 404),
        ({"path": "../outside.py", "result": {"status": "ok"}}, 403),
    ],
)
async def test_bad_requests_are_clear_errors(jp_fetch, script, body, code):
    got, err = await api(jp_fetch, "activity", "runs", method="POST", body=body)
    assert got == code, err
    assert err["message"]
    _, page = await api(jp_fetch, "activity", params={"kind": "run.shared"})
    assert page["total"] == 0


async def test_unauthenticated_sharing_is_refused(jp_fetch, script):
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(
            "codepark", "api", "activity", "runs", method="POST",
            body=json.dumps({"path": script, "result": {"status": "ok"}}),
            headers={"Authorization": "token nobody-token"},
        )  # fmt: skip
    assert e.value.code == 403
    await asyncio.sleep(0)
    _, page = await api(jp_fetch, "activity", params={"kind": "run.shared"})
    assert page["total"] == 0
