"""Inline completion (`POST /codepark/api/ai/complete`): a language model completes at the cursor
(the local fake OpenAI server here); the offline backend refuses with 409, never completes."""

from __future__ import annotations

import pytest

from jupyter_codepark.ai.backends import load_litellm

from .conftest import ai, ai_error, server_config
from .fake_openai import FakeOpenAI

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Accessing the 'model_(computed_)?fields' attribute:DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore:Items? .* using the `ReadOnly` qualifier:UserWarning"),
]
PREFIX = "import math\n\n\ndef circle_area(radius):\n    return "
SUFFIX = "\n\n\nprint(circle_area(2))\n"


@pytest.fixture(scope="module")
def fake():
    load_litellm()
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def jp_server_config(request, tmp_path, fake, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    fake.requests.clear()
    fake.mode, fake.reply = "ok", "math.pi * radius ** 2"
    if "offline" in request.node.name:
        return server_config(tmp_path)
    return server_config(tmp_path, ai_model="openai/fake-model", ai_api_base=fake.api_base,
                         ai_timeout_s=2.0, ai_complete_rate_per_minute=3)  # fmt: skip


async def test_completion_prompt_carries_prefix_and_suffix(jp_fetch, fake, jp_root_dir):
    (jp_root_dir / "geo.py").write_text(PREFIX + SUFFIX)
    body = {"path": "geo.py", "prefix": PREFIX, "suffix": SUFFIX}
    code, answer, _ = await ai(jp_fetch, "complete", body=body)
    assert code == 200 and answer["text"] == "math.pi * radius ** 2"
    assert answer["task"] == "complete" and answer["model"] == "openai/fake-model"
    (request,) = fake.requests
    prompt = fake.prompts()[0]
    assert PREFIX + "<CURSOR>" + SUFFIX in prompt
    assert "FILE: geo.py" in prompt and "LANGUAGE: python" in prompt
    assert request["model"] == "fake-model"
    _, usage, _ = await ai(jp_fetch, "usage", method="GET")
    assert usage["by_task"]["complete"]["requests"] == 1


async def test_completion_streams_and_drops_an_echoed_suffix(jp_fetch, fake):
    fake.reply = "```python\nmath.pi * radius ** 2\n\n\nprint(circle_area(2))\n```"
    code, events, _ = await ai(
        jp_fetch, "complete", body={"prefix": PREFIX, "suffix": SUFFIX},
        headers={"Accept": "text/event-stream"},
    )  # fmt: skip
    assert code == 200
    deltas = "".join(d["text"] for e, d in events if e == "delta")
    assert deltas == fake.reply  # the raw stream, as the model wrote it
    name, result = events[-1]
    assert name == "result" and result["text"].strip() == "math.pi * radius ** 2"


async def test_completion_is_rate_and_size_limited(jp_fetch, fake):
    body = {"prefix": PREFIX}
    for _ in range(3):
        await ai(jp_fetch, "complete", body=body)
    code, err, headers = await ai_error(jp_fetch, "complete", body=body)
    assert code == 429 and int(headers["Retry-After"]) >= 1
    code, err, _ = await ai_error(jp_fetch, "complete", body={"prefix": "x" * 300 * 1024})
    assert code == 413 and "`prefix`" in err["message"]
    code, err, _ = await ai_error(jp_fetch, "complete", body={"prefix": "  ", "suffix": ""})
    assert code == 400
    assert len(fake.requests) == 3  # refused requests never reach the model


async def test_model_error_is_a_502(jp_fetch, fake):
    fake.mode = "error"
    code, err, _ = await ai_error(jp_fetch, "complete", body={"prefix": PREFIX})
    assert code == 502 and "the fake model exploded" in err["message"]


async def test_offline_backend_refuses_to_complete(jp_fetch, fake):
    code, err, _ = await ai_error(jp_fetch, "complete", body={"prefix": PREFIX})
    assert code == 409 and err["reason"] == "no-model"
    assert "needs a language model" in err["message"]
    assert fake.requests == []
