"""WhatsApp in development: what would be sent is printed, media cannot be fetched."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

log = logging.getLogger("sevasetu.whatsapp")


class ConsoleGateway:
    def send_body(self, to: str, body: dict[str, Any]) -> str:
        print(f"[whatsapp] to {to}: {json.dumps(body, ensure_ascii=False)}", flush=True)
        return f"console.{uuid.uuid4().hex}"

    def upload_media(self, content: bytes, mime_type: str, filename: str) -> str:
        return f"console.{uuid.uuid4().hex}"

    def download_media(self, media_id: str, max_bytes: int) -> tuple[bytes, str]:
        raise LookupError("WhatsApp is not configured: media cannot be downloaded")
