"""What the use cases need from the outside world, as interfaces.

The composition root (``sevasetu.bootstrap``) supplies real adapters; unit tests supply fakes.
"""

from __future__ import annotations

from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol

from ..domain.areas import AreaTree
from ..domain.identifiers import IdentifierKind


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class Notifier(Protocol):
    """Sends a text to a phone over a channel ("sms", "whatsapp"); raises on failure, with
    ``permanent=True`` on the exception when retrying cannot help (a wrong number)."""

    def send(self, channel: str, recipient: str, text: str) -> None: ...


class WhatsAppGateway(Protocol):
    """The WhatsApp Cloud API (``adapters.whatsapp.client``), or the console in development.
    Errors carry ``permanent=True`` when retrying cannot help."""

    def send_body(self, to: str, body: dict[str, Any]) -> str: ...
    def upload_media(self, content: bytes, mime_type: str, filename: str) -> str: ...
    def download_media(self, media_id: str, max_bytes: int) -> tuple[bytes, str]: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...


class UnitOfWork(Protocol):
    areas: Any
    people: Any
    households: Any
    users: Any
    accounts: Any
    tokens: Any
    otps: Any
    audit: Any
    idempotency: Any
    vaccinations: Any
    sessions: Any
    notifications: Any
    pregnancies: Any
    aefi: Any
    due_lists: Any
    lots: Any
    stock: Any
    signing_keys: Any
    revocations: Any
    whatsapp: Any
    proofs: Any
    legacy_staging: Any
    linkage: Any
    reconciliation: Any
    attestations: Any
    schemes: Any
    person_attributes: Any
    service_records: Any
    benefit_findings: Any
    priority: Any
    marriage: Any
    statistics: Any
    surveys: Any
    eligibility_cards: Any
    hospital_events: Any

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def defer_durability(self) -> None: ...


class Context(Protocol):
    """Everything a use case may touch: built once per process by the composition root."""

    settings: Any
    sms: SmsSender
    notifier: Notifier
    whatsapp: WhatsAppGateway
    principals: Any  # services.auth.PrincipalCache
    passwords: PasswordHasher

    def uow(self, *, write: bool = False) -> UnitOfWork: ...
    def now(self) -> datetime: ...
    def today(self) -> date: ...
    def new_id(self) -> str: ...
    def identifier_hash(self, kind: IdentifierKind, value: str) -> str: ...
    def secret_hash(self, purpose: str, value: str) -> str: ...
    def area_tree(self) -> AreaTree: ...
    def refresh_areas(self) -> AreaTree: ...
