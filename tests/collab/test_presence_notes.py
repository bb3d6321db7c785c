"""Presence, notes anchored to live documents, mentions and permissions, with two real users on
real collaborative rooms."""

from __future__ import annotations

import asyncio

from .clients import api, events, next_event, open_doc, wait_for

LINES = [f"line {i}" for i in range(1, 11)]
SOURCE = "\n".join(LINES) + "\n"


async def test_presence_lists_both_users_in_their_files_and_lines(
    jp_fetch, jp_http_port, jp_base_url, rtc_create_file
):
    await rtc_create_file("a.py", SOURCE)
    await rtc_create_file("b.py", SOURCE)
    args = (jp_fetch, jp_http_port, jp_base_url)
    async with (
        open_doc(*args, "a.py", "alice") as alice,
        open_doc(*args, "a.py", "bob") as bob_a,
        open_doc(*args, "b.py", "bob") as bob_b,
    ):
        await alice.cursor(3)
        await bob_a.cursor(7)
        await bob_b.cursor(2)

        async def both_placed():
            _, p = await api(jp_fetch, "presence", user="bob")
            rooms = {r["path"]: {u["username"]: u for u in r["users"]} for r in p["rooms"]}
            a, b = rooms.get("a.py", {}), rooms.get("b.py", {})
            ok = a.get("alice", {}).get("lines") == [3] and a.get("bob", {}).get("lines") == [7]
            return (rooms, p) if ok and b.get("bob", {}).get("lines") == [2] else None

        rooms, presence = await wait_for(both_placed)
        assert set(rooms["b.py"]) == {"bob"}
        # identity comes from the server, not from what the client claims in awareness
        assert rooms["a.py"]["alice"]["display_name"] == "Alice Liddell"
        assert rooms["a.py"]["bob"]["color"] == "#2196f3"
        assert rooms["a.py"]["alice"]["active"] is True
        users = {u["username"]: u for u in presence["users"]}
        assert sorted(users["bob"]["paths"]) == ["a.py", "b.py"]

        _, only_b = await api(jp_fetch, "presence", params={"path": "b.py"})
        assert [r["path"] for r in only_b["rooms"]] == ["b.py"]

        # an edit by alice reaches bob's events socket as presence, with its author and lines
        async with events(jp_http_port, jp_base_url, "bob") as bob_events:
            alice.insert_lines(1, ["# new first line"])

            def edited_by_alice(e):
                rooms = {r["path"]: r for r in e["rooms"]}
                last = (rooms.get("a.py") or {}).get("last_edit") or {}
                return last.get("username") == "alice"

            event = await next_event(bob_events, "presence", edited_by_alice)
            a = {u["username"]: u for u in {r["path"]: r for r in event["rooms"]}["a.py"]["users"]}
            assert a["bob"]["lines"] == [8]  # bob's cursor moved down with the inserted line


async def test_a_claimed_identity_of_someone_not_connected_is_ignored(
    jp_fetch, jp_http_port, jp_base_url, rtc_create_file
):
    await rtc_create_file("c.py", SOURCE)
    async with open_doc(jp_fetch, jp_http_port, jp_base_url, "c.py", "bob") as bob:
        await bob.cursor(4, claim={"username": "mallory", "name": "Mallory"})

        async def bob_only():
            _, p = await api(jp_fetch, "presence", params={"path": "c.py"})
            return p["rooms"] and p["rooms"][0]["users"]

        users = await wait_for(bob_only)
        assert [u["username"] for u in users] == ["bob"]
        assert users[0]["lines"] == []  # the cursor claimed to be mallory's is not shown


async def test_note_follows_remote_inserts_and_is_outdated_not_lost_when_deleted(
    jp_fetch, jp_http_port, jp_base_url, rtc_create_file
):
    await rtc_create_file("a.py", SOURCE)
    args = (jp_fetch, jp_http_port, jp_base_url)
    async with open_doc(*args, "a.py", "alice") as alice, open_doc(*args, "a.py", "bob") as bob:
        await alice.cursor(5)
        code, note = await api(
            jp_fetch, "notes", method="POST",
            body={"path": "a.py", "line": 5, "end_line": 6, "body": "Why **two** lines?"},
        )  # fmt: skip
        assert code == 201, note
        assert (note["line"], note["end_line"], note["state"]) == (5, 6, "open")
        assert note["snippet"] == "line 5\nline 6" and note["live"] is True

        bob.insert_lines(2, ["# one", "# two", "# three"])  # k = 3 lines above the note

        async def moved():
            _, notes = await api(jp_fetch, "notes", params={"path": "a.py"}, user="bob")
            n = notes["items"][0]
            return n if (n["line"], n["end_line"]) == (8, 9) else None

        n = await wait_for(moved)
        assert n["snippet"] == "line 5\nline 6" and n["state"] == "open"
        await wait_for(lambda: _same(alice, bob))

        bob.delete_lines(8, 9)

        async def outdated():
            _, notes = await api(jp_fetch, "notes", params={"path": "a.py"})
            return notes["items"] and notes["items"][0]["state"] == "outdated" and notes

        notes = await wait_for(outdated)
        (gone,) = notes["items"]
        assert gone["outdated"] is True and gone["body"] == "Why **two** lines?"
        assert gone["snippet"] == "line 5\nline 6"  # its last text is kept


async def _same(a, b):
    return str(a.text) == str(b.text)


async def test_mention_notifies_only_the_mentioned_user(
    jp_fetch, jp_http_port, jp_base_url, jp_root_dir
):
    (jp_root_dir / "m.py").write_text(SOURCE)
    async with (
        events(jp_http_port, jp_base_url, "alice") as alice_events,
        events(jp_http_port, jp_base_url, "bob") as bob_events,
    ):
        code, note = await api(
            jp_fetch, "notes", method="POST",
            body={"path": "m.py", "line": 2, "body": "@bob can you check `@alice` this? cc @bob"},
        )  # fmt: skip
        assert code == 201 and note["mentions"] == ["bob"]
        pushed = await next_event(bob_events, "notification")
        assert pushed["notification"]["note_id"] == note["id"]
        assert pushed["notification"]["actor"] == "alice"
        with_alice = [e async for e in _drain(alice_events)]
        assert not [e for e in with_alice if e["type"] == "notification"]

    _, bobs = await api(jp_fetch, "notifications", user="bob")
    _, alices = await api(jp_fetch, "notifications", user="alice")
    assert [(n["kind"], n["note_id"]) for n in bobs["items"]] == [("mention", note["id"])]
    assert bobs["unread"] == 1 and alices["total"] == 0

    # a reply tells the note's author; reading clears the unread count
    code, _ = await api(
        jp_fetch, "notes", str(note["id"]), "replies", method="POST", user="bob",
        body={"body": "Looks fine to me"},
    )  # fmt: skip
    assert code == 201
    _, alices = await api(jp_fetch, "notifications", user="alice")
    assert [n["kind"] for n in alices["items"]] == ["reply"]
    code, marked = await api(jp_fetch, "notifications", method="PATCH", user="bob", body={})
    assert code == 200 and marked["updated"] == 1
    _, bobs = await api(jp_fetch, "notifications", user="bob", params={"unread": "true"})
    assert bobs["total"] == 0 and bobs["unread"] == 0


async def _drain(queue):
    await asyncio.sleep(0.3)
    while not queue.empty():
        yield queue.get_nowait()
