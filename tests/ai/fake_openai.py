"""A local OpenAI-compatible server for tests: `POST /v1/chat/completions`, plain JSON and SSE
streaming (`stream: true`, with a usage chunk when `stream_options.include_usage`), speaking the
real wire protocol. It records every request; `mode` makes it fail or hang."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLY = "FAKE-MODEL says: refactor the hotspot first, then add tests."


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.mode = "ok"  # ok | error | slow
        self.reply = REPLY
        self.slow_s = 5.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def prompts(self) -> list[str]:
        return ["\n".join(m["content"] for m in r["messages"]) for r in self.requests]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    self.close_connection = True

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    return self._json(404, {"error": {"message": "not found"}})
                fake.requests.append(body)
                if fake.mode == "error":
                    return self._json(
                        500,
                        {"error": {"message": "the fake model exploded", "type": "server_error",
                                   "code": "boom"}},
                    )  # fmt: skip
                if fake.mode == "slow":
                    time.sleep(fake.slow_s)
                words = [w + " " for w in fake.reply.split(" ")]
                words[-1] = words[-1].rstrip()
                usage = {"prompt_tokens": 123, "completion_tokens": len(words),
                         "total_tokens": 123 + len(words)}  # fmt: skip
                base = {"id": "chatcmpl-fake", "created": int(time.time()),
                        "model": body.get("model", "fake")}  # fmt: skip
                if not body.get("stream"):
                    return self._json(200, {
                        **base, "object": "chat.completion",
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": fake.reply}}],
                        "usage": usage,
                    })  # fmt: skip
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = {**base, "object": "chat.completion.chunk"}
                first = {"index": 0, "delta": {"role": "assistant", "content": ""},
                         "finish_reason": None}  # fmt: skip
                self._event({**chunk, "choices": [first]})
                for w in words:
                    delta = {"index": 0, "delta": {"content": w}, "finish_reason": None}
                    self._event({**chunk, "choices": [delta]})
                self._event({**chunk, "choices": [{"index": 0, "delta": {},
                                                   "finish_reason": "stop"}]})  # fmt: skip
                if (body.get("stream_options") or {}).get("include_usage"):
                    self._event({**chunk, "choices": [], "usage": usage})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _event(self, data: dict) -> None:
                self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()

            def _json(self, status: int, data: dict) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler
