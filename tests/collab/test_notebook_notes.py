"""Notes on notebook cells: anchored in the cell's own text (lines of the cell), following another
client's edits of that cell in the live notebook, re-anchored by snippet in the file on disk."""

from __future__ import annotations

from contextlib import asynccontextmanager

import nbformat
from httpx_ws import aconnect_ws
from pycrdt import Array, Doc, Map, Provider
from pycrdt.websocket.websocket import HttpxWebsocket

from .clients import api, auth, join_room, wait_for

CELL_A = "import math\n\n\ndef area(r):\n    return math.pi * r ** 2"
CELL_B = "x = 1\ny = 2"


def write_notebook(path) -> None:
    nb = nbformat.v4.new_notebook()
    a = nbformat.v4.new_code_cell(CELL_A)
    a.id = "cell-a"
    b = nbformat.v4.new_code_cell(CELL_B)
    b.id = "cell-b"
    nb.cells = [a, b]
    path.write_text(nbformat.writes(nb))


@asynccontextmanager
async def open_notebook(jp_fetch, jp_http_port, jp_base_url, path: str, user: str):
    """Join the collaborative room of notebook `path` as `user`; yields the cells array."""
    room, url = await join_room(
        jp_fetch, jp_http_port, jp_base_url, path, "json", "notebook", auth(user)
    )
    doc = Doc()
    cells = doc.get("cells", type=Array)
    async with aconnect_ws(url, headers=auth(user)) as ws, Provider(doc, HttpxWebsocket(ws, room)):

        async def synced():
            return len(cells) == 2

        await wait_for(synced)
        yield cells


def source_of(cells: Array, cell_id: str):
    for cell in cells:
        if isinstance(cell, Map) and cell.get("id") == cell_id:
            return cell["source"]
    raise KeyError(cell_id)


async def test_a_cell_note_follows_edits_of_its_cell_in_the_live_notebook(
    jp_fetch, jp_http_port, jp_base_url, jp_root_dir
):
    write_notebook(jp_root_dir / "nb.ipynb")
    async with open_notebook(jp_fetch, jp_http_port, jp_base_url, "nb.ipynb", "bob") as cells:
        code, note = await api(
            jp_fetch, "notes", method="POST", user="alice",
            body={"path": "nb.ipynb", "cell_id": "cell-a", "line": 4, "end_line": 5,
                  "body": "Use `r * r`?"},
        )  # fmt: skip
        assert code == 201, note
        assert note["cell_id"] == "cell-a" and note["live"] is True
        assert note["snippet"] == "def area(r):\n    return math.pi * r ** 2"

        # bob inserts two lines at the top of that cell; another cell's edits change nothing
        source_of(cells, "cell-b").insert(0, "z = 0\n")
        source_of(cells, "cell-a").insert(0, "# geometry\n# helpers\n")

        async def moved():
            _, notes = await api(jp_fetch, "notes", params={"path": "nb.ipynb"})
            (n,) = notes["items"]
            return n if (n["line"], n["end_line"]) == (6, 7) else None

        n = await wait_for(moved)
        assert n["state"] == "open" and n["snippet"].startswith("def area(r):")

        # the anchored lines are deleted in the cell: outdated, kept
        text = source_of(cells, "cell-a")
        start = str(text).index("def area")
        del text[start : len(str(text))]

        async def outdated():
            _, notes = await api(jp_fetch, "notes", params={"path": "nb.ipynb"})
            return notes["items"][0]["state"] == "outdated" and notes["items"][0]

        gone = await wait_for(outdated)
        assert "def area(r):" in gone["snippet"]


async def test_cell_notes_on_disk_bad_cells_and_notebooks_without_a_cell(jp_fetch, jp_root_dir):
    nb_path = jp_root_dir / "disk.ipynb"
    write_notebook(nb_path)
    code, note = await api(
        jp_fetch, "notes", method="POST", user="bob",
        body={"path": "disk.ipynb", "cell_id": "cell-b", "line": 2, "body": "y?"},
    )  # fmt: skip
    assert code == 201 and note["snippet"] == "y = 2" and note["live"] is False
    _, page = await api(jp_fetch, "activity", params={"path": "disk.ipynb", "kind": "note.added"})
    assert [a["data"] for a in page["items"]] == [{"note_id": note["id"], "cell_id": "cell-b"}]

    # lines inserted above in that cell, on disk (no room open): re-anchored by the snippet
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[1].source = "# setup\n# more\n" + CELL_B
    nbformat.write(nb, nb_path)
    _, notes = await api(jp_fetch, "notes", params={"path": "disk.ipynb"})
    assert [(n["cell_id"], n["line"], n["state"]) for n in notes["items"]] == [
        ("cell-b", 4, "open")
    ]

    code, err = await api(
        jp_fetch, "notes", method="POST",
        body={"path": "disk.ipynb", "cell_id": "no-such", "line": 1, "body": "?"},
    )  # fmt: skip
    assert code == 404 and err["reason"] == "no-such-cell"
    code, err = await api(
        jp_fetch, "notes", method="POST", body={"path": "disk.ipynb", "line": 1, "body": "?"}
    )
    assert code == 400 and "cell_id" in err["message"]
    code, err = await api(
        jp_fetch, "notes", method="POST",
        body={"path": "disk.ipynb", "cell_id": "cell-b", "line": 9, "body": "?"},
    )  # fmt: skip
    assert code == 400  # beyond the cell's lines
