"""The litellm backend end to end against a local fake OpenAI-compatible server (plain JSON and
SSE streaming): grounded prompts, streaming to a REST client, model errors and timeouts, cache."""

from __future__ import annotations

import pytest

from jupyter_codepark.ai.backends import load_litellm
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.store import Store

from .conftest import ai, ai_error, server_config
from .fake_openai import REPLY, FakeOpenAI
from .repos import PLANTED, build_project

TIMEOUT_S = 1.5
# litellm's streaming code reads pydantic attributes deprecated in pydantic 2.11 on every chunk
# and imports modules lazily on a first call, one of which pydantic warns about
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Accessing the 'model_(computed_)?fields' attribute:DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore:Items? .* using the `ReadOnly` qualifier:UserWarning"),
]


@pytest.fixture(scope="module")
def fake():
    load_litellm()  # seconds, once: not inside a test's server
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def jp_server_config(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    fake.requests.clear()
    fake.mode = "ok"
    return server_config(tmp_path, ai_model="openai/fake-model", ai_api_base=fake.api_base,
                         ai_timeout_s=TIMEOUT_S, ai_rate_per_minute=1000)  # fmt: skip


@pytest.fixture
def project(jp_root_dir, tmp_path):
    b = build_project(jp_root_dir / "proj")
    store = Store(f"sqlite:///{tmp_path / 'codepark.sqlite'}")
    analyze_repository(store, b.path, AnalysisOptions(), as_of=1706745600)
    store.close()
    return b


async def test_prompt_carries_grounded_facts_and_the_answer_comes_back(jp_fetch, fake, project):
    (project.path / "planted.py").write_text(PLANTED)
    _, answer, _ = await ai(jp_fetch, "review", body={"path": "proj/core/engine.py"})
    assert answer["backend"] == "litellm" and answer["model"] == "openai/fake-model"
    assert answer["text"] == REPLY
    assert "Language model openai/fake-model" in answer["generated_by"]
    assert "CP-hotspot" in {f["code"] for f in answer["findings"]}  # rules still decide findings
    assert answer["usage"]["prompt_tokens"] == 123
    (request,) = fake.requests
    assert request["model"] == "fake-model" and request["stream"] is True
    prompt = fake.prompts()[0]
    for fact in ("core/engine.py", "CP-hotspot", '"revisions": 9', "hotspot_score",
                 "Ann Author", "def step_7(state, event):"):  # fmt: skip
        assert fact in prompt, fact

    _, insights, _ = await ai(jp_fetch, "insights", body={"repo": "proj"})
    prompt = fake.prompts()[1]
    for fact in ("util/solo.py", "Carol Coder", "app/buggy.py", '"bugfixes": 4'):
        assert fact in prompt, fact
    assert insights["text"] == REPLY and insights["bug_magnets"][0]["path"] == "app/buggy.py"


async def test_streamed_text_reaches_the_client(jp_fetch, fake, project):
    code, events, headers = await ai(
        jp_fetch, "explain", body={"path": "proj/app/buggy.py", "function": "parse"},
        headers={"Accept": "text/event-stream"},
    )  # fmt: skip
    assert code == 200 and headers["Content-Type"].startswith("text/event-stream")
    deltas = [d["text"] for e, d in events if e == "delta"]
    assert len(deltas) == len(REPLY.split(" ")) and "".join(deltas) == REPLY
    assert events[-1][0] == "result" and events[-1][1]["text"] == REPLY
    assert events[-1][1]["facts"]["signature"] == "def parse(x)"


async def test_repeated_request_is_a_cache_hit_and_changed_content_misses(
    jp_fetch, fake, jp_root_dir
):
    (jp_root_dir / "planted.py").write_text(PLANTED)
    body = {"path": "planted.py", "function": "risky"}
    _, first, _ = await ai(jp_fetch, "docstring", body=body)
    _, second, _ = await ai(jp_fetch, "docstring", body=body)
    assert len(fake.requests) == 1  # the fake server was not called again
    assert second["cached"] is True and second["text"] == first["text"]
    # the model's text named no parameter: the offline docstring is kept, and the record says so
    assert "value" in second["docstring"] and "model_docstring_rejected" in second
    (jp_root_dir / "planted.py").write_text(PLANTED.replace("value", "text"))
    _, third, _ = await ai(jp_fetch, "docstring", body=body)
    assert third["cached"] is False and len(fake.requests) == 2
    _, usage, _ = await ai(jp_fetch, "usage", method="GET")
    assert usage["total"]["requests"] == 3 and usage["total"]["cache_hits"] == 1
    assert usage["total"]["prompt_tokens"] == 246


async def test_model_error_is_a_clear_502(jp_fetch, fake, jp_root_dir):
    (jp_root_dir / "planted.py").write_text(PLANTED)
    fake.mode = "error"
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "planted.py"})
    assert code == 502 and err["reason"] == "model-error"
    assert "openai/fake-model" in err["message"] and "the fake model exploded" in err["message"]
    assert len(fake.requests) == 1  # no silent retries
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "planted.py"},
                                  headers={"Accept": "text/event-stream"})  # fmt: skip
    assert code == 502  # before the first byte: an ordinary error response


async def test_model_timeout_is_a_clear_504(jp_fetch, fake, jp_root_dir):
    (jp_root_dir / "planted.py").write_text(PLANTED)
    fake.mode, fake.slow_s = "slow", TIMEOUT_S + 2
    code, err, _ = await ai_error(jp_fetch, "review", body={"path": "planted.py"})
    assert code == 504 and err["reason"] == "model-timeout"
    assert f"did not answer within {TIMEOUT_S:g} s" in err["message"]
