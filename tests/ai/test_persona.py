"""The `CodePark` persona in jupyter-ai's chat: a real server with jupyterlab-chat, jupyter-ai's
router and persona manager on jupyter-collaboration's rooms; a real collaboration WebSocket
client posts a message to the persona in a `.chat` room and reads the reply from the room's
document. Offline backend, then the litellm backend against the local fake OpenAI server."""

from __future__ import annotations

import json
import time
import uuid
from contextlib import asynccontextmanager

import pytest
from httpx_ws import aconnect_ws
from pycrdt import Array, Doc, Map, Provider
from pycrdt.websocket.websocket import HttpxWebsocket

from jupyter_codepark.ai.backends import load_litellm
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository
from jupyter_codepark.store import Store
from tests.collab.clients import join_room, wait_for

from .conftest import ai, server_config
from .fake_openai import REPLY, FakeOpenAI
from .identity import as_user
from .repos import build_project

PERSONA = "jupyter-ai-personas::jupyter_codepark::CodeParkPersona"
EXTENSIONS = {
    "jupyter_codepark": True,
    "jupyter_server_ydoc": True,
    "jupyter_server_fileid": True,
    "jupyterlab_chat": True,
    "jupyter_ai_router": True,
    "jupyter_ai_persona_manager": True,
}


def chat_server_config(tmp_path, jp_root_dir, **codepark):
    config = server_config(tmp_path, ai_rate_per_minute=1000, **codepark)
    config["ServerApp"]["jpserver_extensions"] = EXTENSIONS
    config["ServerApp"]["disable_check_xsrf"] = True  # token logins; XSRF is for cookies
    config["SQLiteYStore"] = {"db_path": str(tmp_path / "ystore.db")}
    config["BaseFileIdManager"] = {
        "root_dir": str(jp_root_dir),
        "db_path": str(tmp_path / "fileid.db"),
        "db_journal_mode": "OFF",
    }
    config["YDocExtension"] = {"document_save_delay": 0.3, "document_cleanup_delay": 60}
    return config


@pytest.fixture
def jp_server_config(tmp_path, jp_root_dir):
    return chat_server_config(tmp_path, jp_root_dir)


@pytest.fixture
def project(jp_root_dir, tmp_path):
    b = build_project(jp_root_dir / "proj")
    store = Store(f"sqlite:///{tmp_path / 'codepark.sqlite'}")
    analyze_repository(store, b.path, AnalysisOptions(), as_of=1706745600)
    store.close()
    return b


class ChatClient:
    """A chat room as JupyterLab's chat panel sees it: users, messages and metadata maps."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.users = doc.get("users", type=Map)
        self.messages = doc.get("messages", type=Array)
        self.metadata = doc.get("metadata", type=Map)
        self.state = doc.get("state", type=Map)

    def post(self, user: str, body: str, to_persona: str | None, attach: str | None = None) -> str:
        """Send a message as the chat panel does (the persona picker stamps `to_persona`;
        `attach`: a file path relative to the server's root)."""
        mid = str(uuid.uuid4())
        with self.doc.transaction():
            attachments = self.doc.get("attachments", type=Map)
            if user not in self.users:
                self.users[user] = {"username": user, "name": user, "display_name": user}
            message = {
                "type": "msg",
                "body": body,
                "id": mid,
                "time": time.time(),
                "sender": user,
                "raw_time": True,
                "mentions": [],
            }
            if to_persona:
                message["metadata"] = {"to_persona": to_persona}
            if attach:
                attachments["att-1"] = {"value": attach, "type": "file"}
                message["attachments"] = ["att-1"]
            self.messages.append(Map(message))
        return mid

    def from_(self, sender: str) -> list[dict]:
        return [m for m in self.messages.to_py() if m.get("sender") == sender]


@asynccontextmanager
async def open_chat(jp_fetch, jp_http_port, jp_base_url, path: str, user: str = "alice"):
    """Join the collaborative room of chat file `path`; wait until jupyter-ai's persona manager
    has joined the room and the server has saved the chat once (a chat ignores new messages
    while its document is dirty)."""
    room, url = await join_room(
        jp_fetch, jp_http_port, jp_base_url, path, "text", "chat", as_user(user)
    )
    doc = Doc()
    async with aconnect_ws(url, headers=as_user(user)) as ws:
        async with Provider(doc, HttpxWebsocket(ws, room)):
            chat = ChatClient(doc)

            async def ready():
                return PERSONA in chat.users and chat.state.get("dirty") is False

            await wait_for(ready, timeout_s=20)
            yield chat


async def reply_of(chat: ChatClient, ends_with: str, timeout_s: float = 30) -> str:
    async def finished():
        bodies = [m["body"] for m in chat.from_(PERSONA)]
        return bodies and bodies[-1].rstrip().endswith(ends_with) and bodies[-1]

    return await wait_for(finished, timeout_s=timeout_s)


QUESTION = "Who knows the engine best?"


async def test_persona_answers_in_a_chat_room_from_the_analysis(
    jp_fetch, jp_http_port, jp_base_url, jp_root_dir, project
):
    (jp_root_dir / "proj" / "team.chat").write_text("")
    async with open_chat(jp_fetch, jp_http_port, jp_base_url, "proj/team.chat") as chat:
        user = chat.users[PERSONA]
        assert user["name"] == "CodePark" and user["bot"] is True
        # a message for nobody in particular gets no answer from CodePark
        chat.post("alice", "Morning all, coffee?", to_persona=None)
        chat.post("alice", f"@CodePark {QUESTION}", to_persona=PERSONA)
        text = await reply_of(chat, "no language model was used._")
        assert len(chat.from_(PERSONA)) == 1
    # grounded in the analysis: the same answer as the REST `chat` task over that repository
    _, answer, _ = await ai(jp_fetch, "chat", body={"question": QUESTION, "repo": "proj"},
                            headers=as_user("alice"))  # fmt: skip
    assert answer["answer_facts"]["lookup"] == "who_knows"
    assert "`core/engine.py`" in text and answer["text"] == text
    top = answer["answer_facts"]["authors"][0]["author"]
    assert f"**{top}** knows it best" in text
    # the persona's request counts in CodePark's usage, for the user who asked; the REST call
    # after it was a cache hit
    r = await jp_fetch("codepark", "api", "ai", "usage", headers=as_user("alice"))
    chat_usage = json.loads(r.body)["by_task"]["chat"]
    assert chat_usage["requests"] == 2 and chat_usage["cache_hits"] == 1
    assert answer["cached"] is True


async def test_persona_says_clearly_when_nothing_is_analysed(
    jp_fetch, jp_http_port, jp_base_url, jp_root_dir
):
    (jp_root_dir / "lonely.chat").write_text("")
    async with open_chat(jp_fetch, jp_http_port, jp_base_url, "lonely.chat") as chat:
        chat.post("alice", "@CodePark what changed most last month?", to_persona=PERSONA)
        text = await reply_of(chat, "first.")
    assert text.startswith("**CodePark could not answer:** No repository has been analysed yet")


@pytest.fixture(scope="module")
def fake():
    load_litellm()  # seconds, once: not inside a test's server
    server = FakeOpenAI().start()
    yield server
    server.stop()


# litellm's streaming code reads pydantic attributes deprecated in pydantic 2.11 (as test_llm.py)
@pytest.mark.filterwarnings(
    "ignore:Accessing the 'model_(computed_)?fields' attribute:DeprecationWarning"
)
@pytest.mark.filterwarnings("ignore:Items? .* using the `ReadOnly` qualifier:UserWarning")
class TestWithAModel:
    @pytest.fixture
    def jp_server_config(self, tmp_path, jp_root_dir, fake, monkeypatch):
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        fake.requests.clear()
        return chat_server_config(
            tmp_path, jp_root_dir, ai_model="openai/fake-model", ai_api_base=fake.api_base
        )

    async def test_streamed_model_answer_and_usage(
        self, jp_fetch, jp_http_port, jp_base_url, jp_root_dir, jp_serverapp, fake, project
    ):
        (jp_root_dir / "proj" / "team.chat").write_text("")
        async with open_chat(jp_fetch, jp_http_port, jp_base_url, "proj/team.chat") as chat:
            chat.post("alice", f"@CodePark {QUESTION}", to_persona=PERSONA,
                      attach="proj/app/buggy.py")  # fmt: skip
            text = await reply_of(chat, REPLY.rsplit(" ", 1)[-1])
            assert text.strip() == REPLY
            (request,) = fake.requests
            assert request["stream"] is True
            prompt = "\n".join(m["content"] for m in request["messages"])
            assert "core/engine.py" in prompt  # the facts looked up for the question
            assert "return int(x) + 3" in prompt  # the attached file's code
            managers = jp_serverapp.web_app.settings["jupyter-ai"]["persona-managers"]
            (manager,) = managers.values()
            persona = manager.personas[PERSONA]

            async def reported():  # after the answer is stored, just after its last chunk
                return persona.get_usage().input_tokens

            await wait_for(reported)
            usage = persona.get_usage()
            assert usage.input_tokens == 123 and usage.output_tokens == len(REPLY.split(" "))
