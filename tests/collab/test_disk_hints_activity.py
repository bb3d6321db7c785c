"""Notes re-anchored on disk, permissions, hints from a real analysed repository, activity,
server activity for idle culling, and refusal of unauthenticated calls."""

from __future__ import annotations

import time

import pytest
from httpx_ws import WebSocketUpgradeError, aconnect_ws

from tests.repo_builder import RepoBuilder

from .clients import api, open_doc, wait_for

BODY = """import os


def helper():
    return 1


def target(x):
    '''The function the note is about.'''
    return x * 2


def tail():
    return 3
"""


async def test_note_reanchors_by_snippet_when_the_file_changes_on_disk(jp_fetch, jp_root_dir):
    f = jp_root_dir / "pkg" / "mod.py"
    f.parent.mkdir()
    f.write_text(BODY)
    code, note = await api(
        jp_fetch, "notes", method="POST", body={"path": "pkg/mod.py", "line": 8, "end_line": 10,
                                                "body": "Rename `target`?"},
    )  # fmt: skip
    assert code == 201 and note["snippet"].startswith("def target(x):") and not note["live"]

    # lines inserted above (a git pull, say) and the body of the function reformatted a little
    moved = BODY.replace("import os\n", "import os\nimport sys\nimport re\n\nX = 1\n")
    moved = moved.replace("return x * 2", "return x*2  # doubled")
    f.write_text(moved)
    _, notes = await api(jp_fetch, "notes", params={"path": "pkg/mod.py"})
    (n,) = notes["items"]
    assert (n["line"], n["end_line"], n["state"]) == (12, 14, "open")
    assert "x*2  # doubled" in n["snippet"]  # the note now quotes the current text

    # the function is removed: the note is outdated, keeps its text, and is still listed
    f.write_text(moved.split("def target")[0] + "def tail():\n    return 3\n")
    _, notes = await api(jp_fetch, "notes", params={"path": "pkg/mod.py"})
    (n,) = notes["items"]
    assert n["state"] == "outdated" and "def target(x):" in n["snippet"]
    _, outdated = await api(jp_fetch, "notes", params={"state": "outdated"})
    assert [x["id"] for x in outdated["items"]] == [note["id"]]


async def test_the_author_is_the_current_user_and_only_they_edit_or_delete(jp_fetch, jp_root_dir):
    (jp_root_dir / "p.py").write_text(BODY)
    code, note = await api(
        jp_fetch, "notes", method="POST", user="alice",
        body={"path": "p.py", "line": 1, "body": "mine", "author": "bob",
              "author_name": "Bob Builder"},
    )  # fmt: skip
    assert code == 201 and note["author"] == {"username": "alice", "display_name": "Alice Liddell"}
    nid = str(note["id"])
    code, err = await api(jp_fetch, "notes", nid, method="PATCH", user="bob", body={"body": "x"})
    assert code == 403 and err["reason"] == "forbidden"
    code, resolved = await api(
        jp_fetch, "notes", nid, method="PATCH", user="bob", body={"state": "resolved"}
    )
    assert code == 200 and resolved["state"] == "resolved" and resolved["resolved_by"] == "bob"
    code, _ = await api(jp_fetch, "notes", nid, method="DELETE", user="bob")
    assert code == 403
    code, reply = await api(
        jp_fetch, "notes", nid, "replies", method="POST", user="bob",
        body={"body": "ok", "author": "alice"},
    )  # fmt: skip
    assert code == 201 and reply["replies"][0]["author"]["username"] == "bob"
    code, _ = await api(jp_fetch, "notes", nid, method="DELETE", user="alice")
    assert code == 204
    code, _ = await api(jp_fetch, "notes", nid)
    assert code == 404
    # bad input is a 400, a path outside the root a 403
    code, _ = await api(jp_fetch, "notes", method="POST", body={"path": "p.py", "line": 99,
                                                                 "body": "x"})  # fmt: skip
    assert code == 400
    code, _ = await api(jp_fetch, "notes", method="POST", body={"path": "../x.py", "line": 1,
                                                                 "body": "x"})  # fmt: skip
    assert code == 403


@pytest.fixture
def coupled_repo(jp_root_dir):
    """calc.py and test_calc.py change together in 6 commits; Alice wrote most of calc.py."""
    b = RepoBuilder(jp_root_dir / "proj")
    alice, carol = ("Alice Liddell", "alice@example.com"), ("Carol Coder", "carol@example.com")
    b.write("README.md", "# proj\n")
    for i in range(6):
        b.write("src/calc.py", "".join(f"def f{j}():\n    return {j}\n" for j in range(i + 2)))
        b.write(
            "tests/test_calc.py", "".join(f"def test_f{j}():\n    pass\n" for j in range(i + 1))
        )
        b.commit(
            f"calc step {i}", alice if i != 3 else carol, f"2024-01-{i + 1:02d}T10:00:00+00:00"
        )
    b.write("README.md", "# proj\n\nMore.\n")
    b.commit("docs", carol, "2024-02-01T10:00:00+00:00")
    return b


async def test_hints_name_the_coupled_file_from_the_analysis(
    jp_fetch, jp_http_port, jp_base_url, coupled_repo
):
    code, hints = await api(jp_fetch, "hints", params={"path": "proj/src/calc.py"})
    assert code == 200 and hints["repository"] is None and hints["coupled"] == []  # no analysis

    code, job = await api(jp_fetch, "analyses", method="POST", body={"path": "proj"})
    assert code == 202

    async def done():
        _, j = await api(jp_fetch, "analyses", job["id"])
        return j["state"] in ("done", "failed") and j

    assert (await wait_for(done, timeout_s=60))["state"] == "done"

    async def analysed():
        _, h = await api(jp_fetch, "hints", params={"path": "proj/src/calc.py"})
        return h["repository"] and h

    hints = await wait_for(analysed)
    (coupled,) = hints["coupled"]
    assert coupled["path"] == "proj/tests/test_calc.py" and coupled["shared"] == 6
    assert coupled["degree"] == 100.0
    assert coupled["message"] == "tests/test_calc.py changed with this file in 6 of 6 commits"
    assert hints["file"]["main_author"] == "Alice Liddell"
    assert hints["file"]["main_author_online"] is False

    args = (jp_fetch, jp_http_port, jp_base_url)
    async with (
        open_doc(*args, "proj/src/calc.py", "alice"),
        open_doc(*args, "proj/tests/test_calc.py", "bob") as bob,
    ):
        _, hints = await api(jp_fetch, "hints", params={"path": "proj/src/calc.py"}, user="bob")
        assert hints["file"]["main_author_online"] is True
        assert hints["file"]["main_author_username"] == "alice"
        assert [c["path"] for c in hints["coupled"]] == ["proj/tests/test_calc.py"]

        bob.insert_lines(1, ["# touched"])  # the coupled file is now touched in this session

        async def touched():
            _, h = await api(jp_fetch, "hints", params={"path": "proj/src/calc.py"})
            return h["touched"] == ["proj/tests/test_calc.py"] and h

        assert (await wait_for(touched))["coupled"] == []

    _, finished = await api(jp_fetch, "activity", params={"kind": "analysis.finished"})
    assert [a["data"]["analysis_id"] for a in finished["items"]] == [job["id"]]
    assert finished["items"][0]["path"] == "proj"


async def test_activity_records_who_did_what_where_never_content(
    jp_fetch, jp_http_port, jp_base_url, rtc_create_file, jp_serverapp
):
    await rtc_create_file("act.py", "a\nb\nc\nd\n")
    settings = jp_serverapp.web_app.settings
    before = time.time()
    async with open_doc(jp_fetch, jp_http_port, jp_base_url, "act.py", "bob") as bob:
        await bob.cursor(2)

        async def present():
            _, p = await api(jp_fetch, "presence", params={"path": "act.py"})
            return p["rooms"] and p["rooms"][0]["users"]

        await wait_for(present)
        bob.insert_lines(3, ["SECRET = 'typed content'"])

        async def edited():
            _, a = await api(jp_fetch, "activity", params={"path": "act.py", "user": "bob"})
            kinds = {x["kind"]: x for x in a["items"]}
            return "file.edited" in kinds and "file.saved" in kinds and kinds

        kinds = await wait_for(edited)
    assert "file.opened" in kinds
    edit = kinds["file.edited"]
    assert (edit["line"], edit["end_line"]) == (3, 3) and edit["user"] == "bob"
    assert "SECRET" not in str(kinds) and "typed" not in str(kinds)
    # collaboration counts as server activity (JupyterHub's idle culler reads last_activity)
    touched = settings["codepark_collab_last_activity"]
    assert touched.timestamp() >= before - 1
    assert jp_serverapp.web_app.last_activity() >= touched

    _, none = await api(jp_fetch, "activity", params={"since": str(time.time() + 60)})
    assert none["total"] == 0
    _, page = await api(jp_fetch, "activity", params={"limit": "1"})
    assert len(page["items"]) == 1 and page["total"] >= 3


async def test_unauthenticated_http_and_websocket_calls_are_refused(
    jp_fetch, jp_http_port, jp_base_url, rtc_create_file
):
    await rtc_create_file("u.py", "x\n")
    for parts in (("presence",), ("notes",), ("activity",), ("notifications",), ("hints",)):
        code, _ = await api(jp_fetch, *parts, user="nobody")
        assert code == 403, parts
    code, _ = await api(jp_fetch, "notes", method="POST", user="nobody",
                        body={"path": "u.py", "line": 1, "body": "x"})  # fmt: skip
    assert code == 403
    _, session = await api_session(jp_fetch, "u.py")
    base = f"http://127.0.0.1:{jp_http_port}{jp_base_url}"
    room = f"{base}api/collaboration/room/text:file:{session['fileId']}"
    for url in (f"{base}codepark/api/events", room):
        with pytest.raises(WebSocketUpgradeError) as err:
            async with aconnect_ws(url):
                pass
        assert err.value.response.status_code in (302, 403), url  # refused, never upgraded


async def api_session(jp_fetch, path):
    import json

    r = await jp_fetch("api/collaboration/session", path, method="PUT",
                       body=json.dumps({"format": "text", "type": "file"}))  # fmt: skip
    return r.code, json.loads(r.body)
