"""Notebooks over REST (offline): a code cell is reviewed, explained and documented with the
notebook's other code cells as context, and answers come back per cell."""

from __future__ import annotations

import json

import nbformat

from jupyter_codepark.ai.docstring import apply_edit

from .conftest import ai, ai_error

CELLS = [
    ("markdown", "# Loading data\nSome prose."),
    ("code", "%matplotlib inline\nimport os\nimport json\n\nLIMIT = 3"),
    (
        "code",
        "!pip list\ndef load(path, strict=True):\n    with open(path) as fh:\n"
        "        data = json.load(fh)\n    if strict and not data:\n"
        "        raise ValueError(path)\n    return data",
    ),  # fmt: skip
    ("markdown", "More prose."),
    (
        "code",
        "def risky(value, seen=[]):\n    try:\n        return load(value)\n"
        "    except:\n        return LIMIT",
    ),  # fmt: skip
]


def write_notebook(path):
    nb = nbformat.v4.new_notebook()
    for kind, text in CELLS:
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(text))
    nbformat.write(nb, str(path))


async def test_review_of_a_cell_gives_findings_in_that_cell(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "nb.ipynb")
    _, answer, _ = await ai(jp_fetch, "review", body={"path": "nb.ipynb", "cell": 4})
    by_code = {f["code"]: f for f in answer["findings"]}
    # cell-relative lines: `seen=[]` on the cell's line 1, the bare except on its line 4
    assert by_code["B006"]["cell"] == 4 and by_code["B006"]["line"] == 1
    assert by_code["E722"]["cell"] == 4 and by_code["E722"]["line"] == 4
    assert all(f["cell"] == 4 for f in answer["findings"])
    # names from other cells (load, LIMIT) are known: no undefined-name finding
    assert "F821" not in by_code
    assert answer["target"]["cell"] == 4 and answer["target"]["line"] == 1


async def test_review_uses_the_editor_text_of_the_cell(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "nb.ipynb")
    body = {"path": "nb.ipynb", "cell": 1, "source": "%time x = 1\nimport sys\nimport os"}
    _, answer, _ = await ai(jp_fetch, "review", body=body)
    unused = [f for f in answer["findings"] if f["code"] == "F401"]
    # the magic is not a syntax error; `sys` (line 2 of the editor text) and `os` are unused
    assert {(f["cell"], f["line"]) for f in unused} == {(1, 2), (1, 3)}
    # without `source` the saved cell is reviewed: `json` is used by cell 2, `os` by none
    _, saved, _ = await ai(jp_fetch, "review", body={"path": "nb.ipynb", "cell": 1})
    assert [(f["line"]) for f in saved["findings"] if f["code"] == "F401"] == [2]


async def test_docstring_edit_applies_to_the_cell(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "nb.ipynb")
    _, answer, _ = await ai(jp_fetch, "docstring", body={"path": "nb.ipynb", "cell": 2, "line": 3})
    edit = answer["edit"]
    assert edit["cell"] == 2 and edit["line"] == 3 and edit["end_line"] == 2  # an insertion
    cell_text = CELLS[2][1]
    new = apply_edit(cell_text + "\n", edit)
    assert new.splitlines()[1] == "def load(path, strict=True):"
    assert '"""' in new.splitlines()[2]
    for name in ("path", "strict", "ValueError"):
        assert name in answer["docstring"], name


async def test_explain_a_cell_function(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "nb.ipynb")
    _, answer, _ = await ai(jp_fetch, "explain", body={"path": "nb.ipynb", "cell": 2, "line": 2})
    assert answer["facts"]["signature"] == "def load(path, strict=True)"
    assert answer["target"]["cell"] == 2 and answer["target"]["line"] == 2


async def test_bad_cells(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "nb.ipynb")
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "nb.ipynb", "cell": 0})
    assert code == 400 and "not a code cell" in err["message"]
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "nb.ipynb", "cell": 9})
    assert code == 400 and "cell index from 0 to 4" in err["message"]
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "nb.ipynb", "source": "x"})
    assert code == 400 and "`cell`" in err["message"]
    (jp_root_dir / "broken.ipynb").write_text(json.dumps({"nbformat": 4}))
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "broken.ipynb"})
    assert code == 400 and "cells" in err["message"]


async def test_review_of_a_whole_notebook_gives_each_finding_its_cell(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "nb.ipynb")
    _, answer, _ = await ai(jp_fetch, "review", body={"path": "nb.ipynb"})
    where = {(f["code"], f["cell"], f["line"]) for f in answer["findings"]}
    assert ("F401", 1, 2) in where  # `import os` (cell 1, line 2) is unused anywhere
    assert ("B006", 4, 1) in where and ("E722", 4, 4) in where
    for f in answer["findings"]:  # every range lies inside its cell
        cell_lines = CELLS[f["cell"]][1].count("\n") + 1
        assert 1 <= f["line"] <= f["end_line"] <= cell_lines, f
