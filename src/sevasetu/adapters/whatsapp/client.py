"""The WhatsApp Business Cloud API over httpx: send messages, upload and download media.

Paced to the number's rate (80 messages/s by default) and to about one message per 6 s to
the same user; throttling errors (130429, 131056) and server errors are retried with backoff;
anything else the API refuses is a permanent failure (``WhatsAppError.permanent``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from ...domain.chat_messages import OutboundMessage, graph_body

THROTTLED = frozenset({130429, 131056, 80007, 4})  # rate limits: wait and try again
TRANSIENT = frozenset({1, 2, 131000, 131016})  # "unknown", "service unavailable"


class WhatsAppError(Exception):
    def __init__(self, message: str, *, code: int | None = None, http_status: int | None = None,
                 permanent: bool = False, retry: bool = False) -> None:  # fmt: skip
        super().__init__(f"{message} (code {code})" if code is not None else message)
        self.code = code
        self.http_status = http_status
        self.permanent = permanent
        self.retry = retry


class MediaTooLarge(WhatsAppError):
    pass


def _error(response: httpx.Response) -> WhatsAppError:
    try:
        err = response.json().get("error", {})
    except ValueError:
        err = {}
    code = err.get("code")
    details = (err.get("error_data") or {}).get("details") or err.get("message") or response.text
    retry = response.status_code >= 500 or code in THROTTLED or code in TRANSIENT
    return WhatsAppError(
        f"WhatsApp refused ({response.status_code}): {details}"[:280],
        code=code, http_status=response.status_code, permanent=not retry, retry=retry,
    )  # fmt: skip


class Pacer:
    """Spaces sends: 1/rate apart overall, ``per_user`` seconds apart to one user."""

    def __init__(self, rate: float, per_user: float, sleep: Callable[[float], None],
                 monotonic: Callable[[], float]) -> None:  # fmt: skip
        self.gap, self.per_user = 1.0 / rate, per_user
        self.sleep, self.monotonic = sleep, monotonic
        self.last = float("-inf")
        self.last_to: dict[str, float] = {}
        self.lock = threading.Lock()

    def wait(self, to: str) -> None:
        with self.lock:
            now = self.monotonic()
            at = max(now, self.last + self.gap, self.last_to.get(to, float("-inf")) + self.per_user)
            if at > now:
                self.sleep(at - now)
            self.last = self.last_to[to] = at
            if len(self.last_to) > 100_000:  # forget users not written to lately
                horizon = at - self.per_user
                self.last_to = {k: v for k, v in self.last_to.items() if v > horizon}


class CloudApiClient:
    def __init__(
        self,
        graph_url: str,
        phone_number_id: str,
        access_token: str,
        *,
        rate_per_second: float = 80.0,
        user_interval: float = 6.0,
        max_tries: int = 5,
        backoff: float = 0.5,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base = graph_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self.http = http or httpx.Client(
            timeout=httpx.Timeout(15.0, connect=5.0),
            headers={"Authorization": f"Bearer {access_token}"},
        )
        self.max_tries, self.backoff, self.sleep = max_tries, backoff, sleep
        self.pacer = Pacer(rate_per_second, user_interval, sleep, monotonic)

    def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request, retried with backoff while the API says to wait or fails on its side."""
        for attempt in range(1, self.max_tries + 1):
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                error = WhatsAppError(f"WhatsApp unreachable: {exc}", retry=True)
            else:
                if response.is_success:
                    return response
                error = _error(response)
            if not error.retry or attempt == self.max_tries:
                raise error
            self.sleep(min(self.backoff * 2 ** (attempt - 1), 30.0))
        raise AssertionError("unreachable")

    def send(self, to: str, message: OutboundMessage) -> str:
        """Send one message; returns WhatsApp's message id (wamid...)."""
        _, body = graph_body(message)
        return self.send_body(to, body)

    def send_body(self, to: str, body: dict[str, Any]) -> str:
        to = to.lstrip("+")
        self.pacer.wait(to)
        response = self._call("POST", f"{self.base}/{self.phone_number_id}/messages",
                              json={**body, "to": to})  # fmt: skip
        return str(response.json()["messages"][0]["id"])

    def upload_media(self, content: bytes, mime_type: str, filename: str) -> str:
        """Upload a file (a certificate PDF) to send by id; returns the media id."""
        response = self._call(
            "POST", f"{self.base}/{self.phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, content, mime_type)},
        )  # fmt: skip
        return str(response.json()["id"])

    def download_media(self, media_id: str, max_bytes: int) -> tuple[bytes, str]:
        """The bytes and MIME type of a media id from a webhook: its URL lives minutes."""
        meta = self._call("GET", f"{self.base}/{media_id}").json()
        declared = int(meta.get("file_size") or 0)
        if declared > max_bytes:
            raise MediaTooLarge(f"media {media_id} has {declared} bytes", permanent=True)
        chunks, size = [], 0
        with self.http.stream("GET", meta["url"]) as response:
            if not response.is_success:
                response.read()
                raise _error(response)
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise MediaTooLarge(f"media {media_id} is over {max_bytes} bytes",
                                        permanent=True)  # fmt: skip
                chunks.append(chunk)
        return b"".join(chunks), str(meta.get("mime_type", "application/octet-stream"))

    def close(self) -> None:
        self.http.close()
