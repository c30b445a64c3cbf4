"""Composition root: the one place that reads settings and chooses adapters."""

from __future__ import annotations

import hashlib
import hmac
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from .adapters.db.engine import make_engine
from .adapters.db.uow import SqlUnitOfWork
from .adapters.notifier import ChannelNotifier, ConsoleWhatsApp
from .adapters.passwords import Argon2Passwords
from .adapters.sms.console import ConsoleSms
from .adapters.tenant.freeze import install as install_freeze
from .adapters.whatsapp.client import CloudApiClient
from .adapters.whatsapp.console import ConsoleGateway
from .config import Settings
from .domain.areas import AreaTree
from .domain.identifiers import IdentifierKind
from .services.auth import PrincipalCache
from .services.ports import Notifier, PasswordHasher, SmsSender, WhatsAppGateway
from .services.whatsapp import WhatsAppNotifier


class AppContext:
    """What the use cases are given (``services.ports.Context``), built once per process."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        sms: SmsSender | None = None,
        notifier: Notifier | None = None,
        passwords: PasswordHasher | None = None,
        whatsapp: WhatsAppGateway | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url, pool_size=settings.db_pool_size)
        self.sms = sms or ConsoleSms()
        # WhatsApp: the Cloud API when configured (or a gateway given, as tests do), else the
        # console; notifications over WhatsApp then go as texts or templates through it.
        self.whatsapp: WhatsAppGateway = whatsapp or _whatsapp_gateway(settings)
        whatsapp_channel = (
            WhatsAppNotifier(self)
            if whatsapp is not None or settings.whatsapp_configured
            else ConsoleWhatsApp()
        )
        self.notifier = notifier or ChannelNotifier({"sms": self.sms, "whatsapp": whatsapp_channel})
        self.passwords = passwords or Argon2Passwords()
        self.zone = ZoneInfo(settings.time_zone)
        self._clock = clock or (lambda: datetime.now(UTC))
        # Maintenance mode: a frozen state's writes are refused (docs/data-residency.md).
        install_freeze(self.engine, self.now)
        self._identifier_key = settings.identifier_key.encode()
        self._secret_key = settings.secret_key.encode()
        self.principals = PrincipalCache()
        self._areas: AreaTree | None = None
        self._areas_lock = threading.Lock()

    def uow(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=write)

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        """The calendar day where the deployment serves (IST, BST): birthdays turn there."""
        return self.now().astimezone(self.zone).date()

    def new_id(self) -> str:
        return str(uuid.uuid4())

    def identifier_hash(self, kind: IdentifierKind, value: str) -> str:
        return hmac.new(
            self._identifier_key, f"{kind.value}:{value}".encode(), hashlib.sha256
        ).hexdigest()

    def secret_hash(self, purpose: str, value: str) -> str:
        return hmac.new(self._secret_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def area_tree(self) -> AreaTree:
        tree = self._areas
        if tree is None:
            tree = self.refresh_areas()
        return tree

    def refresh_areas(self) -> AreaTree:
        with self._areas_lock:
            with self.uow() as uow:
                self._areas = AreaTree.build(uow.areas.rows())
            return self._areas

    def close(self) -> None:
        close = getattr(self.whatsapp, "close", None)
        if close is not None:
            close()
        self.engine.dispose()


def _whatsapp_gateway(settings: Settings) -> WhatsAppGateway:
    if not settings.whatsapp_configured:
        return ConsoleGateway()
    return CloudApiClient(
        settings.whatsapp_graph_url,
        settings.whatsapp_phone_number_id,
        settings.whatsapp_access_token,
        rate_per_second=settings.whatsapp_rate_per_second,
        user_interval=settings.whatsapp_user_interval_seconds,
    )


def bootstrap(settings: Settings | None = None, **overrides: object) -> AppContext:
    return AppContext(settings or Settings(), **overrides)  # type: ignore[arg-type]
