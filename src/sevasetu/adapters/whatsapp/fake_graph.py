"""A stand-in for the Graph API, for development and tests: records what we send, serves
media, and fails on request (throttling, a number outside the window).

It lives in the package, not under tests/, so that a developer can run it beside
``sevasetu serve`` (``sevasetu whatsapp fake-graph``) and watch the bot answer without a
Business account; the tests start it on a free port in a thread.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VERSION = "v21.0"
TOKEN = "fake-graph-token"


@dataclass
class Media:
    content: bytes
    mime_type: str


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeGraph:
    """``FakeGraph().start()``; ``.url`` is the SEVASETU_WHATSAPP_GRAPH_URL to give."""

    token: str = TOKEN
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Recorded] = field(default_factory=list)
    media: dict[str, Media] = field(default_factory=dict)
    # Answers to give to the next sends, in order: (HTTP status, error code).
    failures: list[tuple[int, int]] = field(default_factory=list)
    answered: list[tuple[str, str]] = field(default_factory=list)  # (to, wamid) of each send
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def root(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.root}/{VERSION}"

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The message bodies we were sent, in order."""
        return [
            r.json for r in self.requests if r.method == "POST" and r.path.endswith("/messages")
        ]

    def message_ids(self, to: str) -> list[str]:
        """The message ids given to our messages to ``to``, in order."""
        with self._lock:
            return [wamid for recipient, wamid in self.answered if recipient == to]

    def add_media(self, media_id: str, content: bytes, mime_type: str) -> str:
        self.media[media_id] = Media(content, mime_type)
        return hashlib.sha256(content).hexdigest()

    def fail_next(self, *answers: tuple[int, int]) -> None:
        self.failures.extend(answers)

    def start(self) -> FakeGraph:
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: Any, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") == f"Bearer {graph.token}":
                    return True
                self._answer(401, {"error": {"message": "Invalid OAuth access token",
                                             "type": "OAuthException", "code": 190}})  # fmt: skip
                return False

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with graph._lock:
                    graph.requests.append(Recorded("POST", self.path, dict(self.headers), body))
                    failure = graph.failures.pop(0) if graph.failures else None
                if not self._authorised():
                    return
                if failure is not None:
                    status, code = failure
                    words = f"fake error {code}"
                    error = {"message": words, "code": code, "error_data": {"details": words}}
                    self._answer(status, {"error": error})
                    return
                n = next(graph._ids)
                if self.path.endswith("/media"):
                    self._answer(200, {"id": f"upload.{n}"})
                    return
                to = json.loads(body).get("to", "")
                with graph._lock:
                    graph.answered.append((to, f"wamid.fake{n}"))
                self._answer(200, {"messaging_product": "whatsapp",
                                   "contacts": [{"input": to, "wa_id": to}],
                                   "messages": [{"id": f"wamid.fake{n}"}]})  # fmt: skip

            def do_GET(self) -> None:  # noqa: N802
                with graph._lock:
                    graph.requests.append(Recorded("GET", self.path, dict(self.headers), b""))
                if not self._authorised():
                    return
                parts = self.path.strip("/").split("/")
                if parts[0] == "_media" and parts[-1] in graph.media:
                    m = graph.media[parts[-1]]
                    self._answer(200, m.content, m.mime_type)
                    return
                if len(parts) == 2 and parts[0] == VERSION and parts[1] in graph.media:
                    m = graph.media[parts[1]]
                    self._answer(200, {
                        "messaging_product": "whatsapp", "id": parts[1],
                        "url": f"{graph.root}/_media/{parts[1]}", "mime_type": m.mime_type,
                        "sha256": hashlib.sha256(m.content).hexdigest(),
                        "file_size": len(m.content)})  # fmt: skip
                    return
                self._answer(404, {"error": {"message": "Unsupported get request", "code": 100}})

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
