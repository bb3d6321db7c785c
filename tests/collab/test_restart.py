"""Notes, replies, notifications and activity live in the store: a restarted server has them."""

from __future__ import annotations

import os
from pathlib import Path

from tests.servers import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
ARGS = [
    "--ServerApp.identity_provider_class=tests.collab.identity.TwoUsersIdentityProvider",
    "--ServerApp.allow_unauthenticated_access=False",
    "--ServerApp.disable_check_xsrf=True",
]


def test_notes_and_activity_survive_a_server_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    root = tmp_path / "root"
    root.mkdir()
    (root / "r.py").write_text("a = 1\nb = 2\nc = 3\n")
    store = f"sqlite:///{tmp_path / 'store.sqlite'}"
    first = ServerProcess(tmp_path / "one", root, store, lab=False, extra_args=ARGS).start()
    try:
        note = first.api("codepark/api/notes", "POST", {"path": "r.py", "line": 2, "body": "b?"})
        first.api(f"codepark/api/notes/{note['id']}/replies", "POST", {"body": "@bob see b"})
    finally:
        first.stop()

    second = ServerProcess(tmp_path / "two", root, store, lab=False, extra_args=ARGS).start()
    try:
        notes = second.api("codepark/api/notes?path=r.py")["items"]
        assert [(n["id"], n["line"], n["body"], n["author"]["username"]) for n in notes] == [
            (note["id"], 2, "b?", "alice")
        ]
        assert notes[0]["replies"][0]["body"] == "@bob see b"
        kinds = [a["kind"] for a in second.api("codepark/api/activity?path=r.py")["items"]]
        assert kinds == ["note.replied", "note.added"]
    finally:
        second.stop()
