"""The offline backend over REST: review, docstring, explain, insights, chat; cache, limits,
usage. No model, no network."""

from __future__ import annotations

import ast

import pytest

from jupyter_codepark.ai.docstring import apply_edit
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.store import Store

from .conftest import ai, ai_error, server_config
from .identity import as_user
from .repos import PLANTED, build_project, line_of


@pytest.fixture
def project(jp_root_dir, tmp_path):
    b = build_project(jp_root_dir / "proj")
    store = Store(f"sqlite:///{tmp_path / 'codepark.sqlite'}")
    analyze_repository(store, b.path, AnalysisOptions(), as_of=1706745600)
    store.close()
    return b


async def test_review_finds_each_planted_problem_with_its_line_range(jp_fetch, jp_root_dir):
    (jp_root_dir / "planted.py").write_text(PLANTED)
    code, answer, _ = await ai(jp_fetch, "review", body={"path": "planted.py"})
    assert code == 200 and answer["backend"] == "offline" and answer["cached"] is False
    assert "no language model" in answer["generated_by"] or "no model" in answer["generated_by"]
    assert "no language model was used" in answer["text"]
    got = {(f["code"], f["line"], f["end_line"]) for f in answer["findings"]}
    t = PLANTED
    tangled = line_of(t, "def tangled")
    nested = line_of(t, "if c and d:")
    expected = {
        ("F401", 1, 1),  # import os, unused
        ("B006", line_of(t, "seen=[]"), line_of(t, "seen=[]")),
        ("E722", line_of(t, "except:"), line_of(t, "except:")),
        ("S307", line_of(t, "eval("), line_of(t, "eval(")),
        ("CP-params", line_of(t, "def many"), line_of(t, "def many")),
        ("CP-complexity", tangled, len(t.splitlines())),
        ("CP-nesting", nested, nested + 1),
    }
    assert expected <= got, expected - got
    by_code = {f["code"]: f for f in answer["findings"]}
    assert by_code["F401"]["evidence"] == {
        "source": "rule",
        "detail": "ruff F401",
        "value": by_code["F401"]["evidence"]["value"],
    }
    assert by_code["CP-complexity"]["evidence"]["source"] == "metric"
    assert by_code["CP-complexity"]["evidence"]["value"] == 13
    assert all(f["suggestion"] for f in answer["findings"])

    # a line range keeps only the findings there; the editor's unsaved text is reviewed
    _, part, _ = await ai(jp_fetch, "review", body={"path": "planted.py", "line": 5, "end_line": 9})
    assert {f["code"] for f in part["findings"]} == {"B006", "E722", "S307"}
    edited = PLANTED.replace("import os\n", "")
    _, unsaved, _ = await ai(jp_fetch, "review", body={"path": "planted.py", "source": edited})
    assert "F401" not in {f["code"] for f in unsaved["findings"]}
    _, fn, _ = await ai(jp_fetch, "review", body={"path": "planted.py", "function": "many"})
    assert {f["code"] for f in fn["findings"]} == {"CP-params"}


async def test_review_of_a_diff_keeps_findings_on_added_lines(jp_fetch, jp_root_dir):
    (jp_root_dir / "planted.py").write_text(PLANTED)
    n = line_of(PLANTED, "except:")
    diff = (f"--- a/planted.py\n+++ b/planted.py\n@@ -{n},1 +{n},1 @@\n-    except Exception:\n"
            "+    except:\n")  # fmt: skip
    _, answer, _ = await ai(jp_fetch, "review", body={"diff": diff})
    assert [(f["code"], f["path"], f["line"]) for f in answer["findings"]] == [
        ("E722", "planted.py", n)
    ]


@pytest.mark.parametrize("style", ["numpy", "google"])
async def test_docstring_parses_and_names_every_parameter(jp_fetch, jp_root_dir, style):
    src = (
        "class Shop:\n"
        "    def price_of(self, item: str, qty: int = 1, *extra, discount=0.0, **opts) -> float:\n"
        "        if qty < 0:\n"
        "            raise ValueError('negative quantity')\n"
        "        total = qty * 2.5 - discount\n"
        "        return total\n"
    )
    (jp_root_dir / "shop.py").write_text(src)
    body = {"path": "shop.py", "function": "Shop.price_of", "style": style}
    _, answer, _ = await ai(jp_fetch, "docstring", body=body)
    edit = answer["edit"]
    assert edit["path"] == "shop.py" and edit["line"] == 3 and edit["end_line"] == 2
    new = apply_edit(src, edit)
    tree = ast.parse(new)
    method = tree.body[0].body[0]
    doc = ast.get_docstring(method)
    assert doc == answer["docstring"]
    for name in ("item", "qty", "*extra", "discount", "**opts", "ValueError"):
        assert name in doc, name
    assert "self" not in doc
    assert ("Parameters\n----------" in doc) == (style == "numpy")
    assert ("Args:" in doc) == (style == "google")
    assert "Returns" in doc and "float" in doc
    # applying it again replaces the docstring rather than adding a second one
    (jp_root_dir / "shop.py").write_text(new)
    _, again, _ = await ai(jp_fetch, "docstring", body={"path": "shop.py", "line": 8})
    assert again["edit"]["replaces_docstring"] is True
    assert ast.get_docstring(ast.parse(apply_edit(new, again["edit"])).body[0].body[0])


async def test_insights_name_the_hotspot_the_single_owner_file_and_the_bug_magnet(
    jp_fetch, project
):
    _, answer, _ = await ai(jp_fetch, "insights", body={"repo": "proj"})
    assert answer["hotspots"][0]["path"] == "core/engine.py"
    assert [k["path"] for k in answer["knowledge_islands"]] == ["util/solo.py"]
    assert answer["knowledge_islands"][0]["owner"] == "Carol Coder"
    assert answer["bug_magnets"][0] == {"path": "app/buggy.py", "bugfixes": 4,
                                        "revisions": 5, "share": 0.8}  # fmt: skip
    assert answer["growing_complexity"][0]["path"] == "core/engine.py"
    text = answer["text"]
    for name in ("core/engine.py", "util/solo.py", "app/buggy.py", "Carol Coder"):
        assert name in text
    assert answer["look_first"][0]["path"] == "core/engine.py"
    assert answer["analysed_head"] == project.head()


async def test_review_and_explain_carry_history(jp_fetch, project):
    _, review, _ = await ai(jp_fetch, "review", body={"path": "proj/util/solo.py"})
    owner = [f for f in review["findings"] if f["code"] == "CP-single-owner"]
    assert owner and owner[0]["evidence"]["source"] == "history"
    assert "Carol Coder" in owner[0]["message"]
    _, buggy, _ = await ai(jp_fetch, "review", body={"path": "proj/app/buggy.py"})
    assert "CP-bug-magnet" in {f["code"] for f in buggy["findings"]}
    _, hot, _ = await ai(jp_fetch, "review", body={"path": "proj/core/engine.py"})
    assert "CP-hotspot" in {f["code"] for f in hot["findings"]}

    (project.path / "app" / "use.py").write_text("from app.buggy import parse\n\nparse('1')\n")
    project.commit("Use parse", ("Ann Author", "ann@example.com"), "2024-01-21T10:00:00+00:00")
    _, ex, _ = await ai(
        jp_fetch, "explain", body={"path": "proj/app/buggy.py", "function": "parse"}
    )
    f = ex["facts"]
    assert f["signature"] == "def parse(x)" and f["complexity"] == 1
    assert {u["path"] for u in f["used_in"]} == {"app/use.py"}
    assert f["history"]["changes"] == 5 and f["history"]["scope"] == "lines"
    assert f["history"]["last_change"]["subject"] == "Fix bug 3 in parse"
    assert [c["path"] for c in f["changes_with"]][:1] == ["docs/notes.md"]


async def test_chat_looks_things_up(jp_fetch, project):
    _, who, _ = await ai(jp_fetch, "chat", body={"question": "Who knows the engine best?"})
    assert who["answer_facts"]["lookup"] == "who_knows"
    assert "core/engine.py" in who["text"]
    _, recent, _ = await ai(jp_fetch, "chat", body={"question": "What changed most last month?",
                                                  "repo": "proj"})  # fmt: skip
    assert recent["answer_facts"]["files"][0]["path"] == "core/engine.py"


async def test_repeated_request_is_a_cache_hit_and_changed_content_misses(jp_fetch, jp_root_dir):
    (jp_root_dir / "planted.py").write_text(PLANTED)
    _, first, _ = await ai(jp_fetch, "review", body={"path": "planted.py"})
    _, second, _ = await ai(jp_fetch, "review", body={"path": "planted.py"})
    assert first["cached"] is False and second["cached"] is True
    assert second["findings"] == first["findings"]
    (jp_root_dir / "planted.py").write_text(PLANTED + "\nx = 1\n")
    _, third, _ = await ai(jp_fetch, "review", body={"path": "planted.py"})
    assert third["cached"] is False


async def test_streaming_offline(jp_fetch, jp_root_dir):
    (jp_root_dir / "planted.py").write_text(PLANTED)
    code, events, headers = await ai(
        jp_fetch, "review", body={"path": "planted.py"}, headers={"Accept": "text/event-stream"}
    )
    assert code == 200 and headers["Content-Type"].startswith("text/event-stream")
    names = [e for e, _ in events]
    assert names[-1] == "result" and set(names[:-1]) == {"delta"}
    assert "".join(d["text"] for e, d in events if e == "delta") == events[-1][1]["text"]


async def test_bad_input(jp_fetch, jp_root_dir):
    (jp_root_dir / "planted.py").write_text(PLANTED)
    code, err, _ = await ai_error(jp_fetch, "review", body={})
    assert code == 400 and "path" in err["message"]
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "../etc/passwd"})
    assert code == 403
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "nope.py"})
    assert code == 404
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "planted.py", "line": "x"})
    assert code == 400
    code, err, _ = await ai_error(
        jp_fetch, "review", body={"path": "planted.py", "source": "x" * 300_000}
    )
    assert code == 413 and err["reason"] == "input-too-large"
    code, err, _ = await ai_error(jp_fetch, "docstring", body={"path": "planted.py",
                                                               "function": "nope"})  # fmt: skip
    assert code == 404
    code, err, _ = await ai_error(jp_fetch, "insights", body={"repo": "."})
    assert code == 400  # the root is not a git repository


class TestLimits:
    @pytest.fixture
    def jp_server_config(self, tmp_path):
        return server_config(tmp_path, ai_rate_per_minute=2)

    async def test_rate_limit_answers_429_with_retry_after_per_user(self, jp_fetch, jp_root_dir):
        (jp_root_dir / "planted.py").write_text(PLANTED)
        body = {"path": "planted.py"}
        for _ in range(2):
            await ai(jp_fetch, "review", body=body, headers=as_user("alice"))
        code, err, headers = await ai_error(jp_fetch, "review", body=body,
                                            headers=as_user("alice"))  # fmt: skip
        assert code == 429 and err["reason"] == "rate-limited"
        assert int(headers["Retry-After"]) >= 1
        # bob has his own budget, and other tasks have theirs
        await ai(jp_fetch, "review", body=body, headers=as_user("bob"))
        await ai(jp_fetch, "docstring", body={**body, "function": "many"},
                 headers=as_user("alice"))  # fmt: skip

    async def test_usage_counts_per_user(self, jp_fetch, jp_root_dir):
        (jp_root_dir / "planted.py").write_text(PLANTED)
        body = {"path": "planted.py"}
        await ai(jp_fetch, "review", body=body, headers=as_user("alice"))
        await ai(jp_fetch, "review", body=body, headers=as_user("alice"))  # a cache hit
        await ai(jp_fetch, "explain", body={**body, "function": "many"}, headers=as_user("bob"))
        _, alice, _ = await ai(jp_fetch, "usage", method="GET", headers=as_user("alice"))
        _, bob, _ = await ai(jp_fetch, "usage", method="GET", headers=as_user("bob"))
        assert alice["user"] == "alice" and bob["user"] == "bob"
        assert alice["total"]["requests"] == 2 and alice["total"]["cache_hits"] == 1
        assert list(alice["by_task"]) == ["review"]
        assert bob["total"]["requests"] == 1 and list(bob["by_task"]) == ["explain"]
        assert alice["total"]["tokens"] == 0 and alice["total"]["cost_usd"] == 0
