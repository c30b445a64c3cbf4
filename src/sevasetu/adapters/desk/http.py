"""How a desk talks to sevasetu over HTTPS (httpx): the public keys and revocation lists, and
batches of events to ``POST /api/v1/hospital-events``."""

from __future__ import annotations

from typing import Any

import httpx

from ...domain.desk import Answer, DeskError, Unavailable

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class HttpDeployment:
    def __init__(self, url: str, token: str | None = None, client: httpx.Client | None = None):
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or httpx.Client(timeout=TIMEOUT, headers=headers)
        if client is not None:
            self.client.headers.update(headers)

    def close(self) -> None:
        self.client.close()

    def _get(self, path: str) -> Any:
        try:
            response = self.client.get(self.url + path)
        except httpx.HTTPError as exc:
            raise DeskError(f"{self.url} cannot be reached: {exc}") from None
        if response.status_code != 200:
            raise DeskError(f"{path} answered {response.status_code}: {_detail(response)}")
        return response.json()

    def offline_keys(self) -> dict[str, Any]:
        """The JWKS and every published key's revocation list."""
        jwks = self._get("/.well-known/jwks.json")
        crls = [self._get(f"/.well-known/crl/{k['kid']}.json") for k in jwks.get("keys", [])]
        return {"jwks": jwks, "crls": crls}

    def send(self, bodies: list[dict[str, Any]]) -> list[Answer] | Unavailable:
        """The deployment's answer for each event, in order; or why it cannot take them now."""
        try:
            response = self.client.post(
                self.url + "/api/v1/hospital-events", json={"events": bodies}
            )
        except httpx.HTTPError as exc:
            return Unavailable(f"{self.url} cannot be reached: {exc}", retry_after=60)
        if response.status_code == 503:
            seconds = response.headers.get("retry-after", "60")
            return Unavailable(
                _detail(response), retry_after=int(seconds) if seconds.isdigit() else 60
            )
        if response.status_code != 200:
            raise DeskError(
                f"the deployment refused the batch ({response.status_code}): {_detail(response)}"
            )
        return [
            Answer(
                str(i.get("idempotency_key")),
                str(i["status"]),
                (i.get("problem") or {}).get("detail"),
            )
            for i in response.json()["items"]
        ]


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail") or response.text[:200])
    except ValueError:
        return response.text[:200]
